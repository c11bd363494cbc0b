"""``/api/v1/me/notifications`` and ``/api/v1/me/notification-preferences`` through HTTP."""

from __future__ import annotations

from adapters.memory.cache import MemoryCache
from adapters.memory.outbox import MemoryOutboxReader
from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Deps
from paeshift_core.application.outbox_relay import OutboxRelay
from paeshift_core.application.read_models import UNREAD_NOTIFICATIONS
from paeshift_core.domain.money import Money
from paeshift_core.domain.payments import WithdrawalFailed, WithdrawalPaid
from paeshift_core.ports.outbox import OutboxEvent
from tests.unit.http.conftest import Headers, Login
from tests.unit.http.journeys import Client


async def payouts_for(
    api: Client, me: Headers, deps: Deps, store: MemoryStore, use_cases: UseCases, count: int
) -> int:
    """``count`` payout events for the caller, relayed; returns the caller's id."""
    user_id = int((await api.get("/api/v1/me", headers=me)).json()["id"])
    now = deps.clock.now()
    for n, event_id in enumerate(store.append_event_ids(count)):
        kind = WithdrawalPaid if n % 2 else WithdrawalFailed
        details = {} if n % 2 else {"reason": "account closed"}
        event = kind(
            occurred_at=now,
            withdrawal_id=100 + n,
            user_id=user_id,
            amount=Money(100_000),
            **details,
        )
        store.outbox.append(OutboxEvent(event_id, event, now))
    relay = OutboxRelay(MemoryOutboxReader(store), [use_cases.notification_handler], deps.clock)
    await relay.run_once()
    return user_id


async def test_list_read_one_and_read_all(
    api: Client, login: Login, deps: Deps, store: MemoryStore, use_cases: UseCases
) -> None:
    me, other = await login("applicant"), await login("applicant")
    await payouts_for(api, me, deps, store, use_cases, 3)

    first = (await api.get("/api/v1/me/notifications?limit=2", headers=me)).json()
    assert (len(first["items"]), first["unread_count"]) == (2, 3)
    assert first["next_cursor"] is not None
    item = first["items"][0]
    assert set(item) >= {"id", "category", "title", "body", "link", "is_read", "created_at"}
    assert item["link"]["kind"] == "withdrawal"
    rest = await api.get(
        "/api/v1/me/notifications", params={"cursor": first["next_cursor"]}, headers=me
    )
    assert len(rest.json()["items"]) == 1

    stranger = await api.post(f"/api/v1/me/notifications/{item['id']}/read", headers=other)
    assert stranger.status_code == 404
    read = await api.post(f"/api/v1/me/notifications/{item['id']}/read", headers=me)
    assert (read.status_code, read.json()["is_read"]) == (200, True)
    count = await api.get("/api/v1/me/notifications/unread-count", headers=me)
    assert count.json() == {"unread_count": 2}
    unread = await api.get("/api/v1/me/notifications", params={"unread": "true"}, headers=me)
    assert item["id"] not in [n["id"] for n in unread.json()["items"]]
    all_read = await api.post("/api/v1/me/notifications/read-all", headers=me)
    assert all_read.json() == {"marked": 2}
    after = (await api.get("/api/v1/me/notifications", headers=me)).json()
    assert after["unread_count"] == 0
    assert (await api.get("/api/v1/me/notifications", headers=other)).json()["items"] == []


async def test_the_cached_unread_count_follows_new_and_read_notifications(
    api: Client, login: Login, deps: Deps, store: MemoryStore, use_cases: UseCases
) -> None:
    """The count is cached per user: each change shows at the next read (new notifications
    from the relay, one read, all read), and the reads in between are cache hits."""
    me, other = await login("applicant"), await login("applicant")
    cache = deps.cache
    assert isinstance(cache, MemoryCache)

    async def unread(headers: Headers) -> int:
        response = await api.get("/api/v1/me/notifications/unread-count", headers=headers)
        assert response.status_code == 200, response.text
        return int(response.json()["unread_count"])

    assert (await unread(me), await unread(me), await unread(other)) == (0, 0, 0)
    hits = cache.hits[UNREAD_NOTIFICATIONS]
    assert hits >= 1
    await payouts_for(api, me, deps, store, use_cases, 2)
    assert (await unread(me), await unread(other)) == (2, 0)
    listed = (await api.get("/api/v1/me/notifications", headers=me)).json()
    assert listed["unread_count"] == 2
    assert cache.hits[UNREAD_NOTIFICATIONS] > hits  # the list's count came from the cache
    read = await api.post(f"/api/v1/me/notifications/{listed['items'][0]['id']}/read", headers=me)
    assert read.status_code == 200
    assert await unread(me) == 1
    assert (await api.post("/api/v1/me/notifications/read-all", headers=me)).status_code == 200
    assert await unread(me) == 0


async def test_preferences_are_shown_and_replaced(api: Client, login: Login) -> None:
    me = await login("client")
    shown = (await api.get("/api/v1/me/notification-preferences", headers=me)).json()
    assert all(c["in_app"] and c["email"] and c["push"] for c in shown["categories"])
    assert "application_received" in {c["category"] for c in shown["categories"]}

    body = {"categories": [{"category": "application_received", "email": False}]}
    saved = await api.put("/api/v1/me/notification-preferences", json=body, headers=me)
    assert saved.status_code == 200
    by_category = {c["category"]: c for c in saved.json()["categories"]}
    assert by_category["application_received"]["email"] is False
    assert by_category["application_received"]["push"] is True
    assert by_category["job_funded"]["email"] is True

    in_app_off = {"categories": [{"category": "job_funded", "in_app": False}]}
    refused = await api.put("/api/v1/me/notification-preferences", json=in_app_off, headers=me)
    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, "in_app")
    unknown = {"categories": [{"category": "weather", "email": False}]}
    bad = await api.put("/api/v1/me/notification-preferences", json=unknown, headers=me)
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "category")
