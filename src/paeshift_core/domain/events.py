"""Domain events: facts recorded by aggregates, written to the outbox with the change.

Handlers (notifications, gamification, cache invalidation) run after commit from the outbox
and must be idempotent by event id, so every event is a plain frozen record of ids and values.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen


@frozen(kw_only=True)
class DomainEvent:
    """Base of all events; ``name`` is the stable type name stored in the outbox."""

    occurred_at: datetime

    @classmethod
    def event_name(cls) -> str:
        return cls.__name__

    @property
    def name(self) -> str:
        return self.event_name()
