"""Funding a pending job from the wallet or through the gateway (DOMAIN.md Jobs: Funding;
Payments): confirmation by webhook and browser return, posted once whichever comes first."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator

import attrs
import httpx
import pytest

from adapters.memory.clock import FakeClock
from adapters.memory.email import MemoryEmailSender
from adapters.memory.store import MemoryStore
from adapters.payments.paystack import SIGNATURE_HEADER, PaystackGateway
from entrypoints.bootstrap import UseCases, build_use_cases, memory_deps
from paeshift_core.application.context import Deps
from paeshift_core.application.funding import CheckoutStarted
from paeshift_core.application.ledger_check import every_transaction
from paeshift_core.domain.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RuleViolation,
    Unauthenticated,
    Unavailable,
)
from paeshift_core.domain.jobs import Job, JobStatus
from paeshift_core.domain.ledger import PLATFORM_GATEWAY, TransactionKind
from paeshift_core.domain.marketplace_events import JobFunded
from paeshift_core.domain.money import Money
from paeshift_core.domain.payments import (
    FundingOutcome,
    IntentStatus,
    PaymentFailed,
    PaymentMismatched,
)
from paeshift_core.ports.payments import WEBHOOK_SIGNATURE_INVALID
from tests.unit.accounts import Account, Accounts
from tests.unit.marketplace import Market
from tests.unit.money_support import (
    RETURN_URL,
    assert_ledger_ok,
    balance,
    escrow,
    sandbox,
    top_up,
    wallet,
)


@attrs.frozen
class Payment:
    """A client's pending job with a sandbox checkout started for it."""

    client: Account
    job: Job
    started: CheckoutStarted


@pytest.fixture
async def pay(accounts: Accounts, market: Market, use_cases: UseCases) -> Payment:
    client = await accounts.client()
    job = await market.pending_job(client)
    started = await use_cases.funding.start_checkout(client.principal, job.id, RETURN_URL)
    return Payment(client, job, started)


async def postings(deps: Deps) -> list[TransactionKind]:
    async with deps.uow() as uow:
        return [tx.kind for tx in [tx async for tx in every_transaction(uow)]]


async def assert_funded_once(deps: Deps, job: Job) -> None:
    """One gateway funding posting, and exactly ``total_due`` in the job's escrow."""
    assert await postings(deps) == [TransactionKind.FUND_FROM_GATEWAY]
    assert await escrow(deps, job.id) == job.pricing.total_due


async def job_status(deps: Deps, job_id: int) -> JobStatus:
    async with deps.uow() as uow:
        return (await uow.jobs.get(job_id)).status


# -- from the wallet --------------------------------------------------------------------


async def test_fund_from_wallet_moves_total_due_into_escrow(
    accounts: Accounts, market: Market, use_cases: UseCases, deps: Deps, store: MemoryStore
) -> None:
    client = await accounts.client()
    credited = await top_up(market, client)
    job = await market.pending_job(client)
    funded = await use_cases.funding.fund_from_wallet(client.principal, job.id)
    assert funded.status is JobStatus.UPCOMING
    assert await wallet(deps, client.user_id) == credited - job.pricing.total_due
    assert await escrow(deps, job.id) == job.pricing.total_due
    assert any(isinstance(e.event, JobFunded) and e.event.job_id == job.id for e in store.outbox)
    await assert_ledger_ok(use_cases)


async def test_funding_twice_is_refused(
    accounts: Accounts, market: Market, use_cases: UseCases, deps: Deps
) -> None:
    client = await accounts.client()
    await top_up(market, client)
    await top_up(market, client)
    job = await market.pending_job(client)
    await use_cases.funding.fund_from_wallet(client.principal, job.id)
    before = await wallet(deps, client.user_id)
    with pytest.raises(Conflict) as caught:
        await use_cases.funding.fund_from_wallet(client.principal, job.id)
    assert caught.value.code == "already_funded"
    with pytest.raises(Conflict, match="only a pending job"):
        await use_cases.funding.start_checkout(client.principal, job.id, RETURN_URL)
    assert await wallet(deps, client.user_id) == before
    assert await escrow(deps, job.id) == job.pricing.total_due


