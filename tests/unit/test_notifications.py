"""Notifications from committed events (DOMAIN.md Notifications) and the outbox relay.

Events are produced by the real use cases, relayed from the memory outbox to the real
handler; the e-mail port is the memory sender (``mailer``).
"""

from __future__ import annotations

from datetime import date, time, timedelta

import attrs
import pytest

from adapters.memory.clock import FakeClock
from adapters.memory.email import MemoryEmailSender
from adapters.memory.outbox import MemoryOutboxReader
from adapters.memory.store import MemoryStore
from adapters.payments.sandbox import SandboxGateway
from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.notifications import EMAIL_HANDLER, HANDLER
from paeshift_core.application.outbox_relay import OutboxRelay, backoff_delay
from paeshift_core.application.pagination import PageRequest
from paeshift_core.domain.disputes import DisputeCategory, DisputeOpened
from paeshift_core.domain.errors import InvalidInput, NotFound, Unavailable
from paeshift_core.domain.jobs import Job, JobStatus
from paeshift_core.domain.money import Money
from paeshift_core.domain.notifications import Category, Channel, LinkKind, Notification
from paeshift_core.domain.payments import WithdrawalFailed
from paeshift_core.domain.users import Role
from paeshift_core.ports.outbox import OutboxEvent
from tests.contracts import builders as b
from tests.unit.accounts import Account, Accounts
from tests.unit.marketplace import DAY, Market

TOMORROW = DAY + timedelta(days=1)


@pytest.fixture
def relay(use_cases: UseCases, store: MemoryStore, clock: FakeClock) -> OutboxRelay:
    return OutboxRelay(
        reader=MemoryOutboxReader(store), handlers=[use_cases.notification_handler], clock=clock
    )


async def notes_of(use_cases: UseCases, who: Account) -> list[Notification]:
    found = await use_cases.notifications.list_mine(who.principal, PageRequest(limit=100))
    return list(found.page.items)


async def reminders_of(use_cases: UseCases, who: Account) -> list[Notification]:
    notes = await notes_of(use_cases, who)
    return [n for n in notes if n.category is Category.SHIFT_STARTING_SOON]


async def applied(
    market: Market, use_cases: UseCases, client: Account, worker: Account, day: date = TOMORROW
) -> tuple[Job, int]:
    job = await market.funded_job(client, start_date=day, end_date=day)
    application = await use_cases.applications.apply(worker.principal, job.id)
    return job, application.id


async def hired(
    market: Market, use_cases: UseCases, client: Account, worker: Account
) -> tuple[Job, int]:
    """A funded job tomorrow with ``worker`` accepted on it (job, application id)."""
    job, application_id = await applied(market, use_cases, client, worker)
    await use_cases.applications.accept(client.principal, application_id)
    return job, application_id


class TestEventsBecomeNotifications:
    async def test_an_application_notifies_the_client_and_acceptance_the_worker(
        self,
        use_cases: UseCases,
        accounts: Accounts,
        market: Market,
        relay: OutboxRelay,
        mailer: MemoryEmailSender,
    ) -> None:
        client, worker = await accounts.client(), await accounts.applicant()
        job, application_id = await hired(market, use_cases, client, worker)
        mailer.sent.clear()

        run = await relay.run_once()

        assert run.failed == 0
        for_client = await notes_of(use_cases, client)
        assert for_client[0].category is Category.APPLICATION_RECEIVED  # the newest
        assert {n.category for n in for_client[1:]} == {
            Category.PAYMENT_RECEIVED,
            Category.JOB_FUNDED,
        }
        received = for_client[0]
        assert received.link is not None
        assert (received.link.kind, received.link.id) == (LinkKind.APPLICATION, application_id)
        assert job.title in received.body
        (accepted,) = await notes_of(use_cases, worker)
        assert accepted.category is Category.APPLICATION_ACCEPTED
        assert accepted.link is not None
        assert accepted.link.id == job.id
        # e-mail goes out after the commit, once per notification, to the recipient
        assert sorted(m.subject for m in mailer.to(worker.email)) == ["Application accepted"]
        assert len(mailer.to(client.email)) == 3

    async def test_the_same_event_delivered_twice_makes_one_notification(
        self,
        use_cases: UseCases,
        accounts: Accounts,
        market: Market,
        store: MemoryStore,
        mailer: MemoryEmailSender,
    ) -> None:
        client, worker = await accounts.client(), await accounts.applicant()
        await applied(market, use_cases, client, worker)
        (submitted,) = [e for e in store.outbox if e.event.name == "ApplicationSubmitted"]
        mailer.sent.clear()

        for _ in range(3):
            await use_cases.notification_handler.handle(submitted)

        assert [n.category for n in await notes_of(use_cases, client)] == [
            Category.APPLICATION_RECEIVED
        ]
        assert len(mailer.to(client.email)) == 1

    async def test_a_dispute_notifies_the_other_party_and_a_payout_its_owner(
        self, use_cases: UseCases, deps: Deps, relay: OutboxRelay, store: MemoryStore
    ) -> None:
        now = deps.clock.now()
        events = [
            DisputeOpened(
                occurred_at=now,
                dispute_id=9,
                job_id=404,
                application_id=8,
                worker_id=2,
                client_id=1,
                opened_by=1,
                category=DisputeCategory.NO_SHOW,
            ),
            WithdrawalFailed(
                occurred_at=now, withdrawal_id=5, user_id=1, amount=Money(100_000), reason="closed"
            ),
        ]
        for event_id, event in zip(store.append_event_ids(2), events, strict=True):
            store.outbox.append(OutboxEvent(event_id, event, now))
        await relay.run_once()
        worker = Principal(2, Role.APPLICANT)
        client = Principal(1, Role.CLIENT)
        (opened,) = (await use_cases.notifications.list_mine(worker, PageRequest())).page.items
        assert opened.category is Category.DISPUTE_OPENED
        assert "job 404" in opened.body  # a missing job is named by its id
        (failed,) = (await use_cases.notifications.list_mine(client, PageRequest())).page.items
        assert failed.category is Category.PAYOUT_FAILED
        assert failed.link is not None
        assert failed.link.kind is LinkKind.WITHDRAWAL


