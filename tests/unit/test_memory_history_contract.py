"""The history lists contract (payments by job and payer, reviews by author, read flags) on
the memory adapter."""

from __future__ import annotations

import pytest

from adapters.memory.clock import FakeClock
from adapters.memory.outbox import MemoryOutboxReader
from adapters.memory.wiring import MemoryUnitOfWorkFactory, new_memory_store
from tests.contracts.histories import HistoryStorageContract
from tests.contracts.storage import Storage


@pytest.fixture
def storage() -> Storage:
    store = new_memory_store()
    return Storage(
        uow=MemoryUnitOfWorkFactory(store, FakeClock()), outbox=MemoryOutboxReader(store)
    )


class TestMemoryHistoryStorage(HistoryStorageContract):
    pass
