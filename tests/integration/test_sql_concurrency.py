"""Races against the real PostgreSQL server: separate connections, real commits, the real use
cases (DOMAIN.md Applications: accepted never exceeds seats; Money invariants 2 and 4)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import attrs
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import FakeClock
from adapters.payments.sandbox import SandboxGateway
from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.wiring import SqlUnitOfWorkFactory
from entrypoints.bootstrap import UseCases, build_use_cases, memory_deps
from paeshift_core.application.context import Deps, Policy, Principal
from paeshift_core.domain.applications import ApplicationStatus
from paeshift_core.domain.errors import PaeshiftError, RuleViolation
from paeshift_core.domain.jobs import Job, JobStatus
from paeshift_core.domain.ledger import (
    PLATFORM_GATEWAY,
    TransactionKind,
    escrow_account,
    transfer,
    wallet_account,
)
from paeshift_core.domain.money import Money
from paeshift_core.domain.payments import FundingOutcome, IntentStatus, Withdrawal
from paeshift_core.domain.users import Role
from tests.contracts import builders as b

T = TypeVar("T")


@attrs.define
class World:
    deps: Deps
    use_cases: UseCases
    gateway: SandboxGateway
    engine: AsyncEngine


def build_world(engine: AsyncEngine, policy: Policy) -> World:
    clock = FakeClock()
    gateway = SandboxGateway()
    deps = attrs.evolve(
        memory_deps(clock=clock, policy=policy, gateway=gateway),
        uow=SqlUnitOfWorkFactory(engine, clock),
    )
    return World(deps, build_use_cases(deps), gateway, engine)


@pytest.fixture
def world(postgres_engine: AsyncEngine) -> World:
    return build_world(postgres_engine, Policy(withdrawals_per_day=100))


async def race(*calls: Awaitable[T]) -> tuple[list[T], list[BaseException]]:
    """Run the calls at once; return what succeeded and what was raised."""
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    won = [o for o in outcomes if not isinstance(o, BaseException)]
    lost = [o for o in outcomes if isinstance(o, BaseException)]
    return won, lost


async def credit_wallet(world: World, user_id: int, amount: Money) -> None:
    tx = transfer(
        key=f"test-credit:{user_id}",
        kind=TransactionKind.GATEWAY_TO_WALLET,
        subject=f"test-credit:{user_id}",
        posted_at=world.deps.clock.now(),
        source=PLATFORM_GATEWAY,
        credits=[(wallet_account(user_id), amount)],
    )
    assert tx is not None
    async with world.deps.uow() as uow:
        await uow.ledger.post(tx)
        await uow.commit()


async def pending_job(world: World, *, seats: int) -> tuple[Principal, Job]:
    """A client (with contact details) and a pending job of theirs, stored directly."""
    ids = world.deps.ids
    client = b.user(ids.next_id(), role=Role.CLIENT)
    industry = b.industry(ids.next_id(), f"Industry {client.id}")
    async with world.deps.uow() as uow:
        await uow.users.add(client)
        await uow.catalog.add(industry)
        await uow.commit()
    job = b.job(ids.next_id(), client.id, industry, seats=seats)
    async with world.deps.uow() as uow:
        await uow.jobs.add(job)
        await uow.commit()
    return Principal(client.id, Role.CLIENT), job


async def assert_ledger_holds(world: World) -> None:
    report = await world.use_cases.ledger_check.run()
    assert report.ok, report.violations
    async with world.deps.uow() as uow:
        balances = await uow.ledger.all_balances()
    assert all(x.balance.amount >= 0 for x in balances if x.account != PLATFORM_GATEWAY)


async def test_twenty_racing_accepts_fill_exactly_three_seats(world: World) -> None:
    client, job = await pending_job(world, seats=3)
    await credit_wallet(world, client.user_id, job.pricing.total_due)
    await world.use_cases.funding.fund_from_wallet(client, job.id)
    applicants = [b.user(world.deps.ids.next_id()) for _ in range(20)]
    async with world.deps.uow() as uow:
        for applicant in applicants:
            await uow.users.add(applicant)
        await uow.commit()
    applications = [
        await world.use_cases.applications.apply(Principal(a.id, Role.APPLICANT), job.id)
        for a in applicants
    ]

    won, lost = await race(
        *(world.use_cases.applications.accept(client, a.id) for a in applications)
    )

    assert len(won) == 3
    assert all(isinstance(e, PaeshiftError) for e in lost), lost
    accepted = select(func.count()).where(
        t.applications.c.job_id == job.id,
        t.applications.c.status == ApplicationStatus.ACCEPTED.value,
    )
    async with world.engine.connect() as conn:
        assert await conn.scalar(accepted) == 3
    async with world.deps.uow() as uow:
        stored = await uow.jobs.get(job.id)
    assert stored.accepted_count == 3
    await assert_ledger_holds(world)


async def test_ten_deliveries_of_one_payment_confirmation_fund_once(world: World) -> None:
    client, job = await pending_job(world, seats=2)
    checkout = await world.use_cases.funding.start_checkout(client, job.id, "https://x.test/cb")
    world.gateway.approve(checkout.reference)

    won, lost = await race(
        *(world.use_cases.funding.confirm(checkout.reference) for _ in range(10))
    )

    # Every delivery waits for the intent's row lock; all but the first find it final and
    # answer with it: all ten succeed with the same succeeded intent, funded once.
    assert lost == []
    assert len(won) == 10
    assert {(i.id, i.status, i.outcome) for i in won} == {
        (won[0].id, IntentStatus.SUCCEEDED, FundingOutcome.ESCROW)
    }
    again = await world.use_cases.funding.confirm(checkout.reference)
    assert again.status is IntentStatus.SUCCEEDED
    async with world.deps.uow() as uow:
        transactions = await uow.ledger.transactions_for_job(job.id)
        escrow = await uow.ledger.balance(escrow_account(job.id))
        stored = await uow.jobs.get(job.id)
    assert [tx.kind for tx in transactions] == [TransactionKind.FUND_FROM_GATEWAY]
    assert escrow == job.pricing.total_due
    assert stored.status is JobStatus.UPCOMING
    await assert_ledger_holds(world)


async def worker_with_wallet(world: World, balance: Money) -> Principal:
    """A worker (with a payout account) whose wallet holds ``balance``."""
    worker = b.user(world.deps.ids.next_id())
    async with world.deps.uow() as uow:
        await uow.users.add(worker)
        await uow.commit()
    await credit_wallet(world, worker.id, balance)
    return Principal(worker.id, Role.APPLICANT)


async def ten_racing_withdrawals(
    world: World, principal: Principal
) -> tuple[list[Withdrawal], list[BaseException]]:
    return await race(
        *(world.use_cases.withdrawals.request(principal, Money(200_000)) for _ in range(10))
    )


async def test_racing_withdrawals_never_overdraw_the_wallet(world: World) -> None:
    principal = await worker_with_wallet(world, Money(1_000_000))

    won, lost = await ten_racing_withdrawals(world, principal)

    assert len(won) == 5
    assert all(isinstance(e, RuleViolation) and e.code == "insufficient_funds" for e in lost), lost
    async with world.deps.uow() as uow:
        assert await uow.ledger.balance(wallet_account(principal.user_id)) == Money(0)
    await assert_ledger_holds(world)


async def test_racing_withdrawals_never_exceed_the_daily_count(
    postgres_engine: AsyncEngine,
) -> None:
    world = build_world(postgres_engine, Policy(withdrawals_per_day=5))
    principal = await worker_with_wallet(world, Money(10_000_000))

    won, lost = await ten_racing_withdrawals(world, principal)

    # Each request locks the user's row before counting the day's requests: five pass.
    assert len(won) == 5
    assert all(isinstance(e, RuleViolation) and e.code == "daily_count_limit" for e in lost), lost
    async with world.deps.uow() as uow:
        assert await uow.ledger.balance(wallet_account(principal.user_id)) == Money(9_000_000)
        stored = await uow.withdrawals.list_for_user_since(
            principal.user_id, world.deps.clock.now()
        )
    assert sorted(w.id for w in stored) == sorted(w.id for w in won)
    await assert_ledger_holds(world)
