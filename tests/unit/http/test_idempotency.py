"""The Idempotency-Key store contract on the memory store, and the key checks of
``run_once``."""

from __future__ import annotations

import pytest

from adapters.http.idempotency import MemoryIdempotencyStore, StoredResponse, run_once
from adapters.memory.clock import FakeClock
from paeshift_core.domain.errors import InvalidInput
from tests.contracts.idempotency import OK, IdempotencyStoreContract


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
