"""Applications and attendance (DOMAIN.md Applications and attendance) and their queries.

Authorization (application/marketplace_access.py): an application exists only for its
applicant, the job's client and admins (``NotFound`` for anyone else); acting on a visible one
without the right (an applicant accepting, a client withdrawing) is ``PermissionDenied``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.memory.clock import FakeClock
from adapters.memory.store import MemoryStore
from adapters.memory.wiring import MemoryUnitOfWork, MemoryUnitOfWorkFactory
from entrypoints.bootstrap import UseCases, build_use_cases
from paeshift_core.application.applications import APPLICATIONS_PER_USER
from paeshift_core.application.context import Deps
from paeshift_core.application.pagination import Keyset, PageRequest
from paeshift_core.domain.applications import Application, ApplicationStatus
from paeshift_core.domain.errors import (
    ConcurrencyConflict,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    RuleViolation,
)
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.jobs import Job, JobStatus
from paeshift_core.domain.marketplace_events import (
    ApplicationAccepted,
    ApplicationRejected,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    WorkerCheckedIn,
    WorkerCheckedOut,
    WorkerMarkedNoShow,
)
from paeshift_core.domain.reliability import Reliability
from paeshift_core.domain.users import Role
from tests.unit.accounts import Account, Accounts
from tests.unit.marketplace import Market

MARINA = GeoPoint(6.4500, 3.3900)
NEARBY = GeoPoint(6.4520, 3.3900)  # ~220 m north
FAR = GeoPoint(6.4600, 3.3900)  # ~1.1 km north


async def _job_of(deps: Deps, job_id: int) -> Job:
    async with deps.uow() as uow:
        return await uow.jobs.get(job_id)


async def _application_of(deps: Deps, application_id: int) -> Application:
    async with deps.uow() as uow:
        return await uow.applications.get(application_id)


# -- apply ---------------------------------------------------------------------------------------
async def test_applicant_applies_once(
    market: Market, accounts: Accounts, store: MemoryStore
) -> None:
    client, worker = await accounts.client(), await accounts.applicant()
    job = await market.funded_job(client)
    application = await market.use_cases.applications.apply(worker.principal, job.id)
    assert application.status is ApplicationStatus.APPLIED
    assert (application.job_id, application.applicant_id) == (job.id, worker.user_id)
    submitted = [e.event for e in store.outbox if isinstance(e.event, ApplicationSubmitted)]
    assert [(e.application_id, e.reapplied) for e in submitted] == [(application.id, False)]
    with pytest.raises(Conflict) as again:
        await market.use_cases.applications.apply(worker.principal, job.id)
    assert again.value.code == "already_applied"


async def test_who_may_apply(market: Market, accounts: Accounts, use_cases: UseCases) -> None:
    client = await accounts.client()
    job = await market.funded_job(client)
    apply = use_cases.applications.apply
    for account in (await accounts.client(), await accounts.admin(), client):
        with pytest.raises(PermissionDenied) as info:
            await apply(account.principal, job.id)
        assert info.value.code == "wrong_role"
    with pytest.raises(RuleViolation) as incomplete:
        await apply((await accounts.applicant(complete_profile=False)).principal, job.id)
    assert incomplete.value.code == "profile_incomplete"
    # A client who switched to applicant still cannot apply to their own job.
    await use_cases.profiles.switch_role(client.principal, Role.APPLICANT)
    with pytest.raises(PermissionDenied) as own:
        await apply(client.principal, job.id)
    assert own.value.code == "own_job"


async def test_only_open_jobs_with_a_free_seat_take_applications(
    market: Market, accounts: Accounts, use_cases: UseCases
) -> None:
    client = await accounts.client()
    worker, late = await accounts.applicant(), await accounts.applicant()
    apps = use_cases.applications
    pending = await market.pending_job(client)
    with pytest.raises(NotFound):
        await apps.apply(worker.principal, pending.id)
    full = await market.funded_job(client, applicants_needed=1)
    first = await apps.apply(worker.principal, full.id)
    await apps.accept(client.principal, first.id)
    with pytest.raises(RuleViolation) as info:
        await apps.apply(late.principal, full.id)
    assert info.value.code == "job_full"
    canceled = await market.funded_job(client)
    await use_cases.jobs.cancel_job(client.principal, canceled.id)
    with pytest.raises(Conflict):
        await apps.apply(worker.principal, canceled.id)


async def test_reapply_after_rejection_only_once(
    market: Market, accounts: Accounts, store: MemoryStore
) -> None:
    client, worker = await accounts.client(), await accounts.applicant()
    apps = market.use_cases.applications
    job = await market.funded_job(client)
    first = await apps.apply(worker.principal, job.id)
    await apps.reject(client.principal, first.id)
    again = await apps.apply(worker.principal, job.id)
    assert (again.id, again.status, again.reapplied) == (first.id, ApplicationStatus.APPLIED, True)
    await apps.reject(client.principal, first.id)
    with pytest.raises(RuleViolation) as info:
        await apps.apply(worker.principal, job.id)
    assert info.value.code == "reapply_limit"
    names = [e.event.name for e in store.outbox]
    assert names.count(ApplicationRejected.event_name()) == 2
    # Withdrawn is final: no new application to the same job.
    other = await market.funded_job(client)
    withdrawn = await apps.apply(worker.principal, other.id)
    await apps.withdraw(worker.principal, withdrawn.id)
    with pytest.raises(Conflict):
        await apps.apply(worker.principal, other.id)


async def test_applying_is_rate_limited_per_user(
    market: Market, accounts: Accounts, deps: Deps, clock: FakeClock
) -> None:
    """Every attempt counts (refused ones too); past the limit nothing is written, and other
    applicants keep their own budget."""
    client = await accounts.client()
    worker, other = await accounts.applicant(), await accounts.applicant()
    apps = market.use_cases.applications
    first, second = await market.funded_job(client), await market.funded_job(client)
    await apps.apply(worker.principal, first.id)
    for _ in range(APPLICATIONS_PER_USER.count - 1):
        with pytest.raises(Conflict):
            await apps.apply(worker.principal, first.id)
    with pytest.raises(RateLimited) as refused:
        await apps.apply(worker.principal, second.id)
    assert refused.value.retry_after > 0
    async with deps.uow() as uow:
        assert await uow.applications.find(second.id, worker.user_id) is None
    await apps.apply(other.principal, second.id)
    clock.advance(timedelta(seconds=refused.value.retry_after))
    await apps.apply(worker.principal, second.id)


# -- accept / reject -----------------------------------------------------------------------------
async def test_accept_takes_a_seat_and_never_exceeds_the_seats(
    market: Market, accounts: Accounts, store: MemoryStore
) -> None:
    client = await accounts.client()
    apps = market.use_cases.applications
    job = await market.funded_job(client, applicants_needed=2)
    applied = [await apps.apply((await accounts.applicant()).principal, job.id) for _ in range(3)]
    for application in applied[:2]:
        accepted = await apps.accept(client.principal, application.id)
        assert accepted.status is ApplicationStatus.ACCEPTED
    with pytest.raises(RuleViolation) as info:
        await apps.accept(client.principal, applied[2].id)
    assert info.value.code == "job_full"
    assert (await _job_of(market.deps, job.id)).accepted_count == 2
    assert (await _application_of(market.deps, applied[2].id)).status is ApplicationStatus.APPLIED
    with pytest.raises(Conflict):
        await apps.accept(client.principal, applied[0].id)  # already accepted
    with pytest.raises(Conflict):
        await apps.reject(client.principal, applied[0].id)  # accepted cannot be rejected
    names = [e.event.name for e in store.outbox]
    assert names.count(ApplicationAccepted.event_name()) == 2


async def test_only_the_jobs_client_decides(market: Market, accounts: Accounts) -> None:
    client, other_client = await accounts.client(), await accounts.client()
    worker, other_worker = await accounts.applicant(), await accounts.applicant()
    admin = await accounts.admin()
    apps = market.use_cases.applications
    job = await market.funded_job(client)
    application = await apps.apply(worker.principal, job.id)
    for decide in (apps.accept, apps.reject):
        # The applicant sees the application but may not decide on it.
        with pytest.raises(PermissionDenied):
            await decide(worker.principal, application.id)
        with pytest.raises(PermissionDenied):
            await decide(admin.principal, application.id)
        # Strangers do not learn that it exists.
        for stranger in (other_client, other_worker):
            with pytest.raises(NotFound):
                await decide(stranger.principal, application.id)
    with pytest.raises(NotFound):
        await apps.accept(client.principal, 987_654)


async def test_decisions_need_an_upcoming_job(
    market: Market, accounts: Accounts, use_cases: UseCases
) -> None:
    client = await accounts.client()
    apps = use_cases.applications
    job = await market.funded_job(client, applicants_needed=3)
    first, second = [
        await apps.apply((await accounts.applicant()).principal, job.id) for _ in range(2)
    ]
    await apps.accept(client.principal, first.id)
    await use_cases.jobs.start_shift(client.principal, job.id)
    with pytest.raises(Conflict):
        await apps.accept(client.principal, second.id)
    with pytest.raises(Conflict):
        await apps.reject(client.principal, second.id)


class RacingUnitOfWork(MemoryUnitOfWork):
    """A real memory unit of work that lets a competitor commit just before it does."""

    def __init__(self, factory: RacingFactory, *, read_only: bool) -> None:
        super().__init__(factory.store, factory.clock, read_only=read_only)
        self._factory = factory

    async def commit(self) -> None:
        if self._factory.competitors:
            await self._factory.competitors.pop(0)()
        await super().commit()


class RacingFactory(MemoryUnitOfWorkFactory):
    def __init__(self, deps: Deps, competitors: list[Callable[[], Awaitable[object]]]) -> None:
        assert isinstance(deps.uow, MemoryUnitOfWorkFactory)
        super().__init__(deps.uow.store, deps.clock)
        self.clock = deps.clock
        self.competitors = competitors

    def __call__(self, *, read_only: bool = False, snapshot: bool = False) -> MemoryUnitOfWork:
        return RacingUnitOfWork(self, read_only=read_only or snapshot)


async def _race(
    market: Market, accounts: Accounts, deps: Deps, seats: int
) -> tuple[Account, Job, list[Application], Application]:
    """Two accepts on a job: B commits between A's read and A's commit."""
    client = await accounts.client()
    apps = market.use_cases.applications
    job = await market.funded_job(client, applicants_needed=seats)
    a, b = [await apps.apply((await accounts.applicant()).principal, job.id) for _ in range(2)]
    racing = build_use_cases(
        attrs.evolve(deps, uow=RacingFactory(deps, [lambda: apps.accept(client.principal, b.id)]))
    )
    try:
        winner = await racing.applications.accept(client.principal, a.id)
    except RuleViolation:
        winner = b
    return client, job, [a, b], winner


async def test_racing_accepts_on_the_last_seat_take_it_once(
    market: Market, accounts: Accounts, deps: Deps
) -> None:
    _, job, (a, b), winner = await _race(market, accounts, deps, seats=1)
    assert winner.id == b.id  # B committed first; A's retry found the job full
    stored = await _job_of(deps, job.id)
    assert stored.accepted_count == 1
    statuses = [(await _application_of(deps, x.id)).status for x in (a, b)]
    assert statuses == [ApplicationStatus.APPLIED, ApplicationStatus.ACCEPTED]


async def test_a_lost_race_is_retried_when_a_seat_is_left(
    market: Market, accounts: Accounts, deps: Deps
) -> None:
    _, job, (a, b), winner = await _race(market, accounts, deps, seats=2)
    assert winner.id == a.id
    assert winner.status is ApplicationStatus.ACCEPTED
    assert (await _job_of(deps, job.id)).accepted_count == 2
    assert (await _application_of(deps, b.id)).status is ApplicationStatus.ACCEPTED


async def test_conflicts_surface_after_bounded_retries(
    market: Market, accounts: Accounts, deps: Deps, clock: FakeClock
) -> None:
    client = await accounts.client()
    apps = market.use_cases.applications
    job = await market.funded_job(client, applicants_needed=3)
    target = await apps.apply((await accounts.applicant()).principal, job.id)

    async def touch_job() -> None:
        """Another writer changes the job before every attempt's commit."""
        async with deps.uow() as uow:
            stored = await uow.jobs.get(job.id)
            stored.updated_at = clock.now() + timedelta(seconds=len(competitors))
            await uow.commit()

    competitors: list[Callable[[], Awaitable[object]]] = [touch_job] * 3
    racing = build_use_cases(attrs.evolve(deps, uow=RacingFactory(deps, competitors)))
    with pytest.raises(ConcurrencyConflict):
        await racing.applications.accept(client.principal, target.id)
    assert (await _job_of(deps, job.id)).accepted_count == 0
    assert (await _application_of(deps, target.id)).status is ApplicationStatus.APPLIED
    assert competitors == []  # three attempts in all


