"""The feed use case on the memory wiring: best match uses the clients' rating summaries and
the viewer's skills; nearest needs a point; pages follow their cursors to the end."""

from __future__ import annotations

import pytest

from adapters.memory.cache import MemoryCache
from entrypoints.bootstrap import UseCases
from paeshift_core.application.context import Deps
from paeshift_core.application.feed import FeedRequest
from paeshift_core.application.profiles import ProfileChanges
from paeshift_core.application.read_models import MY_APPLICATIONS
from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.feed import FeedCriteria, FeedSort
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.reviews import RatingSummary
from tests.unit.accounts import Accounts
from tests.unit.marketplace import Market

HERE = GeoPoint(6.5244, 3.3792)


async def test_best_match_ranks_the_better_rated_client_first_all_else_equal(
    use_cases: UseCases, deps: Deps, accounts: Accounts, market: Market
) -> None:
    plain, rated = await accounts.client(), await accounts.client()
    worker = await accounts.applicant()
    first = await market.funded_job(plain, location=HERE)
    second = await market.funded_job(rated, location=HERE)
    async with deps.uow() as uow:
        await uow.rating_summaries.add(RatingSummary(id=rated.user_id, stars=(0, 0, 0, 0, 4)))
        await uow.commit()
    page = await use_cases.feed.feed(
        worker.principal, FeedCriteria(near=HERE), FeedRequest(sort=FeedSort.BEST_MATCH)
    )
    assert [i.job.id for i in page.items] == [second.id, first.id]
    scores = [i.match for i in page.items]
    assert scores[0] is not None
    assert scores[1] is not None
    assert scores[0] > scores[1]


async def test_best_match_prefers_jobs_matching_more_skills(
    use_cases: UseCases, accounts: Accounts, market: Market
) -> None:
    client, worker = await accounts.client(), await accounts.applicant()
    await use_cases.profiles.update_profile(
        worker.principal, ProfileChanges(skills=["waiter", "bartender"])
    )
    one = await market.funded_job(client, title="Waiters for a gala")
    both = await market.funded_job(client, title="Waiter and bartender crew")
    none = await market.funded_job(client, title="Security guards")
    page = await use_cases.feed.feed(
        worker.principal, FeedCriteria(), FeedRequest(sort=FeedSort.BEST_MATCH)
    )
    assert [i.job.id for i in page.items] == [both.id, one.id, none.id]


async def test_every_sort_pages_to_the_end_without_repeats(
    use_cases: UseCases, accounts: Accounts, market: Market
) -> None:
    client = await accounts.client()
    made = [
        (await market.funded_job(client, location=GeoPoint(6.5 + n / 100, 3.4))).id
        for n in range(5)
    ]
    for sort in FeedSort:
        seen: list[int] = []
        cursor: str | None = None
        while True:
            page = await use_cases.feed.feed(
                None, FeedCriteria(near=HERE), FeedRequest(sort=sort, limit=2, cursor=cursor)
            )
            seen.extend(i.job.id for i in page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert sorted(seen) == sorted(made), sort
        assert len(seen) == len(set(seen)), sort


async def test_nearest_needs_a_point(use_cases: UseCases) -> None:
    with pytest.raises(InvalidInput) as raised:
        await use_cases.feed.feed(None, FeedCriteria(), FeedRequest(sort=FeedSort.NEAREST))
    assert raised.value.field == "near"


async def test_a_viewers_own_applications_follow_every_change_through_the_cache(
    market: Market, accounts: Accounts, use_cases: UseCases, deps: Deps
) -> None:
    """``my_applications`` is a cached per-viewer read model: each application event of the
    viewer (apply, accept, the shift starting, ...) shows in the next read."""
    assert isinstance(deps.cache, MemoryCache)
    client, worker = await accounts.client(), await accounts.applicant()
    job, other = await market.funded_job(client), await market.funded_job(client)
    feed = use_cases.feed

    async def status() -> str | None:
        ref = (await feed.my_applications(worker.principal, [job.id, other.id])).get(job.id)
        return None if ref is None else ref.status.value

    assert await status() is None
    application = await use_cases.applications.apply(worker.principal, job.id)
    assert await status() == "applied"
    misses = deps.cache.misses[MY_APPLICATIONS]
    assert await status() == "applied"
    assert deps.cache.misses[MY_APPLICATIONS] == misses  # a hit: no statement
    await use_cases.applications.accept(client.principal, application.id)
    assert await status() == "accepted"
    await use_cases.jobs.start_shift(client.principal, job.id)
    assert await status() == "ongoing"
    assert await feed.my_applications(worker.principal, [other.id]) == {}
    assert await feed.my_applications(client.principal, [job.id]) == {}
