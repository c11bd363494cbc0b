"""Disputes: opening by a party, admin review and resolution (DOMAIN.md Disputes).

A dispute is about one assignment (an application that held a seat when the shift started).
The job's client or that worker may open it while the job is ``ongoing``, or within
``dispute_window`` after it completed if the seat is still unsettled; one active dispute per
seat. Only admins review, resolve or reject. When the seat's money is already held in escrow
(the shift ended during the dispute), the decision moves it in the same unit of work; a
decision given during the shift is applied by the settlement at its end.
"""

from __future__ import annotations

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.marketplace_access import is_admin, require_admin
from paeshift_core.application.pagination import Page, PageRequest, by_created, page_of
from paeshift_core.application.settlement import (
    ASSIGNED,
    check_split,
    post_resolution,
    post_seat,
    seat_key,
    shares_of,
)
from paeshift_core.domain.disputes import (
    Dispute,
    DisputeCategory,
    DisputeStatus,
    Resolution,
    SeatShare,
)
from paeshift_core.domain.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from paeshift_core.domain.jobs import Job, JobStatus
from paeshift_core.ports.unit_of_work import UnitOfWork


class DisputeUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def open(
        self,
        principal: Principal,
        application_id: int,
        category: DisputeCategory | str,
        reason: str,
    ) -> Dispute:
        async with self._deps.uow() as uow:
            application = await uow.applications.get(application_id)
            job = await uow.jobs.get(application.job_id, for_update=True)
            if principal.user_id not in (job.client_id, application.applicant_id):
                raise PermissionDenied(
                    "only the job's client or the worker may dispute this assignment",
                    code="not_a_party",
                )
            if application.status not in ASSIGNED:
                raise RuleViolation(
                    f"application {application.id} is {application.status.value}: "
                    "only a worker's assignment on a started shift can be disputed",
                    code="not_disputable",
                )
            now = self._deps.clock.now()
            await self._require_window(uow, job, application.id)
            if await uow.disputes.find_active_for_application(application.id) is not None:
                raise Conflict(
                    f"assignment {application.id} already has an open dispute",
                    code="dispute_exists",
                )
            dispute = Dispute(
                id=self._deps.ids.next_id(),
                job_id=job.id,
                application_id=application.id,
                worker_id=application.applicant_id,
                client_id=job.client_id,
                opened_by=principal.user_id,
                category=category,
                reason=reason,
                created_at=now,
                updated_at=now,
            )
            dispute.opened(now)
            await uow.disputes.add(dispute)
            await uow.commit()
            return dispute

    async def _require_window(self, uow: UnitOfWork, job: Job, application_id: int) -> None:
        """Ongoing, or completed less than ``dispute_window`` ago with the seat unsettled."""
        if job.status is JobStatus.ONGOING:
            return
        now = self._deps.clock.now()
        if (
            job.status is JobStatus.COMPLETED
            and job.ended_at is not None
            and now <= job.ended_at + self._deps.policy.dispute_window
            and await uow.ledger.find(seat_key(application_id)) is None
        ):
            return
        raise RuleViolation(
            "a dispute can be opened while the shift is ongoing, or within "
            f"{self._deps.policy.dispute_window} after it ended while the seat is unsettled",
            code="dispute_window_closed",
        )

    async def start_review(self, principal: Principal, dispute_id: int) -> Dispute:
        require_admin(principal, "decide disputes")
        async with self._deps.uow() as uow:
            dispute = await uow.disputes.get(dispute_id, for_update=True)
            dispute.start_review(principal.user_id, self._deps.clock.now())
            await uow.commit()
            return dispute

    async def resolve(
        self, principal: Principal, dispute_id: int, resolution: Resolution, note: str = ""
    ) -> Dispute:
        """Release, refund or split the seat; moves the money now if it is held."""
        require_admin(principal, "decide disputes")
        async with self._deps.uow() as uow:
            dispute = await uow.disputes.get(dispute_id, for_update=True)
            job = await uow.jobs.get(dispute.job_id, for_update=True)
            share = await self._share(uow, job, dispute)
            check_split(resolution, share)
            now = self._deps.clock.now()
            dispute.resolve(resolution, principal.user_id, note, now)
            if dispute.held:
                await post_resolution(uow, job, dispute, share, now)
            await uow.commit()
            return dispute

    async def reject(self, principal: Principal, dispute_id: int, note: str = "") -> Dispute:
        """No decision on the money: a held seat is settled by attendance as usual."""
        require_admin(principal, "decide disputes")
        async with self._deps.uow() as uow:
            dispute = await uow.disputes.get(dispute_id, for_update=True)
            job = await uow.jobs.get(dispute.job_id, for_update=True)
            now = self._deps.clock.now()
            dispute.reject(principal.user_id, note, now)
            if dispute.held:
                share = await self._share(uow, job, dispute)
                application = await uow.applications.get(dispute.application_id)
                await post_seat(uow, job, application, share, now)
                dispute.mark_settled()
            await uow.commit()
            return dispute

    async def _share(self, uow: UnitOfWork, job: Job, dispute: Dispute) -> SeatShare:
        shares = shares_of(job, await uow.applications.list_for_job(job.id))
        share = shares.get(dispute.application_id)
        if share is None:  # the assignment set is fixed once the shift started
            raise Conflict(f"dispute {dispute.id} names no seat of job {job.id}")
        return share

    async def list_mine(self, principal: Principal, page: PageRequest) -> Page[Dispute]:
        """Disputes where the caller is the worker or the client, newest first."""
        async with self._deps.uow(read_only=True) as uow:
            found = await uow.disputes.list_for_party(
                principal.user_id, after=page.after_key, limit=page.fetch
            )
        return page_of(found, page, by_created)

    async def list_all(
        self,
        principal: Principal,
        page: PageRequest,
        statuses: frozenset[DisputeStatus] | None = None,
    ) -> Page[Dispute]:
        """Every dispute, optionally only in ``statuses``, newest first (admins only)."""
        require_admin(principal, "decide disputes")
        async with self._deps.uow(read_only=True) as uow:
            found = await uow.disputes.list_by_status(
                statuses, after=page.after_key, limit=page.fetch
            )
        return page_of(found, page, by_created)

    async def get(self, principal: Principal, dispute_id: int) -> Dispute:
        """Parties and admins may read a dispute; others are told it does not exist."""
        async with self._deps.uow(read_only=True) as uow:
            dispute = await uow.disputes.get(dispute_id)
        if not is_admin(principal) and principal.user_id not in (
            dispute.worker_id,
            dispute.client_id,
        ):
            raise NotFound(f"dispute {dispute_id} not found")
        return dispute
