"""The sandbox provider behaves like a real one: checkout page, payer's decision, signed
webhook, verification, payouts (DOMAIN.md Payments)."""

from __future__ import annotations

import json

import pytest

from adapters.payments.sandbox import (
    FAILING_ACCOUNT,
    HELD_ACCOUNT,
    SIGNATURE_HEADER,
    SandboxGateway,
)
from paeshift_core.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    Unauthenticated,
    Unavailable,
)
from paeshift_core.domain.money import Money
from paeshift_core.domain.users import PayoutAccount
from paeshift_core.ports.payments import (
    PaymentGateway,
    PaymentStatus,
    TransferStatus,
    WebhookKind,
)

REF = "pi-0000000042-abcd"
PAYOUT_REF = "wd-0000000007-abcd"
AMOUNT = Money(1_234_550)
CALLBACK = "https://paeshift.example/api/v1/payments/callback"


def account(number: str = "0123456789") -> PayoutAccount:
    return PayoutAccount(bank="058", account_number=number, account_name="Ada Obi")


@pytest.fixture
def sandbox() -> SandboxGateway:
    return SandboxGateway(base_url="https://paeshift.example/", webhook_secret="sandbox-secret")


async def started(sandbox: SandboxGateway) -> SandboxGateway:
    await sandbox.initialize(REF, AMOUNT, "ada@example.com", CALLBACK)
    return sandbox


async def test_checkout_is_a_page_of_this_service_and_starts_pending(
    sandbox: SandboxGateway,
) -> None:
    gateway: PaymentGateway = sandbox
    checkout = await gateway.initialize(REF, AMOUNT, "ada@example.com", CALLBACK)
    assert checkout.url == f"https://paeshift.example/api/v1/payments/sandbox/{REF}"
    page = sandbox.checkout(REF)
    assert (page.amount, page.email, page.callback_url) == (AMOUNT, "ada@example.com", CALLBACK)
    verification = await gateway.verify(REF)
    assert verification.status is PaymentStatus.PENDING
    assert not verification.succeeded


async def test_approval_sends_a_signed_webhook_and_verifies_as_succeeded(
    sandbox: SandboxGateway,
) -> None:
    await started(sandbox)
    webhook = sandbox.approve(REF)
    event = sandbox.parse_webhook(webhook.headers, webhook.body)
    assert event is not None
    assert (event.provider, event.kind, event.reference) == ("sandbox", WebhookKind.PAYMENT, REF)
    verification = await sandbox.verify(REF)
    assert verification.status is PaymentStatus.SUCCEEDED
    assert verification.matches(AMOUNT)
    assert sandbox.checkout(REF).status is PaymentStatus.SUCCEEDED


async def test_decline_verifies_as_failed_and_cannot_be_approved_later(
    sandbox: SandboxGateway,
) -> None:
    await started(sandbox)
    webhook = sandbox.decline(REF)
    assert json.loads(webhook.body)["event"] == "charge.failed"
    assert (await sandbox.verify(REF)).status is PaymentStatus.FAILED
    with pytest.raises(Conflict) as caught:
        sandbox.approve(REF)
    assert caught.value.code == "payment_already_decided"
    assert (await sandbox.verify(REF)).status is PaymentStatus.FAILED


async def test_a_decision_repeated_is_idempotent_but_cannot_be_reversed(
    sandbox: SandboxGateway,
) -> None:
    await started(sandbox)
    first = sandbox.approve(REF)
    assert sandbox.approve(REF) == first
    with pytest.raises(Conflict):
        sandbox.decline(REF)
    assert (await sandbox.verify(REF)).status is PaymentStatus.SUCCEEDED


async def test_approval_of_another_amount_is_reported_as_charged(sandbox: SandboxGateway) -> None:
    await started(sandbox)
    sandbox.approve(REF, paid=Money(100))
    verification = await sandbox.verify(REF)
    assert verification.succeeded
    assert verification.amount == Money(100)
    assert not verification.matches(AMOUNT)