# -- withdraw ------------------------------------------------------------------------------------
async def test_withdrawing_frees_the_seat_and_late_withdrawals_count(
    market: Market, accounts: Accounts, store: MemoryStore
) -> None:
    client = await accounts.client()
    early, late = await accounts.applicant(), await accounts.applicant()
    apps = market.use_cases.applications
    job = await market.funded_job(client, applicants_needed=2)
    e = await apps.apply(early.principal, job.id)
    la = await apps.apply(late.principal, job.id)
    await apps.accept(client.principal, la.id)
    assert (await apps.withdraw(early.principal, e.id)).late_withdrawal is False
    withdrawn = await apps.withdraw(late.principal, la.id)
    assert (withdrawn.status, withdrawn.late_withdrawal) == (ApplicationStatus.WITHDRAWN, True)
    assert (await _job_of(market.deps, job.id)).accepted_count == 0
    events = [e.event for e in store.outbox if isinstance(e.event, ApplicationWithdrawn)]
    assert [ev.late for ev in events] == [False, True]
    assert await apps.reliability(late.user_id) == Reliability(0, 0, 1)
    with pytest.raises(Conflict):
        await apps.withdraw(late.principal, la.id)


async def test_only_the_applicant_withdraws_before_the_start(
    market: Market, accounts: Accounts, use_cases: UseCases
) -> None:
    client, worker, stranger = (
        await accounts.client(),
        await accounts.applicant(),
        await accounts.applicant(),
    )
    apps = use_cases.applications
    job = await market.funded_job(client)
    application = await apps.apply(worker.principal, job.id)
    with pytest.raises(PermissionDenied):
        await apps.withdraw(client.principal, application.id)
    with pytest.raises(NotFound):
        await apps.withdraw(stranger.principal, application.id)
    await apps.accept(client.principal, application.id)
    await use_cases.jobs.start_shift(client.principal, job.id)
    with pytest.raises(Conflict):
        await apps.withdraw(worker.principal, application.id)


