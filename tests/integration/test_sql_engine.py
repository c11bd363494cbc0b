"""Settings the engine gives every PostgreSQL connection (``adapters/sqlalchemy/engine.py``)."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import PLAN_CACHE_MODE, create_engine


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
