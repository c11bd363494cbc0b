"""``paeshift seed`` (project issue 6): deterministic, consistent with the domain, and its
ledger passes the operator's check (DOMAIN.md Money: invariants)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.seed_rows import (
    SeedGenerator,
    SeedPlan,
    SeedRow,
    anchor_of,
    columns,
    default_catalog_rows,
)
from entrypoints.app import runtime
from entrypoints.seed import seed_database
from entrypoints.settings import Settings
from paeshift_core.domain.errors import Conflict
from paeshift_core.domain.jobs import JobStatus

PLAN = SeedPlan(
    jobs=50, applications=250, seed=7, anchor=anchor_of(date(2026, 3, 2)), chunk_jobs=20
)


def _everything(plan: SeedPlan) -> dict[str, list[SeedRow]]:
    _, _, catalog = default_catalog_rows()
    generator = SeedGenerator(plan, catalog, "hash")
    found: dict[str, list[SeedRow]] = {"users": list(generator.users())}
    for chunk in generator.chunks():
        for table, rows in chunk.rows.items():
            found.setdefault(table, []).extend(rows)
    heads, entries = generator.ledger_rows()
    found["ledger_accounts"] = generator.ledger_accounts()
    found["ledger_transactions"] = heads
    found["ledger_entries"] = entries
    found["rating_summaries"] = generator.rating_summaries()
    return found


def test_the_same_plan_gives_the_same_rows_and_another_seed_other_rows() -> None:
    first = _everything(PLAN)
    assert first == _everything(PLAN)
    other = _everything(SeedPlan(jobs=50, applications=250, seed=8, anchor=PLAN.anchor))
    assert other["jobs"] != first["jobs"]


def test_rows_fit_their_tables_and_follow_the_seat_rule() -> None:
    rows = _everything(PLAN)
    for table, found in rows.items():
        width = len(columns(t.metadata.tables[table]))
        assert all(len(row) == width for row in found), table
    assert len(rows["applications"]) == PLAN.applications
    job_cols, app_cols = columns(t.jobs), columns(t.applications)
    holding = Counter(
        row[app_cols.index("job_id")]
        for row in rows["applications"]
        if row[app_cols.index("status")] in ("accepted", "ongoing")
    )
    statuses = set()
    for job in rows["jobs"]:
        values = dict(zip(job_cols, job, strict=True))
        statuses.add(values["status"])
        assert values["accepted_count"] == holding[values["id"]]
        assert values["accepted_count"] <= values["seats"]
        assert values["total_due"] == values["job_cost"] + values["service_fee"]
    assert statuses == {status.value for status in JobStatus}


async def test_a_seeded_database_passes_the_ledger_check(
    sql_engine: AsyncEngine, tmp_path: Path
) -> None:
    """On SQLite (batched INSERTs) and PostgreSQL (COPY)."""
    url = sql_engine.url.render_as_string(hide_password=False)
    report = await seed_database(url, PLAN, password_hash="not-a-real-hash")
    assert report.counts["jobs"] == 50
    assert report.counts["applications"] == 250
    assert report.counts["ledger_entries"] > 0
    settings = Settings(database_url=url, jwt_secret="s" * 48, var_dir=tmp_path)
    async with runtime(settings) as wired:
        ledger = await wired.use_cases.ledger_check.run()
    assert ledger.ok, ledger.violations
    assert ledger.transactions == report.counts["ledger_transactions"]
    async with sql_engine.connect() as conn:
        funded = (
            await conn.execute(select(t.jobs.c.id).where(t.jobs.c.funded_at.is_not(None)))
        ).all()
    assert len(funded) == report.counts["payment_intents"]


async def test_seeding_a_database_with_users_needs_reset(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'seed.db'}"
    small = SeedPlan(jobs=5, applications=10, anchor=PLAN.anchor)
    await seed_database(url, small, password_hash="h")
    try:
        await seed_database(url, small, password_hash="h")
    except Conflict:
        pass
    else:
        raise AssertionError("a second seed without reset must be refused")
    again = await seed_database(url, small, password_hash="h", reset=True)
    assert again.counts["jobs"] == 5
