"""Notifications (DOMAIN.md Notifications): made from committed events, read by their user.

- :class:`NotificationHandler` is the outbox handler. For each event it writes the in-app
  notifications and a :class:`ProcessedEvent` ``("notifications", event_id)`` in ONE unit of
  work, so a redelivered event finds the record and adds nothing. E-mail is sent after that
  commit, per notification, to users whose preferences allow the category by e-mail; each
  sent e-mail is recorded as ``("email", notification_id)``. A failed send raises, the task
  engine retries the event, the in-app step is skipped (already processed) and only the
  unsent e-mails are tried again. E-mail is at least once: a process killed between sending
  and recording one sends it again (in-app notifications are exactly once).
- :class:`ShiftReminders` (periodic): "shift starting soon" one hour before each day's shift,
  once per job and day.
- :class:`NotificationUseCases`: the user's list (keyset pages, unread count), mark read,
  mark all read, preferences.

The unread count is what every open app polls (the badge), so it is a cached read model of
its own (``read_models.UNREAD_NOTIFICATIONS``, keyed by the user). Notifications are not
domain events, so the commits that change a count invalidate it here, right after they
returned: creating notifications (for each recipient), marking one read, marking all read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from attrs import frozen

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.pagination import Page, PageRequest, by_created, page_of
from paeshift_core.application.read_models import UNREAD_NOTIFICATIONS, UNREAD_NOTIFICATIONS_TTL_S
from paeshift_core.application.retries import retry_on_conflict
from paeshift_core.domain.applications import ApplicationStatus
from paeshift_core.domain.disputes import DisputeEvent, DisputeOpened, DisputeResolved
from paeshift_core.domain.errors import Conflict, NotFound
from paeshift_core.domain.events import DomainEvent
from paeshift_core.domain.jobs import Job
from paeshift_core.domain.marketplace_events import (
    ApplicationAccepted,
    ApplicationEvent,
    ApplicationRejected,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    JobCanceled,
    JobFunded,
    ShiftEnded,
    ShiftStarted,
    ShiftWorked,
)
from paeshift_core.domain.notifications import (
    Category,
    Channel,
    Link,
    LinkKind,
    Notification,
    NotificationPreferences,
    ProcessedEvent,
)
from paeshift_core.domain.payments import PaymentSucceeded, WithdrawalFailed, WithdrawalPaid
from paeshift_core.ports.email import EmailMessage
from paeshift_core.ports.outbox import OutboxEvent
from paeshift_core.ports.unit_of_work import UnitOfWork

HANDLER = "notifications"
EMAIL_HANDLER = "email"
REMINDER_LEAD = timedelta(hours=1)
#: Workers holding a seat, in any state the relay may find them in after the event.
ASSIGNED = frozenset(
    {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.ONGOING,
        ApplicationStatus.COMPLETED,
        ApplicationStatus.NO_SHOW,
    }
)


@frozen
class Draft:
    """A notification to create for ``user_id``."""

    user_id: int
    category: Category
    title: str
    body: str
    link: Link | None = None


@frozen
class NotificationList:
    """A page of the caller's notifications and their unread count."""

    page: Page[Notification]
    unread: int


Mapper = Callable[[UnitOfWork, DomainEvent], Awaitable[list[Draft]]]


# -- event -> notification mapping ---------------------------------------------------------


async def _job(uow: UnitOfWork, job_id: int) -> Job | None:
    return (await uow.jobs.get_many([job_id])).get(job_id)


def _title_of(job: Job | None, job_id: int) -> str:
    return f"“{job.title}”" if job is not None else f"job {job_id}"


async def _about_job(uow: UnitOfWork, job_id: int) -> tuple[str, Link]:
    """How a notification names a job (its title, or its id once deleted) and links to it."""
    return _title_of(await _job(uow, job_id), job_id), Link(LinkKind.JOB, job_id)


async def _workers(
    uow: UnitOfWork, job_id: int, statuses: frozenset[ApplicationStatus]
) -> list[int]:
    return [
        a.applicant_id for a in await uow.applications.list_for_job(job_id) if a.status in statuses
    ]


