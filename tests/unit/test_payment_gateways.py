"""Paystack and Flutterwave adapters against scripted provider APIs (httpx.MockTransport).

No test touches the network: every request goes to :class:`FakeApi`, which answers only the
routes a test declared and fails loudly on any other.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.payments.factory import build_gateway
from adapters.payments.flutterwave import (
    FlutterwaveGateway,
    kobo_to_naira,
    naira_to_kobo,
    naira_wire_number,
)
from adapters.payments.paystack import PaystackGateway
from adapters.payments.sandbox import SandboxGateway
from paeshift_core.domain.errors import InvalidInput, Unauthenticated, Unavailable
from paeshift_core.domain.money import Money
from paeshift_core.domain.users import PayoutAccount
from paeshift_core.ports.payments import (
    PaymentGateway,
    PaymentStatus,
    TransferStatus,
    Verification,
    WebhookKind,
)

PAYSTACK_KEY = "sk_test_paeshift"
FLW_KEY = "FLWSECK_TEST-paeshift"
FLW_HASH = "flw-shared-hash"
REF = "pi-0000000042-abcd"
PAYOUT_REF = "wd-0000000007-abcd"
ACCOUNT = PayoutAccount(bank="058", account_number="0123456789", account_name="Ada Obi")
AMOUNT = Money(1_234_550)  # ₦12,345.50


class FakeApi:
    """A scripted provider: routes by (method, path), records every request."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Callable[[httpx.Request], httpx.Response]] = {}
        self.requests: list[httpx.Request] = []

    def reply(self, method: str, path: str, status: int = 200, body: Any = None) -> None:
        content = json.dumps(body).encode()
        self.routes[(method, path)] = lambda _: httpx.Response(status, content=content)

    def raw(self, method: str, path: str, status: int, content: bytes) -> None:
        self.routes[(method, path)] = lambda _: httpx.Response(status, content=content)

    def fail(self, method: str, path: str, error: type[httpx.TransportError]) -> None:
        def handler(request: httpx.Request) -> httpx.Response:
            raise error("scripted failure", request=request)

        self.routes[(method, path)] = handler

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = self.routes.get((request.method, request.url.path))
        if route is None:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        return route(request)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handle))

    def sent(self, index: int = -1) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(self.requests[index].content, parse_float=Decimal)
        return body

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
async def paystack(api: FakeApi) -> AsyncIterator[PaystackGateway]:
    client = api.client()
    yield PaystackGateway(secret_key=PAYSTACK_KEY, client=client, timeout_s=2.0)
    await client.aclose()


@pytest.fixture
async def flutterwave(api: FakeApi) -> AsyncIterator[FlutterwaveGateway]:
    client = api.client()
    yield FlutterwaveGateway(secret_key=FLW_KEY, secret_hash=FLW_HASH, client=client)
    await client.aclose()


def paystack_verify_body(status: str = "success", amount: Any = AMOUNT.amount) -> dict[str, Any]:
    return {
        "status": True,
        "message": "Verification successful",
        "data": {
            "id": 4099260516,
            "status": status,
            "reference": REF,
            "amount": amount,
            "currency": "NGN",
            "gateway_response": "Successful",
        },
    }


def paystack_signature(body: bytes, key: str = PAYSTACK_KEY) -> str:
    return hmac.new(key.encode(), body, hashlib.sha512).hexdigest()


# -- Paystack: checkout and verification -------------------------------------------------


async def test_paystack_initialize_sends_kobo_and_returns_the_checkout_url(
    api: FakeApi, paystack: PaystackGateway
) -> None:
    api.reply(
        "POST",
        "/transaction/initialize",
        body={
            "status": True,
            "data": {"authorization_url": "https://checkout.paystack.com/x1", "access_code": "x1"},
        },
    )
    checkout = await paystack.initialize(REF, AMOUNT, "ada@example.com", "https://p.ng/cb")
    assert checkout.url == "https://checkout.paystack.com/x1"
    assert checkout.provider_reference == "x1"
    assert api.sent() == {
        "email": "ada@example.com",
        "amount": 1_234_550,
        "currency": "NGN",
        "reference": REF,
        "callback_url": "https://p.ng/cb",
    }
    assert api.requests[0].headers["authorization"] == f"Bearer {PAYSTACK_KEY}"