# -- attendance ----------------------------------------------------------------------------------
async def _ongoing(
    market: Market, accounts: Accounts, use_cases: UseCases, workers: int = 1
) -> tuple[Account, Job, list[tuple[Account, Application]]]:
    client = await accounts.client()
    job = await market.funded_job(client, applicants_needed=workers, location=MARINA)
    staff = []
    for _ in range(workers):
        worker = await accounts.applicant()
        application = await use_cases.applications.apply(worker.principal, job.id)
        await use_cases.applications.accept(client.principal, application.id)
        staff.append((worker, application))
    await use_cases.jobs.start_shift(client.principal, job.id)
    return client, job, staff


async def test_check_in_is_flagged_outside_the_geofence(
    market: Market, accounts: Accounts, use_cases: UseCases, store: MemoryStore
) -> None:
    _, _, staff = await _ongoing(market, accounts, use_cases, workers=3)
    apps = use_cases.applications
    flags = []
    for (worker, application), where in zip(staff, (NEARBY, FAR, None), strict=True):
        checked = await apps.check_in(worker.principal, application.id, where)
        assert checked.checked_in_at is not None
        assert checked.check_in_location == where
        flags.append(checked.check_in_flagged)
    assert flags == [False, True, False]
    events = [e.event for e in store.outbox if isinstance(e.event, WorkerCheckedIn)]
    assert [ev.flagged for ev in events] == flags
    worker, application = staff[0]
    with pytest.raises(Conflict) as twice:
        await apps.check_in(worker.principal, application.id, NEARBY)
    assert twice.value.code == "already_checked_in"


