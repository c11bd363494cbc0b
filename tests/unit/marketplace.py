"""Marketplace test support: a seeded catalog, job drafts, and funding by sandbox checkout.

The default :func:`draft` is a single-day shift on the fake clock's day (Monday 2026-01-05,
08:00 UTC = 09:00 in Lagos) from 10:00 to 18:00 Lagos time: it starts one hour after "now",
so it can be started at once (``Policy.start_lead`` is 2 h).
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

import attrs

from adapters.payments.sandbox import SandboxGateway
from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Deps
from paeshift_core.application.jobs import JobDraft
from paeshift_core.domain.catalog import Industry
from paeshift_core.domain.jobs import Job
from paeshift_core.domain.money import Money
from tests.unit.accounts import Account

DAY = date(2026, 1, 5)


def draft(industry: Industry, **changes: Any) -> JobDraft:
    base = JobDraft(
        title="Waiters for a wedding",
        description="Serve 200 guests; black trousers, white shirt.",
        industry_id=industry.id,
        subcategory_id=industry.subcategories[0].id,
        job_type="single_day",
        shift_type="day",
        start_date=DAY,
        end_date=DAY,
        start_time=time(10, 0),
        end_time=time(18, 0),
        applicants_needed=2,
        hourly_rate=Money(150_000),
        address="5 Marina Road, Lagos Island",
    )
    return attrs.evolve(base, **changes)


async def fund_job(use_cases: UseCases, deps: Deps, client: Account, job_id: int) -> Job:
    """Fund through the real path: a sandbox checkout, the payer approves, the return is
    confirmed (gateway -> escrow posted in the ledger)."""
    gateway = deps.gateway
    assert isinstance(gateway, SandboxGateway)
    started = await use_cases.funding.start_checkout(
        client.principal, job_id, "https://app.example.com/payments/return"
    )
    gateway.approve(started.reference)
    await use_cases.funding.confirm(started.reference)
    async with deps.uow() as uow:
        return await uow.jobs.get(job_id)


class Market:
    """A seeded catalog and shortcuts for posting (and funding) jobs through the use cases."""

    def __init__(self, use_cases: UseCases, deps: Deps) -> None:
        self.use_cases = use_cases
        self.deps = deps
        self._industries: list[Industry] = []

    async def industries(self) -> list[Industry]:
        if not self._industries:
            await self.use_cases.catalog.seed_default_catalog()
            self._industries = await self.use_cases.catalog.list_industries()
        return self._industries

    async def industry(self) -> Industry:
        return (await self.industries())[0]

    async def draft(self, **changes: Any) -> JobDraft:
        return draft(await self.industry(), **changes)

    async def pending_job(self, client: Account, **changes: Any) -> Job:
        return await self.use_cases.jobs.create_job(client.principal, await self.draft(**changes))

    async def funded_job(self, client: Account, **changes: Any) -> Job:
        job = await self.pending_job(client, **changes)
        return await fund_job(self.use_cases, self.deps, client, job.id)
