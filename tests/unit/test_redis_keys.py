"""Redis key design: Cluster slots, no raw client data, valid names, TTL jitter (no I/O)."""

from __future__ import annotations

import random

import pytest
from redis.crc import key_slot

from adapters.redis.cache import CacheKeys, check_name, jittered_ttl_ms, stamp, stamped_payload
from adapters.redis.rate_limit import rate_limit_key
from paeshift_core.application.identity import LOGIN_PER_EMAIL
from paeshift_core.domain.errors import InvalidInput
from paeshift_core.ports.rate_limit import Limit


def test_cache_key_layout() -> None:
    keys = CacheKeys("psh")
    assert keys.namespace_generation("jobs") == "psh:{jobs}:gen"
    assert keys.key_generation("jobs", "42") == "psh:{jobs}:kgen:42"
    assert keys.value("jobs", "42") == "psh:{jobs}:v:42"
    assert keys.lock(("jobs", "42", 17, 3)) == "psh:{jobs}:lock:g17.3:42"


def test_keys_read_by_one_mget_share_a_cluster_slot() -> None:
    keys = CacheKeys("psh")
    for key in ("42", "page:2", "x{y}z"):
        read_together = (
            keys.namespace_generation("feed"),
            keys.key_generation("feed", key),
            keys.value("feed", key),
        )
        assert len({key_slot(k.encode()) for k in read_together}) == 1


def test_value_lock_and_generation_keys_never_collide() -> None:
    keys = CacheKeys("psh")
    slot = ("jobs", "1", 0, 0)
    tricky = ("jobs", "lock:g0.0:1", 0, 0)
    made = {
        keys.value("jobs", "1"),
        keys.lock(slot),
        keys.key_generation("jobs", "1"),
        keys.value("jobs", tricky[1]),
        keys.lock(tricky),
        keys.key_generation("jobs", tricky[1]),
    }
    assert len(made) == 6


def test_a_value_counts_only_under_the_generations_it_was_loaded_under() -> None:
    slot = ("jobs", "1", 17, 3)
    assert stamp(slot) == b"17.3|"
    assert stamped_payload(b"17.3|{}", slot) == b"{}"
    assert stamped_payload(b"17.3|", slot) == b""
    assert stamped_payload(b"17.2|{}", slot) is None  # loaded before the key's invalidation
    assert stamped_payload(b"17.31|{}", slot) is None
    assert stamped_payload(b"1|7.3|{}", slot) is None
    assert stamped_payload(None, slot) is None
    with pytest.raises(TypeError, match="decode_responses"):
        stamped_payload("17.3|{}", slot)


@pytest.mark.parametrize("name", ["", "Jobs", "a:b", "{jobs}", "a*", "x" * 65, "ä"])
def test_names_unfit_for_keys_globs_or_labels_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="must match"):
        check_name("namespace", name)


def test_rate_limit_keys_hide_the_client_key_and_separate_limits() -> None:
    login, signup = Limit("login", 5, 60), Limit("signup", 5, 60)
    key = rate_limit_key("psh", login, "ada@example.com")
    assert key.startswith("psh:rl:login:")
    assert "ada" not in key
    assert key == rate_limit_key("psh", login, "ada@example.com")
    assert key != rate_limit_key("psh", login, "bola@example.com")
    assert key != rate_limit_key("psh", signup, "ada@example.com")


def test_ttl_jitter_stays_within_ten_percent_and_varies() -> None:
    rng = random.Random(7)
    samples = [jittered_ttl_ms(60, rng) for _ in range(1000)]
    assert min(samples) >= 54_000
    assert max(samples) <= 66_000
    assert max(samples) - min(samples) > 10_000  # really spread, not a constant
    assert jittered_ttl_ms(0, rng) == 1


@pytest.mark.parametrize(
    ("name", "count", "period_s", "field"),
    [
        ("Login", 5, 60, "name"),
        ("a{b}", 5, 60, "name"),
        ("login", 0, 60, "count"),
        ("login", 5, 0, "period_s"),
    ],
)
def test_limits_that_no_limiter_could_apply_are_refused(
    name: str, count: int, period_s: int, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        Limit(name, count, period_s)
    assert refused.value.field == field


def test_limit_names_may_use_colons_and_keep_keys_unambiguous() -> None:
    by_email = rate_limit_key("psh", LOGIN_PER_EMAIL, "ada@example.com")
    assert by_email.startswith("psh:rl:login:email:")
    assert by_email != rate_limit_key("psh", Limit("login", 10, 900), "ada@example.com")
