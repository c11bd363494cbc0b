"""The Idempotency-Key store contract on the memory store, and ``run_once``'s key checks and
lost claims."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.http.idempotency import (
    IN_FLIGHT_LIMIT,
    MemoryIdempotencyStore,
    StoredResponse,
    run_once,
)
from adapters.memory.clock import FakeClock
from paeshift_core.domain.errors import Conflict, InvalidInput
from tests.contracts.idempotency import OK, IdempotencyStoreContract, claimed


class TestMemoryIdempotencyStore(IdempotencyStoreContract):
    @pytest.fixture
    def store(self, clock: FakeClock) -> MemoryIdempotencyStore:
        return MemoryIdempotencyStore(clock)


async def test_key_length_is_checked(clock: FakeClock) -> None:
    store = MemoryIdempotencyStore(clock)

    async def produce() -> StoredResponse:
        return OK

    with pytest.raises(InvalidInput):
        await run_once(store, key="k" * 256, caller=1, request_fingerprint="f", produce=produce)


async def test_a_request_that_lost_its_key_answers_but_stores_nothing(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Its key was claimed again while it ran (``Claim``): it still answers its own client,
    the retry's claim stays, and the log says what happened."""
    store = MemoryIdempotencyStore(clock)

    async def slow() -> StoredResponse:
        clock.advance(IN_FLIGHT_LIMIT + timedelta(seconds=1))
        await claimed(store, "7:k", "f")  # a retry takes the key over
        return OK

    got = await run_once(store, key="k", caller=7, request_fingerprint="f", produce=slow)
    assert got == OK
    with pytest.raises(Conflict) as busy:
        await store.claim("7:k", "f")
    assert busy.value.code == "idempotency_in_progress"
    assert "claimed again before its request answered" in caplog.text
