"""Operational state read when Prometheus scrapes: outbox backlog and the last ledger check.

Both live in the database (the one store every process shares), so any worker on any machine
reports the same values; ``paeshift check-ledger`` records each run here. The backlog query
walks the ``ix_outbox_pending`` index over undelivered rows only.
"""

from __future__ import annotations

from datetime import UTC

from prometheus_client.core import Metric
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.observability.metrics import (
    LedgerCheckStatus,
    MetricSource,
    OutboxBacklog,
    ledger_check_families,
    outbox_families,
)
from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.driver_errors import database_errors
from adapters.sqlalchemy.engine import one_statement
from adapters.sqlalchemy.mappers import from_utc, to_utc
from paeshift_core.ports.clock import Clock


async def outbox_backlog(engine: AsyncEngine) -> OutboxBacklog:
    c = t.outbox.c
    query = select(func.count(), func.min(c.recorded_at)).where(c.delivered_at.is_(None))
    async with database_errors(), engine.connect() as conn:
        pending, oldest = (await conn.execute(query)).one()
    return OutboxBacklog(
        pending=int(pending),
        oldest_recorded_at=None if oldest is None else from_utc(oldest).astimezone(UTC),
    )


async def record_ledger_check(
    engine: AsyncEngine, status: LedgerCheckStatus, *, transactions: int, accounts: int
) -> None:
    row = {
        "finished_at": to_utc(status.finished_at),
        "ok": status.ok,
        "violations": status.violations,
        "transactions": transactions,
        "accounts": accounts,
    }
    async with database_errors(), one_statement(engine) as conn:
        await conn.execute(insert(t.ledger_checks).values(row))


async def last_ledger_check(engine: AsyncEngine) -> LedgerCheckStatus | None:
    c = t.ledger_checks.c
    query = select(c.ok, c.violations, c.finished_at).order_by(c.id.desc()).limit(1)
    async with database_errors(), engine.connect() as conn:
        row = (await conn.execute(query)).first()
    if row is None:
        return None
    return LedgerCheckStatus(
        ok=bool(row.ok), violations=int(row.violations), finished_at=from_utc(row.finished_at)
    )


def database_metric_sources(engine: AsyncEngine, clock: Clock) -> dict[str, MetricSource]:
    """The ``/metrics`` sources read from this database when Prometheus scrapes."""

    async def outbox() -> list[Metric]:
        return outbox_families(await outbox_backlog(engine), clock.now())

    async def ledger_check() -> list[Metric]:
        return ledger_check_families(await last_ledger_check(engine))

    return {"outbox": outbox, "ledger_check": ledger_check}
