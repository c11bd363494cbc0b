"""Schema migrations: Alembic, configured in code (ARCHITECTURE.md Persistence).

Migrations are the only way the schema is made or changed; ``paeshift migrate`` and the
embedded ``serve`` call :func:`upgrade_to_head`. The scripts ship inside this package, so no
``alembic.ini`` is needed at runtime. On PostgreSQL an advisory lock makes concurrent starts
(several processes running ``migrate`` at once) take turns.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.driver_errors import database_errors
from adapters.sqlalchemy.engine import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"
#: Arbitrary constant naming this service's migration lock on PostgreSQL.
MIGRATION_LOCK_KEY = 7_402_513_901


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _upgrade(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade_engine(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision``, in one transaction."""
    async with database_errors(), engine.begin() as conn:
        await conn.run_sync(_upgrade, revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    async with database_errors(), engine.connect() as conn:
        return await conn.run_sync(_current)


async def upgrade_to_head(url: str | URL) -> None:
    """Create or upgrade the schema at ``url`` to the newest migration."""
    engine = create_engine(url)
    try:
        await upgrade_engine(engine)
    finally:
        await engine.dispose()
