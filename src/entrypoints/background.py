"""Background work shared by the worker and the embedded default (ARCHITECTURE.md Entry points).

- :func:`periodic_tasks`: the periodic use cases, each with a cron line (the worker's
  schedule) and an interval (the in-process runner's timer): auto-complete and auto-cancel
  (DOMAIN.md Jobs), shift reminders one hour before start, reconciliation of payment intents
  pending for more than 15 minutes and of payouts in flight, clean-up of expired codes and
  tokens, and the ledger check, whose result is recorded for ``/metrics``.
- :func:`outbox_relay`: the relay over the configured outbox with the registered handlers.
- :class:`InProcessRunner`: the embedded default's task runner (no Redis): the same relay and
  periodic functions on asyncio timers, started and stopped with the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from attrs import frozen

from adapters.observability.metrics import LedgerCheckStatus
from adapters.sqlalchemy.ops_status import record_ledger_check
from adapters.sqlalchemy.wiring import SqlOutboxReader
from entrypoints.bootstrap import UseCases
from paeshift_core.application.gamification import GamificationOutboxHandler
from paeshift_core.application.ledger_check import LedgerReport
from paeshift_core.application.outbox_relay import EventHandler, OutboxRelay
from paeshift_core.ports.clock import Clock

if TYPE_CHECKING:  # the app factory imports this module
    from entrypoints.app import Runtime

logger = logging.getLogger("paeshift.background")

RELAY_INTERVAL = timedelta(seconds=1)


@frozen
class PeriodicTask:
    """``run`` every ``every`` (in process) or on ``cron`` (worker, UTC)."""

    name: str
    cron: str
    every: timedelta
    run: Callable[[], Awaitable[object]]


def event_handlers(use_cases: UseCases) -> list[EventHandler]:
    """Every outbox handler, in the order they run on an event."""
    return [
        use_cases.notification_handler,
        GamificationOutboxHandler(use_cases.gamification_handlers),
    ]


def outbox_relay(wired: Runtime) -> OutboxRelay:
    clock: Clock = wired.deps.clock
    return OutboxRelay(
        reader=SqlOutboxReader(wired.engine, clock),
        handlers=event_handlers(wired.use_cases),
        clock=clock,
    )


async def check_and_record_ledger(wired: Runtime) -> LedgerReport:
    """Run the ledger check and record its result for ``/metrics`` (periodic task and CLI)."""
    report = await wired.use_cases.ledger_check.run()
    status = LedgerCheckStatus(
        ok=report.ok, violations=len(report.violations), finished_at=wired.deps.clock.now()
    )
    await record_ledger_check(
        wired.engine, status, transactions=report.transactions, accounts=report.accounts
    )
    return report


def periodic_tasks(wired: Runtime) -> list[PeriodicTask]:
    core = wired.use_cases

    async def check_ledger() -> bool:
        report = await check_and_record_ledger(wired)
        if not report.ok:
            logger.error("ledger check: %d violations", len(report.violations))
        return report.ok

    return [
        PeriodicTask(
            "auto_complete_jobs", "*/5 * * * *", timedelta(minutes=5), core.deadlines.auto_complete
        ),
        PeriodicTask(
            "auto_cancel_jobs", "*/5 * * * *", timedelta(minutes=5), core.deadlines.auto_cancel
        ),
        PeriodicTask(
            "shift_reminders", "* * * * *", timedelta(minutes=1), core.shift_reminders.run
        ),
        PeriodicTask(
            "reconcile_payments",
            "*/5 * * * *",
            timedelta(minutes=5),
            core.funding.reconcile_pending,
        ),
        PeriodicTask(
            "refresh_payouts",
            "*/5 * * * *",
            timedelta(minutes=5),
            core.withdrawals.refresh_unfinished,
        ),
        PeriodicTask(
            "expire_codes_and_tokens",
            "17 * * * *",
            timedelta(hours=1),
            core.maintenance.expire_codes_and_tokens,
        ),
        PeriodicTask(
            "expire_idempotency_keys",
            "29 * * * *",
            timedelta(hours=1),
            wired.idempotency.purge_expired,
        ),
        PeriodicTask("check_ledger", "41 * * * *", timedelta(hours=1), check_ledger),
    ]


async def run_logged(name: str, run: Callable[[], Awaitable[object]]) -> None:
    """One periodic run; a failure is logged and the next run tries again."""
    try:
        result = await run()
    except Exception:
        logger.exception("periodic task %s failed", name)
    else:
        logger.debug("periodic task %s: %r", name, result)


class InProcessRunner:
    """The relay and the periodic tasks as asyncio tasks of this process."""

    def __init__(
        self,
        relay: OutboxRelay,
        periodic: Sequence[PeriodicTask],
        *,
        relay_interval: timedelta = RELAY_INTERVAL,
    ) -> None:
        self._relay = relay
        self._periodic = periodic
        self._relay_interval = relay_interval.total_seconds()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._relay_loop(), name="outbox-relay"))
        for task in self._periodic:
            self._tasks.append(asyncio.create_task(self._every(task), name=task.name))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _relay_loop(self) -> None:
        while True:
            await run_logged("outbox_relay", self._relay.run_once)
            await asyncio.sleep(self._relay_interval)

    @staticmethod
    async def _every(task: PeriodicTask) -> None:
        while True:
            await asyncio.sleep(task.every.total_seconds())
            await run_logged(task.name, task.run)