async def test_paystack_refused_checkout_is_unavailable_with_its_message(
    api: FakeApi, paystack: PaystackGateway
) -> None:
    api.reply(
        "POST",
        "/transaction/initialize",
        400,
        {"status": False, "message": "Duplicate Transaction Reference"},
    )
    with pytest.raises(Unavailable, match="Duplicate Transaction Reference") as caught:
        await paystack.initialize(REF, AMOUNT, "ada@example.com", "https://p.ng/cb")
    assert caught.value.code == "gateway_refused"


async def test_paystack_verify_success_reports_amount_currency_and_id(
    api: FakeApi, paystack: PaystackGateway
) -> None:
    api.reply("GET", f"/transaction/verify/{REF}", body=paystack_verify_body())
    verification = await paystack.verify(REF)
    assert verification.status is PaymentStatus.SUCCEEDED
    assert verification.amount == AMOUNT
    assert verification.matches(AMOUNT)
    assert not verification.matches(AMOUNT + Money(1))
    assert verification.provider_reference == "4099260516"


@pytest.mark.parametrize(
    ("provider_status", "expected"),
    [
        ("failed", PaymentStatus.FAILED),
        ("reversed", PaymentStatus.FAILED),
        ("abandoned", PaymentStatus.ABANDONED),
        ("ongoing", PaymentStatus.PENDING),
        ("queued", PaymentStatus.PENDING),
        ("something-new", PaymentStatus.PENDING),
    ],
)
async def test_paystack_verify_maps_every_state_and_only_success_succeeds(
    api: FakeApi, paystack: PaystackGateway, provider_status: str, expected: PaymentStatus
) -> None:
    api.reply("GET", f"/transaction/verify/{REF}", body=paystack_verify_body(provider_status))
    verification = await paystack.verify(REF)
    assert verification.status is expected
    assert not verification.succeeded


async def test_paystack_verify_reports_a_different_amount_as_charged(
    api: FakeApi, paystack: PaystackGateway
) -> None:
    api.reply("GET", f"/transaction/verify/{REF}", body=paystack_verify_body(amount=100))
    verification = await paystack.verify(REF)
    assert verification.succeeded
    assert verification.amount_minor == 100
    assert not verification.matches(AMOUNT)


async def test_paystack_unknown_reference_is_pending_with_nothing_paid(
    api: FakeApi, paystack: PaystackGateway
) -> None:
    api.reply(
        "GET",
        f"/transaction/verify/{REF}",
        400,
        {"status": False, "message": "Transaction reference not found"},
    )
    verification = await paystack.verify(REF)
    assert verification.status is PaymentStatus.PENDING
    assert verification.amount_minor == 0
    assert verification.summary == "Transaction reference not found"


# -- Paystack: transfers -----------------------------------------------------------------


def script_recipient(api: FakeApi) -> None:
    api.reply(
        "POST", "/transferrecipient", body={"status": True, "data": {"recipient_code": "RCP_1"}}
    )


