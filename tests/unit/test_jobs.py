"""Job use cases (DOMAIN.md Jobs): post, edit, delete, cancel, start, end, and job queries.

Authorization (documented in application/marketplace_access.py): a ``pending`` job does not
exist for anyone but its client and admins (``NotFound``); acting on a visible job one does
not own is ``PermissionDenied``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import attrs
import pytest

from adapters.memory.clock import FakeClock
from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases, build_use_cases, memory_deps
from paeshift_core.application.context import Deps, Policy
from paeshift_core.application.jobs import JobDraft, JobUseCases
from paeshift_core.application.pagination import PageRequest
from paeshift_core.domain.applications import Application, ApplicationStatus
from paeshift_core.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PaeshiftError,
    PermissionDenied,
    RuleViolation,
)
from paeshift_core.domain.jobs import Job, JobStatus
from paeshift_core.domain.marketplace_events import (
    JobCanceled,
    JobCreated,
    JobDeleted,
    JobEdited,
    JobFunded,
    ShiftEnded,
    ShiftStarted,
    ShiftWorked,
)
from paeshift_core.domain.money import Money
from paeshift_core.ports.unit_of_work import UnitOfWork
from tests.unit.accounts import Account, Accounts
from tests.unit.marketplace import Market, fund_job


def _event_names(store: MemoryStore) -> list[str]:
    return [e.event.name for e in store.outbox]


async def _staffed_job(
    market: Market, accounts: Accounts, client: Account, workers: int = 2, seats: int = 0
) -> tuple[Job, list[Application]]:
    """A funded job (``seats``, default ``workers``) with ``workers`` accepted applications."""
    job = await market.funded_job(client, applicants_needed=seats or workers)
    applications = []
    for _ in range(workers):
        worker = await accounts.applicant()
        application = await market.use_cases.applications.apply(worker.principal, job.id)
        applications.append(
            await market.use_cases.applications.accept(client.principal, application.id)
        )
    return job, applications


# -- create ---------------------------------------------------------------------------------
async def test_client_posts_a_pending_job_priced_by_policy(
    market: Market, accounts: Accounts, store: MemoryStore, clock: FakeClock
) -> None:
    client = await accounts.client()
    job = await market.pending_job(client, applicants_needed=3)
    assert job.status is JobStatus.PENDING
    assert job.client_id == client.user_id
    assert job.schedule.timezone == "Africa/Lagos"
    # ₦1,500/h × 8 h = ₦12,000 per worker; 3 seats; 10 % fee.
    assert job.pricing.worker_pay == Money(1_200_000)
    assert job.pricing.total_due == Money(3_960_000)
    assert job.created_at == clock.now()
    created = [e.event for e in store.outbox if isinstance(e.event, JobCreated)]
    assert [(e.job_id, e.client_id, e.total_due) for e in created] == [
        (job.id, client.user_id, job.pricing.total_due)
    ]


async def test_fee_rate_and_timezone_come_from_policy(clock: FakeClock) -> None:
    deps = memory_deps(clock=clock, policy=Policy(fee_rate_bp=500, timezone="Africa/Nairobi"))
    use_cases = build_use_cases(deps)
    market = Market(use_cases, deps)
    accounts = Accounts(use_cases, deps.email)  # type: ignore[arg-type]
    # 15:00 in Nairobi (UTC+3) is 12:00 UTC, after the fake clock's 08:00 UTC.
    job = await market.pending_job(
        await accounts.client(), start_time=time(15, 0), end_time=time(23, 0)
    )
    assert job.pricing.fee_rate_bp == 500
    assert job.pricing.service_fee == Money(120_000)  # 5 % of 2 × ₦12,000
    assert job.schedule.timezone == "Africa/Nairobi"
    explicit = await market.pending_job(await accounts.client(), timezone="UTC")
    assert explicit.schedule.timezone == "UTC"


async def test_only_clients_with_contact_details_post(market: Market, accounts: Accounts) -> None:
    applicant = await accounts.applicant()
    admin = await accounts.admin()
    incomplete = await accounts.client(complete_profile=False)
    draft = await market.draft()
    for account in (applicant, admin):
        with pytest.raises(PermissionDenied) as denied:
            await market.use_cases.jobs.create_job(account.principal, draft)
        assert denied.value.code == "wrong_role"
    with pytest.raises(RuleViolation) as info:
        await market.use_cases.jobs.create_job(incomplete.principal, draft)
    assert info.value.code == "profile_incomplete"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "ab"}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"end_date": date(2026, 1, 4), "job_type": "multiple_days"}, "end_date"),
        ({"applicants_needed": 0}, "applicants_needed"),
        ({"applicants_needed": 101}, "applicants_needed"),
        ({"hourly_rate": Money(-100)}, "hourly_rate"),
        ({"hourly_rate": Money(99)}, "hourly_rate"),
        ({"shift_type": "brunch"}, "shift_type"),
        ({"job_type": "weekly"}, "job_type"),
        ({"address": "x"}, "address"),
        ({"industry_id": 999_999}, "industry_id"),
        ({"start_date": date(2026, 1, 4), "end_date": date(2026, 1, 4)}, "start_date"),
        ({"start_time": time(8, 0)}, "start_date"),  # 08:00 Lagos already passed
        ({"timezone": "Nowhere/Atlantis"}, "timezone"),
    ],
)
async def test_invalid_drafts_name_the_field(
    market: Market, accounts: Accounts, changes: dict[str, object], field: str
) -> None:
    client = await accounts.client()
    with pytest.raises(InvalidInput) as info:
        await market.pending_job(client, **changes)
    assert info.value.field == field


async def test_subcategory_must_belong_to_the_industry(market: Market, accounts: Accounts) -> None:
    first, second = (await market.industries())[:2]
    with pytest.raises(InvalidInput) as info:
        await market.pending_job(await accounts.client(), subcategory_id=second.subcategories[0].id)
    assert info.value.field == "subcategory_id"
    assert first.id != second.id


# -- edit and delete ---------------------------------------------------------------------------
async def test_owner_edits_a_pending_job_and_pricing_is_recomputed(
    market: Market, accounts: Accounts, store: MemoryStore
) -> None:
    client = await accounts.client()
    job = await market.pending_job(client)
    edited = await market.use_cases.jobs.edit_job(
        client.principal,
        job.id,
        attrs.evolve(JobDraft.of(job), applicants_needed=3, end_time=time(14, 0)),
    )
    assert edited.seats == 3
    assert edited.pricing.worker_pay == Money(600_000)  # 4 h × ₦1,500
    assert edited.pricing.total_due == Money(1_980_000)
    assert edited.version == job.version + 1
    assert "JobEdited" in _event_names(store)
    assert JobEdited.event_name() == "JobEdited"


async def test_edit_and_delete_need_the_owner_and_a_pending_job(
    market: Market, accounts: Accounts
) -> None:
    client, other = await accounts.client(), await accounts.client()
    jobs = market.use_cases.jobs
    pending = await market.pending_job(client)
    draft = JobDraft.of(pending)
    # Someone else's pending job does not exist for them.
    with pytest.raises(NotFound):
        await jobs.edit_job(other.principal, pending.id, draft)
    with pytest.raises(NotFound):
        await jobs.delete_job(other.principal, pending.id)
    funded = await market.funded_job(client)
    with pytest.raises(PermissionDenied):
        await jobs.edit_job(other.principal, funded.id, JobDraft.of(funded))
    with pytest.raises(Conflict) as info:
        await jobs.edit_job(client.principal, funded.id, JobDraft.of(funded))
    assert info.value.code == "invalid_transition"
    with pytest.raises(Conflict):
        await jobs.delete_job(client.principal, funded.id)


async def test_owner_deletes_a_pending_job(
    market: Market, accounts: Accounts, store: MemoryStore
) -> None:
    client = await accounts.client()
    job = await market.pending_job(client)
    await market.use_cases.jobs.delete_job(client.principal, job.id)
    with pytest.raises(NotFound):
        await market.use_cases.jobs.get_job(client.principal, job.id)
    assert _event_names(store)[-1] == JobDeleted.event_name()


# -- cancel --------------------------------------------------------------------------------------
async def test_cancel_by_owner_or_admin_only(
    market: Market, accounts: Accounts, store: MemoryStore
) -> None:
    client, other, admin = await accounts.client(), await accounts.client(), await accounts.admin()
    worker = await accounts.applicant()
    jobs = market.use_cases.jobs
    pending = await market.pending_job(client)
    canceled = await jobs.cancel_job(client.principal, pending.id)
    assert canceled.status is JobStatus.CANCELED
    funded = await market.funded_job(client)
    for stranger in (other, worker):
        with pytest.raises(PermissionDenied):
            await jobs.cancel_job(stranger.principal, funded.id)
    by_admin = await jobs.cancel_job(admin.principal, funded.id)
    assert by_admin.canceled_at is not None
    events = [e.event for e in store.outbox if isinstance(e.event, JobCanceled)]
    assert [(e.canceled_by, e.was_funded) for e in events] == [
        (client.user_id, False),
        (admin.user_id, True),
    ]
    with pytest.raises(Conflict):
        await jobs.cancel_job(client.principal, funded.id)


async def test_funding_twice_is_a_conflict(
    market: Market, accounts: Accounts, store: MemoryStore
) -> None:
    client = await accounts.client()
    job = await market.funded_job(client)
    assert job.status is JobStatus.UPCOMING
    assert JobFunded.event_name() in _event_names(store)
    with pytest.raises(Conflict):
        await fund_job(market.use_cases, market.deps, client, job.id)


# -- start and end -------------------------------------------------------------------------------
async def test_start_needs_an_accepted_worker_and_the_start_near(
    market: Market, accounts: Accounts, clock: FakeClock
) -> None:
    client = await accounts.client()
    jobs = market.use_cases.jobs
    empty = await market.funded_job(client)
    with pytest.raises(RuleViolation) as info:
        await jobs.start_shift(client.principal, empty.id)
    assert info.value.code == "no_workers"
    tomorrow = date(2026, 1, 6)
    later = await market.funded_job(client, start_date=tomorrow, end_date=tomorrow)
    worker = await accounts.applicant()
    application = await market.use_cases.applications.apply(worker.principal, later.id)
    await market.use_cases.applications.accept(client.principal, application.id)
    with pytest.raises(RuleViolation) as early:
        await jobs.start_shift(client.principal, later.id)
    assert early.value.code == "too_early"
    pending = await market.pending_job(client)
    with pytest.raises(Conflict):
        await jobs.start_shift(client.principal, pending.id)
    # Two hours before 10:00 Lagos (09:00 UTC) on the next day it may start.
    clock.set(datetime.fromisoformat("2026-01-06T07:00:00+00:00"))
    started = await jobs.start_shift(client.principal, later.id)
    assert started.status is JobStatus.ONGOING
    assert started.started_at == clock.now()


async def test_start_moves_accepted_workers_to_ongoing(
    market: Market, accounts: Accounts, store: MemoryStore
) -> None:
    client = await accounts.client()
    job, accepted = await _staffed_job(market, accounts, client, workers=2, seats=3)
    waiting = await market.use_cases.applications.apply(
        (await accounts.applicant()).principal, job.id
    )
    with pytest.raises(PermissionDenied):
        await market.use_cases.jobs.start_shift((await accounts.client()).principal, job.id)
    started = await market.use_cases.jobs.start_shift(client.principal, job.id)
    assert started.accepted_count == 2
    statuses = await _statuses(market.deps, [a.id for a in [*accepted, waiting]])
    assert statuses == [
        ApplicationStatus.ONGOING,
        ApplicationStatus.ONGOING,
        ApplicationStatus.APPLIED,
    ]
    assert ShiftStarted.event_name() in _event_names(store)


async def test_end_completes_workers_and_keeps_no_shows(
    market: Market, accounts: Accounts, store: MemoryStore
) -> None:
    client = await accounts.client()
    job, (present, absent) = await _staffed_job(market, accounts, client, workers=2)
    jobs, apps = market.use_cases.jobs, market.use_cases.applications
    with pytest.raises(Conflict):
        await jobs.end_shift(client.principal, job.id)  # not started
    await jobs.start_shift(client.principal, job.id)
    await apps.mark_no_show(client.principal, absent.id)
    ended = await jobs.end_shift(client.principal, job.id)
    assert ended.status is JobStatus.COMPLETED
    assert ended.accepted_count == 0
    assert await _statuses(market.deps, [present.id, absent.id]) == [
        ApplicationStatus.COMPLETED,
        ApplicationStatus.NO_SHOW,
    ]
    names = _event_names(store)
    assert names.count(ShiftWorked.event_name()) == 1
    assert ShiftEnded.event_name() in names
    with pytest.raises(Conflict):
        await jobs.end_shift(client.principal, job.id)


async def _statuses(deps: Deps, application_ids: Sequence[int]) -> list[ApplicationStatus]:
    async with deps.uow() as uow:
        return [(await uow.applications.get(i)).status for i in application_ids]


# -- the money seam ------------------------------------------------------------------------------
class RecordingJobMoney:
    """Records the seam's calls and can refuse them, to check they run inside the unit of
    work (the money part's real implementation has its own tests)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, list[ApplicationStatus]]] = []
        self.refuse = False

    async def on_canceled(self, uow: UnitOfWork, job: Job, now: datetime) -> None:
        self._record("canceled", job, [])

    async def on_ended(
        self, uow: UnitOfWork, job: Job, applications: Sequence[Application], now: datetime
    ) -> None:
        self._record("ended", job, [a.status for a in applications])

    def _record(self, what: str, job: Job, statuses: list[ApplicationStatus]) -> None:
        self.calls.append((what, job.id, statuses))
        if self.refuse:
            raise RuleViolation("refused by the ledger", code="insufficient_funds")


async def test_money_seam_runs_in_the_same_unit_of_work(
    market: Market, accounts: Accounts, deps: Deps, use_cases: UseCases
) -> None:
    money = RecordingJobMoney()
    jobs = JobUseCases(deps, money=money)
    client = await accounts.client()
    job, _ = await _staffed_job(market, accounts, client, workers=1)
    await jobs.start_shift(client.principal, job.id)
    money.refuse = True
    with pytest.raises(RuleViolation):
        await jobs.end_shift(client.principal, job.id)
    assert (await use_cases.jobs.get_job(client.principal, job.id)).job.status is JobStatus.ONGOING
    money.refuse = False
    await jobs.end_shift(client.principal, job.id)
    other = await market.funded_job(client)
    await jobs.cancel_job(client.principal, other.id)
    assert money.calls == [
        ("ended", job.id, [ApplicationStatus.COMPLETED]),
        ("ended", job.id, [ApplicationStatus.COMPLETED]),
        ("canceled", other.id, []),
    ]


# -- queries ---------------------------------------------------------------------------------------
async def test_get_job_hides_pending_jobs_from_others(market: Market, accounts: Accounts) -> None:
    client, other, admin = await accounts.client(), await accounts.client(), await accounts.admin()
    worker = await accounts.applicant()
    jobs = market.use_cases.jobs
    pending = await market.pending_job(client)
    for viewer in (other.principal, worker.principal, None):
        with pytest.raises(NotFound):
            await jobs.get_job(viewer, pending.id)
    assert (await jobs.get_job(admin.principal, pending.id)).job.id == pending.id
    funded = await market.funded_job(client)
    application = await market.use_cases.applications.apply(worker.principal, funded.id)
    seen = await jobs.get_job(worker.principal, funded.id)
    assert seen.my_application is not None
    assert seen.my_application.id == application.id
    assert (seen.counts.applicants, seen.counts.awaiting_decision, seen.counts.accepted) == (
        1,
        1,
        0,
    )
    anonymous = await jobs.get_job(None, funded.id)
    assert anonymous.my_application is None


async def test_client_lists_own_jobs_newest_first_with_counts(
    market: Market, accounts: Accounts, clock: FakeClock
) -> None:
    client, other = await accounts.client(), await accounts.client()
    posted = []
    for _ in range(5):
        posted.append(await market.funded_job(client))
        clock.advance(timedelta(seconds=1))
    await market.pending_job(other)
    worker = await accounts.applicant()
    application = await market.use_cases.applications.apply(worker.principal, posted[0].id)
    await market.use_cases.applications.accept(client.principal, application.id)
    await market.use_cases.jobs.cancel_job(client.principal, posted[4].id)

    seen: list[int] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = await market.use_cases.jobs.list_my_jobs(
            client.principal, PageRequest(limit=2, after=cursor)
        )
        seen.extend(row.job.id for row in page.items)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [j.id for j in reversed(posted)]
    assert pages == 3
    upcoming = await market.use_cases.jobs.list_my_jobs(
        client.principal, PageRequest(), frozenset({JobStatus.UPCOMING})
    )
    assert [r.job.id for r in upcoming.items] == [j.id for j in reversed(posted[:4])]
    oldest = upcoming.items[-1].counts
    assert (oldest.applicants, oldest.accepted) == (1, 1)
    assert upcoming.items[0].counts.applicants == 0


async def test_errors_are_domain_errors(market: Market, accounts: Accounts) -> None:
    client = await accounts.client()
    with pytest.raises(PaeshiftError):
        await market.use_cases.jobs.get_job(client.principal, 424242)


# -- domain guards -------------------------------------------------------------------------------
async def test_job_refuses_foreign_applications_and_phantom_seats(
    market: Market, accounts: Accounts, clock: FakeClock
) -> None:
    client = await accounts.client()
    job = await market.funded_job(client)
    stranger = Application.submit(
        application_id=10**9, job_id=job.id + 1, applicant_id=client.user_id, now=clock.now()
    )
    for act in (job.accept, job.reject, job.withdraw, job.mark_no_show):
        with pytest.raises(Conflict) as info:
            act(stranger, clock.now())
        assert info.value.code == "wrong_job"
    with pytest.raises(Conflict) as at_start:
        job.start(clock.now(), timedelta(hours=2), [stranger])
    with pytest.raises(Conflict) as at_end:
        job.end(clock.now(), [stranger])
    assert at_start.value.code == at_end.value.code == "wrong_job"
    with pytest.raises(Conflict) as seat:
        job.release_seat()
    assert seat.value.code == "no_seat_held"
