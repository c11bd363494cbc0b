"""``/api/v1/me/notifications`` and ``/api/v1/me/notification-preferences``
(DOMAIN.md Notifications; API.md me)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from adapters.http.auth import AUTHENTICATED, Caller, Services
from adapters.http.pagination import Cursor, Limit, page_request
from adapters.http.problems import documented
from adapters.http.schema_base import Input, Output
from paeshift_core.application.pagination import DEFAULT_LIMIT
from paeshift_core.domain.notifications import (
    Category,
    Channel,
    Notification,
    NotificationPreferences,
    parse_pair,
)


class LinkOut(Output):
    kind: str
    id: int


class NotificationOut(Output):
    id: int
    category: str
    title: str
    body: str
    link: LinkOut | None
    is_read: bool
    read_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, n: Notification) -> NotificationOut:
        return cls(
            id=n.id,
            category=n.category.value,
            title=n.title,
            body=n.body,
            link=None if n.link is None else LinkOut(kind=n.link.kind.value, id=n.link.id),
            is_read=n.is_read,
            read_at=n.read_at,
            created_at=n.created_at,
        )


class NotificationPageOut(Output):
    """A page of notifications (API.md pagination) and the caller's unread count."""

    items: list[NotificationOut]
    next_cursor: str | None
    unread_count: int


class UnreadOut(Output):
    unread_count: int


class ReadAllOut(Output):
    marked: int


class CategoryChannels(msgspec.Struct, kw_only=True):
    """One category's channels; ``in_app`` is always true."""

    category: str
    in_app: bool = True
    email: bool = True
    push: bool = True


class PreferencesOut(Output):
    categories: list[CategoryChannels]

    @classmethod
    def of(cls, prefs: NotificationPreferences) -> PreferencesOut:
        return cls(
            categories=[
                CategoryChannels(
                    category=category.value,
                    in_app=True,
                    email=prefs.allows(category, Channel.EMAIL),
                    push=prefs.allows(category, Channel.PUSH),
                )
                for category in Category
            ]
        )


class PreferenceIn(Input):
    category: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    #: Must stay true: in-app notifications cannot be switched off (422 otherwise).
    in_app: bool = True
    email: bool = True
    push: bool = True


class PreferencesIn(Input):
    """The categories listed replace their stored channels; unlisted categories are on."""

    categories: Annotated[list[PreferenceIn], msgspec.Meta(max_length=len(Category))]

    def disabled(self) -> list[tuple[Category, Channel]]:
        pairs = []
        for item in self.categories:
            wanted = {
                Channel.IN_APP: item.in_app,
                Channel.EMAIL: item.email,
                Channel.PUSH: item.push,
            }
            parse_pair(item.category, Channel.IN_APP.value)  # names an unknown category
            pairs += [parse_pair(item.category, c.value) for c, on in wanted.items() if not on]
        return pairs


UnreadOnly = Annotated[bool, QueryParameter(description="only unread notifications")]


class NotificationsController(Controller):
    path = "/me/notifications"
    tags = ["me", "notifications"]
    security = AUTHENTICATED

    @get("", responses=documented(401), summary="My notifications, newest first")
    async def mine(
        self,
        principal: Caller,
        services: Services,
        unread: UnreadOnly = False,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> NotificationPageOut:
        found = await services.core.notifications.list_mine(
            principal, page_request(limit, cursor), unread_only=unread
        )
        return NotificationPageOut(
            items=[NotificationOut.of(n) for n in found.page.items],
            next_cursor=found.page.next_cursor,
            unread_count=found.unread,
        )

    @get("/unread-count", responses=documented(401), summary="How many are unread")
    async def unread_count(self, principal: Caller, services: Services) -> UnreadOut:
        return UnreadOut(unread_count=await services.core.notifications.unread_count(principal))

    @post(
        "/{notification_id:int}/read",
        status_code=HTTP_200_OK,
        responses=documented(401, 404),
        summary="Mark one notification read",
    )
    async def read(
        self, notification_id: FromPath[int], principal: Caller, services: Services
    ) -> NotificationOut:
        found = await services.core.notifications.mark_read(principal, notification_id)
        return NotificationOut.of(found)

    @post(
        "/read-all",
        status_code=HTTP_200_OK,
        responses=documented(401),
        summary="Mark all my notifications read",
    )
    async def read_all(self, principal: Caller, services: Services) -> ReadAllOut:
        marked = await services.core.notifications.mark_all_read(principal)
        return ReadAllOut(marked=marked)


class NotificationPreferencesController(Controller):
    path = "/me/notification-preferences"
    tags = ["me", "notifications"]
    security = AUTHENTICATED

    @get("", responses=documented(401), summary="My notification channels per category")
    async def preferences(self, principal: Caller, services: Services) -> PreferencesOut:
        return PreferencesOut.of(await services.core.notifications.preferences(principal))

    @put("", responses=documented(401, 422), summary="Switch e-mail / push per category")
    async def set_preferences(
        self, data: JSONBody[PreferencesIn], principal: Caller, services: Services
    ) -> PreferencesOut:
        found = await services.core.notifications.set_preferences(principal, data.disabled())
        return PreferencesOut.of(found)