async def test_funding_another_clients_job_is_refused(
    accounts: Accounts, market: Market, use_cases: UseCases, deps: Deps
) -> None:
    owner, other = await accounts.client(), await accounts.client()
    await top_up(market, other)
    job = await market.pending_job(owner)
    with pytest.raises(PermissionDenied) as caught:
        await use_cases.funding.fund_from_wallet(other.principal, job.id)
    assert caught.value.code == "not_owner"
    with pytest.raises(PermissionDenied):
        await use_cases.funding.start_checkout(other.principal, job.id, RETURN_URL)
    assert await job_status(deps, job.id) is JobStatus.PENDING
    assert await escrow(deps, job.id) == Money(0)


async def test_a_wallet_that_does_not_cover_total_due_funds_nothing(
    accounts: Accounts, market: Market, use_cases: UseCases, deps: Deps
) -> None:
    client = await accounts.client()
    await top_up(market, client, applicants_needed=1)
    job = await market.pending_job(client, applicants_needed=3)
    with pytest.raises(RuleViolation) as caught:
        await use_cases.funding.fund_from_wallet(client.principal, job.id)
    assert caught.value.code == "insufficient_funds"
    assert await job_status(deps, job.id) is JobStatus.PENDING
    assert await escrow(deps, job.id) == Money(0)


# -- through the gateway ----------------------------------------------------------------


async def test_checkout_then_return_funds_once_however_often_confirmed(
    pay: Payment, use_cases: UseCases, deps: Deps
) -> None:
    client, job, started = pay.client, pay.job, pay.started
    assert started.amount == job.pricing.total_due
    assert started.url.endswith(started.reference)
    # Returning before paying changes nothing.
    pending = await use_cases.funding.confirm(started.reference)
    assert pending.status is IntentStatus.PENDING
    assert await postings(deps) == []
    sandbox(deps).approve(started.reference)
    for _ in range(3):
        intent = await use_cases.funding.confirm(started.reference)
        assert intent.status is IntentStatus.SUCCEEDED
        assert intent.outcome is FundingOutcome.ESCROW
    await assert_funded_once(deps, job)
    assert await balance(deps, PLATFORM_GATEWAY) == -job.pricing.total_due
    assert await job_status(deps, job.id) is JobStatus.UPCOMING
    seen = await use_cases.funding.get_intent(client.principal, started.reference)
    assert seen.checkout_url == started.url
    await assert_ledger_ok(use_cases)


@pytest.mark.parametrize("webhook_first", [True, False])
async def test_webhook_and_return_in_either_order_fund_once(
    pay: Payment, use_cases: UseCases, deps: Deps, webhook_first: bool
) -> None:
    job, started = pay.job, pay.started
    hook = sandbox(deps).approve(started.reference)
    if webhook_first:
        await use_cases.payment_webhooks.handle(hook.headers, hook.body)
        await use_cases.funding.confirm(started.reference)
    else:
        await use_cases.funding.confirm(started.reference)
        await use_cases.payment_webhooks.handle(hook.headers, hook.body)
    await assert_funded_once(deps, job)


async def test_sandbox_event_delivered_five_times_funds_once(
    pay: Payment, use_cases: UseCases, deps: Deps
) -> None:
    job, started = pay.job, pay.started
    hook = sandbox(deps).approve(started.reference)
    for _ in range(5):
        await use_cases.payment_webhooks.handle(hook.headers, hook.body)
    await assert_funded_once(deps, job)


async def test_forged_or_unsigned_webhooks_are_rejected_without_effect(
    pay: Payment, use_cases: UseCases, deps: Deps
) -> None:
    job, started = pay.job, pay.started
    hook = sandbox(deps).approve(started.reference)
    forged = {**hook.headers, "x-sandbox-signature": "00" * 64}
    unsigned = {"content-type": "application/json"}
    for headers in (forged, unsigned):
        with pytest.raises(Unauthenticated) as caught:
            await use_cases.payment_webhooks.handle(headers, hook.body)
        assert caught.value.code == WEBHOOK_SIGNATURE_INVALID
    assert await postings(deps) == []
    assert await job_status(deps, job.id) is JobStatus.PENDING


async def test_a_webhook_for_an_unknown_reference_is_acknowledged_and_ignored(
    use_cases: UseCases, deps: Deps
) -> None:
    gateway = sandbox(deps)
    await gateway.initialize("psh-pay-x-unknown", Money(500), "a@example.com", RETURN_URL)
    hook = gateway.approve("psh-pay-x-unknown")
    assert await use_cases.payment_webhooks.handle(hook.headers, hook.body) is None
    assert await postings(deps) == []


