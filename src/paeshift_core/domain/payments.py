"""Payment intents and withdrawals (DOMAIN.md Payments).

A :class:`PaymentIntent` is one attempt to fund a job through the payment gateway:
``pending → succeeded | failed | abandoned``, plus ``mismatched`` when the provider reports
another amount or currency than the intent's (recorded for an admin; it never funds).
A succeeded intent funded the job's escrow, or, when the job could no longer be funded
(already funded another way, or canceled), was credited to the payer's wallet so no kobo that
reached us is lost.

A :class:`Withdrawal` pays a wallet out to the saved payout account:
``requested → processing → paid | failed``; a failed withdrawal returns the money.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, TypeVar

from attrs import define, frozen

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.errors import Conflict
from paeshift_core.domain.events import DomainEvent
from paeshift_core.domain.money import Money
from paeshift_core.domain.users import PayoutAccount


class IntentStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABANDONED = "abandoned"
    MISMATCHED = "mismatched"


class FundingOutcome(enum.StrEnum):
    """Where a succeeded payment went."""

    ESCROW = "escrow"
    WALLET = "wallet"


@frozen(kw_only=True)
class PaymentEvent(DomainEvent):
    intent_id: int
    job_id: int
    payer_id: int
    reference: str
    amount: Money


@frozen(kw_only=True)
class PaymentSucceeded(PaymentEvent):
    """``outcome`` says whether it funded the job or went to the payer's wallet."""

    outcome: FundingOutcome


@frozen(kw_only=True)
class PaymentFailed(PaymentEvent):
    status: IntentStatus
    reason: str


@frozen(kw_only=True)
class PaymentMismatched(PaymentEvent):
    """For an admin: the provider charged something else than the intent asked."""

    reported: str


P = TypeVar("P", bound=PaymentEvent)


@define(eq=False, kw_only=True)
class PaymentIntent(Aggregate):
    job_id: int
    payer_id: int
    amount: Money
    reference: str
    provider: str
    status: IntentStatus = IntentStatus.PENDING
    checkout_url: str = ""
    provider_reference: str = ""
    outcome: FundingOutcome | None = None
    reason: str = ""
    created_at: datetime
    updated_at: datetime

    @property
    def is_final(self) -> bool:
        return self.status is not IntentStatus.PENDING

    def _finish(self, status: IntentStatus, now: datetime) -> None:
        if self.is_final:
            raise Conflict(
                f"payment {self.reference} is already {self.status.value}",
                code="invalid_transition",
            )
        self.status = status
        self.updated_at = now

    def _event(self, kind: type[P], now: datetime, **details: Any) -> P:
        return kind(
            occurred_at=now,
            intent_id=self.id,
            job_id=self.job_id,
            payer_id=self.payer_id,
            reference=self.reference,
            amount=self.amount,
            **details,
        )

    def succeed(self, outcome: FundingOutcome, provider_reference: str, now: datetime) -> None:
        self._finish(IntentStatus.SUCCEEDED, now)
        self.outcome = outcome
        self.provider_reference = provider_reference or self.provider_reference
        self.record(self._event(PaymentSucceeded, now, outcome=outcome))

    def fail(self, status: IntentStatus, reason: str, now: datetime) -> None:
        self._finish(status, now)
        self.reason = reason
        self.record(self._event(PaymentFailed, now, status=status, reason=reason))

    def mismatch(self, reported: str, now: datetime) -> None:
        self._finish(IntentStatus.MISMATCHED, now)
        self.reason = f"provider reported {reported}, expected {self.amount}"
        self.record(self._event(PaymentMismatched, now, reported=reported))


class WithdrawalStatus(enum.StrEnum):
    REQUESTED = "requested"
    PROCESSING = "processing"
    PAID = "paid"
    FAILED = "failed"


@frozen(kw_only=True)
class WithdrawalEvent(DomainEvent):
    withdrawal_id: int
    user_id: int
    amount: Money


@frozen(kw_only=True)
class WithdrawalRequested(WithdrawalEvent):
    pass


@frozen(kw_only=True)
class WithdrawalPaid(WithdrawalEvent):
    pass


@frozen(kw_only=True)
class WithdrawalFailed(WithdrawalEvent):
    reason: str


W = TypeVar("W", bound=WithdrawalEvent)

WITHDRAWAL_TRANSITIONS: dict[WithdrawalStatus, frozenset[WithdrawalStatus]] = {
    WithdrawalStatus.REQUESTED: frozenset(
        {WithdrawalStatus.PROCESSING, WithdrawalStatus.PAID, WithdrawalStatus.FAILED}
    ),
    WithdrawalStatus.PROCESSING: frozenset({WithdrawalStatus.PAID, WithdrawalStatus.FAILED}),
    WithdrawalStatus.PAID: frozenset(),
    WithdrawalStatus.FAILED: frozenset(),
}


@define(eq=False, kw_only=True)
class Withdrawal(Aggregate):
    """A payout of ``amount`` from ``user_id``'s wallet; ``reference`` is unique at the provider.

    ``requested`` may go straight to ``paid`` or ``failed`` when the provider answers at once.
    """

    user_id: int
    amount: Money
    payout_account: PayoutAccount
    reference: str
    status: WithdrawalStatus = WithdrawalStatus.REQUESTED
    reason: str = ""
    provider_reference: str = ""
    created_at: datetime
    updated_at: datetime

    @property
    def is_final(self) -> bool:
        return self.status in (WithdrawalStatus.PAID, WithdrawalStatus.FAILED)

    def _move(self, to: WithdrawalStatus, now: datetime) -> None:
        if to not in WITHDRAWAL_TRANSITIONS[self.status]:
            raise Conflict(
                f"withdrawal {self.id} is {self.status.value}; it cannot become {to.value}",
                code="invalid_transition",
            )
        self.status = to
        self.updated_at = now

    def _event(self, kind: type[W], now: datetime, **details: Any) -> W:
        return kind(
            occurred_at=now,
            withdrawal_id=self.id,
            user_id=self.user_id,
            amount=self.amount,
            **details,
        )

    def requested(self, now: datetime) -> None:
        self.record(self._event(WithdrawalRequested, now))

    def processing(self, provider_reference: str, now: datetime) -> None:
        self._move(WithdrawalStatus.PROCESSING, now)
        self.provider_reference = provider_reference or self.provider_reference

    def paid(self, provider_reference: str, now: datetime) -> None:
        self._move(WithdrawalStatus.PAID, now)
        self.provider_reference = provider_reference or self.provider_reference
        self.record(self._event(WithdrawalPaid, now))

    def failed(self, reason: str, now: datetime) -> None:
        self._move(WithdrawalStatus.FAILED, now)
        self.reason = reason
        self.record(self._event(WithdrawalFailed, now, reason=reason))
