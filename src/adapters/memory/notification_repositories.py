"""Memory repositories of notifications, preferences and processed events.

``UNIQUE`` holds the SQL schema's unique ``(handler, event_id)`` of processed events;
``new_memory_store`` installs it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime

from adapters.memory.repositories import newest_first
from adapters.memory.store import UniqueKey
from adapters.memory.unit_of_work import MemoryRepository
from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.notifications import (
    Notification,
    NotificationPreferences,
    ProcessedEvent,
)
from paeshift_core.ports.repositories import After


class MemoryNotificationRepository(MemoryRepository[Notification]):
    table = "notifications"
    noun = "notification"

    async def page_for_user(
        self, user_id: int, *, unread_only: bool, after: After | None, limit: int
    ) -> list[Notification]:
        mine = self._select(lambda n: n.user_id == user_id and not (unread_only and n.is_read))
        return newest_first(mine, after, limit)

    async def count_unread(self, user_id: int) -> int:
        return sum(1 for _ in self._select(lambda n: n.user_id == user_id and not n.is_read))

    async def list_for_source(self, source: str) -> list[Notification]:
        return list(self._select(lambda n: n.source == source))

    async def mark_all_read(self, user_id: int, now: datetime) -> int:
        unread = list(self._select(lambda n: n.user_id == user_id and not n.is_read))
        for notification in unread:
            notification.mark_read(now)
        return len(unread)


class MemoryNotificationPreferencesRepository(MemoryRepository[NotificationPreferences]):
    table = "notification_preferences"
    noun = "notification preferences"

    async def find(self, user_id: int) -> NotificationPreferences | None:
        found = self._uow.load(self.table, user_id)
        return found if isinstance(found, NotificationPreferences) else None

    async def get_many(self, user_ids: list[int]) -> dict[int, NotificationPreferences]:
        wanted = set(user_ids)
        return {p.id: p for p in self._select(lambda p: p.id in wanted)}


class MemoryProcessedEventRepository(MemoryRepository[ProcessedEvent]):
    table = "processed_events"
    noun = "processed event"

    async def seen_among(self, handler: str, event_ids: Sequence[int]) -> set[int]:
        wanted = set(event_ids)
        return {p.event_id for p in self._select(lambda p: p.handler == handler)} & wanted


def _handler_event(a: Aggregate) -> Hashable:
    assert isinstance(a, ProcessedEvent)
    return (a.handler, a.event_id)


UNIQUE: dict[str, dict[str, UniqueKey]] = {
    "processed_events": {"handler_event": _handler_event},
}
