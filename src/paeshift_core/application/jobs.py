"""Job use cases: post, edit, delete, cancel, start and end shifts; job queries (DOMAIN.md Jobs).

A job becomes ``upcoming`` only by being funded (the money part's funding use case calls
``Job.mark_funded``). Canceling and ending call the :class:`JobMoney` seam in the same unit of
work, so the money movements commit with the status change. Authorization rules are those of
:mod:`paeshift_core.application.marketplace_access`.
"""

from __future__ import annotations

from datetime import date, time

from attrs import frozen

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.job_money import JobMoney
from paeshift_core.application.marketplace_access import (
    acting_user,
    is_admin,
    owned_job,
    require_job_visible,
)
from paeshift_core.application.pagination import Keyset, Page, PageRequest, page_of
from paeshift_core.domain.applications import Application, ApplicationCounts
from paeshift_core.domain.catalog import Industry
from paeshift_core.domain.errors import InvalidInput, NotFound
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.jobs import Job, JobStatus, JobTerms, ShiftType
from paeshift_core.domain.money import Money
from paeshift_core.domain.pricing import Pricing
from paeshift_core.domain.schedule import JobType, Schedule
from paeshift_core.domain.users import Role
from paeshift_core.ports.unit_of_work import UnitOfWork


@frozen(kw_only=True)
class JobDraft:
    """A client's input for posting or editing a job, before validation.

    Editing replaces every field (PUT semantics); a partial update (PATCH) starts from
    :meth:`of` and changes some fields with ``attrs.evolve``. ``timezone=None`` means the
    platform default (``Policy.timezone``).
    """

    title: str
    description: str = ""
    industry_id: int
    subcategory_id: int
    job_type: JobType | str
    shift_type: ShiftType | str
    start_date: date
    end_date: date
    start_time: time
    end_time: time
    applicants_needed: int
    hourly_rate: Money
    address: str
    location: GeoPoint | None = None
    timezone: str | None = None

    @classmethod
    def of(cls, job: Job) -> JobDraft:
        s = job.schedule
        return cls(
            title=job.title,
            description=job.description,
            industry_id=job.industry_id,
            subcategory_id=job.subcategory_id,
            job_type=s.job_type,
            shift_type=job.shift_type,
            start_date=s.start_date,
            end_date=s.end_date,
            start_time=s.start_time,
            end_time=s.end_time,
            applicants_needed=job.seats,
            hourly_rate=job.pricing.hourly_rate,
            address=job.address,
            location=job.location,
            timezone=s.timezone,
        )


@frozen
class JobDetail:
    """A job as one viewer sees it: counts of its applications and the viewer's own one."""

    job: Job
    counts: ApplicationCounts
    my_application: Application | None


@frozen
class ClientJobRow:
    """One row of a client's own job list, with its per-job application counts."""

    job: Job
    counts: ApplicationCounts


