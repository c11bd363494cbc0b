"""The file store contract on the memory adapter (the reference implementation)."""

from __future__ import annotations

import pytest

from adapters.memory.files import MemoryFileStore
from tests.contracts.files import Files, FileStoreContract


@pytest.fixture
def files() -> Files:
    store = MemoryFileStore()

    def read(key: str) -> bytes | None:
        stored = store.files.get(key)
        return None if stored is None else stored.data

    return Files(store, read)


class TestMemoryFileStore(FileStoreContract):
    pass