@pytest.mark.parametrize(
    ("provider_status", "expected"),
    [
        ("success", TransferStatus.PAID),
        ("pending", TransferStatus.PROCESSING),
        ("otp", TransferStatus.PROCESSING),
        ("failed", TransferStatus.FAILED),
        ("reversed", TransferStatus.FAILED),
    ],
)
async def test_paystack_transfer_creates_a_recipient_then_pays_in_kobo(
    api: FakeApi, paystack: PaystackGateway, provider_status: str, expected: TransferStatus
) -> None:
    script_recipient(api)
    api.reply(
        "POST",
        "/transfer",
        body={
            "status": True,
            "data": {"status": provider_status, "transfer_code": "TRF_1", "reference": PAYOUT_REF},
        },
    )
    result = await paystack.transfer(PAYOUT_REF, AMOUNT, ACCOUNT, "Paeshift withdrawal")
    assert result.status is expected
    assert result.provider_reference == "TRF_1"
    assert api.sent(0) == {
        "type": "nuban",
        "name": "Ada Obi",
        "account_number": "0123456789",
        "bank_code": "058",
        "currency": "NGN",
    }
    assert api.sent(1) == {
        "source": "balance",
        "amount": 1_234_550,
        "recipient": "RCP_1",
        "reason": "Paeshift withdrawal",
        "reference": PAYOUT_REF,
        "currency": "NGN",
    }


async def test_paystack_refused_account_fails_without_attempting_a_transfer(
    api: FakeApi, paystack: PaystackGateway
) -> None:
    api.reply("POST", "/transferrecipient", 400, {"status": False, "message": "Account not found"})
    result = await paystack.transfer(PAYOUT_REF, AMOUNT, ACCOUNT, "Paeshift withdrawal")
    assert result.status is TransferStatus.FAILED
    assert result.summary == "Account not found"
    assert api.paths() == ["POST /transferrecipient"]


async def test_paystack_repeated_transfer_reference_reports_the_first_transfer(
    api: FakeApi, paystack: PaystackGateway
) -> None:
    script_recipient(api)
    api.reply("POST", "/transfer", 400, {"status": False, "message": "Duplicate reference"})
    api.reply(
        "GET",
        f"/transfer/verify/{PAYOUT_REF}",
        body={
            "status": True,
            "data": {"status": "success", "transfer_code": "TRF_1", "reference": PAYOUT_REF},
        },
    )
    result = await paystack.transfer(PAYOUT_REF, AMOUNT, ACCOUNT, "retry")
    assert result.status is TransferStatus.PAID
    assert result.provider_reference == "TRF_1"


async def test_paystack_refused_transfer_that_does_not_exist_is_failed(
    api: FakeApi, paystack: PaystackGateway
) -> None:
    script_recipient(api)
    api.reply("POST", "/transfer", 400, {"status": False, "message": "Insufficient balance"})
    api.reply(
        "GET",
        f"/transfer/verify/{PAYOUT_REF}",
        404,
        {"status": False, "message": "Transfer not found"},
    )
    result = await paystack.transfer(PAYOUT_REF, AMOUNT, ACCOUNT, "Paeshift withdrawal")
    assert result.status is TransferStatus.FAILED
    assert result.summary == "Insufficient balance"


async def test_transfer_to_a_bank_name_without_code_fails_before_any_request(
    api: FakeApi, paystack: PaystackGateway, flutterwave: FlutterwaveGateway
) -> None:
    named = PayoutAccount(bank="GTBank", account_number="0123456789", account_name="Ada Obi")
    for gateway in (paystack, flutterwave):
        result = await gateway.transfer(PAYOUT_REF, AMOUNT, named, "Paeshift withdrawal")
        assert result.status is TransferStatus.FAILED
    assert api.requests == []


# -- Paystack: webhooks ------------------------------------------------------------------


def paystack_event(event: str = "charge.success", reference: str = REF) -> bytes:
    return json.dumps({"event": event, "data": {"reference": reference, "amount": 1}}).encode()


def test_paystack_webhook_with_valid_signature_names_the_reference(
    paystack: PaystackGateway,
) -> None:
    body = paystack_event()
    event = paystack.parse_webhook({"X-Paystack-Signature": paystack_signature(body)}, body)
    assert event is not None
    assert (event.provider, event.kind, event.reference) == ("paystack", WebhookKind.PAYMENT, REF)
    assert event.provider_event == "charge.success"


