"""Public profiles: reliability from the worker's history, the rating summary, and nothing
private (DOMAIN.md Identity and profiles; Applications: reliability)."""

from __future__ import annotations

import attrs
import pytest

from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Deps
from paeshift_core.domain.errors import NotFound
from paeshift_core.domain.reviews import RatingSummary
from tests.unit.accounts import Accounts
from tests.unit.marketplace import Market


async def test_a_worked_shift_counts_and_the_rating_summary_shows(
    use_cases: UseCases, deps: Deps, accounts: Accounts, market: Market
) -> None:
    client, worker = await accounts.client(), await accounts.applicant()
    job = await market.funded_job(client)
    application = await use_cases.applications.apply(worker.principal, job.id)
    await use_cases.applications.accept(client.principal, application.id)
    await use_cases.jobs.start_shift(client.principal, job.id)
    await use_cases.jobs.end_shift(client.principal, job.id)
    async with deps.uow() as uow:
        await uow.rating_summaries.add(RatingSummary(id=worker.user_id, stars=(0, 0, 0, 1, 2)))
        await uow.commit()

    profile = await use_cases.public_profiles.get(worker.user_id)
    assert profile.completed_shifts == 1
    assert profile.reliability.score_percent == 100.0
    assert profile.reliability.basis == 1
    assert (profile.rating.count, profile.rating.average) == (3, 4.67)
    shown = set(attrs.asdict(profile, recurse=False))
    assert not shown & {"email", "phone", "payout_account", "address", "location"}


async def test_unknown_and_inactive_users_are_not_found(
    use_cases: UseCases, deps: Deps, accounts: Accounts
) -> None:
    with pytest.raises(NotFound):
        await use_cases.public_profiles.get(424242)
    gone = await accounts.applicant()
    async with deps.uow() as uow:
        user = await uow.users.get(gone.user_id)
        user.is_active = False
        await uow.commit()
    with pytest.raises(NotFound):
        await use_cases.public_profiles.get(gone.user_id)
