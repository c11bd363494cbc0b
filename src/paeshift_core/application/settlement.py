"""Settlement at the end of a shift, refunds on cancellation, and the periodic job deadlines
(DOMAIN.md Jobs: end shift, cancel, auto-complete, auto-cancel; Money: the entries table).

:class:`LedgerJobMoney` implements the ``JobMoney`` seam: the job use cases call it inside
their unit of work, so the job's new status and the ledger postings commit together. Each
posting has a deterministic idempotency key (``seat:{application}``, ``unfilled:{job}``,
``cancel:{job}``), so a retried use case posts nothing twice and a seat is settled exactly
once, whether by settlement or by a dispute's resolution.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from functools import partial

from paeshift_core.application.context import Deps
from paeshift_core.application.retries import retry_on_conflict
from paeshift_core.domain.applications import Application, ApplicationStatus
from paeshift_core.domain.disputes import Dispute, DisputeStatus, Resolution, SeatShare
from paeshift_core.domain.jobs import Job, JobStatus
from paeshift_core.domain.ledger import (
    PLATFORM_FEES,
    TransactionKind,
    escrow_account,
    transfer,
    wallet_account,
)
from paeshift_core.domain.money import Money
from paeshift_core.domain.seats import seat_shares, unfilled_total
from paeshift_core.ports.unit_of_work import UnitOfWork

#: Statuses of an application that took one of the job's seats once the shift started.
ASSIGNED = frozenset(
    {ApplicationStatus.ONGOING, ApplicationStatus.COMPLETED, ApplicationStatus.NO_SHOW}
)
#: ``canceled_by`` of a job the platform canceled by itself (ids are positive).
PLATFORM_ACTOR = 0
#: How many overdue jobs one run of a periodic task handles.
DEADLINE_BATCH = 100


def seat_key(application_id: int) -> str:
    return f"seat:{application_id}"


def shares_of(job: Job, applications: Sequence[Application]) -> dict[int, SeatShare]:
    """Each assigned application's seat share (DOMAIN.md: a seat's fee)."""
    assigned = [a.id for a in applications if a.job_id == job.id and a.status in ASSIGNED]
    return seat_shares(job.pricing, assigned)


async def post_seat(
    uow: UnitOfWork, job: Job, application: Application, share: SeatShare, now: datetime
) -> None:
    """Settle one seat by attendance: a worker who worked gets ``worker_pay`` and the platform
    the seat's fee; a no-show's seat goes back to the client."""
    if application.status is ApplicationStatus.COMPLETED:
        credits = [
            (wallet_account(application.applicant_id), share.worker_pay),
            (PLATFORM_FEES, share.fee),
        ]
    else:
        credits = [(wallet_account(job.client_id), share.total)]
    await _post_seat(uow, job, application.id, TransactionKind.SEAT_SETTLEMENT, credits, now)


async def post_resolution(
    uow: UnitOfWork, job: Job, dispute: Dispute, share: SeatShare, now: datetime
) -> None:
    """Move a disputed seat as the admin decided, and mark the dispute settled."""
    assert dispute.resolution is not None
    to_worker, to_client, to_fees = dispute.resolution.payouts(share)
    credits = [
        (wallet_account(dispute.worker_id), to_worker),
        (wallet_account(job.client_id), to_client),
        (PLATFORM_FEES, to_fees),
    ]
    await _post_seat(
        uow, job, dispute.application_id, TransactionKind.DISPUTE_RESOLUTION, credits, now
    )
    dispute.mark_settled()


async def _post_seat(
    uow: UnitOfWork,
    job: Job,
    application_id: int,
    kind: TransactionKind,
    credits: list[tuple[str, Money]],
    now: datetime,
) -> None:
    key, subject = seat_key(application_id), str(application_id)
    await _post_from_escrow(uow, job, key, kind, subject, credits, now)


async def _refund_client(
    uow: UnitOfWork, job: Job, key: str, kind: TransactionKind, amount: Money, now: datetime
) -> None:
    """Escrow back to the client's wallet (cancellation, unfilled seats)."""
    credits = [(wallet_account(job.client_id), amount)]
    await _post_from_escrow(uow, job, key, kind, str(job.id), credits, now)


async def _post_from_escrow(
    uow: UnitOfWork,
    job: Job,
    key: str,
    kind: TransactionKind,
    subject: str,
    credits: list[tuple[str, Money]],
    now: datetime,
) -> None:
    """Post a transfer out of the job's escrow under its idempotency ``key``; nothing when
    every credit is zero."""
    tx = transfer(
        key=key,
        kind=kind,
        subject=subject,
        job_id=job.id,
        posted_at=now,
        source=escrow_account(job.id),
        credits=credits,
    )
    if tx is not None:
        await uow.ledger.post(tx)


