"""SQL mappers and repositories of notifications, preferences and processed events
(DOMAIN.md Notifications)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select, update

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.mappers import Row, RowIn, from_utc, to_utc
from adapters.sqlalchemy.repositories import SqlRepository, newest_first_page, page_parameters
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkBase, one_table
from paeshift_core.domain.notifications import (
    Category,
    Channel,
    Link,
    LinkKind,
    Notification,
    NotificationPreferences,
    ProcessedEvent,
)
from paeshift_core.ports.repositories import After


def notification_to_row(n: Notification) -> Row:
    return {
        "id": n.id,
        "user_id": n.user_id,
        "category": n.category.value,
        "title": n.title,
        "body": n.body,
        "link_kind": None if n.link is None else n.link.kind.value,
        "link_id": None if n.link is None else n.link.id,
        "source": n.source,
        "created_at": to_utc(n.created_at),
        "read_at": None if n.read_at is None else to_utc(n.read_at),
    }


def row_to_notification(row: RowIn) -> Notification:
    kind = row["link_kind"]
    return Notification(
        id=row["id"],
        version=row["version"],
        user_id=row["user_id"],
        category=Category(row["category"]),
        title=row["title"],
        body=row["body"],
        link=None if kind is None else Link(LinkKind(kind), row["link_id"]),
        source=row["source"],
        created_at=from_utc(row["created_at"]),
        read_at=None if row["read_at"] is None else from_utc(row["read_at"]),
    )


def preferences_to_row(p: NotificationPreferences) -> Row:
    pairs = sorted(f"{category.value}:{channel.value}" for category, channel in p.disabled)
    return {"id": p.id, "disabled": pairs}


def row_to_preferences(row: RowIn) -> NotificationPreferences:
    disabled = set()
    for pair in row["disabled"]:
        category, channel = pair.split(":", 1)
        disabled.add((Category(category), Channel(channel)))
    return NotificationPreferences(
        id=row["id"], version=row["version"], disabled=frozenset(disabled)
    )


def processed_to_row(p: ProcessedEvent) -> Row:
    return {
        "id": p.id,
        "handler": p.handler,
        "event_id": p.event_id,
        "processed_at": to_utc(p.processed_at),
    }


def row_to_processed(row: RowIn) -> ProcessedEvent:
    return ProcessedEvent(
        id=row["id"],
        version=row["version"],
        handler=row["handler"],
        event_id=row["event_id"],
        processed_at=from_utc(row["processed_at"]),
    )


NOTIFICATIONS = one_table(t.notifications, "notification", notification_to_row, row_to_notification)
PREFERENCES = one_table(
    t.notification_preferences,
    "notification preferences",
    preferences_to_row,
    row_to_preferences,
)
PROCESSED = one_table(t.processed_events, "processed event", processed_to_row, row_to_processed)


@cache
def _newest_first(*, unread_only: bool, keyset: bool) -> Select[Any]:
    """A user's notifications newest first (``user_id`` bound), built once per shape."""
    c = t.notifications.c
    where = [c.user_id == bindparam("user_id")]
    if unread_only:
        where.append(c.read_at.is_(None))
    return newest_first_page(select(t.notifications), c, *where, keyset=keyset)


class SqlNotificationRepository(SqlRepository[Notification]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, NOTIFICATIONS)

    async def page_for_user(
        self, user_id: int, *, unread_only: bool, after: After | None, limit: int
    ) -> list[Notification]:
        """One of four queries built once (``_newest_first``): the list is uncached and read
        on every visit to the notifications page."""
        parameters = {"user_id": user_id, **page_parameters(after, limit)}
        query = _newest_first(unread_only=unread_only, keyset=after is not None)
        return await self._uow.load_kept(NOTIFICATIONS, query, parameters)

    async def count_unread(self, user_id: int) -> int:
        c = t.notifications.c
        query = select(func.count()).where(c.user_id == user_id, c.read_at.is_(None))
        rows = await self._uow.rows(query)
        return int(rows[0][0])

    async def list_for_source(self, source: str) -> list[Notification]:
        return await self._uow.load(NOTIFICATIONS, t.notifications.c.source == source)

    async def mark_all_read(self, user_id: int, now: datetime) -> int:
        """One UPDATE; notifications already loaded in this unit of work are not refreshed."""
        c = t.notifications.c
        statement = (
            update(t.notifications)
            .where(c.user_id == user_id, c.read_at.is_(None))
            .values(read_at=to_utc(now), version=c.version + 1)
        )
        return await self._uow.execute_count(statement)


class SqlNotificationPreferencesRepository(SqlRepository[NotificationPreferences]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, PREFERENCES)

    async def find(self, user_id: int) -> NotificationPreferences | None:
        return await self._uow.load_first(PREFERENCES, t.notification_preferences.c.id == user_id)


class SqlProcessedEventRepository(SqlRepository[ProcessedEvent]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, PROCESSED)

    async def seen_among(self, handler: str, event_ids: Sequence[int]) -> set[int]:
        if not event_ids:
            return set()
        c = t.processed_events.c
        query = select(c.event_id).where(c.handler == handler, c.event_id.in_(set(event_ids)))
        return {event_id for (event_id,) in await self._uow.rows(query)}
