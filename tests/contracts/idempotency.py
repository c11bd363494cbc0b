"""The ``Idempotency-Key`` store contract: one suite for every store (memory, SQL).

Subclass :class:`IdempotencyStoreContract` and provide ``store``: an empty store running on
the ``clock`` fixture (a :class:`FakeClock`), which the tests move on.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from adapters.http.idempotency import (
    IN_FLIGHT_LIMIT,
    KEY_TTL,
    Claim,
    IdempotencyStore,
    StoredResponse,
    fingerprint,
    run_once,
)
from adapters.memory.clock import FakeClock
from paeshift_core.domain.errors import Conflict

OK = StoredResponse(status=201, body=b'{"id":1}', media_type="application/json")
SECOND = timedelta(seconds=1)


async def claimed(store: IdempotencyStore, key: str, fingerprint: str) -> Claim:
    """``key`` claimed for a request (not a replay, not refused)."""
    claim = await store.claim(key, fingerprint)
    assert isinstance(claim, Claim), claim
    return claim


class IdempotencyStoreContract:
    async def test_equal_requests_get_the_stored_response_and_run_once(
        self, store: IdempotencyStore
    ) -> None:
        runs: list[int] = []

        async def produce() -> StoredResponse:
            runs.append(1)
            return OK

        same = fingerprint("POST", "/api/v1/me/withdrawals", b"{}")
        for _ in range(3):
            got = await run_once(
                store, key="k", caller=7, request_fingerprint=same, produce=produce
            )
            assert got == OK
        assert len(runs) == 1
        other = fingerprint("POST", "/api/v1/me/withdrawals", b'{"amount":1}')
        with pytest.raises(Conflict) as reused:
            await run_once(store, key="k", caller=7, request_fingerprint=other, produce=produce)
        assert reused.value.code == "idempotency_key_reused"
        await run_once(store, key="k", caller=8, request_fingerprint=other, produce=produce)
        assert len(runs) == 2  # another caller's key space

    async def test_in_flight_keys_conflict_and_failures_release(
        self, store: IdempotencyStore
    ) -> None:
        await claimed(store, "7:k", "f")
        with pytest.raises(Conflict) as busy:
            await store.claim("7:k", "f")
        assert busy.value.code == "idempotency_in_progress"

        async def boom() -> StoredResponse:
            raise RuntimeError("gateway down")

        with pytest.raises(RuntimeError):
            await run_once(store, key="x", caller=7, request_fingerprint="f", produce=boom)
        await claimed(store, "7:x", "f")  # released, so a retry may run

    async def test_of_simultaneous_claims_one_wins(self, store: IdempotencyStore) -> None:
        async def claim() -> str:
            try:
                claim = await store.claim("7:k", "f")
                return "won" if isinstance(claim, Claim) else "replayed"
            except Conflict as busy:
                return busy.code

        outcomes = await asyncio.gather(*(claim() for _ in range(8)))
        assert sorted(outcomes) == ["idempotency_in_progress"] * 7 + ["won"]

    async def test_keys_expire(self, store: IdempotencyStore, clock: FakeClock) -> None:
        assert await store.complete(await claimed(store, "7:k", "f"), OK)
        clock.advance(IN_FLIGHT_LIMIT + SECOND)
        assert await store.claim("7:k", "f") == OK  # answered keys last until they expire
        clock.advance(KEY_TTL)
        await claimed(store, "7:k", "other")

    async def test_a_key_whose_request_never_answered_is_free_after_the_limit(
        self, store: IdempotencyStore, clock: FakeClock
    ) -> None:
        """Its process died between the claim and the answer: retries would get 409s until
        the key expired, a day later."""
        await claimed(store, "7:k", "f")
        clock.advance(IN_FLIGHT_LIMIT - SECOND)
        with pytest.raises(Conflict):
            await store.claim("7:k", "f")
        clock.advance(2 * SECOND)
        assert await store.complete(await claimed(store, "7:k", "f"), OK)
        assert await store.claim("7:k", "f") == OK

    async def test_a_claim_taken_over_neither_completes_nor_releases_the_key(
        self, store: IdempotencyStore, clock: FakeClock
    ) -> None:
        """The first request was only slow, not dead: its failure must not free the retry's
        claim (a third request could run beside the retry), nor its answer end it."""
        first = await claimed(store, "7:k", "f")
        clock.advance(IN_FLIGHT_LIMIT + SECOND)
        retry = await claimed(store, "7:k", "f")
        await store.release(first)
        with pytest.raises(Conflict) as busy:
            await store.claim("7:k", "f")
        assert busy.value.code == "idempotency_in_progress"
        assert not await store.complete(first, OK)
        with pytest.raises(Conflict):
            await store.claim("7:k", "f")  # still in flight: the retry's
        answer = StoredResponse(status=201, body=b'{"id":2}', media_type="application/json")
        assert await store.complete(retry, answer)
        assert await store.claim("7:k", "f") == answer
        assert not await store.complete(first, OK)
        await store.release(first)
        assert await store.claim("7:k", "f") == answer