def test_paystack_transfer_webhook_names_the_payout(paystack: PaystackGateway) -> None:
    body = paystack_event("transfer.failed", PAYOUT_REF)
    event = paystack.parse_webhook({"x-paystack-signature": paystack_signature(body)}, body)
    assert event is not None
    assert (event.kind, event.reference) == (WebhookKind.TRANSFER, PAYOUT_REF)


def test_paystack_irrelevant_authentic_event_is_none(paystack: PaystackGateway) -> None:
    body = paystack_event("subscription.create")
    assert paystack.parse_webhook({"x-paystack-signature": paystack_signature(body)}, body) is None


@pytest.mark.parametrize(
    "headers_for",
    [
        pytest.param(lambda body: {}, id="missing"),
        pytest.param(lambda body: {"x-paystack-signature": ""}, id="empty"),
        pytest.param(lambda body: {"x-paystack-signature": "00" * 64}, id="wrong"),
        pytest.param(
            lambda body: {"x-paystack-signature": paystack_signature(body, "sk_other")},
            id="other-key",
        ),
        pytest.param(
            lambda body: {
                "x-paystack-signature": paystack_signature(paystack_event(reference="x"))
            },
            id="body-tampered",
        ),
    ],
)
def test_paystack_webhook_without_a_valid_signature_is_unauthenticated(
    paystack: PaystackGateway, headers_for: Callable[[bytes], dict[str, str]]
) -> None:
    body = paystack_event()
    with pytest.raises(Unauthenticated) as caught:
        paystack.parse_webhook(headers_for(body), body)
    assert caught.value.code == "webhook_signature_invalid"


# -- Failures are Unavailable, never raw exceptions (both providers) ----------------------

VERIFY_ROUTES = {
    "paystack": ("GET", f"/transaction/verify/{REF}"),
    "flutterwave": ("GET", "/v3/transactions/verify_by_reference"),
}


@pytest.fixture(params=["paystack", "flutterwave"])
def gateway(
    request: pytest.FixtureRequest, paystack: PaystackGateway, flutterwave: FlutterwaveGateway
) -> PaymentGateway:
    chosen: PaymentGateway = paystack if request.param == "paystack" else flutterwave
    return chosen


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (httpx.ConnectError, "gateway_unreachable"),
        (httpx.ReadError, "gateway_unreachable"),
        (httpx.ConnectTimeout, "gateway_timeout"),
        (httpx.ReadTimeout, "gateway_timeout"),
    ],
)
async def test_network_failures_are_unavailable(
    api: FakeApi, gateway: PaymentGateway, error: type[httpx.TransportError], code: str
) -> None:
    api.fail(*VERIFY_ROUTES[gateway.provider], error)
    with pytest.raises(Unavailable) as caught:
        await gateway.verify(REF)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (500, "gateway_error"),
        (502, "gateway_error"),
        (503, "gateway_error"),
        (401, "gateway_misconfigured"),
        (429, "gateway_busy"),
    ],
)
async def test_server_errors_and_rejected_credentials_are_unavailable(
    api: FakeApi, gateway: PaymentGateway, status: int, code: str
) -> None:
    api.raw(*VERIFY_ROUTES[gateway.provider], status, b"<html>Bad Gateway</html>")
    with pytest.raises(Unavailable) as caught:
        await gateway.verify(REF)
    assert caught.value.code == code


@pytest.mark.parametrize(
    "content",
    [
        b"<html>maintenance</html>",
        b"",
        b"[1, 2]",
        b'{"status": true}',
        b'{"status": true, "data": []}',
        b'{"status": "success", "data": {"status": "success"}}',
        b'{"status": true, "data": {"status": 1, "reference": "x"}}',
        b'{"status": true, "data": {"amount": NaN}}',
    ],
)
async def test_malformed_answers_are_unavailable(
    api: FakeApi, gateway: PaymentGateway, content: bytes
) -> None:
    api.raw(*VERIFY_ROUTES[gateway.provider], 200, content)
    with pytest.raises(Unavailable) as caught:
        await gateway.verify(REF)
    assert caught.value.code == "gateway_malformed"


