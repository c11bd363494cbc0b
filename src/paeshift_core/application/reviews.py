"""Writing, editing and reading reviews (DOMAIN.md Reviews).

Who may review whom ("worked together"): on a ``completed`` job, its client and each applicant
whose application on it is ``completed`` (a no-show did not work). The client may review each
such worker, each such worker the client; workers do not review each other. Checks, in order:

1. the job is visible to the caller (a pending job exists only for its client): else 404;
2. the caller is a party: the client, or an applicant accepted on the job (also one who did
   not show up): else ``PermissionDenied("not_a_party")``;
3. the job is completed: else ``RuleViolation("job_not_completed")``;
4. the pair worked together, as above: else ``RuleViolation("not_worked_together")``;
5. one review per (reviewer, reviewee, job): else ``Conflict("review_exists")`` (the unique
   constraint backs this up against a race).

The reviewee's :class:`RatingSummary` changes in the same unit of work, guarded by its
version; a lost race (two reviews of one user at once, or two first reviews both creating the
summary row) re-runs the use case.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.marketplace_access import require_job_visible
from paeshift_core.application.pagination import Keyset, Page, PageRequest, by_created, page_of
from paeshift_core.application.retries import retry_on_conflict, retry_on_race
from paeshift_core.domain.applications import ACCEPTED_EVER, ApplicationStatus
from paeshift_core.domain.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from paeshift_core.domain.jobs import JobStatus
from paeshift_core.domain.reviews import RatingSummary, Review
from paeshift_core.domain.users import User
from paeshift_core.ports.unit_of_work import UnitOfWork


@frozen
class ReviewView:
    """A review as lists show it: with the reviewer's name (``None`` if the user is gone)."""

    review: Review
    reviewer_name: str | None
    reviewer_role: str | None


@frozen
class UserReviews:
    """A page of a user's reviews and their rating summary."""

    summary: RatingSummary
    page: Page[ReviewView]


def _position(view: ReviewView) -> Keyset:
    return Keyset(view.review.created_at, view.review.id)


def _view(review: Review, reviewers: dict[int, User]) -> ReviewView:
    reviewer = reviewers.get(review.reviewer_id)
    return ReviewView(
        review=review,
        reviewer_name=None if reviewer is None else reviewer.full_name,
        reviewer_role=None if reviewer is None else reviewer.role.value,
    )


async def _summary_for_update(uow: UnitOfWork, user_id: int) -> RatingSummary:
    summary = await uow.rating_summaries.find(user_id, for_update=True)
    if summary is None:
        summary = RatingSummary.empty(user_id)
        await uow.rating_summaries.add(summary)
    return summary


class ReviewUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def write(
        self, principal: Principal, job_id: int, reviewee_id: int, rating: int, comment: str = ""
    ) -> Review:
        return await retry_on_race(
            lambda: self._write(principal, job_id, reviewee_id, rating, comment)
        )

    async def _write(
        self, principal: Principal, job_id: int, reviewee_id: int, rating: int, comment: str
    ) -> Review:
        async with self._deps.uow() as uow:
            await self._require_worked_together(uow, principal, job_id, reviewee_id)
            if await uow.reviews.find(principal.user_id, reviewee_id, job_id) is not None:
                raise Conflict(
                    f"you already reviewed user {reviewee_id} for job {job_id}; edit that review",
                    code="review_exists",
                )
            now = self._deps.clock.now()
            review = Review.write(
                review_id=self._deps.ids.next_id(),
                job_id=job_id,
                reviewer_id=principal.user_id,
                reviewee_id=reviewee_id,
                rating=rating,
                comment=comment,
                now=now,
            )
            summary = await _summary_for_update(uow, reviewee_id)
            summary.add(review.rating)
            await uow.reviews.add(review)
            await uow.commit()
            return review

    async def _require_worked_together(
        self, uow: UnitOfWork, principal: Principal, job_id: int, reviewee_id: int
    ) -> None:
        job = await uow.jobs.get(job_id)
        require_job_visible(job, principal)
        applications = {
            a.applicant_id: a.status for a in await uow.applications.list_for_job(job_id)
        }
        me = principal.user_id
        if me != job.client_id and applications.get(me) not in ACCEPTED_EVER:
            raise PermissionDenied(
                "only the job's client and its workers review each other", code="not_a_party"
            )
        if job.status is not JobStatus.COMPLETED:
            raise RuleViolation(
                f"job {job_id} is {job.status.value}: reviews open once it is completed",
                code="job_not_completed",
            )
        worked = {u for u, s in applications.items() if s is ApplicationStatus.COMPLETED}
        together = (me == job.client_id and reviewee_id in worked) or (
            me in worked and reviewee_id == job.client_id
        )
        if not together:
            raise RuleViolation(
                f"you and user {reviewee_id} did not work together on job {job_id}",
                code="not_worked_together",
            )

    async def edit(
        self,
        principal: Principal,
        review_id: int,
        *,
        rating: int | None = None,
        comment: str | None = None,
    ) -> Review:
        """The author, within 7 days (DOMAIN.md Reviews); the summary follows the rating."""

        async def attempt() -> Review:
            async with self._deps.uow() as uow:
                review = await uow.reviews.get(review_id, for_update=True)
                previous = review.edit(
                    principal.user_id, self._deps.clock.now(), rating=rating, comment=comment
                )
                if previous != review.rating:
                    summary = await _summary_for_update(uow, review.reviewee_id)
                    summary.change(previous, review.rating)
                await uow.commit()
                return review

        return await retry_on_race(attempt)

    async def list_for_user(self, user_id: int, request: PageRequest) -> UserReviews:
        """Public: a user's reviews newest first and their summary, in three statements
        whatever the page size (page, the user and the reviewers, summary)."""
        async with self._deps.uow(read_only=True) as uow:
            reviews = await uow.reviews.page_for_reviewee(
                user_id, after=request.after_key, limit=request.fetch
            )
            users = await uow.users.get_many(sorted({user_id, *(r.reviewer_id for r in reviews)}))
            if user_id not in users:
                raise NotFound(f"user {user_id} not found")
            summaries = await uow.rating_summaries.get_many([user_id])
        views = [_view(r, users) for r in reviews]
        return UserReviews(summary=summaries[user_id], page=page_of(views, request, _position))

    async def list_by_author(self, user_id: int, request: PageRequest) -> Page[Review]:
        """Public: the reviews a user wrote, newest first (reviews are public on their
        reviewee's profile already), in one statement."""
        async with self._deps.uow(read_only=True) as uow:
            reviews = await uow.reviews.page_for_reviewer(
                user_id, after=request.after_key, limit=request.fetch
            )
        return page_of(reviews, request, by_created)

    async def mark_read(self, principal: Principal, review_id: int) -> Review:
        """The reviewee marks a review of them read (idempotent). Reviews are public, so
        anyone else is refused (``PermissionDenied``, ``not_reviewee``), not told it is
        missing."""

        async def attempt() -> Review:
            async with self._deps.uow() as uow:
                review = await uow.reviews.get(review_id, for_update=True)
                if review.mark_read(principal.user_id, self._deps.clock.now()):
                    await uow.commit()
                return review

        return await retry_on_conflict(attempt)

    async def summaries(self, user_ids: Sequence[int]) -> dict[int, RatingSummary]:
        """Rating summaries of several users in one statement (public profiles, the feed)."""
        async with self._deps.uow(read_only=True) as uow:
            return await uow.rating_summaries.get_many(user_ids)