async def _application(uow: UnitOfWork, event: DomainEvent) -> list[Draft]:
    assert isinstance(event, ApplicationEvent)
    job = await _job(uow, event.job_id)
    what = _title_of(job, event.job_id)
    to_job = Link(LinkKind.JOB, event.job_id)
    to_application = Link(LinkKind.APPLICATION, event.application_id)
    if isinstance(event, ApplicationAccepted):
        return [
            Draft(
                event.applicant_id,
                Category.APPLICATION_ACCEPTED,
                "Application accepted",
                f"You have been accepted for {what}.",
                to_job,
            )
        ]
    if isinstance(event, ApplicationRejected):
        return [
            Draft(
                event.applicant_id,
                Category.APPLICATION_REJECTED,
                "Application not accepted",
                f"Your application for {what} was not accepted.",
                to_job,
            )
        ]
    if job is None:
        return []
    applicant = (await uow.users.get_many([event.applicant_id])).get(event.applicant_id)
    who = applicant.full_name if applicant is not None else "A worker"
    if isinstance(event, ApplicationSubmitted):
        return [
            Draft(
                job.client_id,
                Category.APPLICATION_RECEIVED,
                "New application",
                f"{who} applied for {what}.",
                to_application,
            )
        ]
    assert isinstance(event, ApplicationWithdrawn)
    return [
        Draft(
            job.client_id,
            Category.APPLICATION_WITHDRAWN,
            "Application withdrawn",
            f"{who} withdrew from {what}.",
            to_application,
        )
    ]


async def _job_funded(uow: UnitOfWork, event: DomainEvent) -> list[Draft]:
    assert isinstance(event, JobFunded)
    what, link = await _about_job(uow, event.job_id)
    body = f"{what} is funded ({event.total_due} in escrow) and open for applications."
    return [Draft(event.client_id, Category.JOB_FUNDED, "Job funded", body, link)]


async def _job_canceled(uow: UnitOfWork, event: DomainEvent) -> list[Draft]:
    assert isinstance(event, JobCanceled)
    what, link = await _about_job(uow, event.job_id)
    active = frozenset({ApplicationStatus.APPLIED, ApplicationStatus.ACCEPTED})
    drafts = [
        Draft(worker, Category.JOB_CANCELED, "Job canceled", f"{what} was canceled.", link)
        for worker in await _workers(uow, event.job_id, active)
    ]
    if event.canceled_by != event.client_id:
        refund = " Its escrow was refunded to your wallet." if event.was_funded else ""
        body = f"{what} was canceled by the platform.{refund}"
        drafts.append(Draft(event.client_id, Category.JOB_CANCELED, "Job canceled", body, link))
    return drafts


async def _shift_started(uow: UnitOfWork, event: DomainEvent) -> list[Draft]:
    assert isinstance(event, ShiftStarted)
    what, link = await _about_job(uow, event.job_id)
    body = f"The shift of {what} has started: check in on site."
    return [
        Draft(worker, Category.SHIFT_STARTED, "Shift started", body, link)
        for worker in await _workers(uow, event.job_id, ASSIGNED)
    ]


async def _shift_ended(uow: UnitOfWork, event: DomainEvent) -> list[Draft]:
    assert isinstance(event, ShiftEnded)
    what, link = await _about_job(uow, event.job_id)
    body = f"The shift of {what} has ended. You can now review your workers."
    return [Draft(event.client_id, Category.SHIFT_ENDED, "Shift ended", body, link)]


async def _shift_worked(uow: UnitOfWork, event: DomainEvent) -> list[Draft]:
    assert isinstance(event, ShiftWorked)
    what, link = await _about_job(uow, event.job_id)
    body = (
        f"Your shift for {what} is complete. Your pay goes to your wallet unless a dispute "
        "holds it."
    )
    return [Draft(event.applicant_id, Category.SHIFT_ENDED, "Shift complete", body, link)]


async def _payment(uow: UnitOfWork, event: DomainEvent) -> list[Draft]:
    assert isinstance(event, PaymentSucceeded)
    what, link = await _about_job(uow, event.job_id)
    body = f"We received your payment of {event.amount} for {what}."
    return [Draft(event.payer_id, Category.PAYMENT_RECEIVED, "Payment received", body, link)]