async def test_an_amount_mismatch_is_recorded_and_never_funds(
    pay: Payment, use_cases: UseCases, deps: Deps, store: MemoryStore
) -> None:
    job, started = pay.job, pay.started
    sandbox(deps).approve(started.reference, paid=job.pricing.total_due - Money(1))
    intent = await use_cases.funding.confirm(started.reference)
    assert intent.status is IntentStatus.MISMATCHED
    assert str(job.pricing.total_due.amount - 1) in intent.reason
    assert await use_cases.funding.confirm(started.reference) == intent
    assert await postings(deps) == []
    assert await job_status(deps, job.id) is JobStatus.PENDING
    assert any(isinstance(e.event, PaymentMismatched) for e in store.outbox)


async def test_a_declined_payment_fails_and_funds_nothing(
    pay: Payment, use_cases: UseCases, deps: Deps, store: MemoryStore
) -> None:
    started = pay.started
    hook = sandbox(deps).decline(started.reference)
    intent = await use_cases.payment_webhooks.handle(hook.headers, hook.body)
    assert intent is not None
    assert intent.status is IntentStatus.FAILED
    assert await postings(deps) == []
    assert any(isinstance(e.event, PaymentFailed) for e in store.outbox)


async def test_a_second_paid_checkout_goes_to_the_payers_wallet(
    accounts: Accounts, market: Market, use_cases: UseCases, deps: Deps
) -> None:
    client = await accounts.client()
    job = await market.pending_job(client)
    first = await use_cases.funding.start_checkout(client.principal, job.id, RETURN_URL)
    second = await use_cases.funding.start_checkout(client.principal, job.id, RETURN_URL)
    assert first.reference != second.reference
    for started in (first, second):
        sandbox(deps).approve(started.reference)
    assert (await use_cases.funding.confirm(first.reference)).outcome is FundingOutcome.ESCROW
    late = await use_cases.funding.confirm(second.reference)
    assert late.outcome is FundingOutcome.WALLET
    assert await escrow(deps, job.id) == job.pricing.total_due
    assert await wallet(deps, client.user_id) == job.pricing.total_due
    await assert_ledger_ok(use_cases)


async def test_a_payment_confirmed_after_cancellation_goes_to_the_wallet(
    pay: Payment, use_cases: UseCases, deps: Deps
) -> None:
    client, job, started = pay.client, pay.job, pay.started
    await use_cases.jobs.cancel_job(client.principal, job.id)
    sandbox(deps).approve(started.reference)
    intent = await use_cases.funding.confirm(started.reference)
    assert intent.outcome is FundingOutcome.WALLET
    assert await wallet(deps, client.user_id) == job.pricing.total_due
    assert await escrow(deps, job.id) == Money(0)
    await assert_ledger_ok(use_cases)


async def test_only_the_payer_reads_a_payment(
    accounts: Accounts, market: Market, use_cases: UseCases
) -> None:
    client, other = await accounts.client(), await accounts.client()
    job = await market.pending_job(client)
    started = await use_cases.funding.start_checkout(client.principal, job.id, RETURN_URL)
    with pytest.raises(NotFound):
        await use_cases.funding.get_intent(other.principal, started.reference)
    with pytest.raises(NotFound):
        await use_cases.funding.confirm("psh-pay-nope")


# -- Paystack webhooks ------------------------------------------------------------------

PAYSTACK_KEY = "sk_test_money"


class PaystackApi:
    """A scripted Paystack API (httpx.MockTransport): checkouts and verification."""

    def __init__(self) -> None:
        self.charged: dict[str, int] = {}
        self.verifications = 0
        self.fail_initialize = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/transaction/initialize":
            if self.fail_initialize:
                return httpx.Response(503, content=b'{"status": false, "message": "down"}')
            body = json.loads(request.content)
            self.charged[body["reference"]] = body["amount"]
            opened = {"authorization_url": "https://checkout.paystack.com/x", "access_code": "ac"}
            return httpx.Response(200, json={"status": True, "message": "ok", "data": opened})
        reference = path.rsplit("/", 1)[-1]
        self.verifications += 1
        data: dict[str, object] = {
            "id": 41,
            "status": "success",
            "reference": reference,
            "amount": self.charged[reference],
            "currency": "NGN",
            "gateway_response": "Successful",
        }
        return httpx.Response(200, json={"status": True, "message": "ok", "data": data})


