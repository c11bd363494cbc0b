"""The reviews a user wrote (public) and the reviewee's read flag (DOMAIN.md Reviews;
application/reviews.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.clock import FakeClock
from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases
from paeshift_core.application.pagination import PageRequest
from paeshift_core.domain.errors import NotFound, PermissionDenied
from tests.unit.accounts import Accounts
from tests.unit.marketplace import Market
from tests.unit.reputation_support import Finished, finished_shift


@pytest.fixture
async def done(accounts: Accounts, market: Market, use_cases: UseCases) -> Finished:
    return await finished_shift(accounts, market, use_cases)


async def test_the_reviews_a_user_wrote_newest_first(
    done: Finished, use_cases: UseCases, clock: FakeClock
) -> None:
    reviews = use_cases.reviews
    by_client = await reviews.write(done.client.principal, done.job.id, done.worker.user_id, 5)
    clock.advance(timedelta(minutes=1))
    by_worker = await reviews.write(done.worker.principal, done.job.id, done.client.user_id, 3)

    written = await reviews.list_by_author(done.client.user_id, PageRequest(limit=1))
    assert [r.id for r in written.items] == [by_client.id]
    assert written.next_cursor is None
    assert [
        r.id for r in (await reviews.list_by_author(done.worker.user_id, PageRequest())).items
    ] == [by_worker.id]
    assert (await reviews.list_by_author(done.no_show.user_id, PageRequest())).items == ()


async def test_only_the_reviewee_marks_a_review_read_once(
    done: Finished, use_cases: UseCases, clock: FakeClock, store: MemoryStore
) -> None:
    reviews = use_cases.reviews
    review = await reviews.write(done.client.principal, done.job.id, done.worker.user_id, 4)
    outbox_before = len(store.outbox)
    for someone in (done.client, done.no_show):
        with pytest.raises(PermissionDenied) as caught:
            await reviews.mark_read(someone.principal, review.id)
        assert caught.value.code == "not_reviewee"
    clock.advance(timedelta(hours=1))
    read = await reviews.mark_read(done.worker.principal, review.id)
    assert read.read_at == clock.now()
    clock.advance(timedelta(hours=1))
    again = await reviews.mark_read(done.worker.principal, review.id)
    assert again.read_at == read.read_at
    listed = await reviews.list_for_user(done.worker.user_id, PageRequest())
    assert [v.review.read_at for v in listed.page.items] == [read.read_at]
    assert len(store.outbox) == outbox_before  # private state: no event, no cache change
    with pytest.raises(NotFound):
        await reviews.mark_read(done.worker.principal, 987_654)


async def test_an_edit_keeps_a_read_review_read(done: Finished, use_cases: UseCases) -> None:
    reviews = use_cases.reviews
    review = await reviews.write(done.client.principal, done.job.id, done.worker.user_id, 4)
    read = await reviews.mark_read(done.worker.principal, review.id)
    edited = await reviews.edit(done.client.principal, review.id, rating=2)
    assert edited.read_at == read.read_at