async def _payout(uow: UnitOfWork, event: DomainEvent) -> list[Draft]:
    assert isinstance(event, WithdrawalPaid | WithdrawalFailed)
    link = Link(LinkKind.WITHDRAWAL, event.withdrawal_id)
    if isinstance(event, WithdrawalPaid):
        body = f"Your withdrawal of {event.amount} was paid to your bank account."
        return [Draft(event.user_id, Category.PAYOUT_PAID, "Payout sent", body, link)]
    body = (
        f"Your withdrawal of {event.amount} failed ({event.reason}); "
        "the money is back in your wallet."
    )
    return [Draft(event.user_id, Category.PAYOUT_FAILED, "Payout failed", body, link)]


async def _dispute(uow: UnitOfWork, event: DomainEvent) -> list[Draft]:
    """Both parties hear about a dispute (DOMAIN.md Disputes); the opener not of its opening."""
    assert isinstance(event, DisputeEvent)
    what = _title_of(await _job(uow, event.job_id), event.job_id)
    link = Link(LinkKind.DISPUTE, event.dispute_id)
    parties = [event.client_id, event.worker_id]
    if isinstance(event, DisputeOpened):
        category, title = Category.DISPUTE_OPENED, "Dispute opened"
        body = f"A dispute was opened about {what}."
        parties = [p for p in parties if p != event.opened_by]
    elif isinstance(event, DisputeResolved):
        category, title = Category.DISPUTE_RESOLVED, "Dispute resolved"
        body = f"The dispute about {what} was resolved."
    else:
        category, title = Category.DISPUTE_UPDATED, "Dispute updated"
        body = f"The dispute about {what} was updated."
    return [Draft(party, category, title, body, link) for party in parties]


MAPPERS: dict[str, Mapper] = {
    "ApplicationSubmitted": _application,
    "ApplicationAccepted": _application,
    "ApplicationRejected": _application,
    "ApplicationWithdrawn": _application,
    "JobFunded": _job_funded,
    "JobCanceled": _job_canceled,
    "ShiftStarted": _shift_started,
    "ShiftEnded": _shift_ended,
    "ShiftWorked": _shift_worked,
    "PaymentSucceeded": _payment,
    "WithdrawalPaid": _payout,
    "WithdrawalFailed": _payout,
    "DisputeOpened": _dispute,
    "DisputeUpdated": _dispute,
    "DisputeResolved": _dispute,
}


def event_source(event_id: int) -> str:
    return f"event:{event_id}"


# -- creating and e-mailing ----------------------------------------------------------------


async def unread_changed(deps: Deps, user_id: int) -> None:
    """After a commit that changed ``user_id``'s unread notifications (module docstring)."""
    await deps.cache.invalidate(UNREAD_NOTIFICATIONS, str(user_id))


