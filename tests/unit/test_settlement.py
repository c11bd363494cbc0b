"""Settlement at the end of a shift, refunds on cancellation, auto-complete and auto-cancel
(DOMAIN.md Jobs; Money: a seat's fee, the entries table)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from adapters.memory.clock import FakeClock
from adapters.memory.wiring import MemoryUnitOfWorkFactory, new_memory_store
from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Deps
from paeshift_core.application.settlement import LedgerJobMoney
from paeshift_core.domain.applications import Application, ApplicationStatus
from paeshift_core.domain.jobs import Job, JobStatus
from paeshift_core.domain.ledger import (
    PLATFORM_FEES,
    PLATFORM_GATEWAY,
    TransactionKind,
    escrow_account,
    transfer,
    wallet_account,
)
from paeshift_core.domain.money import Money
from paeshift_core.domain.pricing import Pricing
from paeshift_core.domain.schedule import Schedule
from tests.unit.accounts import Account, Accounts
from tests.unit.marketplace import Market
from tests.unit.money_support import assert_ledger_ok, balance, escrow, wallet

NOW = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)
CLIENT = 1


def ongoing_job(pricing: Pricing) -> Job:
    return Job(
        id=10,
        client_id=CLIENT,
        title="Property job",
        description="",
        industry_id=1,
        subcategory_id=1,
        shift_type="day",
        schedule=Schedule("single_day", date(2026, 1, 5), date(2026, 1, 5), time(9), time(17)),
        pricing=pricing,
        address="1 Test Road",
        status=JobStatus.COMPLETED,
        created_at=NOW,
        updated_at=NOW,
    )


async def settle(pricing: Pricing, attended: list[bool]) -> dict[str, int]:
    """Fund an escrow, settle ``attended`` seats (True: worked) and return all balances."""
    factory = MemoryUnitOfWorkFactory(new_memory_store(), FakeClock(NOW))
    job = ongoing_job(pricing)
    applications = [
        Application(
            id=100 + i,
            job_id=job.id,
            applicant_id=1000 + i,
            status=ApplicationStatus.COMPLETED if worked else ApplicationStatus.NO_SHOW,
            created_at=NOW,
            updated_at=NOW,
        )
        for i, worked in enumerate(attended)
    ]
    async with factory() as uow:
        funding = transfer(
            key="payment:p",
            kind=TransactionKind.FUND_FROM_GATEWAY,
            subject="p",
            job_id=job.id,
            posted_at=NOW,
            source=PLATFORM_GATEWAY,
            credits=[(escrow_account(job.id), pricing.total_due)],
        )
        assert funding is not None
        await uow.ledger.post(funding)
        await LedgerJobMoney().on_ended(uow, job, applications, NOW)
        # Settling again (a retried use case) posts nothing twice.
        await LedgerJobMoney().on_ended(uow, job, applications, NOW)
        await uow.commit()
    async with factory() as uow:
        return {b.account: b.balance.amount for b in await uow.ledger.all_balances()}


@given(
    rate=st.integers(100, 2_000_000),
    minutes=st.integers(1, 14 * 24 * 60),
    seats=st.integers(1, 100),
    fee_bp=st.integers(0, 10_000),
    data=st.data(),
)
def test_settlement_empties_the_escrow_exactly(
    rate: int, minutes: int, seats: int, fee_bp: int, data: st.DataObject
) -> None:
    pricing = Pricing.compute(Money(rate), minutes, seats, fee_bp)
    filled = data.draw(st.integers(0, seats), label="filled seats")
    attended = data.draw(st.lists(st.booleans(), min_size=filled, max_size=filled))
    balances = asyncio.run(settle(pricing, attended))
    assert balances.get(escrow_account(10), 0) == 0
    pay = pricing.worker_pay.amount
    for i, worked in enumerate(attended):
        assert balances.get(wallet_account(1000 + i), 0) == (pay if worked else 0)
    worked_fees = sum(pricing.seat_fee(i).amount for i, w in enumerate(attended) if w)
    assert balances.get(PLATFORM_FEES, 0) == worked_fees
    refunded = pricing.total_due.amount - worked_fees - pay * sum(attended)
    assert balances.get(wallet_account(CLIENT), 0) == refunded
    assert sum(balances.values()) == 0


# -- through the use cases --------------------------------------------------------------


async def staffed_job(
    accounts: Accounts, market: Market, use_cases: UseCases, client: Account, workers: int
) -> tuple[Job, list[Account], list[Application]]:
    job = await market.funded_job(client, applicants_needed=3)
    staff, applications = [], []
    for _ in range(workers):
        worker = await accounts.applicant()
        application = await use_cases.applications.apply(worker.principal, job.id)
        await use_cases.applications.accept(client.principal, application.id)
        staff.append(worker)
        applications.append(application)
    return job, staff, applications


async def test_end_of_shift_pays_workers_fees_and_refunds_the_rest(
    accounts: Accounts, market: Market, use_cases: UseCases, deps: Deps
) -> None:
    client = await accounts.client()
    job, (worked, absent), (_, absent_app) = await staffed_job(
        accounts, market, use_cases, client, 2
    )
    await use_cases.jobs.start_shift(client.principal, job.id)
    await use_cases.applications.mark_no_show(client.principal, absent_app.id)
    await use_cases.jobs.end_shift(client.principal, job.id)
    pricing = job.pricing
    assert await escrow(deps, job.id) == Money(0)
    assert await wallet(deps, worked.user_id) == pricing.worker_pay
    assert await wallet(deps, absent.user_id) == Money(0)
    assert await balance(deps, PLATFORM_FEES) == pricing.seat_fee(0)
    refund = pricing.seat_total(1) + pricing.seat_total(2)
    assert await wallet(deps, client.user_id) == refund
    await assert_ledger_ok(use_cases)


async def test_cancel_returns_the_whole_escrow(
    accounts: Accounts, market: Market, use_cases: UseCases, deps: Deps
) -> None:
    client = await accounts.client()
    job, _, _ = await staffed_job(accounts, market, use_cases, client, 1)
    await use_cases.jobs.cancel_job(client.principal, job.id)
    assert await escrow(deps, job.id) == Money(0)
    assert await wallet(deps, client.user_id) == job.pricing.total_due
    unfunded = await market.pending_job(client)
    await use_cases.jobs.cancel_job(client.principal, unfunded.id)
    assert await wallet(deps, client.user_id) == job.pricing.total_due
    await assert_ledger_ok(use_cases)


async def test_auto_complete_pays_workers_a_day_after_the_scheduled_end(
    accounts: Accounts, market: Market, use_cases: UseCases, deps: Deps, clock: FakeClock
) -> None:
    client = await accounts.client()
    job, (worker,), _ = await staffed_job(accounts, market, use_cases, client, 1)
    await use_cases.jobs.start_shift(client.principal, job.id)
    clock.set(job.schedule.ends_at + timedelta(hours=23))
    assert await use_cases.deadlines.auto_complete() == []
    clock.advance(timedelta(hours=2))
    assert await use_cases.deadlines.auto_complete() == [job.id]
    assert await use_cases.deadlines.auto_complete() == []
    async with deps.uow() as uow:
        assert (await uow.jobs.get(job.id)).status is JobStatus.COMPLETED
    assert await wallet(deps, worker.user_id) == job.pricing.worker_pay
    assert await escrow(deps, job.id) == Money(0)
    await assert_ledger_ok(use_cases)


async def test_auto_cancel_refunds_a_job_nobody_was_accepted_for(
    accounts: Accounts, market: Market, use_cases: UseCases, deps: Deps, clock: FakeClock
) -> None:
    client = await accounts.client()
    empty = await market.funded_job(client)
    staffed, _, _ = await staffed_job(accounts, market, use_cases, client, 1)
    clock.set(empty.schedule.starts_at + timedelta(hours=23))
    assert await use_cases.deadlines.auto_cancel() == []
    clock.advance(timedelta(hours=2))
    assert await use_cases.deadlines.auto_cancel() == [empty.id]
    assert await use_cases.deadlines.auto_cancel() == []
    async with deps.uow() as uow:
        assert (await uow.jobs.get(empty.id)).status is JobStatus.CANCELED
        assert (await uow.jobs.get(staffed.id)).status is JobStatus.UPCOMING
    assert await wallet(deps, client.user_id) == empty.pricing.total_due
    assert await escrow(deps, staffed.id) == staffed.pricing.total_due
    await assert_ledger_ok(use_cases)