class JobUseCases:
    """Commands and queries about jobs; ``money`` is the money part's seam (see job_money)."""

    def __init__(self, deps: Deps, *, money: JobMoney) -> None:
        self._deps = deps
        self._money = money

    async def _terms(self, uow: UnitOfWork, draft: JobDraft) -> JobTerms:
        """Validate a draft into terms; pricing uses the current ``Policy.fee_rate_bp``."""
        industry = await _industry(uow, draft.industry_id)
        if not industry.has_subcategory(draft.subcategory_id):
            raise InvalidInput("subcategory_id", f"is not a subcategory of {industry.name}")
        policy = self._deps.policy
        schedule = Schedule(
            job_type=draft.job_type,
            start_date=draft.start_date,
            end_date=draft.end_date,
            start_time=draft.start_time,
            end_time=draft.end_time,
            timezone=draft.timezone or policy.timezone,
        )
        pricing = Pricing.compute(
            draft.hourly_rate,
            schedule.billable_minutes,
            draft.applicants_needed,
            policy.fee_rate_bp,
        )
        return JobTerms(
            title=draft.title,
            description=draft.description,
            industry_id=industry.id,
            subcategory_id=draft.subcategory_id,
            shift_type=draft.shift_type,
            schedule=schedule,
            pricing=pricing,
            address=draft.address,
            location=draft.location,
        )

    async def create_job(self, principal: Principal, draft: JobDraft) -> Job:
        """Post a ``pending`` job: clients with phone and address only."""
        async with self._deps.uow() as uow:
            client = await acting_user(uow, principal, Role.CLIENT)
            terms = await self._terms(uow, draft)
            job = Job.post(
                job_id=self._deps.ids.next_id(),
                client_id=client.id,
                terms=terms,
                now=self._deps.clock.now(),
            )
            await uow.jobs.add(job)
            await uow.commit()
        return job

    async def edit_job(self, principal: Principal, job_id: int, draft: JobDraft) -> Job:
        """Replace a ``pending`` job's terms (the owner only); pricing is recomputed."""
        async with self._deps.uow() as uow:
            job = await owned_job(uow, principal, job_id, for_update=True)
            job.revise(await self._terms(uow, draft), self._deps.clock.now())
            await uow.commit()
        return job

    async def delete_job(self, principal: Principal, job_id: int) -> None:
        """Hard-delete a ``pending`` job (the owner only); nobody can have applied to it."""
        async with self._deps.uow() as uow:
            job = await owned_job(uow, principal, job_id, for_update=True)
            job.discard(self._deps.clock.now())
            await uow.jobs.delete(job)
            await uow.commit()

    async def cancel_job(self, principal: Principal, job_id: int) -> Job:
        """Cancel a ``pending | upcoming`` job (its client or an admin); the money seam
        returns the escrow in the same unit of work."""
        async with self._deps.uow() as uow:
            job = await owned_job(uow, principal, job_id, or_admin=True, for_update=True)
            now = self._deps.clock.now()
            job.cancel(now, canceled_by=principal.user_id)
            await self._money.on_canceled(uow, job, now)
            await uow.commit()
        return job

    async def start_shift(self, principal: Principal, job_id: int) -> Job:
        """Start an ``upcoming`` job with an accepted worker, at most ``Policy.start_lead``
        before its scheduled start; accepted applications become ``ongoing``."""
        async with self._deps.uow() as uow:
            job = await owned_job(uow, principal, job_id, for_update=True)
            applications = await uow.applications.list_for_job(job.id)
            job.start(self._deps.clock.now(), self._deps.policy.start_lead, applications)
            await uow.commit()
        return job

    async def end_shift(self, principal: Principal, job_id: int) -> Job:
        """End an ``ongoing`` job: ongoing workers complete, no-shows stay ``no_show``;
        settlement (the money seam) runs in the same unit of work."""
        async with self._deps.uow() as uow:
            job = await owned_job(uow, principal, job_id, for_update=True)
            applications = await uow.applications.list_for_job(job.id)
            now = self._deps.clock.now()
            job.end(now, applications)
            await self._money.on_ended(uow, job, applications, now)
            await uow.commit()
        return job

    async def get_job(self, principal: Principal | None, job_id: int) -> JobDetail:
        """A job with its application counts. Anyone sees it while ``upcoming``, ``ongoing``
        or ``completed``; a ``pending`` job only its client and admins; a ``canceled`` one its
        client, admins and the workers who had applied to it (they were told it was
        canceled). NotFound for anyone else."""
        async with self._deps.uow(read_only=True) as uow:
            job, counts = await uow.jobs.get_with_counts(job_id)
            require_job_visible(job, principal)
            mine = (
                None
                if principal is None
                else await uow.applications.find(job.id, principal.user_id)
            )
            owner = principal is not None and principal.user_id == job.client_id
            if job.status is JobStatus.CANCELED and not (
                owner or mine is not None or is_admin(principal)
            ):
                raise NotFound(f"job {job.id} not found")
        return JobDetail(job=job, counts=counts, my_application=mine)

    async def list_my_jobs(
        self,
        principal: Principal,
        page: PageRequest,
        statuses: frozenset[JobStatus] | None = None,
    ) -> Page[ClientJobRow]:
        """The caller's own posted jobs, newest first, with per-job counts (two statements:
        the page of jobs, then one grouped count). Any role: a client who switched to
        applicant still sees the jobs they posted."""
        async with self._deps.uow(read_only=True) as uow:
            jobs = await uow.jobs.list_for_client(
                principal.user_id, statuses=statuses, after=page.after_key, limit=page.fetch
            )
            counts = await uow.applications.count_by_job([j.id for j in jobs[: page.limit]])
        rows = [ClientJobRow(job=j, counts=counts.get(j.id, ApplicationCounts())) for j in jobs]
        return page_of(rows, page, lambda r: Keyset(r.job.created_at, r.job.id))


async def _industry(uow: UnitOfWork, industry_id: int) -> Industry:
    try:
        return await uow.catalog.get(industry_id)
    except NotFound as exc:
        raise InvalidInput("industry_id", f"unknown industry {industry_id}") from exc