class NotificationWriter:
    """Creates notifications once per key and e-mails them after the commit."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def create_once(
        self,
        handler: str,
        key: int,
        source: str,
        drafts: Callable[[UnitOfWork], Awaitable[list[Draft]]],
    ) -> list[Notification] | None:
        """In one unit of work: unless ``(handler, key)`` was processed, add the drafts'
        notifications and the processed record; returns them. A duplicate (a second
        delivery, concurrent or not) loses on the unique record, changes nothing and
        returns None."""
        try:
            return await retry_on_conflict(partial(self._create, handler, key, source, drafts))
        except Conflict as exc:
            if exc.code != "duplicate":
                raise
            return None

    async def _create(
        self,
        handler: str,
        key: int,
        source: str,
        drafts: Callable[[UnitOfWork], Awaitable[list[Draft]]],
    ) -> list[Notification]:
        """The processed record goes in first: a duplicate fails on its unique key before
        any draft is made, without a statement asking whether it was seen (one round trip
        per delivery fewer; a second delivery is the rare case)."""
        async with self._deps.uow() as uow:
            now = self._deps.clock.now()
            await uow.processed_events.add(
                ProcessedEvent(
                    id=self._deps.ids.next_id(), handler=handler, event_id=key, processed_at=now
                )
            )
            created = [
                Notification(
                    id=self._deps.ids.next_id(),
                    user_id=draft.user_id,
                    category=draft.category,
                    title=draft.title,
                    body=draft.body,
                    link=draft.link,
                    source=source,
                    created_at=now,
                )
                for draft in await drafts(uow)
            ]
            for notification in created:
                await uow.notifications.add(notification)
            await uow.commit()
        for user_id in sorted({n.user_id for n in created}):
            await unread_changed(self._deps, user_id)
        return created

    async def email(self, source: str, created: Sequence[Notification] | None) -> int:
        """E-mail the notifications of ``source`` not e-mailed yet, where the recipient's
        preferences allow it; returns how many were sent. A failed send raises
        (``Unavailable``) after recording the ones sent before it. Finding what is due only
        reads (a read-only unit of work: no transaction round trips on every event).

        ``created``: what :meth:`create_once` returned for ``source``. Notifications this
        delivery just created are all of the source's and none can have been e-mailed yet,
        so the two queries asking that are skipped, and nothing is read when there are none
        (bench/results/2026-11-29-worker-email-step.md); None (a redelivery) asks the
        database."""
        if created is not None and not created:
            return 0
        async with self._deps.uow(read_only=True) as uow:
            if created is None:
                notifications = await uow.notifications.list_for_source(source)
                sent = await uow.processed_events.seen_among(
                    EMAIL_HANDLER, [n.id for n in notifications]
                )
            else:
                notifications, sent = list(created), set()
            user_ids = sorted({n.user_id for n in notifications})
            preferences = await uow.notification_preferences.get_many(user_ids)
            users = await uow.users.get_many(user_ids)
            due = []
            for n in notifications:
                prefs = preferences.get(n.user_id) or NotificationPreferences(id=n.user_id)
                user = users.get(n.user_id)
                if user is None or not prefs.allows(n.category, Channel.EMAIL):
                    continue
                if n.id not in sent:
                    due.append((n, user.email.value))
        for notification, address in due:
            await self._deps.email.send(
                EmailMessage(
                    to=address,
                    subject=notification.title,
                    body=f"{notification.body}\n\nPaeshift",
                    tags=(("category", notification.category.value),),
                )
            )
            await self.create_once(EMAIL_HANDLER, notification.id, source, _nothing)
        return len(due)


async def _nothing(_: UnitOfWork) -> list[Draft]:
    return []


class NotificationHandler:
    """The outbox handler of notifications (registered with the relay)."""

    name = HANDLER

    def __init__(self, deps: Deps, mappers: dict[str, Mapper] | None = None) -> None:
        self._writer = NotificationWriter(deps)
        self._mappers = MAPPERS if mappers is None else mappers

    async def handle(self, delivered: OutboxEvent) -> None:
        mapper = self._mappers.get(delivered.event.name)
        if mapper is None:
            return
        source = event_source(delivered.event_id)
        event = delivered.event
        created = await self._writer.create_once(
            HANDLER, delivered.event_id, source, lambda uow: mapper(uow, event)
        )
        await self._writer.email(source, created)


# -- periodic: shift reminders -------------------------------------------------------------


class ShiftReminders:
    """ "Shift starting soon", one hour before each day's shift, to its accepted workers
    (DOMAIN.md Notifications); at most once per job and day, whoever runs it how often."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._writer = NotificationWriter(deps)

    async def run(self) -> int:
        """Send the due reminders; returns how many (job, day) reminders were due.

        The repository finds the jobs with a shift starting within the lead time, however
        many jobs are at work. (It was the first 500 upcoming or ongoing jobs by first start:
        with more than 500 multi-day jobs under way, the later ones never got their daily
        reminders.) A reminder is due at every run in its hour; one whose e-mail went out is
        marked (``shift_reminder_sent:<day>``) and skipped after one query per day, so once
        the hour's reminders went out a run costs three statements, not a dozen per reminder;
        one that failed before its mark is retried by the next run (creation and e-mail are
        idempotent)."""
        now = self._deps.clock.now()
        horizon = now + REMINDER_LEAD
        async with self._deps.uow(read_only=True) as uow:
            due = [
                (job, day, starts)
                for job in await uow.jobs.list_with_shift_starting(now, horizon)
                for day, starts in job.schedule.shift_starts_between(now, horizon)
            ]
            sent = {
                day: await uow.processed_events.seen_among(
                    _reminder_sent(day), [job.id for job, on, _ in due if on == day]
                )
                for day in {day for _, day, _ in due}
            }
        for job, day, starts in due:
            if job.id not in sent[day]:
                await self._remind(job, day, starts)
        return len(due)

    async def _remind(self, job: Job, day: date, starts: datetime) -> None:
        source = f"reminder:{job.id}:{day.isoformat()}"
        link = Link(LinkKind.JOB, job.id)
        local = starts.astimezone(ZoneInfo(job.schedule.timezone)).strftime("%H:%M")

        async def drafts(uow: UnitOfWork) -> list[Draft]:
            what = _title_of(job, job.id)
            body = f"Your shift for {what} starts at {local}. Be on time to check in."
            return [
                Draft(worker, Category.SHIFT_STARTING_SOON, "Shift starting soon", body, link)
                for worker in await _workers(uow, job.id, ASSIGNED)
            ]

        created = await self._writer.create_once(
            f"shift_reminder:{day.isoformat()}", job.id, source, drafts
        )
        await self._writer.email(source, created)
        await self._writer.create_once(_reminder_sent(day), job.id, source, _nothing)


