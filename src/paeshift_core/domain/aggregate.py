"""Base class of aggregates: identity equality, an optimistic ``version`` and recorded events."""

from __future__ import annotations

from attrs import define, field

from paeshift_core.domain.events import DomainEvent


@define(eq=False, kw_only=True)
class Aggregate:
    """An entity with identity: equal by type and id, never by field values.

    ``version`` is the persisted version the aggregate was loaded at; the unit of work uses it
    for optimistic concurrency and bumps it on commit. Events recorded by state changes are
    collected by the unit of work and written to the outbox in the same transaction.
    """

    id: int
    version: int = 0
    _events: list[DomainEvent] = field(factory=list, alias="_events", repr=False)

    def record(self, event: DomainEvent) -> None:
        self._events.append(event)

    def pull_events(self) -> list[DomainEvent]:
        events, self._events = self._events, []
        return events

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.id == self.id

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.id))
