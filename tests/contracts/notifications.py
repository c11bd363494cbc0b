"""The notification storage contract (notifications, preferences, processed events) and the
periodic finders it came with (expired codes and tokens, pending payment intents).

Subclass :class:`NotificationStorageContract` with a ``storage`` fixture, as for
:class:`tests.contracts.storage.StorageContract`.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from paeshift_core.domain.codes import CODE_TTL
from paeshift_core.domain.errors import Conflict
from paeshift_core.domain.notifications import (
    Category,
    Channel,
    Link,
    LinkKind,
    Notification,
    NotificationPreferences,
    ProcessedEvent,
)
from paeshift_core.domain.payments import IntentStatus, PaymentIntent
from tests.contracts import builders as b
from tests.contracts.builders import NOW, state
from tests.contracts.storage import CLIENT, OTHER, WORKER, Storage, commit, seed


def note(
    note_id: int,
    user_id: int = WORKER,
    *,
    minutes: int = 0,
    source: str = "event:1",
    read: bool = False,
) -> Notification:
    at = NOW + timedelta(minutes=minutes)
    return Notification(
        id=note_id,
        user_id=user_id,
        category=Category.APPLICATION_ACCEPTED,
        title="Application accepted",
        body="You have been accepted.",
        link=Link(LinkKind.JOB, 500),
        source=source,
        created_at=at,
        read_at=at if read else None,
    )


async def add_notes(storage: Storage, *notes: Notification) -> None:
    async with storage.uow() as uow:
        for n in notes:
            await uow.notifications.add(n)
        await uow.commit()


class NotificationStorageContract:
    async def test_a_notification_reads_back_field_for_field(self, storage: Storage) -> None:
        await seed(storage)
        linked, plain = note(1), attrs.evolve(note(2), link=None, read_at=NOW)
        await add_notes(storage, linked, plain)
        async with storage.uow() as uow:
            assert state(await uow.notifications.get(1)) == state(linked)
            assert state(await uow.notifications.get(2)) == state(plain)

    async def test_pages_are_newest_first_per_user_with_a_keyset(self, storage: Storage) -> None:
        await seed(storage)
        mine = [note(i, minutes=i % 3) for i in range(10, 16)]
        await add_notes(storage, *mine, note(30, OTHER))
        expected = sorted(mine, key=lambda n: (n.created_at, n.id), reverse=True)
        async with storage.uow() as uow:
            first = await uow.notifications.page_for_user(
                WORKER, unread_only=False, after=None, limit=4
            )
            last = first[-1]
            rest = await uow.notifications.page_for_user(
                WORKER, unread_only=False, after=(last.created_at, last.id), limit=4
            )
        assert [n.id for n in first + rest] == [n.id for n in expected]

    async def test_unread_filter_count_and_mark_all_read(self, storage: Storage) -> None:
        await seed(storage)
        await add_notes(storage, note(1), note(2, read=True), note(3), note(4, OTHER))
        async with storage.uow() as uow:
            unread = await uow.notifications.page_for_user(
                WORKER, unread_only=True, after=None, limit=10
            )
            assert sorted(n.id for n in unread) == [1, 3]
            assert await uow.notifications.count_unread(WORKER) == 2
        later = NOW + timedelta(hours=1)
        async with storage.uow() as uow:
            assert await uow.notifications.mark_all_read(WORKER, later) == 2
        async with storage.uow() as uow:  # not committed: nothing changed
            assert await uow.notifications.count_unread(WORKER) == 2
        async with storage.uow() as uow:
            assert await uow.notifications.mark_all_read(WORKER, later) == 2
            await uow.commit()
        async with storage.uow() as uow:
            assert await uow.notifications.count_unread(WORKER) == 0
            assert await uow.notifications.count_unread(OTHER) == 1
            first = await uow.notifications.get(1)
            assert first.read_at == later
            assert (await uow.notifications.get(2)).read_at == NOW
        first.mark_read(later + timedelta(hours=1))  # reading again keeps the first time
        assert first.read_at == later

    async def test_notifications_are_found_by_source(self, storage: Storage) -> None:
        await seed(storage)
        await add_notes(storage, note(1, source="event:7"), note(2, CLIENT, source="event:7"))
        await add_notes(storage, note(3, source="event:8"))
        async with storage.uow() as uow:
            found = await uow.notifications.list_for_source("event:7")
            assert [n.id for n in found] == [1, 2]
            assert await uow.notifications.list_for_source("event:9") == []

    async def test_preferences_round_trip_and_change(self, storage: Storage) -> None:
        await seed(storage)
        prefs = NotificationPreferences(
            id=WORKER,
            disabled=frozenset(
                {
                    (Category.JOB_FUNDED, Channel.EMAIL),
                    (Category.SHIFT_STARTING_SOON, Channel.PUSH),
                }
            ),
        )
        await commit(storage, lambda uow: uow.notification_preferences.add(prefs))
        async with storage.uow() as uow:
            assert await uow.notification_preferences.find(CLIENT) is None
            found = await uow.notification_preferences.find(WORKER)
            assert found is not None
            assert state(found) == state(prefs)
            assert set(await uow.notification_preferences.get_many([WORKER, CLIENT])) == {WORKER}
            assert await uow.notification_preferences.get_many([]) == {}
            found.replace(frozenset())
            await uow.commit()
        async with storage.uow() as uow:
            again = await uow.notification_preferences.find(WORKER)
            assert again is not None
            assert again.disabled == frozenset()
            assert again.version == 2

    async def test_a_processed_event_is_recorded_once_per_handler(self, storage: Storage) -> None:
        def processed(record_id: int, handler: str, event_id: int) -> ProcessedEvent:
            return ProcessedEvent(
                id=record_id, handler=handler, event_id=event_id, processed_at=NOW
            )

        await commit(
            storage, lambda uow: uow.processed_events.add(processed(1, "notifications", 5))
        )
        await commit(storage, lambda uow: uow.processed_events.add(processed(2, "email", 5)))
        async with storage.uow() as uow:
            assert await uow.processed_events.seen_among("email", [5]) == {5}
            assert await uow.processed_events.seen_among("notifications", [4, 5, 6]) == {5}
            assert await uow.processed_events.seen_among("email", []) == set()
        with pytest.raises(Conflict) as caught:
            await commit(
                storage, lambda uow: uow.processed_events.add(processed(3, "notifications", 5))
            )
        assert caught.value.code == "duplicate"

    async def test_expired_codes_and_tokens_are_deleted(self, storage: Storage) -> None:
        await seed(storage)
        old_code = b.code(1, "a@example.com", created_at=NOW - CODE_TTL - timedelta(minutes=1))
        live_code = b.code(2, "b@example.com")
        old_token = attrs.evolve(b.token(3, WORKER, 3), expires_at=NOW - timedelta(seconds=1))
        live_token = b.token(4, WORKER, 4)
        async with storage.uow() as uow:
            for code in (old_code, live_code):
                await uow.codes.add(code)
            for token in (old_token, live_token):
                await uow.refresh_tokens.add(token)
            await uow.commit()
        async with storage.uow() as uow:
            assert await uow.codes.delete_expired(NOW) == 1
            assert await uow.refresh_tokens.delete_expired(NOW) == 1
            await uow.commit()
        async with storage.uow() as uow:
            assert await uow.codes.find_current("a@example.com", old_code.purpose) is None
            assert await uow.codes.find_current("b@example.com", live_code.purpose) is not None
            assert await uow.refresh_tokens.find_by_hash(old_token.token_hash) is None
            assert await uow.refresh_tokens.find_by_hash(live_token.token_hash) is not None

    async def test_pending_intents_are_listed_oldest_first(self, storage: Storage) -> None:
        _, job = await seed(storage)

        def intent(intent_id: int, minutes_ago: int) -> PaymentIntent:
            moment = NOW - timedelta(minutes=minutes_ago)
            return attrs.evolve(
                b.payment_intent(intent_id, job, f"ref-{intent_id}"),
                created_at=moment,
                updated_at=moment,
            )

        done = attrs.evolve(intent(4, 90), status=IntentStatus.FAILED)
        async with storage.uow() as uow:
            for found in (intent(1, 30), intent(2, 60), intent(3, 5), done):
                await uow.payment_intents.add(found)
            await uow.commit()
        cutoff = NOW - timedelta(minutes=15)
        async with storage.uow() as uow:
            pending = await uow.payment_intents.list_pending(created_before=cutoff, limit=10)
            assert [i.id for i in pending] == [2, 1]
            assert [
                i.id for i in await uow.payment_intents.list_pending(created_before=cutoff, limit=1)
            ] == [2]