async def test_unknown_references_are_pending_and_have_no_page(sandbox: SandboxGateway) -> None:
    verification = await sandbox.verify(REF)
    assert (verification.status, verification.amount_minor) == (PaymentStatus.PENDING, 0)
    with pytest.raises(NotFound):
        sandbox.approve(REF)
    with pytest.raises(NotFound):
        sandbox.checkout(REF)


async def test_a_reference_names_one_charge_for_ever(sandbox: SandboxGateway) -> None:
    await started(sandbox)
    again = await sandbox.initialize(REF, AMOUNT, "ada@example.com", CALLBACK)
    assert again.url.endswith(REF)
    with pytest.raises(Unavailable) as caught:
        await sandbox.initialize(REF, AMOUNT + Money(1), "ada@example.com", CALLBACK)
    assert caught.value.code == "gateway_refused"


async def test_inputs_are_checked_like_the_real_providers(sandbox: SandboxGateway) -> None:
    with pytest.raises(InvalidInput):
        await sandbox.initialize("Not A Reference", AMOUNT, "ada@example.com", CALLBACK)
    with pytest.raises(InvalidInput):
        await sandbox.initialize(REF, Money(0), "ada@example.com", CALLBACK)


async def test_webhooks_must_carry_this_sandbox_s_signature(sandbox: SandboxGateway) -> None:
    await started(sandbox)
    webhook = sandbox.approve(REF)
    tampered = webhook.body.replace(REF.encode(), b"pi-0000000099-abcd")
    forger = SandboxGateway(webhook_secret="someone-else")
    await forger.initialize(REF, AMOUNT, "ada@example.com", CALLBACK)
    forged = forger.approve(REF)
    for headers, body in [
        ({}, webhook.body),
        ({SIGNATURE_HEADER: "nonsense"}, webhook.body),
        (webhook.headers, tampered),
        (forged.headers, forged.body),
    ]:
        with pytest.raises(Unauthenticated) as caught:
            sandbox.parse_webhook(headers, body)
        assert caught.value.code == "webhook_signature_invalid"


async def test_transfers_are_paid_at_once_and_never_twice(sandbox: SandboxGateway) -> None:
    result = await sandbox.transfer(PAYOUT_REF, AMOUNT, account(), "Paeshift withdrawal")
    assert result.status is TransferStatus.PAID
    repeated = await sandbox.transfer(PAYOUT_REF, AMOUNT, account(FAILING_ACCOUNT), "retry")
    assert repeated == result
    assert (await sandbox.verify_transfer(PAYOUT_REF)).status is TransferStatus.PAID


async def test_the_failing_test_account_is_refused(sandbox: SandboxGateway) -> None:
    result = await sandbox.transfer(PAYOUT_REF, AMOUNT, account(FAILING_ACCOUNT), "withdrawal")
    assert result.status is TransferStatus.FAILED
    assert (await sandbox.verify_transfer("wd-never-sent-0001")).status is TransferStatus.FAILED


@pytest.mark.parametrize(
    ("paid", "final"), [(True, TransferStatus.PAID), (False, TransferStatus.FAILED)]
)
async def test_the_held_test_account_stays_processing_until_settled(
    sandbox: SandboxGateway, paid: bool, final: TransferStatus
) -> None:
    result = await sandbox.transfer(PAYOUT_REF, AMOUNT, account(HELD_ACCOUNT), "withdrawal")
    assert result.status is TransferStatus.PROCESSING
    webhook = sandbox.settle_transfer(PAYOUT_REF, paid=paid)
    event = sandbox.parse_webhook(webhook.headers, webhook.body)
    assert event is not None
    assert (event.kind, event.reference) == (WebhookKind.TRANSFER, PAYOUT_REF)
    assert (await sandbox.verify_transfer(PAYOUT_REF)).status is final
    with pytest.raises(Conflict):
        sandbox.settle_transfer(PAYOUT_REF, paid=not paid)
