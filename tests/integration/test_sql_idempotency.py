"""The ``Idempotency-Key`` store contract on SQLite and PostgreSQL, and the hourly purge."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.http.idempotency import KEY_TTL
from adapters.memory.clock import FakeClock
from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.idempotency import SqlIdempotencyStore
from tests.contracts.idempotency import OK, SECOND, IdempotencyStoreContract, claimed


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class TestSqliteIdempotencyStore(IdempotencyStoreContract):
    @pytest.fixture
    def store(self, sqlite_engine: AsyncEngine, clock: FakeClock) -> SqlIdempotencyStore:
        return SqlIdempotencyStore(sqlite_engine, clock)


class TestPostgresIdempotencyStore(IdempotencyStoreContract):
    @pytest.fixture
    def store(self, postgres_engine: AsyncEngine, clock: FakeClock) -> SqlIdempotencyStore:
        return SqlIdempotencyStore(postgres_engine, clock)


async def test_the_purge_deletes_expired_keys_only(
    sql_engine: AsyncEngine, clock: FakeClock
) -> None:
    store = SqlIdempotencyStore(sql_engine, clock)
    assert await store.complete(await claimed(store, "7:old", "f"), OK)
    clock.advance(KEY_TTL - SECOND)
    await claimed(store, "7:new", "f")
    clock.advance(2 * SECOND)
    assert await store.purge_expired() == 1
    async with sql_engine.connect() as conn:
        keys = (await conn.execute(select(t.idempotency_keys.c.key))).scalars().all()
    assert keys == ["7:new"]
