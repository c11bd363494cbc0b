"""Settings the engine gives every PostgreSQL connection (``adapters/sqlalchemy/engine.py``),
and the snapshot unit of work built on them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import FakeClock
from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.engine import PLAN_CACHE_MODE, create_engine
from adapters.sqlalchemy.wiring import SqlOutboxReader, SqlUnitOfWorkFactory
from tests.contracts.storage import Storage, seed


async def test_postgres_plans_every_execution_for_its_parameters(
    postgres_engine: AsyncEngine,
) -> None:
    """A generic plan made the feed's nearest-with-a-word query 9 × slower (engine.py)."""
    async with postgres_engine.connect() as conn:
        mode = (await conn.execute(text("SHOW plan_cache_mode"))).scalar_one()
    assert mode == PLAN_CACHE_MODE == "force_custom_plan"


async def test_the_pool_never_opens_more_than_its_size(postgres_url: str) -> None:
    """Under a burst the units of work wait for a pooled connection; none is opened beyond
    the pool (each would be a new PostgreSQL backend, closed again when returned)."""
    engine = create_engine(postgres_url, pool_size=2)
    try:

        async def backend() -> int:
            async with engine.connect() as conn:
                pid = (await conn.execute(text("SELECT pg_backend_pid(), pg_sleep(0.05)"))).one()
            return int(pid[0])

        pids = await asyncio.gather(*(backend() for _ in range(8)))
    finally:
        await engine.dispose()
    assert len(set(pids)) == 2


async def _keys_seen_twice(engine: AsyncEngine, *, snapshot: bool) -> tuple[int, int]:
    """Idempotency keys counted by one unit of work before and after another connection
    commits one."""
    count = select(func.count()).select_from(t.idempotency_keys)
    async with SqlUnitOfWorkFactory(engine, FakeClock())(read_only=True, snapshot=snapshot) as uow:
        before = (await uow.rows(count))[0][0]
        async with engine.begin() as other:
            now = datetime.now(UTC)
            await other.execute(
                insert(t.idempotency_keys).values(
                    key=f"7:{snapshot}", fingerprint="f", claimed_at=now, expires_at=now
                )
            )
        after = (await uow.rows(count))[0][0]
    return before, after


async def test_a_snapshot_unit_of_work_reads_the_data_as_of_its_first_statement(
    sql_engine: AsyncEngine,
) -> None:
    """The ledger check compares transactions with balances read by another statement: a
    write committed between the two must not look like a violation (``snapshot=True``)."""
    assert await _keys_seen_twice(sql_engine, snapshot=True) == (0, 0)
    if sql_engine.dialect.name == "postgresql":  # each statement reads anew (engine.py)
        assert await _keys_seen_twice(sql_engine, snapshot=False) == (1, 2)
        async with sql_engine.connect() as conn:  # the pool gives the next one back as it was
            level = (await conn.execute(text("SHOW transaction_isolation"))).scalar_one()
        assert level == "read committed"


async def test_a_snapshot_unit_of_work_keeps_nothing_it_loads(sql_engine: AsyncEngine) -> None:
    """A report over the whole data (the ledger check reads every funded job) would hold all
    of it in the identity map until its end: a snapshot unit of work tracks nothing, so two
    loads of one job are two objects, where a tracking unit of work gives the same one."""
    clock = FakeClock()
    factory = SqlUnitOfWorkFactory(sql_engine, clock)
    _, job = await seed(Storage(factory, SqlOutboxReader(sql_engine, clock)))
    async with factory(read_only=True) as uow:
        assert await uow.jobs.get(job.id) is (await uow.jobs.get_many([job.id]))[job.id]
    async with factory(snapshot=True) as uow:
        first, again = await uow.jobs.get(job.id), (await uow.jobs.get_many([job.id]))[job.id]
        assert first == again
        assert first is not again
