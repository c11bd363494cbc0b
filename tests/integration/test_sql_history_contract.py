"""The history lists contract (payments by job and payer, reviews by author, read flags) on
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import FakeClock
from adapters.sqlalchemy.wiring import SqlOutboxReader, SqlUnitOfWorkFactory
from tests.contracts.histories import HistoryStorageContract
from tests.contracts.storage import Storage


def _storage(engine: AsyncEngine) -> Storage:
    clock = FakeClock()
    return Storage(uow=SqlUnitOfWorkFactory(engine, clock), outbox=SqlOutboxReader(engine, clock))


class TestSqliteHistoryStorage(HistoryStorageContract):
    @pytest.fixture
    def storage(self, sqlite_engine: AsyncEngine) -> Storage:
        return _storage(sqlite_engine)


class TestPostgresHistoryStorage(HistoryStorageContract):
    @pytest.fixture
    def storage(self, postgres_engine: AsyncEngine) -> Storage:
        return _storage(postgres_engine)