class TestShiftAndCancelNotifications:
    async def test_start_end_and_cancel_reach_the_right_people(
        self,
        use_cases: UseCases,
        accounts: Accounts,
        market: Market,
        relay: OutboxRelay,
        clock: FakeClock,
    ) -> None:
        client, worker, waiting = (
            await accounts.client(),
            await accounts.applicant(),
            await accounts.applicant(),
        )
        job, _ = await hired(market, use_cases, client, worker)
        other, _ = await applied(market, use_cases, client, waiting)
        await use_cases.jobs.cancel_job(client.principal, other.id)
        clock.set(job.schedule.starts_at)
        await use_cases.jobs.start_shift(client.principal, job.id)
        clock.set(job.schedule.ends_at)
        await use_cases.jobs.end_shift(client.principal, job.id)

        await relay.run_once()

        worker_sees = {n.category for n in await notes_of(use_cases, worker)}
        assert {Category.SHIFT_STARTED, Category.SHIFT_ENDED} <= worker_sees
        assert Category.JOB_CANCELED not in worker_sees
        assert [n.category for n in await notes_of(use_cases, waiting)] == [Category.JOB_CANCELED]
        client_sees = [n.category for n in await notes_of(use_cases, client)]
        assert Category.SHIFT_ENDED in client_sees
        assert Category.JOB_CANCELED not in client_sees  # the client canceled it themself


class TestPreferences:
    async def test_a_disabled_email_category_sends_no_email_but_stays_in_app(
        self,
        use_cases: UseCases,
        accounts: Accounts,
        market: Market,
        relay: OutboxRelay,
        mailer: MemoryEmailSender,
    ) -> None:
        client, worker = await accounts.client(), await accounts.applicant()
        await use_cases.notifications.set_preferences(
            client.principal, [(Category.APPLICATION_RECEIVED, Channel.EMAIL)]
        )
        await applied(market, use_cases, client, worker)
        mailer.sent.clear()

        await relay.run_once()

        categories = [n.category for n in await notes_of(use_cases, client)]
        assert Category.APPLICATION_RECEIVED in categories
        subjects = [m.subject for m in mailer.to(client.email)]
        assert "New application" not in subjects
        assert "Job funded" in subjects  # other categories still e-mail

    async def test_preferences_default_on_and_in_app_cannot_be_switched_off(
        self, use_cases: UseCases, accounts: Accounts
    ) -> None:
        worker = await accounts.applicant()
        prefs = await use_cases.notifications.preferences(worker.principal)
        assert all(prefs.allows(c, ch) for c in Category for ch in Channel)
        with pytest.raises(InvalidInput) as caught:
            await use_cases.notifications.set_preferences(
                worker.principal, [(Category.JOB_FUNDED, Channel.IN_APP)]
            )
        assert caught.value.field == "in_app"
        changed = await use_cases.notifications.set_preferences(
            worker.principal, [(Category.JOB_FUNDED, Channel.PUSH)]
        )
        assert not changed.allows(Category.JOB_FUNDED, Channel.PUSH)
        again = await use_cases.notifications.set_preferences(worker.principal, [])
        assert again.allows(Category.JOB_FUNDED, Channel.PUSH)


