"""Withdrawals to the saved payout account (DOMAIN.md Payments: Withdrawals)."""

from __future__ import annotations

import json
from datetime import timedelta

import attrs
import httpx
import pytest

from adapters.memory.clock import FakeClock
from adapters.memory.email import MemoryEmailSender
from adapters.memory.store import MemoryStore
from adapters.payments.paystack import PaystackGateway
from adapters.payments.sandbox import FAILING_ACCOUNT, HELD_ACCOUNT
from entrypoints.bootstrap import UseCases, build_use_cases, memory_deps
from paeshift_core.application.context import Deps
from paeshift_core.application.withdrawals import WITHDRAWALS_PER_USER
from paeshift_core.domain.errors import InvalidInput, NotFound, RateLimited, RuleViolation
from paeshift_core.domain.ledger import PLATFORM_GATEWAY, PLATFORM_PAYOUTS
from paeshift_core.domain.money import Money
from paeshift_core.domain.payments import (
    WithdrawalFailed,
    WithdrawalPaid,
    WithdrawalRequested,
    WithdrawalStatus,
)
from tests.unit.accounts import Account, Accounts
from tests.unit.marketplace import Market
from tests.unit.money_support import assert_ledger_ok, balance, sandbox, top_up, wallet

NAIRA = 100
GOOD_ACCOUNT = "0123456789"


async def saved_account(use_cases: UseCases, user: Account, number: str = GOOD_ACCOUNT) -> None:
    await use_cases.profiles.set_payout_account(
        user.principal, bank="058", account_number=number, account_name="Ada Obi"
    )


@pytest.fixture
async def funded_user(accounts: Accounts, market: Market, use_cases: UseCases) -> Account:
    """A client with ₦26,400 in the wallet and a payout account."""
    client = await accounts.client()
    assert await top_up(market, client) == Money(26_400 * NAIRA)
    await saved_account(use_cases, client)
    return client


async def test_a_withdrawal_is_paid_from_the_wallet(
    funded_user: Account, use_cases: UseCases, deps: Deps, store: MemoryStore
) -> None:
    done = await use_cases.withdrawals.request(funded_user.principal, Money(5_000 * NAIRA))
    assert done.status is WithdrawalStatus.PAID
    assert done.payout_account.account_number == GOOD_ACCOUNT
    assert await wallet(deps, funded_user.user_id) == Money(21_400 * NAIRA)
    assert await balance(deps, PLATFORM_PAYOUTS) == Money(0)
    assert await balance(deps, PLATFORM_GATEWAY) == Money(-21_400 * NAIRA)
    kinds = [type(e.event) for e in store.outbox]
    assert WithdrawalRequested in kinds
    assert WithdrawalPaid in kinds
    assert await use_cases.withdrawals.list_mine(funded_user.principal) == [done]
    assert (await use_cases.withdrawals.get(funded_user.principal, done.id)) == done
    await assert_ledger_ok(use_cases)


async def test_a_failed_transfer_returns_the_money(
    funded_user: Account, use_cases: UseCases, deps: Deps, store: MemoryStore
) -> None:
    await saved_account(use_cases, funded_user, FAILING_ACCOUNT)
    done = await use_cases.withdrawals.request(funded_user.principal, Money(5_000 * NAIRA))
    assert done.status is WithdrawalStatus.FAILED
    assert done.reason
    assert await wallet(deps, funded_user.user_id) == Money(26_400 * NAIRA)
    assert await balance(deps, PLATFORM_PAYOUTS) == Money(0)
    assert any(isinstance(e.event, WithdrawalFailed) for e in store.outbox)
    await assert_ledger_ok(use_cases)


