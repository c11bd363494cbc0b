"""The outbox relay (ARCHITECTURE.md Persistence: transactional outbox).

Committed events wait in the outbox until every registered handler has handled them; only
then are they marked delivered. Delivery is therefore at least once: a process that dies
between the commit and the mark leaves the event pending, and the next run delivers it
again. Handlers are idempotent by event id (each records ``(handler, event_id)`` with its
effect), so at-least-once delivery is exactly once in effect.

:meth:`OutboxRelay.run_once` is the in-process relay (embedded default): it calls the
handlers directly and keeps a failed event pending with an exponential backoff. The worker
instead enqueues one task per pending event and runs :meth:`OutboxRelay.deliver` in it; the
task engine owns the retries and backoff there.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from attrs import define, field, frozen

from paeshift_core.ports.clock import Clock
from paeshift_core.ports.outbox import OutboxEvent, OutboxReader

logger = logging.getLogger(__name__)

RELAY_BATCH = 100
FIRST_RETRY = timedelta(seconds=1)
MAX_RETRY = timedelta(minutes=5)


class EventHandler(Protocol):
    """Reacts to committed events; must be idempotent by ``OutboxEvent.event_id``."""

    @property
    def name(self) -> str: ...

    async def handle(self, delivered: OutboxEvent) -> None: ...


class DeliveryFailed(Exception):
    """Some handlers failed on an event; it stays pending and is delivered again."""

    def __init__(self, event_id: int, failures: dict[str, BaseException]) -> None:
        names = ", ".join(f"{name}: {exc!r}" for name, exc in failures.items())
        super().__init__(f"event {event_id} failed in {names}")
        self.event_id = event_id
        self.failures = failures


@frozen
class RelayRun:
    delivered: int
    failed: int


@define
class _Backoff:
    attempts: int
    retry_at: datetime


def backoff_delay(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s, … capped at 5 minutes after ``attempts`` failures."""
    factor: int = 2 ** max(attempts - 1, 0)
    return min(FIRST_RETRY * factor, MAX_RETRY)


@define
class OutboxRelay:
    reader: OutboxReader
    handlers: Sequence[EventHandler]
    clock: Clock
    _failures: dict[int, _Backoff] = field(factory=dict, init=False)

    async def deliver(self, delivered: OutboxEvent) -> None:
        """Run every handler on the event (all of them, even after a failure), then raise
        :class:`DeliveryFailed` if any failed. Handlers that already succeeded do nothing
        the next time (idempotent)."""
        failures: dict[str, BaseException] = {}
        for handler in self.handlers:
            try:
                await handler.handle(delivered)
            except Exception as exc:  # every handler gets its turn
                logger.warning(
                    "handler %s failed on event %s", handler.name, delivered.event_id, exc_info=exc
                )
                failures[handler.name] = exc
        if failures:
            raise DeliveryFailed(delivered.event_id, failures)

    async def deliver_and_mark(self, delivered: OutboxEvent) -> None:
        """Deliver one event and mark it delivered (the worker's task)."""
        await self.deliver(delivered)
        await self.reader.mark_delivered([delivered.event_id])

    async def run_once(self, limit: int = RELAY_BATCH) -> RelayRun:
        """Deliver the pending events (oldest first) whose backoff has passed."""
        now = self.clock.now()
        delivered: list[int] = []
        failed = 0
        for event in await self.reader.pending(limit):
            backoff = self._failures.get(event.event_id)
            if backoff is not None and backoff.retry_at > now:
                continue
            try:
                await self.deliver(event)
            except DeliveryFailed:
                attempts = 1 if backoff is None else backoff.attempts + 1
                self._failures[event.event_id] = _Backoff(attempts, now + backoff_delay(attempts))
                failed += 1
                continue
            self._failures.pop(event.event_id, None)
            delivered.append(event.event_id)
        await self.reader.mark_delivered(delivered)
        return RelayRun(delivered=len(delivered), failed=failed)