class TestReadingNotifications:
    async def test_mark_read_mark_all_read_unread_count_and_pages(
        self,
        use_cases: UseCases,
        accounts: Accounts,
        market: Market,
        relay: OutboxRelay,
    ) -> None:
        client = await accounts.client()
        for _ in range(3):
            await market.funded_job(client, start_date=TOMORROW, end_date=TOMORROW)
        await relay.run_once()
        notes = use_cases.notifications
        first = await notes.list_mine(client.principal, PageRequest(limit=4))
        assert (len(first.page.items), first.unread) == (4, 6)
        assert first.page.next_cursor is not None
        rest = await notes.list_mine(client.principal, PageRequest(4, first.page.next_cursor))
        assert len(rest.page.items) == 2
        assert rest.page.next_cursor is None

        read = await notes.mark_read(client.principal, first.page.items[0].id)
        assert read.is_read
        assert await notes.unread_count(client.principal) == 5
        unread = await notes.list_mine(client.principal, PageRequest(), unread_only=True)
        assert read.id not in {n.id for n in unread.page.items}
        assert await notes.mark_all_read(client.principal) == 5
        assert await notes.unread_count(client.principal) == 0

    async def test_somebody_elses_notification_is_not_found(
        self,
        use_cases: UseCases,
        accounts: Accounts,
        market: Market,
        relay: OutboxRelay,
    ) -> None:
        client, stranger = await accounts.client(), await accounts.applicant()
        await market.funded_job(client, start_date=TOMORROW, end_date=TOMORROW)
        await relay.run_once()
        (note, *_) = await notes_of(use_cases, client)
        with pytest.raises(NotFound):
            await use_cases.notifications.mark_read(stranger.principal, note.id)


