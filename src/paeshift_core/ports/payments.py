"""The payment gateway port: checkouts, verification, payouts and webhooks (DOMAIN.md Payments).

Rules every adapter keeps (paystack, flutterwave, sandbox):

- Amounts cross this port as :class:`Money` (integer kobo). Adapters convert to the provider's
  unit exactly and refuse anything that is not a whole number of kobo.
- **Failures versus refusals.** A gateway that cannot be reached or answers nonsense (network
  error, timeout, HTTP 5xx, malformed body, our credentials rejected) raises ``Unavailable``;
  the caller may retry later. A provider's *answer* about a payment or transfer — failed,
  abandoned, declined, insufficient balance — is a result (:class:`Verification`,
  :class:`TransferResult`), never an exception. ``initialize`` has no refusal result: a
  refused checkout raises ``Unavailable(code="gateway_refused")`` because the payer cannot fix it.
- **A webhook is only a hint.** :meth:`PaymentGateway.parse_webhook` authenticates the request
  and says *which* reference changed; it never says how much was paid. Before funding a job or
  settling a payout the caller always asks the provider again (:meth:`PaymentGateway.verify`,
  :meth:`PaymentGateway.verify_transfer`) and compares amount and currency with what it expects
  (:meth:`Verification.matches`). The browser's return to the callback URL is handled the same
  way, so both paths converge on one idempotent funding posting.
- A missing or wrong webhook signature raises ``Unauthenticated`` (code
  ``webhook_signature_invalid``): the sender failed to prove who it is, exactly like a bad
  credential (HTTP 401). Authentic events we do not act on return ``None``.
- An unknown reference verifies as ``pending`` with a zero amount: nothing was paid, nothing
  may be funded, and the payer may still pay. An unknown *payout* reference verifies as
  ``failed`` (the provider never accepted it). After ``Unavailable`` from ``transfer`` the
  outcome is unknown: call ``transfer`` again with the same reference (never pays twice).
- References are ours, unique, and match :data:`REFERENCE_PATTERN` (lower-case letters,
  digits and ``-``, 8-50 characters), the subset every provider accepts for both checkouts
  and transfers; adapters raise ``InvalidInput("reference", ...)`` otherwise.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Protocol

from attrs import frozen

from paeshift_core.domain.money import DEFAULT_CURRENCY, SUPPORTED_CURRENCIES, Money
from paeshift_core.domain.users import PayoutAccount

REFERENCE_PATTERN = r"^[a-z0-9-]{8,50}$"
WEBHOOK_SIGNATURE_INVALID = "webhook_signature_invalid"
GATEWAY_REFUSED = "gateway_refused"
GATEWAY_MALFORMED = "gateway_malformed"


class PaymentStatus(enum.StrEnum):
    """A checkout's state at the provider (mirrors the PaymentIntent states)."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABANDONED = "abandoned"


class TransferStatus(enum.StrEnum):
    """A payout's state at the provider; ``processing`` must be checked again later."""

    PROCESSING = "processing"
    PAID = "paid"
    FAILED = "failed"


class WebhookKind(enum.StrEnum):
    """What a webhook's reference names: a checkout (PaymentIntent) or a payout (withdrawal)."""

    PAYMENT = "payment"
    TRANSFER = "transfer"


@frozen
class Checkout:
    """Where to send the payer, and the provider's own id for the checkout (may be empty)."""

    url: str
    provider_reference: str


@frozen(kw_only=True)
class Verification:
    """What the provider says about one of our references, as reported (not yet trusted).

    ``amount_minor`` and ``currency`` are the provider's figures; compare them with the
    PaymentIntent through :meth:`matches` before funding (DOMAIN.md Payments: a mismatch never
    funds the job). ``summary`` is a short provider message kept for admins, never parsed.
    """

    reference: str
    status: PaymentStatus
    amount_minor: int
    currency: str
    provider_reference: str = ""
    summary: str = ""

    @classmethod
    def unknown(cls, reference: str, summary: str) -> Verification:
        """The provider knows nothing of ``reference``: pending, nothing paid (module rules)."""
        return cls(
            reference=reference,
            status=PaymentStatus.PENDING,
            amount_minor=0,
            currency=DEFAULT_CURRENCY,
            summary=summary,
        )

    @property
    def amount(self) -> Money | None:
        """The reported amount as Money, or ``None`` for a currency Paeshift does not hold."""
        if self.currency not in SUPPORTED_CURRENCIES:
            return None
        return Money(self.amount_minor, self.currency)

    @property
    def succeeded(self) -> bool:
        return self.status is PaymentStatus.SUCCEEDED

    def matches(self, expected: Money) -> bool:
        """True when the provider charged exactly ``expected`` (amount and currency)."""
        return self.amount_minor == expected.amount and self.currency == expected.currency


@frozen(kw_only=True)
class TransferResult:
    """The provider's answer to a payout. ``failed`` means no money left: refund the wallet."""

    reference: str
    status: TransferStatus
    provider_reference: str = ""
    summary: str = ""

    @classmethod
    def not_sent(cls, reference: str, summary: str) -> TransferResult:
        """The provider refused or does not know the payout: no money left, refund it."""
        return cls(reference=reference, status=TransferStatus.FAILED, summary=summary)


@frozen(kw_only=True)
class WebhookEvent:
    """An authenticated hint that ``reference`` changed at ``provider``; verify before acting.

    ``provider_event`` is the provider's event name (``charge.success``, ...) kept for logs.
    """

    provider: str
    kind: WebhookKind
    reference: str
    provider_event: str = ""


class PaymentGateway(Protocol):
    """One payment provider. Every method may raise ``Unavailable``; see the module rules."""

    @property
    def provider(self) -> str:
        """The stable provider name stored on PaymentIntents: paystack, flutterwave, sandbox."""
        ...

    async def initialize(
        self, reference: str, amount: Money, email: str, callback_url: str
    ) -> Checkout:
        """Open a checkout for ``amount`` under our unique ``reference``; return its URL."""
        ...

    async def verify(self, reference: str) -> Verification:
        """Ask the provider for the state, amount and currency of ``reference``."""
        ...

    async def transfer(
        self, reference: str, amount: Money, payout_account: PayoutAccount, reason: str
    ) -> TransferResult:
        """Pay ``amount`` out to a bank account under our unique payout ``reference``.

        Repeating a reference never pays twice: the adapter reports the existing transfer.
        """
        ...

    async def verify_transfer(self, reference: str) -> TransferResult:
        """Ask the provider for the state of payout ``reference`` (after ``processing``)."""
        ...

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> WebhookEvent | None:
        """Authenticate a webhook from its RAW body and headers (names case-insensitive).

        Raises ``Unauthenticated(code="webhook_signature_invalid")`` when the signature is
        missing or wrong; returns ``None`` for authentic events Paeshift does not act on.
        """
        ...

    async def aclose(self) -> None:
        """Release connections; idempotent. Entrypoints call it on shutdown."""
        ...