@pytest.fixture
async def paystack_api() -> PaystackApi:
    return PaystackApi()


@pytest.fixture
async def paystack_use_cases(
    paystack_api: PaystackApi,
) -> AsyncIterator[tuple[UseCases, Deps, Accounts, Market]]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(paystack_api.handle)) as client:
        deps = memory_deps(
            clock=FakeClock(), gateway=PaystackGateway(secret_key=PAYSTACK_KEY, client=client)
        )
        use_cases = build_use_cases(deps)
        assert isinstance(deps.email, MemoryEmailSender)
        yield use_cases, deps, Accounts(use_cases, deps.email), Market(use_cases, deps)


def paystack_event(reference: str) -> tuple[dict[str, str], bytes]:
    body = json.dumps({"event": "charge.success", "data": {"reference": reference}}).encode()
    signature = hmac.new(PAYSTACK_KEY.encode(), body, hashlib.sha512).hexdigest()
    return {"X-Paystack-Signature": signature}, body


async def paystack_checkout(
    setup: tuple[UseCases, Deps, Accounts, Market],
) -> tuple[Account, int, str]:
    use_cases, _, accounts, market = setup
    client = await accounts.client()
    job = await market.pending_job(client)
    started = await use_cases.funding.start_checkout(client.principal, job.id, RETURN_URL)
    assert started.url == "https://checkout.paystack.com/x"
    return client, job.id, started.reference


async def test_a_valid_paystack_signature_funds_once_even_delivered_five_times(
    paystack_use_cases: tuple[UseCases, Deps, Accounts, Market], paystack_api: PaystackApi
) -> None:
    use_cases, deps, _, _ = paystack_use_cases
    _, job_id, reference = await paystack_checkout(paystack_use_cases)
    headers, body = paystack_event(reference)
    intent = await use_cases.payment_webhooks.handle(headers, body)
    assert intent is not None
    assert intent.status is IntentStatus.SUCCEEDED
    for _ in range(4):
        await use_cases.payment_webhooks.handle(headers, body)
    assert await postings(deps) == [TransactionKind.FUND_FROM_GATEWAY]
    assert await job_status(deps, job_id) is JobStatus.UPCOMING
    assert paystack_api.verifications == 1  # later deliveries see the final intent
    await assert_ledger_ok(use_cases)


async def test_a_bad_or_missing_paystack_signature_is_rejected_without_effect(
    paystack_use_cases: tuple[UseCases, Deps, Accounts, Market], paystack_api: PaystackApi
) -> None:
    use_cases, deps, _, _ = paystack_use_cases
    _, job_id, reference = await paystack_checkout(paystack_use_cases)
    headers, body = paystack_event(reference)
    tampered = body.replace(b"charge.success", b"charge.succesS")
    for bad_headers, bad_body in (
        ({SIGNATURE_HEADER: "ab" * 64}, body),
        ({}, body),
        (headers, tampered),
    ):
        with pytest.raises(Unauthenticated):
            await use_cases.payment_webhooks.handle(bad_headers, bad_body)
    assert paystack_api.verifications == 0
    assert await postings(deps) == []
    assert await job_status(deps, job_id) is JobStatus.PENDING


async def test_an_unreachable_gateway_abandons_the_checkout(
    paystack_use_cases: tuple[UseCases, Deps, Accounts, Market], paystack_api: PaystackApi
) -> None:
    use_cases, deps, accounts, market = paystack_use_cases
    client = await accounts.client()
    job = await market.pending_job(client)
    paystack_api.fail_initialize = True
    with pytest.raises(Unavailable):
        await use_cases.funding.start_checkout(client.principal, job.id, RETURN_URL)
    async with deps.uow() as uow:
        (intent,) = await uow.payment_intents.list_for_job(job.id)
    assert intent.status is IntentStatus.ABANDONED
    assert await job_status(deps, job.id) is JobStatus.PENDING


async def test_no_gateway_configured_is_unavailable() -> None:
    bare = attrs.evolve(memory_deps(clock=FakeClock()), gateway=None)
    with pytest.raises(Unavailable) as caught:
        await build_use_cases(bare).funding.confirm("psh-pay-anything")
    assert caught.value.code == "gateway_missing"