class TestRelay:
    async def test_a_failed_email_is_retried_without_a_second_notification(
        self,
        use_cases: UseCases,
        accounts: Accounts,
        market: Market,
        relay: OutboxRelay,
        mailer: MemoryEmailSender,
        store: MemoryStore,
        clock: FakeClock,
        deps: Deps,
    ) -> None:
        client, worker = await accounts.client(), await accounts.applicant()
        await applied(market, use_cases, client, worker)
        mailer.sent.clear()
        mailer.fail = True

        failing = await relay.run_once()
        assert failing.failed > 0
        assert store.pending_events(100)  # nothing failed is marked delivered
        in_app = len(await notes_of(use_cases, client))
        assert in_app == 3

        mailer.fail = False
        assert (await relay.run_once()).delivered == 0  # still backing off
        clock.advance(backoff_delay(1))
        retried = await relay.run_once()

        assert retried.failed == 0
        assert store.pending_events(100) == []
        assert len(await notes_of(use_cases, client)) == in_app
        assert len(mailer.to(client.email)) == 3
        async with deps.uow() as uow:
            (event,) = [e for e in store.outbox if e.event.name == "ApplicationSubmitted"]
            done = await uow.processed_events.seen_among(HANDLER, [event.event_id])
            assert done == {event.event_id}
            (note,) = await uow.notifications.list_for_source(f"event:{event.event_id}")
            assert await uow.processed_events.seen_among(EMAIL_HANDLER, [note.id]) == {note.id}

    async def test_every_pending_event_is_delivered_once_and_marked(
        self,
        use_cases: UseCases,
        accounts: Accounts,
        market: Market,
        relay: OutboxRelay,
        store: MemoryStore,
    ) -> None:
        client = await accounts.client()
        await market.funded_job(client, start_date=TOMORROW, end_date=TOMORROW)
        first = await relay.run_once()
        assert first.delivered == len(store.outbox)
        assert (await relay.run_once()).delivered == 0
        store.delivered.clear()  # as if the marks were lost: delivered again, no effect
        await relay.run_once()
        assert len(await notes_of(use_cases, client)) == 2

    def test_backoff_doubles_up_to_five_minutes(self) -> None:
        assert [backoff_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
        assert backoff_delay(30) == timedelta(minutes=5)


class TestShiftReminders:
    async def test_accepted_workers_are_reminded_once_an_hour_before(
        self,
        use_cases: UseCases,
        accounts: Accounts,
        market: Market,
        clock: FakeClock,
        mailer: MemoryEmailSender,
    ) -> None:
        client, worker, other = (
            await accounts.client(),
            await accounts.applicant(),
            await accounts.applicant(),
        )
        job, application_id = await applied(market, use_cases, client, worker)
        await use_cases.applications.apply(other.principal, job.id)  # applied only
        await use_cases.applications.accept(client.principal, application_id)
        starts = job.schedule.starts_at
        mailer.sent.clear()

        clock.set(starts - timedelta(minutes=61))
        assert await use_cases.shift_reminders.run() == 0
        clock.set(starts - timedelta(minutes=50))
        assert await use_cases.shift_reminders.run() == 1
        clock.advance(timedelta(minutes=5))
        assert await use_cases.shift_reminders.run() == 1  # due again, but sent once

        reminders = await reminders_of(use_cases, worker)
        assert len(reminders) == 1
        assert "10:00" in reminders[0].body  # local time of the shift (Africa/Lagos)
        assert [m.subject for m in mailer.to(worker.email)] == ["Shift starting soon"]
        assert await notes_of(use_cases, other) == []

    async def test_a_reminder_whose_email_failed_is_sent_by_the_next_run(
        self,
        use_cases: UseCases,
        accounts: Accounts,
        market: Market,
        clock: FakeClock,
        mailer: MemoryEmailSender,
    ) -> None:
        """Only a reminder whose e-mail went out is skipped by later runs of its hour."""
        client, worker = await accounts.client(), await accounts.applicant()
        job, _ = await hired(market, use_cases, client, worker)
        mailer.sent.clear()
        clock.set(job.schedule.starts_at - timedelta(minutes=50))
        mailer.fail = True
        with pytest.raises(Unavailable):
            await use_cases.shift_reminders.run()
        mailer.fail = False
        clock.advance(timedelta(minutes=1))
        assert await use_cases.shift_reminders.run() == 1
        clock.advance(timedelta(minutes=1))
        assert await use_cases.shift_reminders.run() == 1  # due, marked sent: skipped
        assert [m.subject for m in mailer.to(worker.email)] == ["Shift starting soon"]

    async def test_each_day_of_a_multi_day_job_is_reminded(
        self,
        use_cases: UseCases,
        deps: Deps,
        accounts: Accounts,
        market: Market,
        clock: FakeClock,
    ) -> None:
        """A job in its third day gets that day's reminder, however many jobs started before it
        (the finder once took the 500 oldest jobs at work and stopped there)."""
        client, worker = await accounts.client(), await accounts.applicant()
        job = await market.funded_job(
            client, job_type="multiple_days", start_date=TOMORROW, end_date=TOMORROW + timedelta(4)
        )
        application = await use_cases.applications.apply(worker.principal, job.id)
        await use_cases.applications.accept(client.principal, application.id)
        clock.set(job.schedule.starts_at)
        await use_cases.jobs.start_shift(client.principal, job.id)  # ongoing, as the others
        third = job.schedule.shift_start(TOMORROW + timedelta(2))
        earlier = attrs.evolve(job.schedule, start_date=TOMORROW - timedelta(1), start_time=time(6))
        async with deps.uow() as uow:
            for n in range(501):  # at work since before it, their shifts at another hour
                older = b.job(10_000 + n, client.user_id, b.industry(1))
                await uow.jobs.add(attrs.evolve(older, schedule=earlier, status=JobStatus.ONGOING))
            await uow.commit()

        clock.set(third - timedelta(minutes=30))
        assert await use_cases.shift_reminders.run() == 1
        reminders = await reminders_of(use_cases, worker)
        assert len(reminders) == 1


class TestPeriodicUpkeep:
    async def test_expired_codes_and_tokens_are_deleted(
        self, use_cases: UseCases, accounts: Accounts, clock: FakeClock
    ) -> None:
        await accounts.applicant()
        clock.advance(timedelta(days=400))
        expired = await use_cases.maintenance.expire_codes_and_tokens()
        assert expired.codes >= 1
        assert expired.refresh_tokens >= 1
        again = await use_cases.maintenance.expire_codes_and_tokens()
        assert (again.codes, again.refresh_tokens) == (0, 0)

    async def test_pending_payments_older_than_15_minutes_are_reconciled(
        self, use_cases: UseCases, deps: Deps, accounts: Accounts, market: Market, clock: FakeClock
    ) -> None:
        client = await accounts.client()
        job = await market.pending_job(client, start_date=TOMORROW, end_date=TOMORROW)
        started = await use_cases.funding.start_checkout(
            client.principal, job.id, "https://app.example.com/return"
        )
        gateway = deps.gateway
        assert isinstance(gateway, SandboxGateway)
        gateway.approve(started.reference)  # paid, but neither webhook nor return arrived
        assert await use_cases.funding.reconcile_pending() == 0  # too recent
        clock.advance(timedelta(minutes=16))
        assert await use_cases.funding.reconcile_pending() == 1
        intent = await use_cases.funding.get_intent(client.principal, started.reference)
        assert intent.is_final
