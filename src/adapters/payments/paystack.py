"""Paystack adapter (https://api.paystack.co), amounts in kobo as Paystack expects for NGN.

API shapes followed (Paystack API reference; the official client's endpoint list in
``PaystackOSS/paystack-python`` docs/Transfer.md and docs/TransferRecipient.md):

- ``POST /transaction/initialize`` {email, amount (kobo), reference, callback_url, currency}
  → ``data.authorization_url``, ``data.access_code``.
- ``GET /transaction/verify/{reference}`` → ``data.status`` (success, failed, abandoned,
  reversed, ongoing, pending, processing, queued), ``data.amount`` (kobo), ``data.currency``,
  ``data.id``, ``data.gateway_response``. An unknown reference is a 400/404 with
  ``status: false``.
- ``POST /transferrecipient`` {type: nuban, name, account_number, bank_code, currency}
  → ``data.recipient_code``; ``POST /transfer`` {source: balance, amount, recipient, reason,
  reference, currency} → ``data.status`` (success, pending, otp, received, failed, reversed),
  ``data.transfer_code``; ``GET /transfer/verify/{reference}``. A repeated transfer reference is
  refused, so a retry after a timeout reports the first transfer instead of paying twice.
- Webhooks: ``x-paystack-signature`` is the hex HMAC-SHA512 of the raw body keyed with the
  secret key; events ``charge.*`` name ``data.reference`` of a checkout, ``transfer.*`` (success,
  failed, reversed) the reference of a payout.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

import httpx

from adapters.payments.payment_inputs import (
    NO_BANK_CODE,
    bank_code,
    check_amount,
    check_reference,
)
from adapters.payments.provider_http import (
    DEFAULT_TIMEOUT_S,
    JsonObject,
    ProviderHttp,
    ProviderReply,
    malformed,
)
from adapters.payments.webhooks import require_hmac_sha512, webhook_event
from paeshift_core.domain.errors import Unavailable
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

PAYSTACK_API = "https://api.paystack.co"
SIGNATURE_HEADER = "x-paystack-signature"

_PAYMENT_STATUS = {
    "success": PaymentStatus.SUCCEEDED,
    "failed": PaymentStatus.FAILED,
    "reversed": PaymentStatus.FAILED,
    "abandoned": PaymentStatus.ABANDONED,
}
_TRANSFER_STATUS = {
    "success": TransferStatus.PAID,
    "failed": TransferStatus.FAILED,
    "reversed": TransferStatus.FAILED,
    "rejected": TransferStatus.FAILED,
    "abandoned": TransferStatus.FAILED,
}


def _succeeded(reply: ProviderReply) -> bool:
    """Paystack's success is a 2xx answer with ``status: true``."""
    return reply.ok and reply.body.flag("status")


def _unknown(reply: ProviderReply) -> bool:
    """A lookup of a reference Paystack does not know: 400/404 with ``status: false``."""
    return reply.status_code in (400, 404) and not reply.body.flag("status")


class PaystackGateway:
    """The Paystack implementation of ``PaymentGateway``."""

    provider = "paystack"

    def __init__(
        self,
        *,
        secret_key: str,
        client: httpx.AsyncClient | None = None,
        base_url: str = PAYSTACK_API,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        self._secret_key = secret_key
        self._http = ProviderHttp(
            provider=self.provider,
            base_url=base_url,
            secret_key=secret_key,
            client=client,
            timeout_s=timeout_s,
        )

    async def initialize(
        self, reference: str, amount: Money, email: str, callback_url: str
    ) -> Checkout:
        check_reference(reference)
        check_amount(amount)
        reply = await self._http.request(
            "POST",
            "/transaction/initialize",
            json_body={
                "email": email,
                "amount": amount.amount,
                "currency": amount.currency,
                "reference": reference,
                "callback_url": callback_url,
            },
        )
        if not _succeeded(reply):
            raise Unavailable(
                f"paystack refused the checkout: {reply.message}", code=GATEWAY_REFUSED
            )
        data = reply.body.obj("data")
        return Checkout(
            url=data.text("authorization_url"),
            provider_reference=data.text_or("access_code", ""),
        )

    async def verify(self, reference: str) -> Verification:
        check_reference(reference)
        reply = await self._http.request("GET", f"/transaction/verify/{quote(reference, safe='')}")
        if _unknown(reply):
            return Verification.unknown(reference, reply.message)
        if not _succeeded(reply):
            raise malformed(self.provider, f"verify answered HTTP {reply.status_code}")
        data = reply.body.obj("data")
        if data.text("reference") != reference:
            raise malformed(self.provider, "verify answered for another reference")
        return Verification(
            reference=reference,
            # Unknown or in-flight states stay pending: only "success" can ever fund a job.
            status=_PAYMENT_STATUS.get(data.text("status"), PaymentStatus.PENDING),
            amount_minor=data.integer("amount"),
            currency=data.text("currency").upper(),
            provider_reference=data.ident_or("id", ""),
            summary=data.text_or("gateway_response", ""),
        )

    async def transfer(
        self, reference: str, amount: Money, payout_account: PayoutAccount, reason: str
    ) -> TransferResult:
        check_reference(reference)
        check_amount(amount)
        code = bank_code(payout_account.bank)
        if code is None:
            return TransferResult.not_sent(reference, NO_BANK_CODE)
        recipient = await self._http.request(
            "POST",
            "/transferrecipient",
            json_body={
                "type": "nuban",
                "name": payout_account.account_name,
                "account_number": payout_account.account_number,
                "bank_code": code,
                "currency": amount.currency,
            },
        )
        if not _succeeded(recipient):
            # Paystack refused the account itself: no transfer exists, nothing left us.
            return TransferResult.not_sent(reference, recipient.message)
        recipient_code = recipient.body.obj("data").text("recipient_code")
        reply = await self._http.request(
            "POST",
            "/transfer",
            json_body={
                "source": "balance",
                "amount": amount.amount,
                "recipient": recipient_code,
                "reason": reason,
                "reference": reference,
                "currency": amount.currency,
            },
        )
        if not _succeeded(reply):
            # A refusal may be "duplicate reference" after a retry: report what exists.
            existing = await self.verify_transfer(reference)
            if existing.status is TransferStatus.FAILED and not existing.provider_reference:
                return TransferResult.not_sent(reference, reply.message)
            return existing
        return self._transfer_result(reference, reply.body.obj("data"))

    async def verify_transfer(self, reference: str) -> TransferResult:
        check_reference(reference)
        reply = await self._http.request("GET", f"/transfer/verify/{quote(reference, safe='')}")
        if _unknown(reply):
            return TransferResult.not_sent(reference, reply.message)
        if not _succeeded(reply):
            raise malformed(self.provider, f"transfer verify answered HTTP {reply.status_code}")
        return self._transfer_result(reference, reply.body.obj("data"))

    def _transfer_result(self, reference: str, data: JsonObject) -> TransferResult:
        if data.has("reference") and data.text("reference") != reference:
            raise malformed(self.provider, "transfer answered for another reference")
        status = data.text("status")
        return TransferResult(
            reference=reference,
            # pending, otp, received, queued, processing: not final, check again later.
            status=_TRANSFER_STATUS.get(status, TransferStatus.PROCESSING),
            provider_reference=data.text_or("transfer_code", ""),
            summary=status,
        )

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> WebhookEvent | None:
        require_hmac_sha512(self.provider, headers, SIGNATURE_HEADER, self._secret_key, raw_body)
        return webhook_event(self.provider, raw_body)

    async def aclose(self) -> None:
        await self._http.aclose()
