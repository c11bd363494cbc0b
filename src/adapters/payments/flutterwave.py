"""Flutterwave v3 adapter (https://api.flutterwave.com/v3); amounts on the wire are naira.

API shapes followed (developer.flutterwave.com, v3 "Flutterwave Standard", "Transaction
verification", "Transfers: Overview", "Webhooks"):

- ``POST /payments`` {tx_ref, amount (naira), currency, redirect_url, customer.email}
  → ``data.link`` (the hosted checkout).
- ``GET /transactions/verify_by_reference?tx_ref=...`` → ``data.status`` (successful, failed,
  cancelled, pending), ``data.amount`` (naira), ``data.currency``, ``data.id``, ``data.flw_ref``,
  ``data.processor_response``. An unknown tx_ref is an ``error`` answer without data.
- ``POST /transfers`` {account_bank, account_number, amount (naira), narration, currency,
  reference, debit_currency} → ``data.status`` (NEW, PENDING, SUCCESSFUL, FAILED), ``data.id``;
  ``GET /transfers?reference=...`` lists the transfer(s) with that reference.
- Webhooks carry ``verif-hash``: a shared secret configured on the dashboard, not a signature
  of the body, so an event is only a pointer (``charge.completed`` → ``data.tx_ref``,
  ``transfer.completed`` → ``data.reference``) and the caller always re-verifies via the API.

Naira on the wire, kobo everywhere else: :func:`kobo_to_naira` and :func:`naira_to_kobo`
convert exactly and refuse fractions of a kobo; JSON fractions are read as ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

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
from adapters.payments.webhooks import require_shared_secret, webhook_event
from paeshift_core.domain.errors import InvalidInput, Unavailable
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

FLUTTERWAVE_API = "https://api.flutterwave.com/v3"
HASH_HEADER = "verif-hash"
KOBO_PER_NAIRA = 100

_PAYMENT_STATUS = {
    "successful": PaymentStatus.SUCCEEDED,
    "failed": PaymentStatus.FAILED,
    "cancelled": PaymentStatus.ABANDONED,
}
_TRANSFER_STATUS = {
    "SUCCESSFUL": TransferStatus.PAID,
    "FAILED": TransferStatus.FAILED,
}


def kobo_to_naira(kobo: int) -> Decimal:
    """Exact naira for an integer number of kobo (two decimal places)."""
    return Decimal(kobo).scaleb(-2)


def naira_to_kobo(naira: Decimal | int | str) -> int:
    """Exact kobo for a naira amount; a fraction of a kobo is refused, never rounded."""
    try:
        value = Decimal(naira)
    except (InvalidOperation, ValueError):
        raise InvalidInput("amount", "is not a number") from None
    if not value.is_finite():
        raise InvalidInput("amount", "is not a finite number")
    kobo = value * KOBO_PER_NAIRA
    if kobo != kobo.to_integral_value():
        raise InvalidInput("amount", "has a fraction of a kobo")
    return int(kobo)


def naira_wire_number(kobo: int) -> int | float:
    """The naira amount as a JSON number that decodes back to exactly ``kobo``.

    Whole naira go as integers. Otherwise the float's shortest repr is the two-decimal string
    itself for any amount below 10^13 naira (15 significant digits), which is checked here.
    """
    naira = kobo_to_naira(kobo)
    if kobo % KOBO_PER_NAIRA == 0:
        return kobo // KOBO_PER_NAIRA
    number = float(naira)
    if Decimal(repr(number)) != naira:
        raise InvalidInput("amount", "too large to send exactly")
    return number


def _succeeded(reply: ProviderReply) -> bool:
    return reply.ok and reply.body.text_or("status", "") == "success"


class FlutterwaveGateway:
    """The Flutterwave implementation of ``PaymentGateway``."""

    provider = "flutterwave"

    def __init__(
        self,
        *,
        secret_key: str,
        secret_hash: str,
        client: httpx.AsyncClient | None = None,
        base_url: str = FLUTTERWAVE_API,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        if not secret_hash:
            raise InvalidInput("flutterwave_secret_hash", "is required to accept webhooks")
        self._secret_hash = secret_hash
        self._http = ProviderHttp(
            provider=self.provider,
            base_url=base_url,
            secret_key=secret_key,
            client=client,
            timeout_s=timeout_s,
        )

    def _kobo(self, data: JsonObject, key: str) -> int:
        try:
            return naira_to_kobo(data.number(key))
        except InvalidInput:
            raise malformed(self.provider, f"{key} has a fraction of a kobo") from None

    async def initialize(
        self, reference: str, amount: Money, email: str, callback_url: str
    ) -> Checkout:
        check_reference(reference)
        check_amount(amount)
        reply = await self._http.request(
            "POST",
            "/payments",
            json_body={
                "tx_ref": reference,
                "amount": naira_wire_number(amount.amount),
                "currency": amount.currency,
                "redirect_url": callback_url,
                "customer": {"email": email},
            },
        )
        if not _succeeded(reply):
            raise Unavailable(
                f"flutterwave refused the checkout: {reply.message}", code=GATEWAY_REFUSED
            )
        return Checkout(url=reply.body.obj("data").text("link"), provider_reference="")

    async def verify(self, reference: str) -> Verification:
        check_reference(reference)
        reply = await self._http.request(
            "GET", "/transactions/verify_by_reference", params={"tx_ref": reference}
        )
        if reply.status_code in (400, 404) and not reply.body.has("data"):
            return Verification.unknown(reference, reply.message)
        if not _succeeded(reply):
            raise malformed(self.provider, f"verify answered HTTP {reply.status_code}")
        data = reply.body.obj("data")
        if data.text("tx_ref") != reference:
            raise malformed(self.provider, "verify answered for another reference")
        return Verification(
            reference=reference,
            # Unknown or in-flight states stay pending: only "successful" can fund a job.
            status=_PAYMENT_STATUS.get(data.text("status").lower(), PaymentStatus.PENDING),
            amount_minor=self._kobo(data, "amount"),
            currency=data.text("currency").upper(),
            provider_reference=data.ident_or("id", ""),
            summary=data.text_or("processor_response", ""),
        )

    async def transfer(
        self, reference: str, amount: Money, payout_account: PayoutAccount, reason: str
    ) -> TransferResult:
        check_reference(reference)
        check_amount(amount)
        code = bank_code(payout_account.bank)
        if code is None:
            return TransferResult.not_sent(reference, NO_BANK_CODE)
        reply = await self._http.request(
            "POST",
            "/transfers",
            json_body={
                "account_bank": code,
                "account_number": payout_account.account_number,
                "amount": naira_wire_number(amount.amount),
                "narration": reason,
                "currency": amount.currency,
                "debit_currency": amount.currency,
                "reference": reference,
            },
        )
        if not _succeeded(reply):
            # A refusal may be "duplicate reference" after a retry: report what exists.
            existing = await self._find_transfer(reference)
            if existing is None:
                return TransferResult.not_sent(reference, reply.message)
            return existing
        return self._transfer_result(reference, reply.body.obj("data"))

    async def verify_transfer(self, reference: str) -> TransferResult:
        check_reference(reference)
        found = await self._find_transfer(reference)
        if found is None:
            return TransferResult.not_sent(reference, "no transfer with this reference")
        return found

    async def _find_transfer(self, reference: str) -> TransferResult | None:
        reply = await self._http.request("GET", "/transfers", params={"reference": reference})
        if not _succeeded(reply):
            raise malformed(self.provider, f"transfer lookup answered HTTP {reply.status_code}")
        for item in reply.body.objects("data"):
            if item.text_or("reference", "") == reference:
                return self._transfer_result(reference, item)
        return None

    def _transfer_result(self, reference: str, data: JsonObject) -> TransferResult:
        status = data.text("status").upper()
        return TransferResult(
            reference=reference,
            # NEW, PENDING and anything unknown: not final, check again later.
            status=_TRANSFER_STATUS.get(status, TransferStatus.PROCESSING),
            provider_reference=data.ident_or("id", ""),
            summary=data.text_or("complete_message", status),
        )

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> WebhookEvent | None:
        require_shared_secret(self.provider, headers, HASH_HEADER, self._secret_hash)
        return webhook_event(self.provider, raw_body, payment_field="tx_ref")

    async def aclose(self) -> None:
        await self._http.aclose()
