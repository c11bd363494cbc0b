"""The transactional outbox: events committed with the change, delivered after commit."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from attrs import frozen

from paeshift_core.domain.events import DomainEvent


@frozen
class OutboxEvent:
    """A committed domain event with the id its handlers use for idempotency."""

    event_id: int
    event: DomainEvent
    recorded_at: datetime


class OutboxReader(Protocol):
    async def pending(self, limit: int) -> list[OutboxEvent]:
        """Committed events not yet marked delivered, oldest first.

        An adapter shared by several relays claims what it returns for a while (the SQL one:
        ``FOR UPDATE SKIP LOCKED`` and a lease, see ``SqlOutboxReader``), so concurrent relays
        get disjoint events; an event not marked delivered is offered again once its claim
        runs out (delivery stays at least once)."""
        ...

    async def mark_delivered(self, event_ids: list[int]) -> None: ...