@pytest.mark.parametrize(
    "field_values",
    [
        {"amount": "1234550"},
        {"amount": 12345.505},
        {"amount": True},
        {"currency": None},
        {"reference": "another-reference", "tx_ref": "another-reference"},
    ],
)
async def test_mistyped_or_foreign_verification_fields_are_unavailable(
    api: FakeApi, gateway: PaymentGateway, field_values: dict[str, Any]
) -> None:
    paystack = gateway.provider == "paystack"
    body = paystack_verify_body() if paystack else flutterwave_verify_body()
    for key, value in field_values.items():
        if key in body["data"]:
            body["data"][key] = value
    api.reply(*VERIFY_ROUTES[gateway.provider], body=body)
    with pytest.raises(Unavailable) as caught:
        await gateway.verify(REF)
    assert caught.value.code == "gateway_malformed"


async def test_transfer_timeout_is_unavailable_so_the_caller_retries(
    api: FakeApi, paystack: PaystackGateway, flutterwave: FlutterwaveGateway
) -> None:
    script_recipient(api)
    api.fail("POST", "/transfer", httpx.ReadTimeout)
    api.fail("POST", "/v3/transfers", httpx.ReadTimeout)
    for gateway in (paystack, flutterwave):
        with pytest.raises(Unavailable):
            await gateway.transfer(PAYOUT_REF, AMOUNT, ACCOUNT, "Paeshift withdrawal")


