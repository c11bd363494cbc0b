"""Reading payments back: a job's payments (its client or an admin) and a user's own
(application/payment_history.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.clock import FakeClock
from entrypoints.bootstrap import UseCases
from paeshift_core.application.pagination import PageRequest
from paeshift_core.domain.errors import NotFound, PermissionDenied
from paeshift_core.domain.payments import FundingOutcome, IntentStatus
from tests.unit.accounts import Accounts
from tests.unit.marketplace import Market
from tests.unit.money_support import sandbox

RETURN_URL = "https://app.example.com/payments/return"


async def test_a_jobs_payments_newest_first_and_the_one_that_funded_it(
    accounts: Accounts, market: Market, use_cases: UseCases, clock: FakeClock
) -> None:
    client = await accounts.client()
    job = await market.pending_job(client)
    funding = use_cases.funding
    history = use_cases.payment_history
    assert await history.job_payment(client.principal, job.id) is None
    first = await funding.start_checkout(client.principal, job.id, RETURN_URL)
    clock.advance(timedelta(minutes=1))
    second = await funding.start_checkout(client.principal, job.id, RETURN_URL)
    clock.advance(timedelta(minutes=1))
    third = await funding.start_checkout(client.principal, job.id, RETURN_URL)
    sandbox(market.deps).approve(first.reference)
    await funding.confirm(first.reference)  # funds the escrow
    sandbox(market.deps).approve(third.reference)
    await funding.confirm(third.reference)  # the job is funded already: to the wallet

    page = await history.for_job(client.principal, job.id, PageRequest(limit=2))
    assert [i.reference for i in page.items] == [third.reference, second.reference]
    assert page.next_cursor is not None
    rest = await history.for_job(
        client.principal, job.id, PageRequest(limit=2, after=page.next_cursor)
    )
    assert [i.reference for i in rest.items] == [first.reference]
    assert rest.next_cursor is None

    shown = await history.job_payment(client.principal, job.id)
    assert shown is not None
    assert (shown.reference, shown.outcome) == (first.reference, FundingOutcome.ESCROW)
    admin = await accounts.admin()
    assert (await history.for_job(admin.principal, job.id, PageRequest())).items == (
        page.items + rest.items
    )


async def test_only_the_client_or_an_admin_reads_a_jobs_payments(
    accounts: Accounts, market: Market, use_cases: UseCases
) -> None:
    client, other, worker = (
        await accounts.client(),
        await accounts.client(),
        await accounts.applicant(),
    )
    pending = await market.pending_job(client)
    funded = await market.funded_job(client)
    history = use_cases.payment_history
    for stranger in (other, worker):
        with pytest.raises(NotFound):  # a pending job exists only for its client
            await history.for_job(stranger.principal, pending.id, PageRequest())
        with pytest.raises(PermissionDenied) as caught:  # a public job's money is not theirs
            await history.job_payment(stranger.principal, funded.id)
        assert caught.value.code == "not_owner"
    shown = await history.job_payment(client.principal, funded.id)
    assert shown is not None
    assert shown.status is IntentStatus.SUCCEEDED


async def test_my_payments_are_only_mine_newest_first(
    accounts: Accounts, market: Market, use_cases: UseCases, clock: FakeClock
) -> None:
    client, other = await accounts.client(), await accounts.client()
    first = await market.funded_job(client)
    clock.advance(timedelta(minutes=5))
    second = await market.pending_job(client)
    started = await use_cases.funding.start_checkout(client.principal, second.id, RETURN_URL)
    await market.funded_job(other)

    mine = await use_cases.payment_history.mine(client.principal, PageRequest())
    assert [(i.job_id, i.status) for i in mine.items] == [
        (second.id, IntentStatus.PENDING),
        (first.id, IntentStatus.SUCCEEDED),
    ]
    assert mine.items[0].reference == started.reference
    assert all(i.payer_id == client.user_id for i in mine.items)
    theirs = await use_cases.payment_history.mine(other.principal, PageRequest())
    assert [i.payer_id for i in theirs.items] == [other.user_id]
    worker = await accounts.applicant()
    assert (await use_cases.payment_history.mine(worker.principal, PageRequest())).items == ()
