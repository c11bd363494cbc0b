"""``paeshift seed``: load a deterministic, realistic dataset of any size (benchmarks, demos).

The rows come from :mod:`adapters.sqlalchemy.seed_rows` (rules of the domain, reproducible
from ``--seed`` and ``--today``) and are loaded by :mod:`adapters.sqlalchemy.bulk_load` (COPY
on PostgreSQL) in one transaction, after migrating the schema. The database must hold no users
yet (``reset`` empties every table but the catalog first).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from attrs import frozen
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.security.passwords import Argon2PasswordHasher
from adapters.sqlalchemy import bulk_load
from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import upgrade_engine
from adapters.sqlalchemy.seed_rows import (
    Catalog,
    SeedGenerator,
    SeedPlan,
    anchor_of,
    default_catalog_rows,
)
from paeshift_core.domain.errors import Conflict

#: Every seeded user's password (the data is for benchmarks and demos only).
SEED_PASSWORD = "paeshift-seed-password"

#: Called with (phase, jobs done, jobs in total) as the load progresses.
ProgressHook = Callable[[str, int, int], None]

#: Tables emptied by ``reset`` (parents first); the catalog is kept.
_DATA_TABLES = (
    t.users,
    t.one_time_codes,
    t.code_attempts,
    t.refresh_tokens,
    t.jobs,
    t.saved_jobs,
    t.applications,
    t.outbox,
    t.ledger_checks,
    t.ledger_accounts,
    t.ledger_transactions,
    t.ledger_entries,
    t.payment_intents,
    t.withdrawals,
    t.disputes,
    t.notifications,
    t.notification_preferences,
    t.processed_events,
    t.reviews,
    t.rating_summaries,
    t.awards,
    t.achievements,
    t.feedback,
)
#: The per-chunk tables, in foreign-key order.
_CHUNK_TABLES = (
    t.jobs,
    t.applications,
    t.payment_intents,
    t.saved_jobs,
    t.notifications,
    t.reviews,
)


@frozen
class SeedReport:
    """What was loaded and how long it took (generation and loading together)."""

    counts: dict[str, int]
    seconds: float
    dialect: str


def _quiet(_phase: str, _done: int, _total: int) -> None:
    return None


async def _catalog(conn: AsyncConnection) -> Catalog:
    """The catalog in the database, or the default one loaded now."""
    query = select(t.subcategories.c.industry_id, t.subcategories.c.id, t.subcategories.c.name)
    found = (await conn.execute(query.order_by(t.subcategories.c.id))).all()
    if found:
        return Catalog(tuple((int(i), int(s), str(n)) for i, s, n in found))
    industries, subcategories, catalog = default_catalog_rows()
    await bulk_load.load_rows(conn, t.industries, industries)
    await bulk_load.load_rows(conn, t.subcategories, subcategories)
    return catalog


async def seed_database(
    url: str,
    plan: SeedPlan,
    *,
    password_hash: str,
    reset: bool = False,
    progress: ProgressHook = _quiet,
) -> SeedReport:
    """Migrate the database at ``url`` and load ``plan``'s rows in one transaction."""
    started = time.perf_counter()
    engine = create_engine(url)
    counts: dict[str, int] = {}
    try:
        await upgrade_engine(engine)
        async with engine.begin() as conn:
            if reset:
                await bulk_load.truncate(conn, _DATA_TABLES)
            elif not await bulk_load.is_empty(conn, t.users):
                raise Conflict("the database already has users: seed an empty one or reset it")
            generator = SeedGenerator(plan, await _catalog(conn), password_hash)

            async def load(table_name: str, rows: list[tuple[object, ...]]) -> None:
                table = t.metadata.tables[table_name]
                counts[table_name] = counts.get(table_name, 0) + await bulk_load.load_rows(
                    conn, table, rows
                )

            progress("users", 0, plan.jobs)
            await load("users", list(generator.users()))
            done = 0
            for chunk in generator.chunks():
                for table in _CHUNK_TABLES:
                    await load(table.name, chunk.rows.get(table.name, []))
                done += chunk.jobs
                progress("jobs", done, plan.jobs)
            progress("ledger", done, plan.jobs)
            await load("rating_summaries", generator.rating_summaries())
            await load("ledger_accounts", generator.ledger_accounts())
            heads, entries = generator.ledger_rows()
            await load("ledger_transactions", heads)
            await load("ledger_entries", entries)
            progress("analyze", done, plan.jobs)
            await bulk_load.after_load(conn)
        dialect = engine.dialect.name
    finally:
        await engine.dispose()
    return SeedReport(counts, time.perf_counter() - started, dialect)


async def seed_password_hash() -> str:
    """One real Argon2 hash shared by every seeded user (hashing each would take hours)."""
    return await Argon2PasswordHasher().hash(SEED_PASSWORD)


def plan_for(
    *, jobs: int, applications: int | None, seed: int, today: date | None, users: int | None
) -> SeedPlan:
    """The CLI's plan: applications default to five per job; users to one per two jobs."""
    anchor = anchor_of(today or datetime.now(UTC).date())
    applicants = 0 if users is None else max(20, users - max(5, users // 11))
    clients = 0 if users is None else max(5, users // 11)
    return SeedPlan(
        jobs=jobs,
        applications=5 * jobs if applications is None else applications,
        seed=seed,
        anchor=anchor,
        clients=clients,
        applicants=applicants,
    )