@pytest.mark.parametrize("bad", ["", "UPPER-CASE-REF", "short", "has space in it", "a" * 51])
async def test_references_outside_the_common_pattern_are_refused_before_sending(
    api: FakeApi, gateway: PaymentGateway, bad: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await gateway.verify(bad)
    assert caught.value.field == "reference"
    assert api.requests == []


@pytest.mark.parametrize("amount", [Money(0), Money(-100)])
async def test_non_positive_amounts_are_refused_before_sending(
    api: FakeApi, gateway: PaymentGateway, amount: Money
) -> None:
    with pytest.raises(InvalidInput):
        await gateway.initialize(REF, amount, "ada@example.com", "https://p.ng/cb")
    assert api.requests == []


# -- Flutterwave --------------------------------------------------------------------------


def flutterwave_verify_body(status: str = "successful", amount: Any = 12345.50) -> dict[str, Any]:
    return {
        "status": "success",
        "message": "Transaction fetched successfully",
        "data": {
            "id": 288200108,
            "tx_ref": REF,
            "flw_ref": "FLW-MOCK-1",
            "amount": amount,
            "currency": "NGN",
            "status": status,
            "processor_response": "Approved by Financial Institution",
        },
    }


async def test_flutterwave_initialize_sends_naira_and_returns_the_hosted_link(
    api: FakeApi, flutterwave: FlutterwaveGateway
) -> None:
    api.reply(
        "POST",
        "/v3/payments",
        body={
            "status": "success",
            "data": {"link": "https://checkout.flutterwave.com/v3/hosted/x"},
        },
    )
    checkout = await flutterwave.initialize(REF, AMOUNT, "ada@example.com", "https://p.ng/cb")
    assert checkout.url == "https://checkout.flutterwave.com/v3/hosted/x"
    sent = api.sent()
    assert sent["amount"] == Decimal("12345.5")
    assert sent["tx_ref"] == REF
    assert sent["redirect_url"] == "https://p.ng/cb"
    assert sent["customer"] == {"email": "ada@example.com"}
    assert api.requests[0].headers["authorization"] == f"Bearer {FLW_KEY}"


async def test_flutterwave_refused_checkout_is_unavailable(
    api: FakeApi, flutterwave: FlutterwaveGateway
) -> None:
    api.reply("POST", "/v3/payments", 400, {"status": "error", "message": "Invalid currency"})
    with pytest.raises(Unavailable, match="Invalid currency"):
        await flutterwave.initialize(REF, AMOUNT, "ada@example.com", "https://p.ng/cb")


async def test_flutterwave_verify_converts_naira_to_exact_kobo(
    api: FakeApi, flutterwave: FlutterwaveGateway
) -> None:
    api.reply("GET", "/v3/transactions/verify_by_reference", body=flutterwave_verify_body())
    verification = await flutterwave.verify(REF)
    assert api.requests[0].url.params["tx_ref"] == REF
    assert verification.status is PaymentStatus.SUCCEEDED
    assert verification.amount_minor == 1_234_550
    assert verification.matches(AMOUNT)
    assert verification.provider_reference == "288200108"


async def test_flutterwave_fraction_of_a_kobo_is_unavailable_not_rounded(
    api: FakeApi, flutterwave: FlutterwaveGateway
) -> None:
    body = flutterwave_verify_body(amount=12345.505)
    api.reply("GET", "/v3/transactions/verify_by_reference", body=body)
    with pytest.raises(Unavailable, match="fraction of a kobo"):
        await flutterwave.verify(REF)


@pytest.mark.parametrize(
    ("provider_status", "expected"),
    [
        ("failed", PaymentStatus.FAILED),
        ("cancelled", PaymentStatus.ABANDONED),
        ("pending", PaymentStatus.PENDING),
        ("Successful", PaymentStatus.SUCCEEDED),
    ],
)
async def test_flutterwave_verify_maps_states(
    api: FakeApi, flutterwave: FlutterwaveGateway, provider_status: str, expected: PaymentStatus
) -> None:
    body = flutterwave_verify_body(provider_status)
    api.reply("GET", "/v3/transactions/verify_by_reference", body=body)
    assert (await flutterwave.verify(REF)).status is expected


async def test_flutterwave_unknown_reference_is_pending_with_nothing_paid(
    api: FakeApi, flutterwave: FlutterwaveGateway
) -> None:
    api.reply(
        "GET",
        "/v3/transactions/verify_by_reference",
        400,
        {"status": "error", "message": "No transaction was found for this id", "data": None},
    )
    verification = await flutterwave.verify(REF)
    assert (verification.status, verification.amount_minor) == (PaymentStatus.PENDING, 0)


@pytest.mark.parametrize(
    ("provider_status", "expected"),
    [
        ("NEW", TransferStatus.PROCESSING),
        ("PENDING", TransferStatus.PROCESSING),
        ("SUCCESSFUL", TransferStatus.PAID),
        ("FAILED", TransferStatus.FAILED),
    ],
)
async def test_flutterwave_transfer_sends_naira_to_the_bank_code(
    api: FakeApi, flutterwave: FlutterwaveGateway, provider_status: str, expected: TransferStatus
) -> None:
    api.reply(
        "POST",
        "/v3/transfers",
        body={
            "status": "success",
            "message": "Transfer Queued Successfully",
            "data": {"id": 190626, "status": provider_status, "reference": PAYOUT_REF},
        },
    )
    result = await flutterwave.transfer(PAYOUT_REF, AMOUNT, ACCOUNT, "Paeshift withdrawal")
    assert result.status is expected
    assert result.provider_reference == "190626"
    sent = api.sent()
    assert (sent["account_bank"], sent["account_number"]) == ("058", "0123456789")
    assert sent["amount"] == Decimal("12345.5")
    assert (sent["reference"], sent["currency"]) == (PAYOUT_REF, "NGN")


async def test_flutterwave_refused_transfer_reports_an_existing_one_or_fails(
    api: FakeApi, flutterwave: FlutterwaveGateway
) -> None:
    api.reply("POST", "/v3/transfers", 400, {"status": "error", "message": "Duplicate reference"})
    api.reply(
        "GET",
        "/v3/transfers",
        body={
            "status": "success",
            "data": [{"id": 9, "status": "SUCCESSFUL", "reference": PAYOUT_REF}],
        },
    )
    assert (await flutterwave.transfer(PAYOUT_REF, AMOUNT, ACCOUNT, "r")).status is (
        TransferStatus.PAID
    )
    api.reply("GET", "/v3/transfers", body={"status": "success", "data": []})
    failed = await flutterwave.transfer(PAYOUT_REF, AMOUNT, ACCOUNT, "r")
    assert (failed.status, failed.summary) == (TransferStatus.FAILED, "Duplicate reference")


async def test_flutterwave_verify_transfer_finds_it_by_reference(
    api: FakeApi, flutterwave: FlutterwaveGateway
) -> None:
    api.reply(
        "GET",
        "/v3/transfers",
        body={
            "status": "success",
            "data": [
                {"id": 8, "status": "FAILED", "reference": "someone-elses-ref"},
                {"id": 9, "status": "PENDING", "reference": PAYOUT_REF},
            ],
        },
    )
    result = await flutterwave.verify_transfer(PAYOUT_REF)
    assert api.requests[0].url.params["reference"] == PAYOUT_REF
    assert (result.status, result.provider_reference) == (TransferStatus.PROCESSING, "9")


def flw_event(event: str = "charge.completed", **data: Any) -> bytes:
    return json.dumps({"event": event, "data": {"tx_ref": REF, **data}}).encode()


def test_flutterwave_webhook_with_the_shared_hash_names_the_reference(
    flutterwave: FlutterwaveGateway,
) -> None:
    event = flutterwave.parse_webhook({"Verif-Hash": FLW_HASH}, flw_event())
    assert event is not None
    assert (event.provider, event.kind, event.reference) == (
        "flutterwave",
        WebhookKind.PAYMENT,
        REF,
    )
    transfer = flutterwave.parse_webhook(
        {"verif-hash": FLW_HASH}, flw_event("transfer.completed", reference=PAYOUT_REF)
    )
    assert transfer is not None
    assert (transfer.kind, transfer.reference) == (WebhookKind.TRANSFER, PAYOUT_REF)
    assert flutterwave.parse_webhook({"verif-hash": FLW_HASH}, flw_event("plan.created")) is None


@pytest.mark.parametrize(
    "headers", [{}, {"verif-hash": ""}, {"verif-hash": "wrong"}, {"verif-hash": FLW_HASH + "x"}]
)
def test_flutterwave_webhook_without_the_shared_hash_is_unauthenticated(
    flutterwave: FlutterwaveGateway, headers: dict[str, str]
) -> None:
    with pytest.raises(Unauthenticated) as caught:
        flutterwave.parse_webhook(headers, flw_event())
    assert caught.value.code == "webhook_signature_invalid"


async def test_flutterwave_tampered_webhook_body_cannot_change_what_gets_funded(
    api: FakeApi, flutterwave: FlutterwaveGateway
) -> None:
    """``verif-hash`` does not sign the body, so the event is only a pointer: the amount and
    status that count always come from ``verify``."""
    forged = flw_event(amount=99_999_999, status="successful")
    event = flutterwave.parse_webhook({"verif-hash": FLW_HASH}, forged)
    assert event is not None
    assert not hasattr(event, "amount")
    api.reply("GET", "/v3/transactions/verify_by_reference", body=flutterwave_verify_body("failed"))
    verification = await flutterwave.verify(event.reference)
    assert verification.status is PaymentStatus.FAILED


@given(st.integers(min_value=0, max_value=10**15))
def test_kobo_naira_round_trip_is_exact(kobo: int) -> None:
    assert naira_to_kobo(kobo_to_naira(kobo)) == kobo
    assert naira_to_kobo(str(kobo_to_naira(kobo))) == kobo


@given(st.integers(min_value=1, max_value=10**14))
def test_naira_sent_as_json_decodes_to_the_same_kobo(kobo: int) -> None:
    wire = json.dumps({"amount": naira_wire_number(kobo)})
    decoded = json.loads(wire, parse_float=Decimal)["amount"]
    assert naira_to_kobo(decoded) == kobo


@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=3, max_value=8),
)
def test_fractions_of_a_kobo_are_refused(kobo: int, digit: int, place: int) -> None:
    naira = kobo_to_naira(kobo) + Decimal(digit).scaleb(-place)
    with pytest.raises(InvalidInput, match="fraction of a kobo"):
        naira_to_kobo(naira)


