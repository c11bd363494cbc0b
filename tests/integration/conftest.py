"""Integration fixtures: a real PostgreSQL database per test session, SQLite per test.

``PAESHIFT_TEST_DATABASE_URL`` names a PostgreSQL server and a database to connect to for
administration (default: the local server's ``test`` database). The session creates its OWN
database ``paeshift_test_<random>``, migrates it with the real migrations, empties its tables
before each test and drops it at the end, so runs never see each other's rows. Without a
reachable server the PostgreSQL tests skip with the reason, unless
``PAESHIFT_REQUIRE_SERVICES=1`` (CI), where that is a failure. SQLite tests use a temporary
file per test.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import upgrade_to_head
from adapters.sqlalchemy.tables import metadata
from tests.integration.redis_fixtures import (  # noqa: F401 - Redis fixtures, see there
    offline_sandbox,
    redis_proxy,
    redis_sandbox,
    redis_url,
    silent_server,
)

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def services_required() -> bool:
    return os.environ.get("PAESHIFT_REQUIRE_SERVICES") == "1"


def admin_url() -> URL:
    url = make_url(os.environ.get("PAESHIFT_TEST_DATABASE_URL", DEFAULT_DATABASE_URL))
    return url.set(drivername="postgresql+psycopg")


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


async def _admin(statement: str) -> None:
    engine = create_async_engine(
        admin_url(), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


def create_database() -> str:
    """Create an empty database named for this run; return its URL. Skip/fail if no server."""
    name = f"paeshift_test_{secrets.token_hex(6)}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, SQLAlchemyError) as exc:
        reason = f"PostgreSQL at {admin_url().render_as_string()} is not reachable: {exc}"
        if services_required():
            pytest.fail(f"{reason} (PAESHIFT_REQUIRE_SERVICES=1)")
        pytest.skip(reason)
    return _render(admin_url().set(database=name))


def drop_database(url: str) -> None:
    name = make_url(url).database
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def empty_postgres_url() -> Iterator[str]:
    """A new, empty (unmigrated) database for this test only."""
    url = create_database()
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """This session's migrated database, dropped when the session ends."""
    url = create_database()
    try:
        asyncio.run(upgrade_to_head(url))
        yield url
    finally:
        drop_database(url)


@pytest.fixture
async def postgres_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the session's database, with every table emptied first."""
    engine = create_engine(postgres_url)
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated SQLite database in a temporary file."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'paeshift.db'}"
    await upgrade_to_head(url)
    engine = create_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_engine(request: pytest.FixtureRequest) -> AsyncEngine:
    """The test run once on SQLite and once on PostgreSQL."""
    name = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    found = request.getfixturevalue(name)
    assert isinstance(found, AsyncEngine)
    return found
