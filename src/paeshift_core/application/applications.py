"""Application and attendance use cases, and their queries (DOMAIN.md Applications and
attendance).

Locking: every use case that may change a job's seats loads the **job** ``for_update`` (and
never locks the application), so all seat changes of one job are serialised in one order and
cannot deadlock; the application itself is protected by its optimistic version. Accepting is
retried a bounded number of times when it loses a race, then re-checked against the fresh
state, so accepted applications never exceed the job's seats. Authorization rules are those of
:mod:`paeshift_core.application.marketplace_access`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from attrs import frozen

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.marketplace_access import (
    acting_user,
    owned_job,
    require_applicant_self,
    require_application_visible,
    require_job_owner,
    require_job_visible,
)
from paeshift_core.application.pagination import Page, PageRequest, by_created, page_of
from paeshift_core.application.retries import retry_on_conflict
from paeshift_core.domain.applications import Application, ApplicationStatus
from paeshift_core.domain.errors import Conflict
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.jobs import Job, JobStatus, JobSummary
from paeshift_core.domain.reliability import Reliability
from paeshift_core.domain.users import Role, User
from paeshift_core.ports.rate_limit import Limit
from paeshift_core.ports.unit_of_work import UnitOfWork

#: Applications per applicant per hour: a person applies to a handful of shifts a day, a
#: script to hundreds; the benchmark's mixed workload stays under one a minute per user.
APPLICATIONS_PER_USER = Limit("apply:user", 60, 60 * 60)


@frozen
class ApplicantSummary:
    """What a client sees of an applicant to their job (public profile fields)."""

    id: int
    first_name: str
    last_name: str
    picture: str | None
    skills: tuple[str, ...]
    reliability: Reliability

    @classmethod
    def of(cls, user: User, reliability: Reliability) -> ApplicantSummary:
        return cls(
            id=user.id,
            first_name=user.first_name,
            last_name=user.last_name,
            picture=user.picture,
            skills=user.skills,
            reliability=reliability,
        )


@frozen
class MyApplicationRow:
    application: Application
    job: JobSummary


@frozen
class JobApplicationRow:
    application: Application
    applicant: ApplicantSummary


class ApplicationUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    # -- applying -------------------------------------------------------------------------
    async def apply(self, principal: Principal, job_id: int) -> Application:
        """Apply to an ``upcoming`` job with a free seat: applicants with phone and address
        only, never to one's own job, once per job; after a rejection, once more. At most
        :data:`APPLICATIONS_PER_USER` attempts an hour, counted before any check (a script
        cannot spam clients' queues)."""
        await self._deps.rate_limiter.hit(APPLICATIONS_PER_USER, str(principal.user_id))
        async with self._deps.uow() as uow:
            applicant = await acting_user(uow, principal, Role.APPLICANT)
            job = await uow.jobs.get(job_id)
            require_job_visible(job, principal)
            job.require_open_for(applicant.id)
            now = self._deps.clock.now()
            application = await uow.applications.find(job.id, applicant.id)
            if application is None:
                application = Application.submit(
                    application_id=self._deps.ids.next_id(),
                    job_id=job.id,
                    applicant_id=applicant.id,
                    now=now,
                )
                await uow.applications.add(application)
            elif application.status is ApplicationStatus.REJECTED:
                application.reapply(now)
            else:
                raise Conflict(
                    f"you already applied to job {job.id} ({application.status.value})",
                    code="already_applied",
                )
            await uow.commit()
        return application

    async def _load(
        self, uow: UnitOfWork, application_id: int, *, lock_job: bool
    ) -> tuple[Application, Job]:
        application = await uow.applications.get(application_id)
        job = await uow.jobs.get(application.job_id, for_update=lock_job)
        return application, job

    # -- the client's decisions ---------------------------------------------------------
    async def accept(self, principal: Principal, application_id: int) -> Application:
        """The job's client accepts while the job is ``upcoming``, taking a seat; retried on
        a lost race, after which the seat check sees the winner's seat."""
        return await retry_on_conflict(lambda: self._accept_once(principal, application_id))

    async def _accept_once(self, principal: Principal, application_id: int) -> Application:
        return await self._as_client(principal, application_id, Job.accept)

    async def reject(self, principal: Principal, application_id: int) -> Application:
        """The job's client rejects an ``applied`` application while the job is upcoming."""
        return await self._as_client(principal, application_id, Job.reject)

    async def mark_no_show(self, principal: Principal, application_id: int) -> Application:
        """The job's client marks an ``ongoing`` worker absent before ending the shift."""
        return await self._as_client(principal, application_id, Job.mark_no_show)

    async def _as_client(
        self,
        principal: Principal,
        application_id: int,
        decide: Callable[[Job, Application, datetime], None],
    ) -> Application:
        """A decision of the job's client, made through the job (which locks its seats)."""
        async with self._deps.uow() as uow:
            application, job = await self._load(uow, application_id, lock_job=True)
            require_application_visible(application, job, principal)
            require_job_owner(job, principal)
            decide(job, application, self._deps.clock.now())
            await uow.commit()
        return application

    # -- the worker's steps -------------------------------------------------------------
    async def withdraw(self, principal: Principal, application_id: int) -> Application:
        """The applicant withdraws before the shift starts; withdrawing an accepted
        application frees the seat and is a late withdrawal (reliability)."""
        async with self._deps.uow() as uow:
            application, job = await self._load(uow, application_id, lock_job=True)
            require_applicant_self(application, job, principal)
            job.withdraw(application, self._deps.clock.now())
            await uow.commit()
        return application

    async def check_in(
        self, principal: Principal, application_id: int, location: GeoPoint | None = None
    ) -> Application:
        """The worker records arrival at an upcoming or ongoing job; further than
        ``Policy.geofence_m`` from the job's coordinates it is recorded but flagged."""
        async with self._deps.uow() as uow:
            application, job = await self._load(uow, application_id, lock_job=False)
            require_applicant_self(application, job, principal)
            job.require_status(JobStatus.UPCOMING, JobStatus.ONGOING, action="check in to")
            application.check_in(
                self._deps.clock.now(), location, job.location, self._deps.policy.geofence_m
            )
            await uow.commit()
        return application

    async def check_out(
        self, principal: Principal, application_id: int, location: GeoPoint | None = None
    ) -> Application:
        """The worker records departure from a started shift (after checking in)."""
        async with self._deps.uow() as uow:
            application, job = await self._load(uow, application_id, lock_job=False)
            require_applicant_self(application, job, principal)
            application.check_out(self._deps.clock.now(), location)
            await uow.commit()
        return application

    # -- queries ------------------------------------------------------------------------
    async def list_my_applications(
        self,
        principal: Principal,
        page: PageRequest,
        statuses: frozenset[ApplicationStatus] | None = None,
    ) -> Page[MyApplicationRow]:
        """The caller's applications newest first, each with what the list shows of its job
        (one statement)."""
        async with self._deps.uow(read_only=True) as uow:
            found = await uow.applications.list_for_applicant(
                principal.user_id, statuses=statuses, after=page.after_key, limit=page.fetch
            )
        rows = [MyApplicationRow(a, job) for a, job in found]
        return page_of(rows, page, lambda r: by_created(r.application))

    async def list_job_applications(
        self, principal: Principal, job_id: int, page: PageRequest
    ) -> Page[JobApplicationRow]:
        """A job's applications with each applicant's public summary and reliability: the
        job's client (or an admin) only; four statements whatever the page size."""
        async with self._deps.uow(read_only=True) as uow:
            job = await owned_job(uow, principal, job_id, or_admin=True)
            applications = await uow.applications.page_for_job(
                job.id, after=page.after_key, limit=page.fetch
            )
            applicant_ids = _ids(a.applicant_id for a in applications)
            users = await uow.users.get_many(applicant_ids)
            reliability = await uow.applications.reliability_of(applicant_ids)
        rows = [
            JobApplicationRow(
                a, ApplicantSummary.of(users[a.applicant_id], reliability[a.applicant_id])
            )
            for a in applications
        ]
        return page_of(rows, page, lambda r: by_created(r.application))

    async def reliability(self, user_id: int) -> Reliability:
        """A worker's public reliability score with its basis (zero basis: no score)."""
        async with self._deps.uow(read_only=True) as uow:
            return (await uow.applications.reliability_of([user_id]))[user_id]


def _ids(values: Iterable[int]) -> list[int]:
    return sorted(set(values))
