"""Money test support: balances, a wallet top-up through real use cases, the ledger check.

There is no "deposit" use case: money enters a wallet only from a verified payment or a
refund. :func:`top_up` therefore pays a job through the sandbox checkout and cancels it, so
the client's wallet receives that job's ``total_due`` through the real refund posting.
"""

from __future__ import annotations

from typing import Any

from adapters.payments.sandbox import SandboxGateway
from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Deps
from paeshift_core.domain.ledger import escrow_account, wallet_account
from paeshift_core.domain.money import Money
from tests.unit.accounts import Account
from tests.unit.marketplace import Market

RETURN_URL = "https://app.example.com/payments/return"


def sandbox(deps: Deps) -> SandboxGateway:
    assert isinstance(deps.gateway, SandboxGateway)
    return deps.gateway


async def balance(deps: Deps, account: str) -> Money:
    async with deps.uow() as uow:
        return await uow.ledger.balance(account)


async def wallet(deps: Deps, user_id: int) -> Money:
    return await balance(deps, wallet_account(user_id))


async def escrow(deps: Deps, job_id: int) -> Money:
    return await balance(deps, escrow_account(job_id))


async def top_up(market: Market, client: Account, **changes: Any) -> Money:
    """Credit ``client``'s wallet with one job's ``total_due`` (paid, then canceled)."""
    job = await market.funded_job(client, **changes)
    await market.use_cases.jobs.cancel_job(client.principal, job.id)
    return job.pricing.total_due


async def assert_ledger_ok(use_cases: UseCases) -> None:
    report = await use_cases.ledger_check.run()
    assert report.ok, [str(v) for v in report.violations]