def _reminder_sent(day: date) -> str:
    return f"shift_reminder_sent:{day.isoformat()}"


# -- the user's side -------------------------------------------------------------------------


class NotificationUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def list_mine(
        self, principal: Principal, page: PageRequest, *, unread_only: bool = False
    ) -> NotificationList:
        """The caller's notifications, newest first, and how many are unread."""
        async with self._deps.uow(read_only=True) as uow:
            rows = await uow.notifications.page_for_user(
                principal.user_id, unread_only=unread_only, after=page.after_key, limit=page.fetch
            )
        unread = await self.unread_count(principal)
        return NotificationList(page=page_of(rows, page, by_created), unread=unread)

    async def unread_count(self, principal: Principal) -> int:
        """Through the cache (module docstring)."""
        user_id = principal.user_id

        async def count() -> bytes:
            async with self._deps.uow(read_only=True) as uow:
                return str(await uow.notifications.count_unread(user_id)).encode()

        cached = await self._deps.cache.get_or_load(
            UNREAD_NOTIFICATIONS, str(user_id), count, UNREAD_NOTIFICATIONS_TTL_S
        )
        return int(cached)

    async def mark_read(self, principal: Principal, notification_id: int) -> Notification:
        """Somebody else's notification is not found (its existence is not revealed)."""
        return await retry_on_conflict(partial(self._mark_read, principal, notification_id))

    async def _mark_read(self, principal: Principal, notification_id: int) -> Notification:
        async with self._deps.uow() as uow:
            notification = await uow.notifications.get(notification_id)
            if notification.user_id != principal.user_id:
                raise NotFound(f"notification {notification_id} not found")
            notification.mark_read(self._deps.clock.now())
            await uow.commit()
        await unread_changed(self._deps, principal.user_id)
        return notification

    async def mark_all_read(self, principal: Principal) -> int:
        """Returns how many notifications changed."""
        async with self._deps.uow() as uow:
            changed = await uow.notifications.mark_all_read(
                principal.user_id, self._deps.clock.now()
            )
            await uow.commit()
        await unread_changed(self._deps, principal.user_id)
        return changed

    async def preferences(self, principal: Principal) -> NotificationPreferences:
        async with self._deps.uow(read_only=True) as uow:
            found = await uow.notification_preferences.find(principal.user_id)
        return found or NotificationPreferences(id=principal.user_id)

    async def set_preferences(
        self, principal: Principal, disabled: Sequence[tuple[Category, Channel]]
    ) -> NotificationPreferences:
        """Replace the caller's switched-off ``(category, channel)`` pairs."""
        return await retry_on_conflict(partial(self._set, principal, frozenset(disabled)))

    async def _set(
        self, principal: Principal, disabled: frozenset[tuple[Category, Channel]]
    ) -> NotificationPreferences:
        async with self._deps.uow() as uow:
            found = await uow.notification_preferences.find(principal.user_id)
            preferences = found or NotificationPreferences(id=principal.user_id)
            preferences.replace(disabled)
            if found is None:
                await uow.notification_preferences.add(preferences)
            await uow.commit()
            return preferences
