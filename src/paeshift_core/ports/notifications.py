"""Repositories of notifications, notification preferences and processed events
(DOMAIN.md Notifications); attached to the unit of work like every repository."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from paeshift_core.domain.notifications import (
    Notification,
    NotificationPreferences,
    ProcessedEvent,
)
from paeshift_core.ports.repositories import After


class NotificationRepository(Protocol):
    async def add(self, notification: Notification) -> None: ...

    async def get(self, notification_id: int, *, for_update: bool = False) -> Notification: ...

    async def page_for_user(
        self, user_id: int, *, unread_only: bool, after: After | None, limit: int
    ) -> list[Notification]:
        """A user's notifications newest first by ``(created_at, id)`` strictly after
        ``after``, at most ``limit`` (index notifications(user_id, created_at, id))."""
        ...

    async def count_unread(self, user_id: int) -> int: ...

    async def list_for_source(self, source: str) -> list[Notification]:
        """The notifications made from one event or periodic key, in id order."""
        ...

    async def mark_all_read(self, user_id: int, now: datetime) -> int:
        """Mark every unread notification of the user read in this unit of work (one
        statement in SQL); returns how many changed."""
        ...


class NotificationPreferencesRepository(Protocol):
    async def add(self, preferences: NotificationPreferences) -> None: ...

    async def find(self, user_id: int) -> NotificationPreferences | None:
        """The user's stored preferences, or None (every channel on)."""
        ...

    async def get_many(self, user_ids: list[int]) -> dict[int, NotificationPreferences]: ...


class ProcessedEventRepository(Protocol):
    """``(handler, event_id)`` is unique: a second record of the same pair fails the commit
    with ``Conflict`` (a concurrent duplicate delivery)."""

    async def add(self, processed: ProcessedEvent) -> None: ...

    async def seen_among(self, handler: str, event_ids: Sequence[int]) -> set[int]:
        """Which of ``event_ids`` are recorded for ``handler`` (one query)."""
        ...