@pytest.mark.parametrize("paid", [True, False])
async def test_a_processing_transfer_ends_once_by_webhook(
    funded_user: Account, use_cases: UseCases, deps: Deps, paid: bool
) -> None:
    await saved_account(use_cases, funded_user, HELD_ACCOUNT)
    pending = await use_cases.withdrawals.request(funded_user.principal, Money(5_000 * NAIRA))
    assert pending.status is WithdrawalStatus.PROCESSING
    again = await use_cases.withdrawals.refresh(pending.reference)
    assert again.status is WithdrawalStatus.PROCESSING
    assert await balance(deps, PLATFORM_PAYOUTS) == Money(5_000 * NAIRA)
    hook = sandbox(deps).settle_transfer(pending.reference, paid=paid)
    for _ in range(5):
        ended = await use_cases.payment_webhooks.handle(hook.headers, hook.body)
        assert ended is not None
        assert ended.status is (WithdrawalStatus.PAID if paid else WithdrawalStatus.FAILED)
    expected = 21_400 if paid else 26_400
    assert await wallet(deps, funded_user.user_id) == Money(expected * NAIRA)
    assert await balance(deps, PLATFORM_PAYOUTS) == Money(0)
    await assert_ledger_ok(use_cases)


async def test_withdrawing_more_than_the_balance_is_refused(
    funded_user: Account, use_cases: UseCases, deps: Deps
) -> None:
    with pytest.raises(RuleViolation) as caught:
        await use_cases.withdrawals.request(funded_user.principal, Money(26_400 * NAIRA + 1))
    assert caught.value.code == "insufficient_funds"
    assert await wallet(deps, funded_user.user_id) == Money(26_400 * NAIRA)
    assert await use_cases.withdrawals.list_mine(funded_user.principal) == []


async def test_below_the_minimum_or_non_positive_is_refused(
    funded_user: Account, use_cases: UseCases
) -> None:
    with pytest.raises(RuleViolation) as caught:
        await use_cases.withdrawals.request(funded_user.principal, Money(1_000 * NAIRA - 1))
    assert caught.value.code == "below_minimum"
    with pytest.raises(InvalidInput):
        await use_cases.withdrawals.request(funded_user.principal, Money(0))
    await use_cases.withdrawals.request(funded_user.principal, Money(1_000 * NAIRA))


async def test_a_payout_account_is_required(
    accounts: Accounts, market: Market, use_cases: UseCases
) -> None:
    client = await accounts.client()
    await top_up(market, client)
    with pytest.raises(RuleViolation) as caught:
        await use_cases.withdrawals.request(client.principal, Money(2_000 * NAIRA))
    assert caught.value.code == "no_payout_account"


async def test_at_most_five_a_day_failed_ones_not_counted(
    funded_user: Account, use_cases: UseCases, clock: FakeClock
) -> None:
    await saved_account(use_cases, funded_user, FAILING_ACCOUNT)
    failed = await use_cases.withdrawals.request(funded_user.principal, Money(1_000 * NAIRA))
    assert failed.status is WithdrawalStatus.FAILED
    await saved_account(use_cases, funded_user)
    for _ in range(5):
        await use_cases.withdrawals.request(funded_user.principal, Money(1_000 * NAIRA))
    with pytest.raises(RuleViolation) as caught:
        await use_cases.withdrawals.request(funded_user.principal, Money(1_000 * NAIRA))
    assert caught.value.code == "daily_count_limit"
    clock.advance(timedelta(days=1))
    done = await use_cases.withdrawals.request(funded_user.principal, Money(1_000 * NAIRA))
    assert done.status is WithdrawalStatus.PAID


async def test_the_daily_amount_is_capped(accounts: Accounts, market: Market, deps: Deps) -> None:
    capped = attrs.evolve(
        deps, policy=attrs.evolve(deps.policy, withdrawal_daily_amount=Money(3_000 * NAIRA))
    )
    use_cases = build_use_cases(capped)
    client = await accounts.client()
    await top_up(market, client)
    await saved_account(use_cases, client)
    await use_cases.withdrawals.request(client.principal, Money(2_000 * NAIRA))
    with pytest.raises(RuleViolation) as caught:
        await use_cases.withdrawals.request(client.principal, Money(1_000 * NAIRA + 1))
    assert caught.value.code == "daily_amount_limit"
    await use_cases.withdrawals.request(client.principal, Money(1_000 * NAIRA))