async def test_check_in_and_out_rules(
    market: Market, accounts: Accounts, use_cases: UseCases, store: MemoryStore
) -> None:
    client, worker = await accounts.client(), await accounts.applicant()
    apps = use_cases.applications
    job = await market.funded_job(client)
    application = await apps.apply(worker.principal, job.id)
    with pytest.raises(Conflict):
        await apps.check_in(worker.principal, application.id)  # not accepted yet
    await apps.accept(client.principal, application.id)
    with pytest.raises(PermissionDenied):
        await apps.check_in(client.principal, application.id)
    await apps.check_in(worker.principal, application.id, NEARBY)  # early arrival is fine
    with pytest.raises(Conflict):
        await apps.check_out(worker.principal, application.id)  # shift not started
    await use_cases.jobs.start_shift(client.principal, job.id)
    await use_cases.jobs.end_shift(client.principal, job.id)
    out = await apps.check_out(worker.principal, application.id, NEARBY)
    assert out.checked_out_at is not None
    assert out.check_out_location == NEARBY
    with pytest.raises(Conflict) as twice:
        await apps.check_out(worker.principal, application.id)
    assert twice.value.code == "already_checked_out"
    assert WorkerCheckedOut.event_name() in [e.event.name for e in store.outbox]


async def test_check_out_needs_a_check_in(
    market: Market, accounts: Accounts, use_cases: UseCases
) -> None:
    _, _, [(worker, application)] = await _ongoing(market, accounts, use_cases)
    with pytest.raises(Conflict) as info:
        await use_cases.applications.check_out(worker.principal, application.id)
    assert info.value.code == "not_checked_in"


