"""Reviews: who may review whom and when, one per triple, the edit window, and the rating
summary kept in step (DOMAIN.md Reviews)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.memory.clock import FakeClock
from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases
from paeshift_core.application.pagination import PageRequest
from paeshift_core.domain.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from paeshift_core.domain.reviews import RatingSummary, ReviewEdited, ReviewReceived
from tests.unit.accounts import Accounts
from tests.unit.marketplace import Market
from tests.unit.reputation_support import Finished, finished_shift, started_shift


@pytest.fixture
async def done(accounts: Accounts, market: Market, use_cases: UseCases) -> Finished:
    return await finished_shift(accounts, market, use_cases)


async def test_client_and_worker_review_each_other_after_completion(
    done: Finished, use_cases: UseCases, store: MemoryStore
) -> None:
    by_client = await use_cases.reviews.write(
        done.client.principal, done.job.id, done.worker.user_id, 5, " Great work "
    )
    by_worker = await use_cases.reviews.write(
        done.worker.principal, done.job.id, done.client.user_id, 4
    )
    assert (by_client.rating, by_client.comment) == (5, "Great work")
    assert by_worker.reviewee_id == done.client.user_id
    received = [e.event for e in store.outbox if isinstance(e.event, ReviewReceived)]
    assert [(e.review_id, e.reviewee_id, e.rating) for e in received] == [
        (by_client.id, done.worker.user_id, 5),
        (by_worker.id, done.client.user_id, 4),
    ]
    summaries = await use_cases.reviews.summaries([done.worker.user_id, done.client.user_id])
    assert summaries[done.worker.user_id].per_star() == {1: 0, 2: 0, 3: 0, 4: 0, 5: 1}
    assert summaries[done.client.user_id].average == 4.0


async def test_no_review_before_the_job_completes(
    accounts: Accounts, market: Market, use_cases: UseCases
) -> None:
    client, worker, _, job, _, _ = await started_shift(accounts, market, use_cases)
    with pytest.raises(RuleViolation) as caught:
        await use_cases.reviews.write(client.principal, job.id, worker.user_id, 5)
    assert caught.value.code == "job_not_completed"


async def test_only_people_who_worked_together_review_each_other(
    done: Finished, accounts: Accounts, use_cases: UseCases
) -> None:
    stranger = await accounts.applicant()
    with pytest.raises(PermissionDenied) as outsider:
        await use_cases.reviews.write(stranger.principal, done.job.id, done.client.user_id, 1)
    assert outsider.value.code == "not_a_party"
    cases = [
        (done.client, done.no_show.user_id),  # a no-show did not work
        (done.no_show, done.client.user_id),
        (done.worker, done.no_show.user_id),  # workers do not review each other
        (done.client, stranger.user_id),
        (done.client, done.client.user_id),
    ]
    for reviewer, reviewee in cases:
        with pytest.raises(RuleViolation) as refused:
            await use_cases.reviews.write(reviewer.principal, done.job.id, reviewee, 3)
        assert refused.value.code == "not_worked_together"


async def test_a_pending_job_does_not_exist_for_others(
    accounts: Accounts, market: Market, use_cases: UseCases
) -> None:
    client, worker = await accounts.client(), await accounts.applicant()
    job = await market.pending_job(client)
    with pytest.raises(NotFound):
        await use_cases.reviews.write(worker.principal, job.id, client.user_id, 3)


async def test_one_review_per_reviewer_reviewee_and_job(
    done: Finished, use_cases: UseCases
) -> None:
    await use_cases.reviews.write(done.client.principal, done.job.id, done.worker.user_id, 2)
    with pytest.raises(Conflict) as caught:
        await use_cases.reviews.write(done.client.principal, done.job.id, done.worker.user_id, 5)
    assert caught.value.code == "review_exists"
    summary = (await use_cases.reviews.summaries([done.worker.user_id]))[done.worker.user_id]
    assert (summary.count, summary.total) == (1, 2)


async def test_rating_and_comment_are_validated(done: Finished, use_cases: UseCases) -> None:
    for rating in (0, 6, True):
        with pytest.raises(InvalidInput, match="rating"):
            await use_cases.reviews.write(
                done.client.principal, done.job.id, done.worker.user_id, rating
            )
    with pytest.raises(InvalidInput, match="comment"):
        await use_cases.reviews.write(
            done.client.principal, done.job.id, done.worker.user_id, 3, "x" * 2001
        )


async def test_the_author_edits_within_seven_days_and_the_summary_follows(
    done: Finished, use_cases: UseCases, clock: FakeClock, store: MemoryStore
) -> None:
    review = await use_cases.reviews.write(
        done.client.principal, done.job.id, done.worker.user_id, 2, "late"
    )
    with pytest.raises(PermissionDenied) as other:
        await use_cases.reviews.edit(done.worker.principal, review.id, rating=5)
    assert other.value.code == "not_author"
    clock.advance(timedelta(days=7))
    edited = await use_cases.reviews.edit(done.client.principal, review.id, rating=4)
    assert (edited.rating, edited.comment) == (4, "late")
    summary = (await use_cases.reviews.summaries([done.worker.user_id]))[done.worker.user_id]
    assert summary.per_star() == {1: 0, 2: 0, 3: 0, 4: 1, 5: 0}
    edits = [e.event for e in store.outbox if isinstance(e.event, ReviewEdited)]
    assert [(e.previous_rating, e.rating) for e in edits] == [(2, 4)]
    clock.advance(timedelta(seconds=1))
    with pytest.raises(RuleViolation) as late:
        await use_cases.reviews.edit(done.client.principal, review.id, comment="changed")
    assert late.value.code == "edit_window_closed"


async def test_a_users_reviews_page_newest_first_with_names_and_summary(
    done: Finished, use_cases: UseCases, clock: FakeClock
) -> None:
    first = await use_cases.reviews.write(
        done.client.principal, done.job.id, done.worker.user_id, 5
    )
    clock.advance(timedelta(minutes=1))
    worker_review = await use_cases.reviews.write(
        done.worker.principal, done.job.id, done.client.user_id, 3
    )
    page = await use_cases.reviews.list_for_user(done.worker.user_id, PageRequest(limit=1))
    assert [v.review.id for v in page.page.items] == [first.id]
    assert page.page.items[0].reviewer_name == "Ada Obi"
    assert page.page.next_cursor is None
    assert page.summary.average == 5.0
    client_page = await use_cases.reviews.list_for_user(done.client.user_id, PageRequest())
    assert [v.review.id for v in client_page.page.items] == [worker_review.id]
    with pytest.raises(NotFound):
        await use_cases.reviews.list_for_user(10**12, PageRequest())


@given(st.lists(st.integers(min_value=1, max_value=5), max_size=60))
def test_summary_average_is_the_half_up_mean_to_two_decimals(ratings: list[int]) -> None:
    summary = RatingSummary.empty(1)
    for rating in ratings:
        summary.add(rating)
    assert summary.count == len(ratings)
    assert summary.total == sum(ratings)
    if not ratings:
        assert summary.average is None
        return
    exact = 100 * sum(ratings) / len(ratings)
    assert summary.average_hundredths is not None
    assert summary.average_hundredths - 0.5 <= exact < summary.average_hundredths + 0.5
    assert summary.average == round(summary.average_hundredths / 100, 2)


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=1, max_size=30))
def test_summary_changes_keep_counts_consistent(edits: list[tuple[int, int]]) -> None:
    summary = RatingSummary.empty(1)
    current = [old for old, _ in edits]
    for rating in current:
        summary.add(rating)
    for i, (old, new) in enumerate(edits):
        summary.change(old, new)
        current[i] = new
    assert summary.per_star() == {s: current.count(s) for s in range(1, 6)}
