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
        """Committed events not yet marked delivered, oldest first."""
        ...

    async def mark_delivered(self, event_ids: list[int]) -> None: ...