async def test_client_marks_an_ongoing_worker_no_show(
    market: Market, accounts: Accounts, use_cases: UseCases, store: MemoryStore
) -> None:
    client, job, [(worker, application), (_, other)] = await _ongoing(
        market, accounts, use_cases, workers=2
    )
    apps = use_cases.applications
    with pytest.raises(PermissionDenied):
        await apps.mark_no_show(worker.principal, application.id)
    marked = await apps.mark_no_show(client.principal, application.id)
    assert marked.status is ApplicationStatus.NO_SHOW
    assert (await _job_of(market.deps, job.id)).accepted_count == 1
    with pytest.raises(Conflict):
        await apps.mark_no_show(client.principal, application.id)
    assert WorkerMarkedNoShow.event_name() in [e.event.name for e in store.outbox]
    await use_cases.jobs.end_shift(client.principal, job.id)
    with pytest.raises(Conflict):
        await apps.mark_no_show(client.principal, other.id)  # job completed
    assert await apps.reliability(worker.user_id) == Reliability(0, 1, 0)
    assert (await apps.reliability(other.applicant_id)).score_percent == 100.0


# -- queries -------------------------------------------------------------------------------------
async def test_applicant_lists_own_applications_with_job_summaries(
    market: Market, accounts: Accounts, clock: FakeClock
) -> None:
    client, worker = await accounts.client(), await accounts.applicant()
    apps = market.use_cases.applications
    jobs = []
    for n in range(3):
        jobs.append(await market.funded_job(client, title=f"Bartender shift {n}"))
        await apps.apply(worker.principal, jobs[-1].id)
        clock.advance(timedelta(minutes=1))
    await apps.apply((await accounts.applicant()).principal, jobs[0].id)  # someone else's
    first = await apps.list_my_applications(worker.principal, PageRequest(limit=2))
    assert [r.job.title for r in first.items] == ["Bartender shift 2", "Bartender shift 1"]
    assert first.items[0].job.worker_pay == jobs[2].pricing.worker_pay
    assert first.items[0].job.status is JobStatus.UPCOMING
    rest = await apps.list_my_applications(worker.principal, PageRequest(2, first.next_cursor))
    assert [r.job.id for r in rest.items] == [jobs[0].id]
    assert rest.next_cursor is None
    none = await apps.list_my_applications(
        worker.principal, PageRequest(), frozenset({ApplicationStatus.ACCEPTED})
    )
    assert none.items == ()


async def test_client_lists_a_jobs_applications_with_reliability(
    market: Market, accounts: Accounts, use_cases: UseCases
) -> None:
    client, job, [(worker, application)] = await _ongoing(market, accounts, use_cases)
    apps = use_cases.applications
    await use_cases.jobs.end_shift(client.principal, job.id)
    second = await market.funded_job(client)
    again = await apps.apply(worker.principal, second.id)
    newcomer = await accounts.applicant()
    fresh = await apps.apply(newcomer.principal, second.id)
    page = await apps.list_job_applications(client.principal, second.id, PageRequest())
    assert [r.application.id for r in page.items] == [fresh.id, again.id]
    veteran = page.items[1].applicant
    assert (veteran.id, veteran.first_name) == (worker.user_id, "Ada")
    assert veteran.reliability == Reliability(1, 0, 0)
    assert page.items[0].applicant.reliability.score_percent is None
    admin = await accounts.admin()
    assert len((await apps.list_job_applications(admin.principal, second.id, PageRequest())).items)
    for outsider in (worker, await accounts.client()):
        with pytest.raises(PermissionDenied):
            await apps.list_job_applications(outsider.principal, second.id, PageRequest())
    assert application.job_id == job.id


# -- pagination ----------------------------------------------------------------------------------
@given(at=st.datetimes(timezones=st.just(UTC)), item_id=st.integers(1, 2**53 - 1))
def test_cursors_round_trip(at: datetime, item_id: int) -> None:
    position = Keyset(at, item_id)
    assert Keyset.decode(position.encode()) == position
    assert position.is_after(at, item_id - 1)
    assert not position.is_after(at, item_id)
    assert PageRequest(after=position.encode()).after_key == (at, item_id)


@pytest.mark.parametrize("cursor", ["", "not a cursor", "bm9wZQ", "eDp5", "MTow", "%%%"])
def test_malformed_cursors_are_invalid_input(cursor: str) -> None:
    with pytest.raises(InvalidInput) as info:
        PageRequest(after=cursor)
    assert info.value.field == "cursor"


@pytest.mark.parametrize("limit", [0, 101, -1, True])
def test_limit_is_bounded(limit: int) -> None:
    with pytest.raises(InvalidInput) as info:
        PageRequest(limit=limit)
    assert info.value.field == "limit"