# -- Factory and lifecycle ---------------------------------------------------------------


async def test_build_gateway_defaults_to_the_sandbox() -> None:
    gateway = build_gateway(public_base_url="https://paeshift.example")
    assert isinstance(gateway, SandboxGateway)
    checkout = await gateway.initialize(REF, AMOUNT, "ada@example.com", "https://p.ng/cb")
    assert checkout.url == f"https://paeshift.example/api/v1/payments/sandbox/{REF}"


async def test_build_gateway_picks_real_providers_by_name() -> None:
    paystack = build_gateway("Paystack", paystack_secret_key=PAYSTACK_KEY)
    flutterwave = build_gateway(
        "flutterwave", flutterwave_secret_key=FLW_KEY, flutterwave_webhook_hash=FLW_HASH
    )
    assert (paystack.provider, flutterwave.provider) == ("paystack", "flutterwave")
    await paystack.aclose()
    await flutterwave.aclose()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"provider": "paystack"}, "paystack_secret_key"),
        (
            {"provider": "flutterwave", "flutterwave_secret_key": FLW_KEY},
            "flutterwave_webhook_hash",
        ),
        (
            {"provider": "flutterwave", "flutterwave_webhook_hash": FLW_HASH},
            "flutterwave_secret_key",
        ),
        ({"provider": "stripe"}, "payment_provider"),
    ],
)
def test_build_gateway_refuses_incomplete_settings(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        build_gateway(**kwargs)
    assert caught.value.field == field


async def test_aclose_closes_only_a_client_the_gateway_created(api: FakeApi) -> None:
    shared = api.client()
    injected = PaystackGateway(secret_key=PAYSTACK_KEY, client=shared)
    await injected.aclose()
    assert not shared.is_closed
    await shared.aclose()


def test_a_verification_in_a_currency_we_do_not_hold_never_matches() -> None:
    usd = Verification(
        reference=REF, status=PaymentStatus.SUCCEEDED, amount_minor=AMOUNT.amount, currency="USD"
    )
    assert usd.amount is None
    assert not usd.matches(AMOUNT)


@pytest.mark.parametrize("bad", ["", "abc", "Infinity", "NaN"])
def test_naira_that_is_not_a_finite_number_is_refused(bad: str) -> None:
    with pytest.raises(InvalidInput):
        naira_to_kobo(bad)


def test_naira_too_large_to_send_exactly_is_refused() -> None:
    with pytest.raises(InvalidInput, match="too large"):
        naira_wire_number(10**17 + 1)


async def test_paystack_unexpected_refusal_of_verify_is_unavailable(
    api: FakeApi, paystack: PaystackGateway
) -> None:
    api.reply("GET", f"/transaction/verify/{REF}", 409, {"status": False, "message": "Busy"})
    with pytest.raises(Unavailable):
        await paystack.verify(REF)


async def test_paystack_transfer_answer_for_another_reference_is_unavailable(
    api: FakeApi, paystack: PaystackGateway
) -> None:
    api.reply(
        "GET",
        f"/transfer/verify/{PAYOUT_REF}",
        body={"status": True, "data": {"status": "success", "reference": "wd-someone-else"}},
    )
    with pytest.raises(Unavailable):
        await paystack.verify_transfer(PAYOUT_REF)