def check_split(resolution: Resolution, share: SeatShare) -> None:
    """Refuse a split giving the worker more than the seat holds, before anything changes."""
    resolution.payouts(share)


class LedgerJobMoney:
    """The real ``JobMoney``: ledger postings for cancellation and end of shift."""

    async def on_canceled(self, uow: UnitOfWork, job: Job, now: datetime) -> None:
        """The whole escrow balance goes back to the client's wallet."""
        balance = await uow.ledger.balance(escrow_account(job.id))
        await _refund_client(
            uow, job, f"cancel:{job.id}", TransactionKind.CANCEL_REFUND, balance, now
        )

    async def on_ended(
        self, uow: UnitOfWork, job: Job, applications: Sequence[Application], now: datetime
    ) -> None:
        """Pay each worked seat, refund no-shows and unfilled seats, hold disputed seats.

        A seat with an active dispute stays in escrow (the dispute is marked ``held``); a
        seat whose dispute was resolved during the shift is settled as the admin decided; a
        rejected dispute leaves the seat to normal settlement.
        """
        shares = shares_of(job, applications)
        disputes = {
            d.application_id: d
            for d in await uow.disputes.list_for_job(job.id)
            if d.is_active or (d.status is DisputeStatus.RESOLVED and not d.settled)
        }
        for application in applications:
            share = shares.get(application.id)
            if share is None:
                continue
            dispute = disputes.get(application.id)
            if dispute is not None and dispute.is_active:
                dispute.hold()
            elif dispute is not None:
                await post_resolution(uow, job, dispute, share, now)
            else:
                await post_seat(uow, job, application, share, now)
        unfilled = unfilled_total(job.pricing, len(shares))
        await _refund_client(
            uow, job, f"unfilled:{job.id}", TransactionKind.UNFILLED_REFUND, unfilled, now
        )


async def _each_alone(jobs: Sequence[Job], handle: Callable[[int], Awaitable[bool]]) -> list[int]:
    """Handle each job in its own unit of work (retried on a lost race); the ids handled."""
    return [job.id for job in jobs if await retry_on_conflict(partial(handle, job.id))]


class JobDeadlines:
    """The periodic worker's tasks (DOMAIN.md Jobs): auto-complete and auto-cancel.

    Each job is handled in its own unit of work (retried on a lost race), so one failing job
    never blocks the others and a run repeated by two workers does each job once.
    """

    def __init__(self, deps: Deps, money: LedgerJobMoney | None = None) -> None:
        self._deps = deps
        self._money = money or LedgerJobMoney()

    async def auto_complete(self) -> list[int]:
        """End every job still ``ongoing`` ``auto_complete_after`` past its scheduled end,
        as if its client had ended it, so workers are never left unpaid."""
        cutoff = self._deps.clock.now() - self._deps.policy.auto_complete_after
        async with self._deps.uow() as uow:
            due = await uow.jobs.list_in_status_before(
                JobStatus.ONGOING, ends_before=cutoff, limit=DEADLINE_BATCH
            )
        return await _each_alone(due, self._complete)

    async def _complete(self, job_id: int) -> bool:
        async with self._deps.uow() as uow:
            job = await uow.jobs.get(job_id, for_update=True)
            now = self._deps.clock.now()
            if job.status is not JobStatus.ONGOING or (
                job.schedule.ends_at + self._deps.policy.auto_complete_after > now
            ):
                return False
            applications = await uow.applications.list_for_job(job.id)
            job.end(now, applications)
            await self._money.on_ended(uow, job, applications, now)
            await uow.commit()
            return True

    async def auto_cancel(self) -> list[int]:
        """Cancel (full refund) every ``upcoming`` job whose start passed
        ``auto_cancel_after`` ago with nobody accepted."""
        cutoff = self._deps.clock.now() - self._deps.policy.auto_cancel_after
        async with self._deps.uow() as uow:
            due = await uow.jobs.list_in_status_before(
                JobStatus.UPCOMING, starts_before=cutoff, limit=DEADLINE_BATCH
            )
        return await _each_alone([j for j in due if j.accepted_count == 0], self._cancel)

    async def _cancel(self, job_id: int) -> bool:
        async with self._deps.uow() as uow:
            job = await uow.jobs.get(job_id, for_update=True)
            now = self._deps.clock.now()
            if (
                job.status is not JobStatus.UPCOMING
                or job.accepted_count
                or job.schedule.starts_at + self._deps.policy.auto_cancel_after > now
            ):
                return False
            job.cancel(now, canceled_by=PLATFORM_ACTOR)
            await self._money.on_canceled(uow, job, now)
            await uow.commit()
            return True
