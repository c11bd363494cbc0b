"""Argon2 passwords, JWT access tokens, time-ordered ids, system clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.memory.passwords import MemoryPasswordHasher
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.tokens import JwtTokenService
from adapters.system.clock import SystemClock
from adapters.system.ids import (
    EPOCH,
    MAX_NODE,
    NODE_BITS,
    SEQUENCE_BITS,
    TICK_NS,
    TimeOrderedIds,
    decompose,
)
from paeshift_core.domain.errors import Unauthenticated
from paeshift_core.domain.users import Role
from paeshift_core.ports.ids import MAX_ID
from paeshift_core.ports.security import PasswordHasher

SECRET = "s" * 32
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


# -- password hashers (same contract) -------------------------------------------------------
@pytest.mark.parametrize("hasher", [Argon2PasswordHasher.cheap(), MemoryPasswordHasher()])
async def test_password_hasher_contract(hasher: PasswordHasher) -> None:
    first = await hasher.hash("correct horse")
    second = await hasher.hash("correct horse")
    assert first != second  # salted
    assert "correct horse" not in first
    assert await hasher.verify(first, "correct horse")
    assert not await hasher.verify(first, "correct horsE")
    assert not await hasher.verify("not a hash", "correct horse")
    assert not await hasher.verify("", "correct horse")


async def test_argon2_uses_argon2id() -> None:
    assert (await Argon2PasswordHasher.cheap().hash("pw")).startswith("$argon2id$")


async def test_argon2_rejects_a_memory_hash_and_vice_versa() -> None:
    argon, memory = Argon2PasswordHasher.cheap(), MemoryPasswordHasher()
    assert not await argon.verify(await memory.hash("pw"), "pw")
    assert not await memory.verify(await argon.hash("pw"), "pw")


# -- JWT access tokens ----------------------------------------------------------------------
def test_access_token_round_trip() -> None:
    service = JwtTokenService(SECRET)
    token, expires_at = service.issue_access(42, Role.APPLICANT, NOW)
    assert expires_at == NOW + timedelta(minutes=15)
    claims = service.verify_access(token, NOW + timedelta(minutes=14, seconds=59))
    assert (claims.user_id, claims.role, claims.expires_at) == (42, Role.APPLICANT, expires_at)


def test_a_verified_token_is_checked_once_and_its_expiry_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    service = JwtTokenService(SECRET)
    token, expires_at = service.issue_access(42, Role.APPLICANT, NOW)
    decodes: list[str] = []
    decode = jwt.decode

    def counted(raw: str, *args: Any, **kwargs: Any) -> Any:
        decodes.append(raw)
        return decode(raw, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted)
    assert service.verify_access(token, NOW).user_id == 42
    assert service.verify_access(token, NOW + timedelta(minutes=1)).user_id == 42
    assert decodes == [token]
    with pytest.raises(Unauthenticated) as err:
        service.verify_access(token, expires_at)
    assert err.value.code == "token_expired"
    for _ in range(2):  # a refusal is not remembered
        with pytest.raises(Unauthenticated):
            service.verify_access("garbage", NOW)
    assert decodes == [token, "garbage", "garbage"]


def test_expired_access_token_is_refused() -> None:
    service = JwtTokenService(SECRET)
    token, expires_at = service.issue_access(42, Role.CLIENT, NOW)
    with pytest.raises(Unauthenticated) as err:
        service.verify_access(token, expires_at)
    assert err.value.code == "token_expired"


@pytest.mark.parametrize(
    "other",
    [
        JwtTokenService("t" * 32),
        JwtTokenService(SECRET, issuer="someone-else"),
        JwtTokenService(SECRET, audience="another-api"),
    ],
)
def test_tokens_of_another_key_issuer_or_audience_are_refused(other: JwtTokenService) -> None:
    token, _ = other.issue_access(1, Role.CLIENT, NOW)
    with pytest.raises(Unauthenticated) as err:
        JwtTokenService(SECRET).verify_access(token, NOW)
    assert err.value.code == "invalid_token"


def _claims(**changes: object) -> dict[str, object]:
    claims: dict[str, object] = {
        "iss": "paeshift",
        "aud": "paeshift-api",
        "sub": "1",
        "role": "client",
        "iat": int(NOW.timestamp()),
        "exp": int((NOW + timedelta(minutes=5)).timestamp()),
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def test_hand_made_valid_claims_are_accepted() -> None:
    token = jwt.encode(_claims(), SECRET, algorithm="HS256")
    assert JwtTokenService(SECRET).verify_access(token, NOW).user_id == 1


@pytest.mark.parametrize(
    "changes",
    [{"exp": None}, {"sub": None}, {"sub": "x"}, {"role": "king"}, {"role": None}, {"iss": None}],
)
def test_malformed_claims_are_refused(changes: dict[str, object]) -> None:
    token = jwt.encode(_claims(**changes), SECRET, algorithm="HS256")
    with pytest.raises(Unauthenticated) as err:
        JwtTokenService(SECRET).verify_access(token, NOW)
    assert err.value.code == "invalid_token"


def test_none_algorithm_and_garbage_are_refused() -> None:
    unsigned = jwt.encode(_claims(role="admin"), None, algorithm="none")
    service = JwtTokenService(SECRET)
    for token in (unsigned, "garbage", ""):
        with pytest.raises(Unauthenticated):
            service.verify_access(token, NOW)


def test_short_secrets_are_rejected() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        JwtTokenService("too-short")


# -- ids ------------------------------------------------------------------------------------
class _Time:
    """A controllable wall and monotonic clock for the id generator."""

    def __init__(self, wall: datetime) -> None:
        self.wall_ns = round(wall.timestamp() * 1_000_000) * 1000
        self.mono_ns = 5_000_000_000
        self.sleeps = 0

    def wall(self) -> int:
        return self.wall_ns

    def mono(self) -> int:
        return self.mono_ns

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.mono_ns += int(seconds * 1e9)


def _ids(node: int, t: _Time) -> TimeOrderedIds:
    return TimeOrderedIds(node, wall_ns=t.wall, monotonic_ns=t.mono, sleep=t.sleep)


def test_ids_are_increasing_unique_and_below_2_53() -> None:
    ids = TimeOrderedIds(MAX_NODE)
    made = [ids.next_id() for _ in range(1_000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    assert all(0 < i <= MAX_ID for i in made)


def test_ids_from_threads_are_unique() -> None:
    ids = TimeOrderedIds(3)
    results: list[list[int]] = [[] for _ in range(4)]

    def work(out: list[int]) -> None:
        out.extend(ids.next_id() for _ in range(300))

    threads = [threading.Thread(target=work, args=(r,)) for r in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [i for r in results for i in r]
    assert len(set(everything)) == len(everything)


def test_sequence_overflow_waits_for_the_next_tick() -> None:
    t = _Time(datetime(2026, 1, 1, tzinfo=UTC))
    ids = _ids(7, t)
    made = [ids.next_id() for _ in range((1 << SEQUENCE_BITS) + 1)]
    assert t.sleeps > 0
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    created, node, sequence = decompose(made[-1])
    assert (node, sequence) == (7, 0)
    assert created == datetime(2026, 1, 1, tzinfo=UTC) + timedelta(milliseconds=10)


def test_wall_clock_stepping_back_does_not_reorder_ids() -> None:
    t = _Time(datetime(2026, 1, 1, tzinfo=UTC))
    ids = _ids(1, t)
    first = ids.next_id()
    t.wall_ns -= 3_600 * 1_000_000_000  # NTP steps the wall clock back an hour
    t.mono_ns += TICK_NS
    assert ids.next_id() > first


def test_different_nodes_never_collide_in_the_same_tick() -> None:
    t = _Time(datetime(2026, 1, 1, tzinfo=UTC))
    a, b = _ids(1, t), _ids(2, t)
    assert {a.next_id() for _ in range(50)}.isdisjoint({b.next_id() for _ in range(50)})


@given(st.integers(min_value=0, max_value=MAX_NODE))
def test_decompose_recovers_node_and_time(node: int) -> None:
    moment = datetime(2030, 6, 1, 12, 0, 0, 120_000, tzinfo=UTC)
    id_ = _ids(node, _Time(moment)).next_id()
    assert decompose(id_) == (moment, node, 0)
    assert id_ < 2**53


def test_layout_fills_53_bits_and_lasts_past_2100() -> None:
    assert 38 + NODE_BITS + SEQUENCE_BITS == 53
    last_tick_time = EPOCH + timedelta(seconds=(2**38 - 1) * TICK_NS / 1e9)
    assert last_tick_time.year > 2100


@pytest.mark.parametrize("node", [-1, MAX_NODE + 1])
def test_node_id_out_of_range(node: int) -> None:
    with pytest.raises(ValueError, match="node_id"):
        TimeOrderedIds(node)


def test_clock_before_the_epoch_is_refused() -> None:
    ids = _ids(0, _Time(datetime(2024, 12, 31, tzinfo=UTC)))
    with pytest.raises(RuntimeError):
        ids.next_id()


def test_system_clock_is_aware_utc() -> None:
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert now > EPOCH
