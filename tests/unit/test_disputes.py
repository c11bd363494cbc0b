"""Disputes: who may open them and when, held seats, admin decisions (DOMAIN.md Disputes)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.clock import FakeClock
from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Deps
from paeshift_core.domain.applications import Application
from paeshift_core.domain.disputes import (
    DisputeOpened,
    DisputeResolved,
    DisputeStatus,
    DisputeUpdated,
    Resolution,
    ResolutionKind,
)
from paeshift_core.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from paeshift_core.domain.jobs import Job
from paeshift_core.domain.ledger import PLATFORM_FEES
from paeshift_core.domain.money import Money
from tests.unit.accounts import Account, Accounts
from tests.unit.marketplace import Market
from tests.unit.money_support import assert_ledger_ok, balance, escrow, wallet

REASON = "Left two hours early without telling anyone."


class Shift:
    """A funded 2-seat job with one accepted worker, started."""

    def __init__(
        self, client: Account, worker: Account, job: Job, application: Application
    ) -> None:
        self.client = client
        self.worker = worker
        self.job = job
        self.application = application


@pytest.fixture
async def shift(accounts: Accounts, market: Market, use_cases: UseCases) -> Shift:
    client, worker = await accounts.client(), await accounts.applicant()
    job = await market.funded_job(client)
    application = await use_cases.applications.apply(worker.principal, job.id)
    await use_cases.applications.accept(client.principal, application.id)
    await use_cases.jobs.start_shift(client.principal, job.id)
    return Shift(client, worker, job, application)


@pytest.fixture
async def admin(accounts: Accounts) -> Account:
    return await accounts.admin()


async def test_client_and_worker_may_open_but_nobody_else(
    shift: Shift, accounts: Accounts, use_cases: UseCases, store: MemoryStore
) -> None:
    stranger = await accounts.applicant()
    with pytest.raises(PermissionDenied) as caught:
        await use_cases.disputes.open(stranger.principal, shift.application.id, "other", REASON)
    assert caught.value.code == "not_a_party"
    dispute = await use_cases.disputes.open(
        shift.client.principal, shift.application.id, "conduct", REASON
    )
    assert dispute.status is DisputeStatus.OPEN
    assert (dispute.worker_id, dispute.client_id) == (shift.worker.user_id, shift.client.user_id)
    with pytest.raises(Conflict) as dup:
        await use_cases.disputes.open(
            shift.worker.principal, shift.application.id, "payment", REASON
        )
    assert dup.value.code == "dispute_exists"
    opened = [e.event for e in store.outbox if isinstance(e.event, DisputeOpened)]
    assert [(e.dispute_id, e.opened_by) for e in opened] == [(dispute.id, shift.client.user_id)]
    assert (await use_cases.disputes.get(shift.worker.principal, dispute.id)) == dispute
    with pytest.raises(NotFound):
        await use_cases.disputes.get(stranger.principal, dispute.id)


async def test_an_assignment_that_never_started_cannot_be_disputed(
    accounts: Accounts, market: Market, use_cases: UseCases
) -> None:
    client, worker = await accounts.client(), await accounts.applicant()
    job = await market.funded_job(client)
    application = await use_cases.applications.apply(worker.principal, job.id)
    await use_cases.applications.accept(client.principal, application.id)
    with pytest.raises(RuleViolation) as caught:
        await use_cases.disputes.open(client.principal, application.id, "no_show", REASON)
    assert caught.value.code == "not_disputable"


async def test_reason_is_validated(shift: Shift, use_cases: UseCases) -> None:
    with pytest.raises(InvalidInput, match="reason"):
        await use_cases.disputes.open(shift.client.principal, shift.application.id, "late", "")
    with pytest.raises(InvalidInput, match="category"):
        await use_cases.disputes.open(shift.client.principal, shift.application.id, "x", REASON)


async def test_a_seat_under_dispute_is_held_then_released_by_an_admin(
    shift: Shift, admin: Account, use_cases: UseCases, deps: Deps, store: MemoryStore
) -> None:
    dispute = await use_cases.disputes.open(
        shift.worker.principal, shift.application.id, "payment", REASON
    )
    await use_cases.jobs.end_shift(shift.client.principal, shift.job.id)
    pricing = shift.job.pricing
    assert await escrow(deps, shift.job.id) == pricing.seat_total(0)
    assert await wallet(deps, shift.worker.user_id) == Money(0)
    await assert_ledger_ok(use_cases)  # invariant 3 allows exactly the held seat
    reviewed = await use_cases.disputes.start_review(admin.principal, dispute.id)
    assert reviewed.status is DisputeStatus.IN_REVIEW
    with pytest.raises(Conflict):
        await use_cases.disputes.start_review(admin.principal, dispute.id)
    resolved = await use_cases.disputes.resolve(
        admin.principal, dispute.id, Resolution(ResolutionKind.RELEASE), "worked the shift"
    )
    assert resolved.settled
    assert await escrow(deps, shift.job.id) == Money(0)
    assert await wallet(deps, shift.worker.user_id) == pricing.worker_pay
    assert await balance(deps, PLATFORM_FEES) == pricing.seat_fee(0)
    assert await wallet(deps, shift.client.user_id) == pricing.seat_total(1)
    statuses = [e.event.status for e in store.outbox if isinstance(e.event, DisputeUpdated)]
    assert statuses == [DisputeStatus.IN_REVIEW, DisputeStatus.RESOLVED]
    assert any(isinstance(e.event, DisputeResolved) for e in store.outbox)
    with pytest.raises(Conflict):
        await use_cases.disputes.reject(admin.principal, dispute.id)
    await assert_ledger_ok(use_cases)


async def test_refund_and_split_resolutions(
    accounts: Accounts, market: Market, admin: Account, use_cases: UseCases, deps: Deps
) -> None:
    client = await accounts.client()
    job = await market.funded_job(client)
    workers, disputes = [], []
    for _ in range(2):
        worker = await accounts.applicant()
        application = await use_cases.applications.apply(worker.principal, job.id)
        await use_cases.applications.accept(client.principal, application.id)
        workers.append(worker)
    await use_cases.jobs.start_shift(client.principal, job.id)
    async with deps.uow() as uow:
        applications = sorted(a.id for a in await uow.applications.list_for_job(job.id))
    for application_id in applications:
        d = await use_cases.disputes.open(client.principal, application_id, "quality", REASON)
        disputes.append(d)
    await use_cases.jobs.end_shift(client.principal, job.id)
    pricing = job.pricing
    assert await escrow(deps, job.id) == pricing.total_due
    await use_cases.disputes.resolve(
        admin.principal, disputes[0].id, Resolution(ResolutionKind.REFUND)
    )
    too_much = pricing.seat_total(1) + Money(1)
    with pytest.raises(RuleViolation) as caught:
        await use_cases.disputes.resolve(
            admin.principal, disputes[1].id, Resolution(ResolutionKind.SPLIT, too_much)
        )
    assert caught.value.code == "split_exceeds_held"
    assert await escrow(deps, job.id) == pricing.seat_total(1)
    half = Money(pricing.worker_pay.amount // 2)
    await use_cases.disputes.resolve(
        admin.principal, disputes[1].id, Resolution(ResolutionKind.SPLIT, half)
    )
    assert await escrow(deps, job.id) == Money(0)
    assert await wallet(deps, workers[0].user_id) == Money(0)
    assert await wallet(deps, workers[1].user_id) == half
    assert await wallet(deps, client.user_id) == pricing.total_due - half
    assert await balance(deps, PLATFORM_FEES) == Money(0)
    await assert_ledger_ok(use_cases)


async def test_only_admins_decide(shift: Shift, use_cases: UseCases, deps: Deps) -> None:
    dispute = await use_cases.disputes.open(
        shift.client.principal, shift.application.id, "late", REASON
    )
    for party in (shift.client, shift.worker):
        with pytest.raises(PermissionDenied) as caught:
            await use_cases.disputes.resolve(
                party.principal, dispute.id, Resolution(ResolutionKind.REFUND)
            )
        assert caught.value.code == "admin_only"
        with pytest.raises(PermissionDenied):
            await use_cases.disputes.reject(party.principal, dispute.id)
        with pytest.raises(PermissionDenied):
            await use_cases.disputes.start_review(party.principal, dispute.id)
    assert (await use_cases.disputes.get(shift.client.principal, dispute.id)).is_active


async def test_a_decision_during_the_shift_is_applied_when_it_ends(
    shift: Shift, admin: Account, use_cases: UseCases, deps: Deps
) -> None:
    dispute = await use_cases.disputes.open(
        shift.client.principal, shift.application.id, "no_show", REASON
    )
    decided = await use_cases.disputes.resolve(
        admin.principal, dispute.id, Resolution(ResolutionKind.REFUND)
    )
    assert not decided.settled
    assert await escrow(deps, shift.job.id) == shift.job.pricing.total_due
    await use_cases.jobs.end_shift(shift.client.principal, shift.job.id)
    assert await escrow(deps, shift.job.id) == Money(0)
    assert await wallet(deps, shift.worker.user_id) == Money(0)
    assert await wallet(deps, shift.client.user_id) == shift.job.pricing.total_due
    async with deps.uow() as uow:
        assert (await uow.disputes.get(dispute.id)).settled
    await assert_ledger_ok(use_cases)


async def test_a_rejected_held_dispute_settles_the_seat_by_attendance(
    shift: Shift, admin: Account, use_cases: UseCases, deps: Deps
) -> None:
    dispute = await use_cases.disputes.open(
        shift.worker.principal, shift.application.id, "hours", REASON
    )
    await use_cases.jobs.end_shift(shift.client.principal, shift.job.id)
    rejected = await use_cases.disputes.reject(admin.principal, dispute.id, "no evidence")
    assert rejected.status is DisputeStatus.REJECTED
    assert rejected.settled
    assert await escrow(deps, shift.job.id) == Money(0)
    assert await wallet(deps, shift.worker.user_id) == shift.job.pricing.worker_pay
    await assert_ledger_ok(use_cases)


async def test_a_rejected_dispute_during_the_shift_leaves_normal_settlement(
    shift: Shift, admin: Account, use_cases: UseCases, deps: Deps
) -> None:
    dispute = await use_cases.disputes.open(
        shift.client.principal, shift.application.id, "late", REASON
    )
    await use_cases.disputes.reject(admin.principal, dispute.id)
    await use_cases.jobs.end_shift(shift.client.principal, shift.job.id)
    assert await wallet(deps, shift.worker.user_id) == shift.job.pricing.worker_pay
    assert await escrow(deps, shift.job.id) == Money(0)


async def test_after_the_shift_a_settled_seat_or_a_late_dispute_is_refused(
    shift: Shift, admin: Account, use_cases: UseCases, clock: FakeClock
) -> None:
    await use_cases.jobs.end_shift(shift.client.principal, shift.job.id)
    with pytest.raises(RuleViolation) as caught:
        await use_cases.disputes.open(
            shift.client.principal, shift.application.id, "quality", REASON
        )
    assert caught.value.code == "dispute_window_closed"
    clock.advance(timedelta(hours=25))
    with pytest.raises(RuleViolation):
        await use_cases.disputes.open(
            shift.worker.principal, shift.application.id, "payment", REASON
        )


async def test_a_held_seat_may_get_a_new_dispute_within_the_window(
    shift: Shift, admin: Account, use_cases: UseCases, deps: Deps, clock: FakeClock
) -> None:
    """After the end a held seat stays unsettled, but only one dispute is active per seat."""
    first = await use_cases.disputes.open(
        shift.worker.principal, shift.application.id, "payment", REASON
    )
    await use_cases.jobs.end_shift(shift.client.principal, shift.job.id)
    clock.advance(timedelta(hours=1))
    with pytest.raises(Conflict):
        await use_cases.disputes.open(shift.client.principal, shift.application.id, "late", REASON)
    assert (await use_cases.disputes.get(admin.principal, first.id)).held
