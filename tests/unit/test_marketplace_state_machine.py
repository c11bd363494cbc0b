"""Stateful test of the marketplace: random sequences of the REAL use cases (memory wiring).

Two clients, three applicants and an admin act at random, including on things that are not
theirs: post, fund (sandbox checkout), apply, accept, reject, re-apply, withdraw, start,
check in / out, no-show, end, cancel, delete, and time passing. After every step:

- each job's seat-holding applications (``accepted`` + ``ongoing``) == ``job.accepted_count``
  ≤ ``job.seats``;
- every job and application status reached follows the transition tables (a job only
  disappears while ``pending``); new jobs are ``pending``, new applications ``applied``;
- the only errors raised are ``PaeshiftError``s; an actor without the right always gets
  ``PermissionDenied`` or ``NotFound``; and the rightful actor's obvious moves succeed
  (so a wrongly refused action, e.g. a failing settlement, is not hidden as "allowed error").

Async use cases run on one ``asyncio.Runner`` per machine instance. To reach deep states in
few examples, each run starts with funded jobs (one with three applications), actors are
biased towards the rightful one, life-ending rules fire rarely, and rules are only drawn when
some job or application could take them (preconditions). Checked by hand: dropping any one
seat release (late withdrawal, no-show, end of shift) from ``Job`` makes this test fail.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from adapters.memory.clock import FakeClock
from adapters.memory.email import MemoryEmailSender
from adapters.memory.wiring import MemoryUnitOfWorkFactory
from entrypoints.bootstrap import build_use_cases, memory_deps
from paeshift_core.domain.applications import (
    APPLICATION_TRANSITIONS,
    SEAT_HOLDING,
    Application,
    ApplicationStatus,
)
from paeshift_core.domain.errors import NotFound, PaeshiftError, PermissionDenied
from paeshift_core.domain.jobs import JOB_TRANSITIONS, Job, JobStatus
from paeshift_core.domain.users import Role
from tests.unit.accounts import Account, Accounts
from tests.unit.marketplace import Market, fund_job

LAGOS = ZoneInfo("Africa/Lagos")
DENIED = (PermissionDenied, NotFound)

#: Actors: 0-1 clients, 2-4 applicants, 5 the admin; ``RIGHTFUL`` (-1) is whoever has the
#: right (the job's client, the application's applicant). Biased towards the rightful actor so
#: sequences get deep (funded, staffed, started, ended jobs); shrinks towards it too.
RIGHTFUL = -1
actor_index = st.sampled_from([RIGHTFUL] * 9 + [0, 1, 2, 3, 4, 5])
poster = st.sampled_from([0, 1, 0, 1, 2, 5])
applier = st.sampled_from([2, 3, 4, 2, 3, 4, 0, 5])
#: Rules that end a job's or an application's life early (cancel, delete, reject, withdraw)
#: or dilute the bundle (post, time) act only when this rolls 0, so most sequences go deep;
#: a no-op step is cheap.
rarely = st.integers(0, 3)


class MarketplaceMachine(RuleBasedStateMachine):
    jobs = Bundle("jobs")
    applications = Bundle("applications")
    job_refs = st.one_of(jobs, applications)

    def __init__(self) -> None:
        super().__init__()
        self.runner = asyncio.Runner()
        self.clock = FakeClock()
        self.deps = memory_deps(clock=self.clock)
        self.uc = build_use_cases(self.deps)
        self.market = Market(self.uc, self.deps)
        assert isinstance(self.deps.email, MemoryEmailSender)
        accounts = Accounts(self.uc, self.deps.email)
        self.clients = [self.run(accounts.client()) for _ in range(2)]
        self.applicants = [self.run(accounts.applicant()) for _ in range(3)]
        self.actors: list[Account] = [*self.clients, *self.applicants]
        self.actors.append(self.run(accounts.admin()))
        self.seen_jobs: dict[int, JobStatus] = {}
        self.seen_applications: dict[int, ApplicationStatus] = {}

    def teardown(self) -> None:
        self.runner.close()

    # -- plumbing -------------------------------------------------------------------------
    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return self.runner.run(coro)

    def attempt(
        self,
        coro: Coroutine[Any, Any, Any],
        *,
        denied: bool = False,
        must_succeed: bool = False,
    ) -> Any:
        """Run a use case; only domain errors may escape it, with the oracle's expectation."""
        error: PaeshiftError | None = None
        try:
            result = self.run(coro)
        except PaeshiftError as raised:
            error, result = raised, None
        if error is None:
            assert not denied, "an actor without the right succeeded"
        else:
            assert not must_succeed, f"rightful action refused: {error!r}"
            assert not denied or isinstance(error, DENIED), f"wrong actor got {error!r}"
        return result

    def _tables(self) -> tuple[dict[int, Job], dict[int, Application]]:
        factory = self.deps.uow
        assert isinstance(factory, MemoryUnitOfWorkFactory)
        jobs = {i: j for i, j in factory.store.table("jobs").items() if isinstance(j, Job)}
        apps = factory.store.table("applications").items()
        return jobs, {i: a for i, a in apps if isinstance(a, Application)}

    def job(self, job_id: int) -> Job | None:
        return self._tables()[0].get(job_id)

    def application(self, application_id: int) -> Application:
        return self._tables()[1][application_id]

    def pick(self, actor: int, rightful_id: int | None) -> Account:
        if actor != RIGHTFUL:
            return self.actors[actor]
        return next((a for a in self.actors if a.user_id == rightful_id), self.actors[-1])

    def job_actor(self, actor: int, job_id: int) -> Account:
        job = self.job(job_id)
        return self.pick(actor, None if job is None else job.client_id)

    def owns(self, actor: Account, job_id: int) -> bool:
        job = self.job(job_id)
        return job is not None and job.client_id == actor.user_id

    # -- jobs -----------------------------------------------------------------------------
    def _funded(self, client: Account, seats: int) -> int:
        job_id = self.post(self.actors.index(client), seats, 1)
        assert isinstance(job_id, int)
        self.fund(job_id)
        return job_id

    @initialize(target=jobs, seats=st.integers(1, 3))
    def open_job(self, seats: int) -> int:
        """The second client starts with a funded job."""
        return self._funded(self.clients[1], seats)

    @initialize(target=applications, seats=st.integers(1, 3))
    def open_applied_job(self, seats: int) -> object:
        """The first client starts with a funded job every applicant applied to, so runs
        reach the deep states (full, started, ended) quickly. Job rules also take an
        application id and act on its job (ids are unique across tables)."""
        job_id = self._funded(self.clients[0], seats)
        return multiple(
            *(self.run(self.uc.applications.apply(a.principal, job_id)).id for a in self.applicants)
        )

    def any_job(self, *statuses: JobStatus, staffed: bool = False) -> bool:
        """Preconditions: a rule is only drawn when some job or application could take it,
        so the steps go to reachable moves (wrong actors and states are still drawn)."""
        jobs = self._tables()[0].values()
        return any(j.status in statuses and (j.accepted_count or not staffed) for j in jobs)

    def any_application(self, *statuses: ApplicationStatus) -> bool:
        return any(a.status in statuses for a in self._tables()[1].values())

    def resolve(self, ref: int) -> int:
        """A job id, or the job id of an application id."""
        apps = self._tables()[1]
        return apps[ref].job_id if ref in apps else ref

    @rule(
        target=jobs,
        actor=poster,
        seats=st.integers(1, 3),
        lead_hours=st.sampled_from([1, 1, 30]),
        roll=rarely,
    )
    def post_sometimes(self, actor: int, seats: int, lead_hours: int, roll: int) -> object:
        return self.post(actor, seats, lead_hours) if roll == 0 else multiple()

    def post(self, actor: int, seats: int, lead_hours: int) -> object:
        who = self.actors[actor]
        start = (self.clock.now() + timedelta(hours=lead_hours)).astimezone(LAGOS)
        end = start + timedelta(hours=4)
        draft = self.run(
            self.market.draft(
                applicants_needed=seats,
                start_date=start.date(),
                end_date=start.date(),
                start_time=start.time().replace(second=0, microsecond=0, tzinfo=None),
                end_time=end.time().replace(second=0, microsecond=0, tzinfo=None),
            )
        )
        job = self.attempt(
            self.uc.jobs.create_job(who.principal, draft),
            denied=who.principal.role is not Role.CLIENT,
            must_succeed=who.principal.role is Role.CLIENT,
        )
        return multiple() if job is None else job.id

    @rule(job_id=job_refs)
    @precondition(lambda self: self.any_job(JobStatus.PENDING))
    def fund_rule(self, job_id: int) -> None:
        self.fund(self.resolve(job_id))

    def fund(self, job_id: int) -> None:
        job = self.job(job_id)
        if job is None:
            return
        owner = next(a for a in self.actors if a.user_id == job.client_id)
        self.attempt(
            fund_job(self.uc, self.deps, owner, job_id),
            must_succeed=job.status is JobStatus.PENDING,
        )

    @rule(job_id=job_refs, actor=actor_index)
    @precondition(lambda self: self.any_job(JobStatus.PENDING))
    def edit(self, job_id: int, actor: int) -> None:
        job_id = self.resolve(job_id)
        who = self.job_actor(actor, job_id)
        job = self.job(job_id)
        if job is None:
            return
        draft = attrs.evolve(self.run(self.market.draft()), title="Edited title")
        draft = attrs.evolve(
            draft,
            start_date=job.schedule.start_date,
            end_date=job.schedule.end_date,
            start_time=job.schedule.start_time,
            end_time=job.schedule.end_time,
        )
        self.attempt(
            self.uc.jobs.edit_job(who.principal, job_id, draft),
            denied=not self.owns(who, job_id),
        )

    @rule(job_id=consumes(jobs), actor=actor_index, roll=rarely)
    def delete(self, job_id: int, actor: int, roll: int) -> None:
        if roll:
            return
        who = self.job_actor(actor, job_id)
        self.attempt(
            self.uc.jobs.delete_job(who.principal, job_id),
            denied=self.job(job_id) is not None and not self.owns(who, job_id),
        )

    @rule(job_id=job_refs, actor=actor_index, roll=rarely)
    def cancel(self, job_id: int, actor: int, roll: int) -> None:
        if roll:
            return
        job_id = self.resolve(job_id)
        who = self.job_actor(actor, job_id)
        job = self.job(job_id)
        rightful = self.owns(who, job_id) or who.principal.role is Role.ADMIN
        self.attempt(
            self.uc.jobs.cancel_job(who.principal, job_id),
            denied=job is not None and not rightful,
            must_succeed=(
                job is not None
                and self.owns(who, job_id)
                and job.status in (JobStatus.PENDING, JobStatus.UPCOMING)
            ),
        )

    @rule(job_id=job_refs, actor=actor_index)
    @precondition(lambda self: self.any_job(JobStatus.UPCOMING, staffed=True))
    def start(self, job_id: int, actor: int) -> None:
        job_id = self.resolve(job_id)
        who = self.job_actor(actor, job_id)
        job = self.job(job_id)
        self.attempt(
            self.uc.jobs.start_shift(who.principal, job_id),
            denied=job is not None and not self.owns(who, job_id),
            must_succeed=(
                job is not None
                and self.owns(who, job_id)
                and job.status is JobStatus.UPCOMING
                and job.accepted_count > 0
                and job.schedule.starts_at - self.clock.now() <= self.deps.policy.start_lead
            ),
        )

    @rule(job_id=job_refs, actor=actor_index)
    @precondition(lambda self: self.any_job(JobStatus.ONGOING))
    def end(self, job_id: int, actor: int) -> None:
        job_id = self.resolve(job_id)
        who = self.job_actor(actor, job_id)
        job = self.job(job_id)
        self.attempt(
            self.uc.jobs.end_shift(who.principal, job_id),
            denied=job is not None and not self.owns(who, job_id),
            must_succeed=(
                job is not None and self.owns(who, job_id) and job.status is JobStatus.ONGOING
            ),
        )

    @rule(hours=st.integers(1, 12), roll=rarely)
    def time_passes(self, hours: int, roll: int) -> None:
        if roll == 0:
            self.clock.advance(timedelta(hours=hours))

    # -- applications ---------------------------------------------------------------------
    @rule(target=applications, job_id=job_refs, actor=applier)
    def apply(self, job_id: int, actor: int) -> object:
        job_id = self.resolve(job_id)
        who = self.actors[actor]
        job = self.job(job_id)
        before = {a.id for a in self._tables()[1].values()}
        is_applicant = who.principal.role is Role.APPLICANT
        fresh = not any(
            a.job_id == job_id and a.applicant_id == who.user_id for a in self._tables()[1].values()
        )
        application = self.attempt(
            self.uc.applications.apply(who.principal, job_id),
            denied=job is not None and job.is_public and not is_applicant,
            must_succeed=(
                is_applicant
                and fresh
                and job is not None
                and job.status is JobStatus.UPCOMING
                and job.free_seats > 0
            ),
        )
        if application is None or application.id in before:
            return multiple()  # failed, or a re-application of a known one
        return application.id

    def _decide(self, application_id: int, actor: int, action: str) -> None:
        application = self.application(application_id)
        job = self.job(application.job_id)
        assert job is not None
        who = self.pick(actor, job.client_id)
        owner = job.client_id == who.user_id
        use_case = getattr(self.uc.applications, action)
        rightful_accept = (
            action == "accept"
            and owner
            and job.status is JobStatus.UPCOMING
            and application.status is ApplicationStatus.APPLIED
            and job.free_seats > 0
        )
        self.attempt(
            use_case(who.principal, application_id),
            denied=not owner,
            must_succeed=rightful_accept,
        )

    @rule(application_id=applications, actor=actor_index)
    @precondition(lambda self: self.any_application(ApplicationStatus.APPLIED))
    def accept(self, application_id: int, actor: int) -> None:
        self._decide(application_id, actor, "accept")

    @rule(application_id=applications, actor=actor_index, roll=rarely)
    @precondition(lambda self: self.any_application(ApplicationStatus.APPLIED))
    def reject(self, application_id: int, actor: int, roll: int) -> None:
        if roll == 0:
            self._decide(application_id, actor, "reject")

    @rule(application_id=applications, actor=actor_index)
    @precondition(lambda self: self.any_job(JobStatus.ONGOING))
    def no_show(self, application_id: int, actor: int) -> None:
        self._decide(application_id, actor, "mark_no_show")

    def _worker_step(self, application_id: int, actor: int, action: str) -> bool:
        application = self.application(application_id)
        who = self.pick(actor, application.applicant_id)
        mine = application.applicant_id == who.user_id
        use_case = getattr(self.uc.applications, action)
        done = self.attempt(use_case(who.principal, application_id), denied=not mine)
        return done is not None

    @rule(application_id=applications, actor=actor_index, roll=rarely)
    @precondition(
        lambda self: self.any_application(ApplicationStatus.APPLIED, ApplicationStatus.ACCEPTED)
    )
    def withdraw(self, application_id: int, actor: int, roll: int) -> None:
        if roll:
            return
        application = self.application(application_id)
        job = self.job(application.job_id)
        assert job is not None
        done = self._worker_step(application_id, actor, "withdraw")
        if self.pick(actor, application.applicant_id).user_id == application.applicant_id:
            rightful = job.status is JobStatus.UPCOMING and application.status in (
                ApplicationStatus.APPLIED,
                ApplicationStatus.ACCEPTED,
            )
            assert done == rightful

    @rule(application_id=applications, actor=actor_index)
    @precondition(lambda self: self.any_application(*SEAT_HOLDING))
    def check_in(self, application_id: int, actor: int) -> None:
        self._worker_step(application_id, actor, "check_in")

    @rule(application_id=applications, actor=actor_index)
    @precondition(
        lambda self: self.any_application(ApplicationStatus.ONGOING, ApplicationStatus.COMPLETED)
    )
    def check_out(self, application_id: int, actor: int) -> None:
        self._worker_step(application_id, actor, "check_out")

    # -- invariants -----------------------------------------------------------------------
    @invariant()
    def seats_are_never_oversold(self) -> None:
        jobs, apps = self._tables()
        for job in jobs.values():
            holding = sum(1 for a in apps.values() if a.job_id == job.id and a.holds_seat)
            assert holding == job.accepted_count <= job.seats, job
        assert all(a.status in SEAT_HOLDING or not a.holds_seat for a in apps.values())

    @invariant()
    def statuses_follow_the_transition_tables(self) -> None:
        jobs, apps = self._tables()
        for job_id, before in self.seen_jobs.items():
            if job_id not in jobs:
                assert before is JobStatus.PENDING, f"job {job_id} vanished while {before}"
        for job in jobs.values():
            before_job = self.seen_jobs.get(job.id, JobStatus.PENDING)
            assert job.status is before_job or job.status in JOB_TRANSITIONS[before_job]
        for application in apps.values():
            before_app = self.seen_applications.get(application.id, ApplicationStatus.APPLIED)
            status = application.status
            assert status is before_app or status in APPLICATION_TRANSITIONS[before_app]
        self.seen_jobs = {j.id: j.status for j in jobs.values()} | {
            i: s for i, s in self.seen_jobs.items() if i not in jobs
        }
        self.seen_applications = {a.id: a.status for a in apps.values()}


MarketplaceMachine.TestCase.settings = settings(settings.default, stateful_step_count=50)
TestMarketplace = MarketplaceMachine.TestCase
