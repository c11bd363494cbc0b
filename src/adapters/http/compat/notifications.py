"""``/notifications``: the caller's notifications and their e-mail/push switches
(COMPAT_API.md Notifications).

The legacy front end has four switches per channel; each covers a group of the core's
categories (switching it off turns off every category of the group):

- ``new_job_alert``: job funded, job canceled;
- ``job_reminder``: shift starting soon, started, ended;
- ``job_acceptance``: application received / accepted / rejected / withdrawn;
- ``settings_changes``: payments, payouts, disputes, reviews.
"""

from __future__ import annotations

from typing import Any

from litestar import get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from adapters.http.auth import Services
from adapters.http.compat.session import CompatCaller, require_self
from adapters.http.compat.shapes import as_bool, as_id, body_of, numbered, page_params, walk
from adapters.http.services import ApiServices
from paeshift_core.application.context import Principal
from paeshift_core.application.pagination import PageRequest
from paeshift_core.domain.notifications import Category, Channel, Notification

C = Category
GROUPS: dict[str, tuple[Category, ...]] = {
    "new_job_alert": (C.JOB_FUNDED, C.JOB_CANCELED),
    "job_reminder": (C.SHIFT_STARTING_SOON, C.SHIFT_STARTED, C.SHIFT_ENDED),
    "job_acceptance": (
        C.APPLICATION_RECEIVED,
        C.APPLICATION_ACCEPTED,
        C.APPLICATION_REJECTED,
        C.APPLICATION_WITHDRAWN,
    ),
    "settings_changes": (
        C.PAYMENT_RECEIVED,
        C.PAYOUT_PAID,
        C.PAYOUT_FAILED,
        C.DISPUTE_OPENED,
        C.DISPUTE_UPDATED,
        C.DISPUTE_RESOLVED,
        C.REVIEW_RECEIVED,
    ),
}
_CHANNELS = {"push": Channel.PUSH, "email": Channel.EMAIL}


def _link(notification: Notification) -> str:
    link = notification.link
    if link is None:
        return ""
    return (
        f"/jobdetails/{link.id}" if link.kind.value == "job" else f"/{link.kind.value}s/{link.id}"
    )


def _item(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "title": notification.title,
        "message": notification.body,
        "category": notification.category.value,
        "is_read": notification.is_read,
        "created_at": notification.created_at.isoformat(),
        "link": _link(notification),
    }


async def _all(services: ApiServices, caller: Principal, unread_only: bool) -> list[Notification]:
    async def fetch(request: PageRequest) -> Any:
        return (
            await services.core.notifications.list_mine(caller, request, unread_only=unread_only)
        ).page

    return await walk(fetch)


@get("/{uid:str}")
async def list_notifications(
    uid: FromPath[str],
    caller: CompatCaller,
    services: Services,
    page: FromQuery[str | None] = None,
    limit: FromQuery[str | None] = None,
    is_read: FromQuery[str | None] = None,
    category: FromQuery[str | None] = None,
) -> dict[str, Any]:
    require_self(caller, uid, "user_id")
    number, size = page_params(page, limit, default_size=20)
    unread_only = is_read is not None and not as_bool(is_read)
    rows = await _all(services, caller, unread_only)
    if is_read is not None and as_bool(is_read):
        rows = [n for n in rows if n.is_read]
    if category:
        rows = [n for n in rows if n.category.value == category]
    cut = numbered(rows, number, size)
    paging = cut.pagination()
    return {
        "status": "success",
        "data": {
            "total_count": cut.total,
            "total_pages": paging["total_pages"],
            "current_page": number,
            "has_next": paging["has_next"],
            "has_previous": paging["has_previous"],
            "notifications": [_item(n) for n in cut.items],
        },
    }


@post("/notifications/{uid:str}/{nid:str}/mark-as-read", status_code=200)
async def mark_as_read(
    uid: FromPath[str], nid: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    require_self(caller, uid, "user_id")
    await services.core.notifications.mark_read(caller, as_id(nid, "notification_id"))
    return {"status": "success", "message": "Notification marked as read"}


def _settings(disabled: frozenset[tuple[Category, Channel]]) -> dict[str, Any]:
    return {
        name: {
            group: not any((c, channel) in disabled for c in cats) for group, cats in GROUPS.items()
        }
        for name, channel in _CHANNELS.items()
    }


@get("/{uid:str}/settings")
async def get_settings(
    uid: FromPath[str], caller: CompatCaller, services: Services
) -> dict[str, Any]:
    require_self(caller, uid, "user_id")
    preferences = await services.core.notifications.preferences(caller)
    return {"status": "success", "data": _settings(preferences.disabled)}


@put("/notifications/{uid:str}/settings", status_code=200)
async def put_settings(
    uid: FromPath[str], *, data: JSONBody[Any] = None, caller: CompatCaller, services: Services
) -> dict[str, Any]:
    """Switches not named in the body keep their current value."""
    require_self(caller, uid, "user_id")
    body = body_of(data)
    current = (await services.core.notifications.preferences(caller)).disabled
    disabled = set(current)
    for name, channel in _CHANNELS.items():
        for group, categories in GROUPS.items():
            key = f"{name}_{group}"
            if key not in body:
                continue
            pairs = {(c, channel) for c in categories}
            disabled = disabled - pairs if as_bool(body[key]) else disabled | pairs
    saved = await services.core.notifications.set_preferences(caller, sorted(disabled))
    return {"status": "success", "data": _settings(saved.disabled)}


ROUTES = [list_notifications, mark_as_read, get_settings, put_settings]
