"""Settings the engine gives every PostgreSQL connection (``adapters/sqlalchemy/engine.py``)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import PLAN_CACHE_MODE


async def test_postgres_plans_every_execution_for_its_parameters(
    postgres_engine: AsyncEngine,
) -> None:
    """A generic plan made the feed's nearest-with-a-word query 9 × slower (engine.py)."""
    async with postgres_engine.connect() as conn:
        mode = (await conn.execute(text("SHOW plan_cache_mode"))).scalar_one()
    assert mode == PLAN_CACHE_MODE == "force_custom_plan"