async def test_withdrawal_requests_are_rate_limited_per_user(
    accounts: Accounts, market: Market, deps: Deps, clock: FakeClock
) -> None:
    """Past the hourly limit nothing is written; other users keep their own budget."""
    generous = attrs.evolve(deps, policy=attrs.evolve(deps.policy, withdrawals_per_day=100))
    use_cases = build_use_cases(generous)
    client, other = await accounts.client(), await accounts.client()
    for user in (client, other):
        await top_up(market, user)
        await saved_account(use_cases, user)
    small = Money(1_000 * NAIRA)
    for _ in range(WITHDRAWALS_PER_USER.count):
        await use_cases.withdrawals.request(client.principal, small)
    left = await wallet(deps, client.user_id)
    with pytest.raises(RateLimited) as refused:
        await use_cases.withdrawals.request(client.principal, small)
    assert refused.value.retry_after > 0
    assert await wallet(deps, client.user_id) == left
    mine = await use_cases.withdrawals.list_mine(client.principal)
    assert len(mine) == WITHDRAWALS_PER_USER.count
    assert (await use_cases.withdrawals.request(other.principal, small)).status is (
        WithdrawalStatus.PAID
    )
    clock.advance(timedelta(seconds=refused.value.retry_after))
    await use_cases.withdrawals.request(client.principal, small)


async def test_others_withdrawals_and_unknown_references_are_not_found(
    funded_user: Account, accounts: Accounts, use_cases: UseCases
) -> None:
    done = await use_cases.withdrawals.request(funded_user.principal, Money(1_000 * NAIRA))
    other = await accounts.client()
    with pytest.raises(NotFound):
        await use_cases.withdrawals.get(other.principal, done.id)
    with pytest.raises(NotFound):
        await use_cases.withdrawals.refresh("psh-out-999999")
    assert (await use_cases.withdrawals.refresh(done.reference)) == done


class FlakyPaystack:
    """A scripted Paystack: checkouts succeed, transfers cannot be reached, and afterwards
    the provider knows no such transfer (so none left us)."""

    def __init__(self) -> None:
        self.charged: dict[str, int] = {}

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/transaction/initialize":
            body = json.loads(request.content)
            self.charged[body["reference"]] = body["amount"]
            opened = {"authorization_url": "https://checkout.paystack.com/y", "access_code": "a"}
            return httpx.Response(200, json={"status": True, "message": "ok", "data": opened})
        if path.startswith("/transaction/verify/"):
            reference = path.rsplit("/", 1)[-1]
            data = {"id": 7, "status": "success", "reference": reference, "currency": "NGN"}
            data["amount"] = self.charged[reference]
            return httpx.Response(200, json={"status": True, "message": "ok", "data": data})
        if path.startswith("/transfer/verify/"):
            return httpx.Response(404, json={"status": False, "message": "Transfer not found"})
        raise httpx.ConnectError("unreachable", request=request)


async def test_an_unreachable_provider_leaves_the_payout_for_the_periodic_check() -> None:
    api = FlakyPaystack()
    async with httpx.AsyncClient(transport=httpx.MockTransport(api.handle)) as http:
        clock = FakeClock()
        deps = memory_deps(clock=clock, gateway=PaystackGateway(secret_key="sk", client=http))
        use_cases = build_use_cases(deps)
        assert isinstance(deps.email, MemoryEmailSender)
        client = await Accounts(use_cases, deps.email).client()
        market = Market(use_cases, deps)
        job = await market.pending_job(client)
        started = await use_cases.funding.start_checkout(client.principal, job.id, "https://x.y")
        await use_cases.funding.confirm(started.reference)
        await use_cases.jobs.cancel_job(client.principal, job.id)
        await saved_account(use_cases, client)
        waiting = await use_cases.withdrawals.request(client.principal, Money(2_000 * NAIRA))
        assert waiting.status is WithdrawalStatus.REQUESTED
        assert await balance(deps, PLATFORM_PAYOUTS) == Money(2_000 * NAIRA)
        assert await use_cases.withdrawals.refresh_unfinished() == 0  # too recent
        clock.advance(timedelta(minutes=10))
        assert await use_cases.withdrawals.refresh_unfinished() == 1
        assert await wallet(deps, client.user_id) == job.pricing.total_due
        assert await balance(deps, PLATFORM_PAYOUTS) == Money(0)
        await assert_ledger_ok(use_cases)
