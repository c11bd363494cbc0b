"""The storage contract on the memory adapter (the reference implementation)."""

from __future__ import annotations

import pytest

from adapters.memory.clock import FakeClock
from adapters.memory.outbox import MemoryOutboxReader
from adapters.memory.wiring import MemoryUnitOfWorkFactory, new_memory_store
from tests.contracts.storage import Storage, StorageContract


@pytest.fixture
def storage() -> Storage:
    store = new_memory_store()
    return Storage(
        uow=MemoryUnitOfWorkFactory(store, FakeClock()), outbox=MemoryOutboxReader(store)
    )


class TestMemoryStorage(StorageContract):
    pass
