"""Funding a pending job: from the client's wallet or through the payment gateway
(DOMAIN.md Jobs: Funding; Payments).

Gateway calls never happen inside a unit of work: a checkout is recorded (PaymentIntent,
pending) and committed before the provider is asked for a URL, and a confirmation asks the
provider (``verify``) before the unit of work that posts. Confirmation arrives by webhook or
by the browser's return; both go through :meth:`FundingUseCases.confirm`, which posts
``gateway → escrow`` once, keyed by the reference, whichever comes first. A payment the
provider reports with another amount or currency never funds: the intent is marked
``mismatched`` with the reported figures for an admin. A verified payment for a job that can
no longer be funded (funded another way meanwhile, or canceled) is credited to the payer's
wallet, so money that reached us is never lost.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from attrs import frozen

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.retries import retry_on_conflict
from paeshift_core.domain.errors import Conflict, NotFound, PermissionDenied, Unavailable
from paeshift_core.domain.jobs import Job, JobStatus
from paeshift_core.domain.ledger import (
    PLATFORM_GATEWAY,
    TransactionKind,
    escrow_account,
    transfer,
    wallet_account,
)
from paeshift_core.domain.money import Money
from paeshift_core.domain.payments import FundingOutcome, IntentStatus, PaymentIntent
from paeshift_core.domain.users import Role
from paeshift_core.ports.payments import PaymentGateway, PaymentStatus, Verification
from paeshift_core.ports.repositories import PaymentIntentRepository
from paeshift_core.ports.unit_of_work import UnitOfWork

#: Periodic reconciliation (DOMAIN.md Payments): intents pending longer than this are checked.
RECONCILE_AFTER = timedelta(minutes=15)
RECONCILE_BATCH = 200


@frozen
class CheckoutStarted:
    """Where to send the payer, and our reference to confirm the payment with."""

    reference: str
    url: str
    amount: Money


def require_gateway(deps: Deps) -> PaymentGateway:
    if deps.gateway is None:
        raise Unavailable("no payment gateway is configured", code="gateway_missing")
    return deps.gateway


def _require_fundable(job: Job, principal: Principal) -> None:
    """Only the job's client funds it, and only once, while it is ``pending``."""
    if job.client_id != principal.user_id:
        raise PermissionDenied(f"job {job.id} is not yours to fund", code="not_owner")
    if job.status is not JobStatus.PENDING:
        raise Conflict(
            f"job {job.id} is {job.status.value}: only a pending job can be funded, once",
            code="already_funded",
        )


class FundingUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def fund_from_wallet(self, principal: Principal, job_id: int) -> Job:
        """Move ``total_due`` from the client's wallet to the job's escrow (insufficient
        funds are refused by the ledger and nothing changes)."""
        async with self._deps.uow() as uow:
            job = await uow.jobs.get(job_id, for_update=True)
            _require_fundable(job, principal)
            now = self._deps.clock.now()
            tx = transfer(
                key=f"fund:{job.id}",
                kind=TransactionKind.FUND_FROM_WALLET,
                subject=str(job.id),
                job_id=job.id,
                posted_at=now,
                source=wallet_account(job.client_id),
                credits=[(escrow_account(job.id), job.pricing.total_due)],
            )
            assert tx is not None  # total_due is positive
            await uow.ledger.post(tx)
            job.mark_funded(now)
            await uow.commit()
            return job

    async def start_checkout(
        self, principal: Principal, job_id: int, callback_url: str
    ) -> CheckoutStarted:
        """Record a pending PaymentIntent for ``total_due``, then open the provider's checkout."""
        gateway = require_gateway(self._deps)
        async with self._deps.uow() as uow:
            job = await uow.jobs.get(job_id)
            _require_fundable(job, principal)
            payer = await uow.users.get(principal.user_id)
            now = self._deps.clock.now()
            intent_id = self._deps.ids.next_id()
            intent = PaymentIntent(
                id=intent_id,
                job_id=job.id,
                payer_id=principal.user_id,
                amount=job.pricing.total_due,
                reference=f"psh-pay-{job.id}-{intent_id}",
                provider=gateway.provider,
                created_at=now,
                updated_at=now,
            )
            await uow.payment_intents.add(intent)
            await uow.commit()
        try:
            checkout = await gateway.initialize(
                intent.reference, intent.amount, payer.email.value, callback_url
            )
        except Unavailable as exc:
            await retry_on_conflict(partial(self._abandon, intent.reference, exc.message))
            raise
        await retry_on_conflict(
            partial(
                self._remember_checkout, intent.reference, checkout.url, checkout.provider_reference
            )
        )
        return CheckoutStarted(intent.reference, checkout.url, intent.amount)

    async def _abandon(self, reference: str, reason: str) -> None:
        async with self._deps.uow() as uow:
            intent = await self._intent(uow.payment_intents, reference)
            if not intent.is_final:
                intent.fail(IntentStatus.ABANDONED, f"checkout failed: {reason}", self._now())
                await uow.commit()

    async def _remember_checkout(self, reference: str, url: str, provider_ref: str) -> None:
        async with self._deps.uow() as uow:
            intent = await self._intent(uow.payment_intents, reference)
            intent.checkout_url = url
            intent.provider_reference = provider_ref or intent.provider_reference
            await uow.commit()

    async def confirm(self, reference: str) -> PaymentIntent:
        """Browser return or webhook: ask the provider, then apply its answer once.

        Money only ever moves on the provider's ``verify`` answer, never on the webhook's
        body. An intent that is already final is answered from our records without asking
        the provider again: nothing can change it any more, and repeated deliveries then
        cost no provider call."""
        gateway = require_gateway(self._deps)
        async with self._deps.uow() as uow:
            intent = await self._intent(uow.payment_intents, reference)
        if intent.is_final:
            return intent
        verification = await gateway.verify(reference)
        return await retry_on_conflict(partial(self._apply, reference, verification))

    async def _apply(self, reference: str, verification: Verification) -> PaymentIntent:
        """Locks the intent first: racing confirmations of one payment queue on its row, and
        each one after the first finds it final and answers with it (never a second posting
        under the reference's key, which would be ``idempotency_key_reused``)."""
        async with self._deps.uow() as uow:
            intent = await self._intent(uow.payment_intents, reference, for_update=True)
            if intent.is_final or verification.reference != reference:
                return intent
            now = self._now()
            if verification.status is PaymentStatus.PENDING:
                return intent
            if verification.status is not PaymentStatus.SUCCEEDED:
                status = IntentStatus(verification.status.value)
                intent.fail(status, verification.summary or status.value, now)
            elif not verification.matches(intent.amount):
                intent.mismatch(f"{verification.amount_minor} {verification.currency}", now)
            else:
                outcome = await self._post_payment(uow, intent, now)
                intent.succeed(outcome, verification.provider_reference, now)
            await uow.commit()
            return intent

    async def _post_payment(
        self, uow: UnitOfWork, intent: PaymentIntent, now: datetime
    ) -> FundingOutcome:
        job = await uow.jobs.get(intent.job_id, for_update=True)
        if job.status is JobStatus.PENDING:
            kind, account, outcome = (
                TransactionKind.FUND_FROM_GATEWAY,
                escrow_account(job.id),
                FundingOutcome.ESCROW,
            )
        else:
            kind, account, outcome = (
                TransactionKind.GATEWAY_TO_WALLET,
                wallet_account(intent.payer_id),
                FundingOutcome.WALLET,
            )
        tx = transfer(
            key=f"payment:{intent.reference}",
            kind=kind,
            subject=intent.reference,
            job_id=job.id,
            posted_at=now,
            source=PLATFORM_GATEWAY,
            credits=[(account, intent.amount)],
        )
        assert tx is not None
        await uow.ledger.post(tx)
        if outcome is FundingOutcome.ESCROW:
            job.mark_funded(now)
        return outcome

    async def reconcile_pending(self, older_than: timedelta = RECONCILE_AFTER) -> int:
        """Periodic task: ask the provider about intents still ``pending`` after
        ``older_than`` (a lost webhook or an abandoned browser); returns how many became
        final. An intent the provider cannot be asked about now waits for the next run."""
        cutoff = self._now() - older_than
        async with self._deps.uow() as uow:
            pending = await uow.payment_intents.list_pending(
                created_before=cutoff, limit=RECONCILE_BATCH
            )
        settled = 0
        for intent in pending:
            try:
                if (await self.confirm(intent.reference)).is_final:
                    settled += 1
            except Unavailable:
                continue
        return settled

    async def get_intent(self, principal: Principal, reference: str) -> PaymentIntent:
        """The payer (or an admin) reads a payment's state."""
        async with self._deps.uow(read_only=True) as uow:
            intent = await self._intent(uow.payment_intents, reference)
        if intent.payer_id != principal.user_id and principal.role is not Role.ADMIN:
            raise NotFound(f"payment {reference} not found")
        return intent

    @staticmethod
    async def _intent(
        repo: PaymentIntentRepository, reference: str, *, for_update: bool = False
    ) -> PaymentIntent:
        intent = await repo.find_by_reference(reference, for_update=for_update)
        if intent is None:
            raise NotFound(f"payment {reference} not found", code="unknown_reference")
        return intent

    def _now(self) -> datetime:
        return self._deps.clock.now()
