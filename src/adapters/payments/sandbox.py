"""The sandbox provider: the default gateway, with no network (DOMAIN.md Payments).

It behaves like a real provider so the whole funding path is exercised without one:

- ``initialize`` returns a checkout page of THIS service
  (``{base_url}/api/v1/payments/sandbox/{reference}``); the HTTP layer renders it and calls
  :meth:`SandboxGateway.approve` or :meth:`SandboxGateway.decline` with the payer's choice.
- Each decision returns a :class:`SignedWebhook` (hex HMAC-SHA512 of the body in
  ``x-sandbox-signature``) that the HTTP layer feeds to the same webhook handling as Paystack's,
  so authentication, the verify-before-funding rule and idempotency are the real ones.
- ``verify`` answers from the recorded decision: succeeded, failed, or pending while undecided.
- Transfers are paid at once, except to two test accounts: ``0000000000`` always fails and
  ``0000000001`` stays processing until :meth:`SandboxGateway.settle_transfer`.

State lives in this object (one process). That suits the embedded default and tests; several
server processes need a real provider.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from urllib.parse import quote

from attrs import define, frozen

from adapters.payments.payment_inputs import check_amount, check_reference
from adapters.payments.webhooks import hmac_sha512_hex, require_hmac_sha512, webhook_event
from paeshift_core.domain.errors import Conflict, NotFound, Unavailable
from paeshift_core.domain.money import Money
from paeshift_core.domain.users import PayoutAccount
from paeshift_core.ports.payments import (
    GATEWAY_REFUSED,
    Checkout,
    PaymentStatus,
    TransferResult,
    TransferStatus,
    Verification,
    WebhookEvent,
)

SIGNATURE_HEADER = "x-sandbox-signature"
CHECKOUT_PATH = "/api/v1/payments/sandbox/"
FAILING_ACCOUNT = "0000000000"
HELD_ACCOUNT = "0000000001"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@frozen
class SignedWebhook:
    """A webhook as a provider would POST it: headers and the exact raw body."""

    headers: Mapping[str, str]
    body: bytes


@frozen(kw_only=True)
class SandboxCheckout:
    """What the sandbox checkout page shows, and where it sends the payer back."""

    reference: str
    amount: Money
    email: str
    callback_url: str
    status: PaymentStatus


@define(kw_only=True)
class _Payment:
    reference: str
    amount: Money
    email: str
    callback_url: str
    status: PaymentStatus = PaymentStatus.PENDING
    paid: Money | None = None


@define(kw_only=True)
class _Transfer:
    reference: str
    amount: Money
    status: TransferStatus


class SandboxGateway:
    """The sandbox implementation of ``PaymentGateway`` plus the payer's controls."""

    provider = "sandbox"

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        webhook_secret: str | None = None,
        failing_accounts: frozenset[str] = frozenset({FAILING_ACCOUNT}),
        held_accounts: frozenset[str] = frozenset({HELD_ACCOUNT}),
    ) -> None:
        self._base_url = base_url.rstrip("/")
        # A per-process random secret unless configured: nobody outside can forge approvals.
        self._secret = webhook_secret or secrets.token_hex(32)
        self._failing = failing_accounts
        self._held = held_accounts
        self._payments: dict[str, _Payment] = {}
        self._transfers: dict[str, _Transfer] = {}

    # -- checkout -----------------------------------------------------------------------

    def checkout_url(self, reference: str) -> str:
        return f"{self._base_url}{CHECKOUT_PATH}{quote(reference, safe='')}"

    async def initialize(
        self, reference: str, amount: Money, email: str, callback_url: str
    ) -> Checkout:
        check_reference(reference)
        check_amount(amount)
        existing = self._payments.get(reference)
        if existing is not None and existing.amount != amount:
            # Like a real provider: a reference names one charge for ever.
            raise Unavailable("sandbox refused a reused reference", code=GATEWAY_REFUSED)
        if existing is None:
            self._payments[reference] = _Payment(
                reference=reference, amount=amount, email=email, callback_url=callback_url
            )
        return Checkout(url=self.checkout_url(reference), provider_reference=f"sbx-{reference}")

    def checkout(self, reference: str) -> SandboxCheckout:
        """The page's data; ``NotFound`` for a reference never initialised here."""
        payment = self._payment(reference)
        return SandboxCheckout(
            reference=payment.reference,
            amount=payment.amount,
            email=payment.email,
            callback_url=payment.callback_url,
            status=payment.status,
        )

    def approve(self, reference: str, *, paid: Money | None = None) -> SignedWebhook:
        """The payer pays (``paid`` lets tests simulate a provider charging another amount).

        Approving again is idempotent; approving a declined payment is a ``Conflict``.
        """
        payment = self._decide(reference, PaymentStatus.SUCCEEDED)
        if paid is not None:
            payment.paid = paid
        elif payment.paid is None:
            payment.paid = payment.amount
        return self._signed("charge.success", reference)

    def decline(self, reference: str) -> SignedWebhook:
        """The payer declines; declining again is idempotent, after approval a ``Conflict``."""
        self._decide(reference, PaymentStatus.FAILED)
        return self._signed("charge.failed", reference)

    def _payment(self, reference: str) -> _Payment:
        payment = self._payments.get(reference)
        if payment is None:
            raise NotFound(f"no sandbox payment {reference!r}")
        return payment

    def _decide(self, reference: str, status: PaymentStatus) -> _Payment:
        payment = self._payment(reference)
        if payment.status not in (PaymentStatus.PENDING, status):
            raise Conflict(
                f"sandbox payment {reference!r} is already {payment.status}",
                code="payment_already_decided",
            )
        payment.status = status
        return payment

    async def verify(self, reference: str) -> Verification:
        check_reference(reference)
        payment = self._payments.get(reference)
        if payment is None:
            return Verification.unknown(reference, "unknown reference")
        reported = payment.paid if payment.paid is not None else payment.amount
        return Verification(
            reference=reference,
            status=payment.status,
            amount_minor=reported.amount,
            currency=reported.currency,
            provider_reference=f"sbx-{reference}",
            summary=f"sandbox {payment.status}",
        )

    # -- payouts ------------------------------------------------------------------------

    async def transfer(
        self, reference: str, amount: Money, payout_account: PayoutAccount, reason: str
    ) -> TransferResult:
        check_reference(reference)
        check_amount(amount)
        existing = self._transfers.get(reference)
        if existing is None:
            if payout_account.account_number in self._failing:
                status = TransferStatus.FAILED
            elif payout_account.account_number in self._held:
                status = TransferStatus.PROCESSING
            else:
                status = TransferStatus.PAID
            existing = _Transfer(reference=reference, amount=amount, status=status)
            self._transfers[reference] = existing
        return self._transfer_result(existing)

    async def verify_transfer(self, reference: str) -> TransferResult:
        check_reference(reference)
        existing = self._transfers.get(reference)
        if existing is None:
            return TransferResult.not_sent(reference, "unknown reference")
        return self._transfer_result(existing)

    def settle_transfer(self, reference: str, *, paid: bool) -> SignedWebhook:
        """Finish a held (processing) transfer, as the bank eventually would."""
        transfer = self._transfers.get(reference)
        if transfer is None:
            raise NotFound(f"no sandbox transfer {reference!r}")
        final = TransferStatus.PAID if paid else TransferStatus.FAILED
        if transfer.status not in (TransferStatus.PROCESSING, final):
            raise Conflict(
                f"sandbox transfer {reference!r} is already {transfer.status}",
                code="transfer_already_settled",
            )
        transfer.status = final
        return self._signed("transfer.success" if paid else "transfer.failed", reference)

    @staticmethod
    def _transfer_result(transfer: _Transfer) -> TransferResult:
        return TransferResult(
            reference=transfer.reference,
            status=transfer.status,
            provider_reference=f"sbx-{transfer.reference}",
            summary=f"sandbox {transfer.status}",
        )

    # -- webhooks -----------------------------------------------------------------------

    def _signed(self, event: str, reference: str) -> SignedWebhook:
        body = json.dumps(
            {"event": event, "data": {"reference": reference}}, sort_keys=True
        ).encode()
        return SignedWebhook(
            headers={
                "content-type": "application/json",
                SIGNATURE_HEADER: hmac_sha512_hex(self._secret, body),
            },
            body=body,
        )

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> WebhookEvent | None:
        require_hmac_sha512(self.provider, headers, SIGNATURE_HEADER, self._secret, raw_body)
        return webhook_event(self.provider, raw_body)

    async def aclose(self) -> None:
        """Nothing to release: the sandbox holds no connections."""
