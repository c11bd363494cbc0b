"""Shifts for the reputation tests: a finished 2-seat job whose client accepted two workers,
started the shift, marked one a no-show and ended it (DOMAIN.md Reviews: who worked), and
completed assignments stored directly with their ``ShiftWorked`` events (gamification)."""

from __future__ import annotations

from attrs import frozen

from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Deps
from paeshift_core.domain.applications import Application, ApplicationStatus
from paeshift_core.domain.jobs import Job
from paeshift_core.domain.marketplace_events import ShiftWorked
from tests.unit.accounts import Account, Accounts
from tests.unit.marketplace import Market


@frozen
class Finished:
    client: Account
    worker: Account
    no_show: Account
    job: Job
    worked: Application
    missed: Application


async def started_shift(
    accounts: Accounts, market: Market, use_cases: UseCases
) -> tuple[Account, Account, Account, Job, Application, Application]:
    client = await accounts.client()
    worker, no_show = await accounts.applicant(), await accounts.applicant()
    job = await market.funded_job(client)
    worked = await use_cases.applications.apply(worker.principal, job.id)
    missed = await use_cases.applications.apply(no_show.principal, job.id)
    for application in (worked, missed):
        await use_cases.applications.accept(client.principal, application.id)
    await use_cases.jobs.start_shift(client.principal, job.id)
    return client, worker, no_show, job, worked, missed


async def finished_shift(accounts: Accounts, market: Market, use_cases: UseCases) -> Finished:
    client, worker, no_show, job, worked, missed = await started_shift(accounts, market, use_cases)
    await use_cases.applications.mark_no_show(client.principal, missed.id)
    job = await use_cases.jobs.end_shift(client.principal, job.id)
    return Finished(
        client=client, worker=worker, no_show=no_show, job=job, worked=worked, missed=missed
    )


async def completed_shifts(deps: Deps, worker_id: int, count: int) -> list[ShiftWorked]:
    """``count`` completed assignments of ``worker_id`` stored directly, and the events their
    shifts' ends would have recorded (the handlers re-read the applications)."""
    now = deps.clock.now()
    events = []
    async with deps.uow() as uow:
        for _ in range(count):
            application = Application(
                id=deps.ids.next_id(),
                job_id=deps.ids.next_id(),
                applicant_id=worker_id,
                status=ApplicationStatus.COMPLETED,
                created_at=now,
                updated_at=now,
            )
            await uow.applications.add(application)
            events.append(
                ShiftWorked(
                    occurred_at=now,
                    application_id=application.id,
                    job_id=application.job_id,
                    applicant_id=worker_id,
                )
            )
        await uow.commit()
    return events
