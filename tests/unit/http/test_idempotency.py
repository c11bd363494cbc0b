"""The Idempotency-Key store: same request → stored response; other request, or one still in
flight → Conflict; failures release the key; keys expire after KEY_TTL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.http.idempotency import (
    KEY_TTL,
    MemoryIdempotencyStore,
    StoredResponse,
    fingerprint,
    run_once,
)
from adapters.memory.clock import FakeClock
from paeshift_core.domain.errors import Conflict, InvalidInput

OK = StoredResponse(status=201, body=b'{"id":1}', media_type="application/json")


async def test_equal_requests_get_the_stored_response_and_run_once(clock: FakeClock) -> None:
    store = MemoryIdempotencyStore(clock)
    runs: list[int] = []

    async def produce() -> StoredResponse:
        runs.append(1)
        return OK

    same = fingerprint("POST", "/api/v1/me/withdrawals", b"{}")
    for _ in range(3):
        got = await run_once(store, key="k", caller=7, request_fingerprint=same, produce=produce)
        assert got == OK
    assert len(runs) == 1
    other = fingerprint("POST", "/api/v1/me/withdrawals", b'{"amount":1}')
    with pytest.raises(Conflict) as reused:
        await run_once(store, key="k", caller=7, request_fingerprint=other, produce=produce)
    assert reused.value.code == "idempotency_key_reused"
    await run_once(store, key="k", caller=8, request_fingerprint=other, produce=produce)
    assert len(runs) == 2  # another caller's key space


async def test_in_flight_keys_conflict_and_failures_release(clock: FakeClock) -> None:
    store = MemoryIdempotencyStore(clock)
    assert await store.claim("7:k", "f") is None
    with pytest.raises(Conflict) as busy:
        await store.claim("7:k", "f")
    assert busy.value.code == "idempotency_in_progress"

    async def boom() -> StoredResponse:
        raise RuntimeError("gateway down")

    with pytest.raises(RuntimeError):
        await run_once(store, key="x", caller=7, request_fingerprint="f", produce=boom)
    assert await store.claim("7:x", "f") is None  # released, so a retry may run


async def test_keys_expire(clock: FakeClock) -> None:
    store = MemoryIdempotencyStore(clock)
    assert await store.claim("7:k", "f") is None
    await store.complete("7:k", OK)
    clock.advance(KEY_TTL + timedelta(seconds=1))
    assert await store.claim("7:k", "other") is None


async def test_key_length_is_checked(clock: FakeClock) -> None:
    store = MemoryIdempotencyStore(clock)

    async def produce() -> StoredResponse:
        return OK

    with pytest.raises(InvalidInput):
        await run_once(store, key="k" * 256, caller=1, request_fingerprint="f", produce=produce)
