"""Async engines for PostgreSQL (psycopg 3) and SQLite (aiosqlite), built from a URL.

SQLite gets WAL (readers do not block the writer), enforced foreign keys and a busy timeout,
and SQLAlchemy emits ``BEGIN`` itself (the driver's legacy mode would skip it before a SELECT,
so reads would not be repeatable). A SQLite transaction reads one snapshot and there is one
writer at a time; a transaction that tries to write after another committed a change since
its snapshot is refused (``SQLITE_BUSY_SNAPSHOT``), which ``driver_errors`` reports as
``ConcurrencyConflict``. With the version checks this gives the same guarantees as ``FOR
UPDATE`` on PostgreSQL (never a lost update), optimistically: readers never wait, and a unit
of work that only reads never holds the write lock. Engines are built by the entrypoint at
start-up, never at import time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from adapters.sqlalchemy.statement_timing import time_statements

SQLITE_BUSY_TIMEOUT_MS = 10_000
#: psycopg prepares a statement on the server after five executions, and PostgreSQL then
#: plans it once for any parameters (a generic plan) when that looks as cheap. The feed's
#: queries are not alike for all parameters (a rare word or a common one, a 5 km or a 500 km
#: radius): with a generic plan the nearest jobs matching a word ran 9 × slower (19 against
#: 180-230 requests/s in the benchmark). Prepared statements still save the parsing; every
#: execution is planned for its own parameters.
PLAN_CACHE_MODE = "force_custom_plan"


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def normalise_url(url: str | URL) -> URL:
    """Pick the async driver for plain ``postgresql://`` and ``sqlite://`` URLs."""
    parsed = make_url(url)
    driver = {"postgresql": "psycopg", "sqlite": "aiosqlite"}.get(parsed.get_backend_name())
    if driver is not None and parsed.get_driver_name() != driver:
        parsed = parsed.set(drivername=f"{parsed.get_backend_name()}+{driver}")
    return parsed


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (the driver's legacy mode skips it for SELECT).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


#: Seconds a unit of work waits for a pooled connection before the request answers 503.
POOL_WAIT_S = 5.0


def create_engine(
    url: str | URL,
    *,
    echo: bool = False,
    pool_size: int = 20,
    statement_timeout_s: float | None = None,
) -> AsyncEngine:
    """An async engine for ``url`` with the settings this service relies on.

    With ``statement_timeout_s`` PostgreSQL cancels any statement of this engine that runs
    longer (``statement_timeout``; the driver error becomes ``Unavailable``, a 503). SQLite has
    no such setting; its lock waits end after ``SQLITE_BUSY_TIMEOUT_MS``.

    PostgreSQL connections are not pinged at checkout: a ping is one more round trip per unit
    of work (a quarter of a one-statement read's). A connection the server dropped fails its
    next statement instead; SQLAlchemy then discards it and every pooled connection older
    than the failure, so after a database restart one request per process answers 503
    (``Unavailable``) and the next ones reconnect.

    The pool holds at most ``pool_size`` connections and a unit of work waits for one at most
    ``POOL_WAIT_S`` (then 503). It used to open half as many again under bursts and close them
    when returned: in an overload each of those was a new PostgreSQL backend (a fork) on the
    cores that were already short, and the mixed benchmark at 500 req/s from a cold start did
    not recover (p50 47 and 582 ms, p95 378 and 1,482 ms in two runs; connections opened by the
    server in its profile). Without them: p50 24 and 7 ms, p95 224 and 51 ms (the second on a
    state where every apply had become a 409, a lighter load; bench/results/2026-11-29-
    overflow-*.md: alternating runs on one reused dataset, which drifts, so indicative).
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(parsed, echo=echo)
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
        event.listen(engine.sync_engine, "begin", _on_sqlite_begin)
    else:
        engine = create_async_engine(
            parsed,
            echo=echo,
            pool_size=pool_size,
            max_overflow=0,
            pool_timeout=POOL_WAIT_S,
            connect_args={"options": _options(statement_timeout_s)},
        )
    time_statements(engine.sync_engine)  # per-request SQL counts and time (metrics, logs)
    return engine


def _options(statement_timeout_s: float | None) -> str:
    """The ``-c`` settings of each PostgreSQL connection."""
    options = f"-c plan_cache_mode={PLAN_CACHE_MODE}"
    if statement_timeout_s is not None:
        options += f" -c statement_timeout={round(statement_timeout_s * 1000)}"
    return options


@asynccontextmanager
async def one_statement(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for a write that is one statement (the outbox relay's claim and mark, a
    ledger check's record): on PostgreSQL in autocommit, where a statement is its own
    transaction, so the ``BEGIN`` and ``COMMIT`` round trips go (a worker delivering an event
    paid three trips for each of them); elsewhere in a transaction committed on leaving the
    block."""
    if engine.dialect.name != "postgresql":
        async with engine.begin() as conn:
            yield conn
        return
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


async def for_reads_only(conn: AsyncConnection) -> None:
    """Run ``conn``'s statements outside a transaction on PostgreSQL (each on its own, no
    ``BEGIN``/``ROLLBACK`` round trips; see ``unit_of_work.py``); until it goes back to the
    pool. SQLite keeps its transaction (one snapshot, no round trips)."""
    if conn.dialect.name == "postgresql":
        await conn.execution_options(isolation_level="AUTOCOMMIT")


async def one_snapshot(conn: AsyncConnection) -> None:
    """Make ``conn``'s next transaction one snapshot on PostgreSQL (REPEATABLE READ) until it
    goes back to the pool; SQLite's transaction is one snapshot already."""
    if conn.dialect.name == "postgresql":
        await conn.execution_options(isolation_level="REPEATABLE READ")
