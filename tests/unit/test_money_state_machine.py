"""A stateful test of the money rules: random sequences of the real use cases, invariants
checked after every step (QUALITY.md Tests; DOMAIN.md Money invariants).

The machine drives posting, funding by wallet or by gateway (approve, decline, a mismatched
charge, webhooks delivered repeatedly and out of order with the browser's return), applying,
accepting, withdrawing applications, starting, marking no-shows, ending, disputing, admin
decisions, canceling, withdrawals that are paid, fail or stay in flight, and the clock
running on (auto-complete, auto-cancel). Every use case runs through the production wiring on
memory adapters. A refusal is only tolerated when its error code is one the rule expects
(e.g. ``insufficient_funds`` when funding from a thin wallet, never when settling).

After every step: the operator's ledger check is clean (entries sum to zero, balances match
entries, no negative wallet, escrow empty after settlement unless a dispute holds a seat,
nothing posted twice); accepted applications never exceed seats; every payment reference and
payout moved money at most once and exactly when its state says so; each seat that was
settled paid its worker exactly ``worker_pay`` (worked), nothing (no-show) or what the admin
decided.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine
from datetime import time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from adapters.memory.clock import FakeClock
from adapters.memory.email import MemoryEmailSender
from adapters.payments.sandbox import FAILING_ACCOUNT, HELD_ACCOUNT, SignedWebhook
from entrypoints.bootstrap import build_use_cases, memory_deps
from paeshift_core.application.settlement import ASSIGNED, seat_key, shares_of
from paeshift_core.domain.applications import ApplicationStatus
from paeshift_core.domain.disputes import DisputeStatus, Resolution, ResolutionKind
from paeshift_core.domain.errors import PaeshiftError
from paeshift_core.domain.jobs import JobStatus
from paeshift_core.domain.ledger import TransactionKind, wallet_account
from paeshift_core.domain.money import Money
from paeshift_core.domain.payments import IntentStatus, WithdrawalStatus
from tests.unit.accounts import Account, Accounts
from tests.unit.marketplace import Market
from tests.unit.money_support import RETURN_URL, sandbox

T = TypeVar("T")
LAGOS = ZoneInfo("Africa/Lagos")
NAIRA = 100
PAYOUT_ACCOUNTS = ("0123456789", FAILING_ACCOUNT, HELD_ACCOUNT)
#: Refusals a rule may meet in a random sequence; anything else fails the test.
STATE = ("invalid_transition", "not_found", "not_owner")

#: Applications that took one of the job's seats, now or at the start of the shift.
SEATED = ASSIGNED | {ApplicationStatus.ACCEPTED}

index = st.integers(min_value=0, max_value=1_000)


class MoneyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.runner = asyncio.Runner()
        self.clock = FakeClock()
        self.deps = memory_deps(clock=self.clock)
        self.use_cases = build_use_cases(self.deps)
        assert isinstance(self.deps.email, MemoryEmailSender)
        accounts = Accounts(self.use_cases, self.deps.email)
        self.market = Market(self.use_cases, self.deps)
        self.clients = [self.run(accounts.client()) for _ in range(2)]
        self.workers = [self.run(accounts.applicant()) for _ in range(3)]
        self.admin = self.run(accounts.admin())
        for worker in self.workers:
            self.run(self._payout_account(worker, PAYOUT_ACCOUNTS[0]))
        self.run(self.market.industry())
        self.jobs: list[int] = []
        self.references: list[str] = []
        self.deliveries: list[SignedWebhook] = []
        self.applications: list[int] = []
        self.disputes: list[int] = []
        self.withdrawals: list[str] = []

    def teardown(self) -> None:
        self.runner.close()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(coro)

    def attempt(self, coro: Coroutine[Any, Any, T], *codes: str) -> T | None:
        """Run a use case; a refusal passes only if its code is one this rule expects."""
        name = getattr(coro, "__qualname__", "use case")
        try:
            result = self.run(coro)
        except PaeshiftError as exc:
            if exc.code not in codes:
                raise
            event(f"{name}: refused {exc.code}")
            return None
        event(f"{name}: done")
        return result

    async def _payout_account(self, user: Account, number: str) -> None:
        await self.use_cases.profiles.set_payout_account(
            user.principal, bank="058", account_number=number, account_name="Ada Obi"
        )

    def _user(self, i: int) -> Account:
        people = [*self.clients, *self.workers]
        return people[i % len(people)]

    def _job(self, i: int, *statuses: JobStatus) -> int:
        """The i-th job, preferring jobs in ``statuses`` (any job when none is)."""

        async def load() -> list[int]:
            async with self.deps.uow() as uow:
                found = await uow.jobs.get_many(self.jobs)
            return [j for j in self.jobs if found[j].status in statuses]

        fitting = self.run(load())
        pool = fitting or self.jobs
        return pool[i % len(pool)]

    def _owner(self, job_id: int) -> Account:
        return next(c for c in self.clients if c.user_id == self._load_job(job_id).client_id)

    def _load_job(self, job_id: int) -> Any:
        async def load() -> Any:
            async with self.deps.uow() as uow:
                return await uow.jobs.get(job_id)

        return self.run(load())

    # -- jobs and funding -------------------------------------------------------------

    @initialize(
        seats=st.integers(1, 3),
        staffed=st.integers(0, 3),
        by_webhook=st.booleans(),
        stage=st.sampled_from(["upcoming", "ongoing", "disputed"]),
    )
    def a_funded_staffed_job(self, seats: int, staffed: int, by_webhook: bool, stage: str) -> None:
        """Start each run with a job paid through the gateway, some workers accepted and
        perhaps the shift started and a seat disputed, so that short runs still reach
        settlement, held seats and admin decisions."""
        self.post_job(client=0, seats=seats, hours=8)
        self.pay_by_gateway(job=0, by_webhook=by_webhook, repeats=1)
        for worker in range(min(staffed, seats)):
            self.apply_and_get_accepted(worker=worker, job=0)
        if stage != "upcoming":
            self.start(job=0)
        if stage == "disputed" and self.applications:
            self.open_dispute(app=0, by_worker=by_webhook)

    @rule(client=index, seats=st.integers(1, 3), hours=st.integers(1, 10))
    def post_job(self, client: int, seats: int, hours: int) -> None:
        start = (self.clock.now() + timedelta(hours=1)).astimezone(LAGOS)
        job = self.run(
            self.market.pending_job(
                self.clients[client % 2],
                applicants_needed=seats,
                start_date=start.date(),
                end_date=start.date(),
                start_time=time(start.hour),
                end_time=time((start.hour + hours) % 24),
            )
        )
        self.jobs.append(job.id)

    def _payer(self, job_id: int, stranger: bool) -> Account:
        owner = self._owner(job_id)
        return next(c for c in self.clients if c != owner) if stranger else owner

    @precondition(lambda self: self.jobs)
    @rule(job=index, stranger=st.booleans())
    def fund_from_wallet(self, job: int, stranger: bool) -> None:
        job_id = self._job(job, JobStatus.PENDING)
        payer = self._payer(job_id, stranger)
        self.attempt(
            self.use_cases.funding.fund_from_wallet(payer.principal, job_id),
            "already_funded",
            "insufficient_funds",
            *STATE,
        )

    @precondition(lambda self: self.jobs)
    @rule(job=index, stranger=st.booleans())
    def start_checkout(self, job: int, stranger: bool) -> None:
        job_id = self._job(job, JobStatus.PENDING)
        started = self.attempt(
            self.use_cases.funding.start_checkout(
                self._payer(job_id, stranger).principal, job_id, RETURN_URL
            ),
            "already_funded",
            *STATE,
        )
        if started is not None:
            self.references.append(started.reference)

    @precondition(lambda self: self.jobs)
    @rule(job=index, by_webhook=st.booleans(), repeats=st.integers(0, 2))
    def pay_by_gateway(self, job: int, by_webhook: bool, repeats: int) -> None:
        """Checkout, approval and confirmation in one step (the common path), confirmed by
        webhook or by the return, then repeated through both paths."""
        job_id = self._job(job, JobStatus.PENDING)
        started = self.attempt(
            self.use_cases.funding.start_checkout(
                self._owner(job_id).principal, job_id, RETURN_URL
            ),
            "already_funded",
            *STATE,
        )
        if started is None:
            return
        self.references.append(started.reference)
        hook = sandbox(self.deps).approve(started.reference)
        self.deliveries.append(hook)
        for _ in range(repeats + 1):
            if by_webhook:
                self.run(self.use_cases.payment_webhooks.handle(hook.headers, hook.body))
            else:
                self.run(self.use_cases.funding.confirm(started.reference))
            by_webhook = not by_webhook

    @precondition(lambda self: self.jobs)
    @rule(worker=index, job=index)
    def apply_and_get_accepted(self, worker: int, job: int) -> None:
        job_id = self._job(job, JobStatus.UPCOMING)
        application = self.attempt(
            self.use_cases.applications.apply(self.workers[worker % 3].principal, job_id),
            "job_full",
            "already_applied",
            "reapply_limit",
            *STATE,
        )
        if application is None:
            return
        if application.id not in self.applications:
            self.applications.append(application.id)
        self.attempt(
            self.use_cases.applications.accept(self._owner(job_id).principal, application.id),
            "job_full",
            *STATE,
        )

    @precondition(lambda self: self.references)
    @rule(
        ref=index,
        outcome=st.sampled_from(["approve", "approve", "approve", "decline", "mismatch"]),
    )
    def payer_decides(self, ref: int, outcome: str) -> None:
        reference = self.references[ref % len(self.references)]
        gateway = sandbox(self.deps)
        try:
            if outcome == "decline":
                hook = gateway.decline(reference)
            else:
                paid = gateway.checkout(reference).amount
                hook = gateway.approve(
                    reference, paid=paid - Money(1) if outcome == "mismatch" else None
                )
        except PaeshiftError as exc:
            if exc.code != "payment_already_decided":
                raise
            return
        self.deliveries.append(hook)

    @precondition(lambda self: self.deliveries)
    @rule(delivery=index, times=st.integers(1, 3))
    def webhook(self, delivery: int, times: int) -> None:
        hook = self.deliveries[delivery % len(self.deliveries)]
        for _ in range(times):
            self.run(self.use_cases.payment_webhooks.handle(hook.headers, hook.body))

    @precondition(lambda self: self.references)
    @rule(ref=index)
    def browser_return(self, ref: int) -> None:
        intent = self.run(
            self.use_cases.funding.confirm(self.references[ref % len(self.references)])
        )
        event(f"return: payment {intent.status.value} {intent.outcome or ''}")

    @precondition(lambda self: self.jobs)
    @rule(job=index, chance=st.integers(0, 2))
    def cancel(self, job: int, chance: int) -> None:
        """Canceling ends a job's story, so it is tried in a third of the draws only."""
        if chance:
            return
        job_id = self._job(job, JobStatus.PENDING, JobStatus.UPCOMING)
        self.attempt(self.use_cases.jobs.cancel_job(self._owner(job_id).principal, job_id), *STATE)

    # -- applications and the shift ----------------------------------------------------

    @precondition(lambda self: self.jobs)
    @rule(worker=index, job=index)
    def apply(self, worker: int, job: int) -> None:
        application = self.attempt(
            self.use_cases.applications.apply(
                self.workers[worker % 3].principal, self._job(job, JobStatus.UPCOMING)
            ),
            "job_full",
            "already_applied",
            "reapply_limit",
            *STATE,
        )
        if application is not None and application.id not in self.applications:
            self.applications.append(application.id)

    def _application(self, i: int, *statuses: ApplicationStatus) -> Any:
        """The i-th application, preferring those in ``statuses`` (any when none is)."""

        async def load() -> list[Any]:
            async with self.deps.uow() as uow:
                return [await uow.applications.get(a) for a in self.applications]

        every = self.run(load())
        pool = [a for a in every if a.status in statuses] or every
        return pool[i % len(pool)]

    @precondition(lambda self: self.applications)
    @rule(app=index)
    def accept(self, app: int) -> None:
        application = self._application(app, ApplicationStatus.APPLIED)
        owner = self._owner(application.job_id)
        self.attempt(
            self.use_cases.applications.accept(owner.principal, application.id), "job_full", *STATE
        )

    @precondition(lambda self: self.applications)
    @rule(app=index)
    def withdraw_application(self, app: int) -> None:
        application = self._application(app, ApplicationStatus.ACCEPTED, ApplicationStatus.APPLIED)
        worker = next(w for w in self.workers if w.user_id == application.applicant_id)
        self.attempt(self.use_cases.applications.withdraw(worker.principal, application.id), *STATE)

    @precondition(lambda self: self.jobs)
    @rule(job=index)
    def start(self, job: int) -> None:
        job_id = self._job(job, JobStatus.UPCOMING)
        self.attempt(
            self.use_cases.jobs.start_shift(self._owner(job_id).principal, job_id),
            "no_workers",
            "too_early",
            *STATE,
        )

    @precondition(lambda self: self.applications)
    @rule(app=index)
    def no_show(self, app: int) -> None:
        application = self._application(app, ApplicationStatus.ONGOING)
        owner = self._owner(application.job_id)
        self.attempt(
            self.use_cases.applications.mark_no_show(owner.principal, application.id), *STATE
        )

    @precondition(lambda self: self.jobs)
    @rule(job=index)
    def end(self, job: int) -> None:
        job_id = self._job(job, JobStatus.ONGOING)
        self.attempt(self.use_cases.jobs.end_shift(self._owner(job_id).principal, job_id), *STATE)

    # -- disputes -----------------------------------------------------------------------

    @precondition(lambda self: self.applications)
    @rule(app=index, by_worker=st.booleans())
    def open_dispute(self, app: int, by_worker: bool) -> None:
        application = self._application(app, *ASSIGNED)
        opener = (
            next(w for w in self.workers if w.user_id == application.applicant_id)
            if by_worker
            else self._owner(application.job_id)
        )
        dispute = self.attempt(
            self.use_cases.disputes.open(opener.principal, application.id, "quality", "Late."),
            "not_disputable",
            "dispute_exists",
            "dispute_window_closed",
            *STATE,
        )
        if dispute is not None:
            self.disputes.append(dispute.id)

    @precondition(lambda self: self.disputes)
    @rule(
        dispute=index,
        decision=st.sampled_from(["review", "release", "refund", "split", "reject"]),
        share=st.integers(0, 120),
    )
    def decide(self, dispute: int, decision: str, share: int) -> None:
        dispute_id = self.disputes[dispute % len(self.disputes)]
        disputes = self.use_cases.disputes
        admin = self.admin.principal
        if decision == "review":
            self.attempt(disputes.start_review(admin, dispute_id), *STATE)
        elif decision == "reject":
            self.attempt(disputes.reject(admin, dispute_id), *STATE)
        else:
            amount = None
            if decision == "split":
                job = self._load_job(self._dispute(dispute_id).job_id)
                amount = Money(job.pricing.worker_pay.amount * share // 100)
            resolution = Resolution(ResolutionKind(decision), amount)
            self.attempt(
                disputes.resolve(admin, dispute_id, resolution), "split_exceeds_held", *STATE
            )

    def _dispute(self, dispute_id: int) -> Any:
        async def load() -> Any:
            async with self.deps.uow() as uow:
                return await uow.disputes.get(dispute_id)

        return self.run(load())

    # -- wallets ------------------------------------------------------------------------

    @rule(user=index, naira=st.sampled_from([999, 1_000, 2_500, 12_000, 40_000]))
    def request_withdrawal(self, user: int, naira: int) -> None:
        account = self._user(user)
        if account in self.clients:
            self.run(self._payout_account(account, PAYOUT_ACCOUNTS[0]))
        done = self.attempt(
            self.use_cases.withdrawals.request(account.principal, Money(naira * NAIRA)),
            "insufficient_funds",
            "below_minimum",
            "daily_count_limit",
            "daily_amount_limit",
            "rate_limited",  # WITHDRAWALS_PER_USER: failed payouts leave the daily count alone
        )
        if done is not None:
            self.withdrawals.append(done.reference)

    @rule(worker=index, kind=st.integers(0, 2))
    def change_payout_account(self, worker: int, kind: int) -> None:
        self.run(self._payout_account(self.workers[worker % 3], PAYOUT_ACCOUNTS[kind]))

    @precondition(lambda self: self.withdrawals)
    @rule(payout=index, paid=st.booleans())
    def bank_settles_transfer(self, payout: int, paid: bool) -> None:
        reference = self.withdrawals[payout % len(self.withdrawals)]
        try:
            hook = sandbox(self.deps).settle_transfer(reference, paid=paid)
        except PaeshiftError as exc:
            if exc.code != "transfer_already_settled":
                raise
            return
        self.run(self.use_cases.payment_webhooks.handle(hook.headers, hook.body))

    @rule(hours=st.sampled_from([1, 3, 12, 30]))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))
        if self.run(self.use_cases.deadlines.auto_complete()):
            event("auto-completed a job")
        if self.run(self.use_cases.deadlines.auto_cancel()):
            event("auto-canceled a job")

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def ledger_is_sound(self) -> None:
        report = self.run(self.use_cases.ledger_check.run())
        assert report.ok, [str(v) for v in report.violations]

    @invariant()
    def marketplace_and_money_agree(self) -> None:
        self.run(self._check_state())

    async def _check_state(self) -> None:
        async with self.deps.uow() as uow:
            ledger = uow.ledger
            for job_id in self.jobs:
                job = await uow.jobs.get(job_id)
                applications = await uow.applications.list_for_job(job_id)
                seated = sum(a.status in SEATED for a in applications)
                assert seated <= job.seats
                assert job.accepted_count <= job.seats
                if job.status is not JobStatus.COMPLETED:
                    for a in applications:
                        assert await ledger.find(seat_key(a.id)) is None
                    continue
                shares = shares_of(job, applications)
                disputes = await uow.disputes.list_for_job(job_id)
                for a in applications:
                    if a.status not in ASSIGNED:
                        continue
                    assert a.status is not ApplicationStatus.ONGOING
                    tx = await ledger.find(seat_key(a.id))
                    held = [d for d in disputes if d.application_id == a.id and d.held]
                    decided = [d for d in disputes if d.application_id == a.id and d.settled]
                    if held:
                        assert tx is None
                        continue
                    assert tx is not None, f"seat {a.id} of a completed job was not settled"
                    paid = tx.amount_for(wallet_account(a.applicant_id))
                    resolved = [d for d in decided if d.status is DisputeStatus.RESOLVED]
                    if resolved and resolved[0].resolution is not None:
                        assert tx.kind is TransactionKind.DISPUTE_RESOLUTION
                        expected = resolved[0].resolution.payouts(shares[a.id])[0]
                    elif a.status is ApplicationStatus.COMPLETED:
                        expected = job.pricing.worker_pay
                    else:
                        expected = Money(0)
                    assert paid == expected
            for reference in self.references:
                intent = await uow.payment_intents.find_by_reference(reference)
                assert intent is not None
                posted = await ledger.find(f"payment:{reference}")
                assert (posted is not None) == (intent.status is IntentStatus.SUCCEEDED)
            for reference in self.withdrawals:
                withdrawal = await uow.withdrawals.find_by_reference(reference)
                assert withdrawal is not None
                assert await ledger.find(f"withdrawal:{withdrawal.id}:request") is not None
                outcome = await ledger.find(f"withdrawal:{withdrawal.id}:outcome")
                assert (outcome is not None) == withdrawal.is_final
                if outcome is not None:
                    failed = withdrawal.status is WithdrawalStatus.FAILED
                    assert (outcome.kind is TransactionKind.WITHDRAWAL_FAILED) == failed


_CI = os.environ.get("HYPOTHESIS_PROFILE") == "ci"
_PROFILE = settings()
MoneyMachine.TestCase.settings = settings(
    _PROFILE,
    # ci: at least 200 whole runs (acceptance); dev: few, to keep the unit suite fast.
    max_examples=max(200, _PROFILE.max_examples) if _CI else 30,
    stateful_step_count=50,
)
TestMoneyMachine = MoneyMachine.TestCase
