"""The memory outbox reader: the relay's view of the memory store's committed events."""

from __future__ import annotations

from adapters.memory.store import MemoryStore
from paeshift_core.ports.outbox import OutboxEvent


class MemoryOutboxReader:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    async def pending(self, limit: int) -> list[OutboxEvent]:
        return self._store.pending_events(limit)

    async def mark_delivered(self, event_ids: list[int]) -> None:
        self._store.delivered.update(event_ids)
