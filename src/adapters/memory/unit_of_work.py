"""In-memory unit of work: the reference implementation of the ``UnitOfWork`` port.

Each unit of work reads private copies of committed aggregates and stages its changes. On
commit it checks, for every changed aggregate, that the committed version is still the one it
loaded (otherwise ``ConcurrencyConflict``), checks unique constraints, then applies everything
at once and appends the recorded events to the outbox. Without commit nothing is applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Generic, Self, TypeVar, cast

import attrs

from adapters.memory.copies import clone
from adapters.memory.store import MemoryStore
from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.errors import ConcurrencyConflict, Conflict, NotFound
from paeshift_core.domain.events import DomainEvent
from paeshift_core.ports.clock import Clock
from paeshift_core.ports.outbox import OutboxEvent
from paeshift_core.ports.unit_of_work import ReadOnlyUnitOfWork

A = TypeVar("A", bound=Aggregate)


def _state(aggregate: Aggregate) -> dict[str, object]:
    return attrs.asdict(aggregate, recurse=False, filter=lambda a, _: a.name != "_events")


class MemoryRepository(Generic[A]):
    """Generic repository over one table; subclasses add finders with :meth:`_select`."""

    table: str
    noun: str

    def __init__(self, uow: MemoryUnitOfWorkBase) -> None:
        self._uow = uow

    async def add(self, aggregate: A) -> None:
        self._uow.stage_new(self.table, aggregate)

    async def get(self, aggregate_id: int, *, for_update: bool = False) -> A:
        found = self._uow.load(self.table, aggregate_id)
        if found is None:
            raise NotFound(f"{self.noun} {aggregate_id} not found")
        return cast(A, found)

    async def delete(self, aggregate: A) -> None:
        self._uow.stage_delete(self.table, aggregate)

    def _select(self, predicate: Callable[[A], bool]) -> Iterator[A]:
        """Aggregates (tracked copies) matching ``predicate``, in id order."""
        for aggregate in self._uow.scan(self.table):
            mine = cast(A, aggregate)
            if predicate(mine):
                yield mine


class MemoryUnitOfWorkBase:
    """Tracking, staging and atomic commit; repositories are attached by the subclass."""

    def __init__(self, store: MemoryStore, clock: Clock, *, read_only: bool = False) -> None:
        self._store = store
        self._clock = clock
        self._read_only = read_only
        self._tracked: dict[tuple[str, int], Aggregate] = {}
        self._snapshots: dict[tuple[str, int], dict[str, object] | None] = {}
        self._deleted: set[tuple[str, int]] = set()
        self._committed = False
        self.committed_events: tuple[DomainEvent, ...] = ()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed:
            await self.rollback()

    # -- tracking -------------------------------------------------------------------------
    def _track(self, table: str, stored: Aggregate) -> Aggregate:
        key = (table, stored.id)
        if key not in self._tracked:
            mine = clone(stored)
            self._tracked[key] = mine
            self._snapshots[key] = _state(stored)
        return self._tracked[key]

    def load(self, table: str, aggregate_id: int) -> Aggregate | None:
        key = (table, aggregate_id)
        if key in self._deleted:
            return None
        if key in self._tracked:
            return self._tracked[key]
        stored = self._store.table(table).get(aggregate_id)
        return None if stored is None else self._track(table, stored)

    def scan(self, table: str) -> Iterator[Aggregate]:
        ids = set(self._store.table(table)) | {i for (t, i) in self._tracked if t == table}
        for aggregate_id in sorted(ids):
            found = self.load(table, aggregate_id)
            if found is not None:
                yield found

    def stage_new(self, table: str, aggregate: Aggregate) -> None:
        key = (table, aggregate.id)
        if key in self._tracked or aggregate.id in self._store.table(table):
            raise Conflict(f"{table} {aggregate.id} already exists", code="duplicate")
        self._tracked[key] = aggregate
        self._snapshots[key] = None

    def stage_delete(self, table: str, aggregate: Aggregate) -> None:
        key = (table, aggregate.id)
        self._deleted.add(key)

    # -- transaction ----------------------------------------------------------------------
    async def commit(self) -> None:
        if self._read_only:
            raise ReadOnlyUnitOfWork("this unit of work was opened read-only")
        store = self._store
        store.check_available()
        changed: list[tuple[str, Aggregate]] = []
        for (table, aggregate_id), aggregate in self._tracked.items():
            snapshot = self._snapshots[(table, aggregate_id)]
            committed = store.table(table).get(aggregate_id)
            deleting = (table, aggregate_id) in self._deleted
            if snapshot is None:
                if committed is not None:
                    raise Conflict(f"{table} {aggregate_id} already exists", code="duplicate")
            elif not deleting and _state(aggregate) == snapshot:
                continue
            elif committed is None or committed.version != aggregate.version:
                raise ConcurrencyConflict(
                    f"{table} {aggregate_id} was changed by someone else; try again"
                )
            if not deleting:
                changed.append((table, aggregate))
        self._check_unique(changed)
        events = [
            event for _, aggregate in self._tracked.items() for event in aggregate.pull_events()
        ]
        # Everything checked: apply all at once.
        for table, aggregate_id in self._deleted:
            store.table(table).pop(aggregate_id, None)
        for table, aggregate in changed:
            aggregate.version += 1
            store.table(table)[aggregate.id] = clone(aggregate)
            self._snapshots[(table, aggregate.id)] = _state(aggregate)
        now = self._clock.now()
        for event_id, event in zip(store.append_event_ids(len(events)), events, strict=True):
            store.outbox.append(OutboxEvent(event_id=event_id, event=event, recorded_at=now))
        self._committed = True
        self.committed_events = tuple(events)

    def _check_unique(self, changed: list[tuple[str, Aggregate]]) -> None:
        for table, aggregate in changed:
            for name, key_of in self._store.unique.get(table, {}).items():
                key = key_of(aggregate)
                if key is None:
                    continue
                for other in self._store.table(table).values():
                    if other.id != aggregate.id and key_of(other) == key:
                        raise Conflict(f"{table}: {name} already taken", code="duplicate")
                for other_table, other in changed:
                    if other_table == table and other.id != aggregate.id and key_of(other) == key:
                        raise Conflict(f"{table}: {name} already taken", code="duplicate")

    async def rollback(self) -> None:
        self._tracked.clear()
        self._snapshots.clear()
        self._deleted.clear()
