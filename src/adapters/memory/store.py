"""The shared in-memory "database" behind the memory unit of work.

It behaves like a database with optimistic concurrency: committed aggregates are kept as
private copies, units of work see copies, and a commit applies all changes or none.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime

from attrs import define, field

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.errors import Unavailable
from paeshift_core.ports.outbox import OutboxEvent

UniqueKey = Callable[[Aggregate], Hashable | None]


@define
class MemoryStore:
    """Tables of committed aggregates by id, unique constraints, and the outbox."""

    tables: dict[str, dict[int, Aggregate]] = field(factory=dict)
    #: table -> constraint name -> key function (None means "not constrained")
    unique: dict[str, dict[str, UniqueKey]] = field(factory=dict)
    outbox: list[OutboxEvent] = field(factory=list)
    delivered: set[int] = field(factory=set)
    next_event_id: int = 1
    #: When set, every commit fails with ``Unavailable`` (to test failure handling).
    fail_commits: bool = False

    def table(self, name: str) -> dict[int, Aggregate]:
        return self.tables.setdefault(name, {})

    def append_event_ids(self, count: int) -> range:
        first = self.next_event_id
        self.next_event_id += count
        return range(first, first + count)

    def check_available(self) -> None:
        if self.fail_commits:
            raise Unavailable("the in-memory store is set to fail")

    def pending_events(self, limit: int) -> list[OutboxEvent]:
        return [e for e in self.outbox if e.event_id not in self.delivered][:limit]

    def outbox_since(self, recorded_after: datetime | None = None) -> list[OutboxEvent]:
        return [e for e in self.outbox if recorded_after is None or e.recorded_at > recorded_after]
