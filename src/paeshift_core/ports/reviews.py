"""Ports of reviews and rating summaries (DOMAIN.md Reviews).

:class:`RatingSummaries` is also the query port other read models use: a public profile, a
feed's "client rating" or a best-match score read many users' summaries in ONE call through
``uow.rating_summaries.get_many(user_ids)`` (or ``ReviewUseCases.summaries(user_ids)``),
which never aggregates over reviews: each summary is a row kept up to date with the reviews.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from paeshift_core.domain.reviews import RatingSummary, Review
from paeshift_core.ports.repositories import After


class ReviewRepository(Protocol):
    """Reviews; ``(reviewer_id, reviewee_id, job_id)`` is unique (a database constraint)."""

    async def add(self, review: Review) -> None: ...

    async def get(self, review_id: int, *, for_update: bool = False) -> Review: ...

    async def find(self, reviewer_id: int, reviewee_id: int, job_id: int) -> Review | None: ...

    async def page_for_reviewee(
        self, reviewee_id: int, *, after: After | None, limit: int
    ) -> list[Review]:
        """Reviews of a user newest first by ``(created_at, id)`` strictly after ``after``, at
        most ``limit`` (index reviews(reviewee_id, created_at, id))."""
        ...

    async def page_for_reviewer(
        self, reviewer_id: int, *, after: After | None, limit: int
    ) -> list[Review]:
        """Reviews a user wrote, newest first by ``(created_at, id)`` strictly after
        ``after``, at most ``limit`` (index reviews(reviewer_id, created_at, id))."""
        ...


class RatingSummaries(Protocol):
    """One summary row per reviewed user (its ``id`` is the user's id)."""

    async def add(self, summary: RatingSummary) -> None: ...

    async def find(self, user_id: int, *, for_update: bool = False) -> RatingSummary | None:
        """The stored summary, tracked for update; None if the user was never reviewed."""
        ...

    async def get_many(self, user_ids: Sequence[int]) -> dict[int, RatingSummary]:
        """A summary for EVERY id asked for, in one statement; users never reviewed get an
        empty summary (count 0, average None). Read-only: not tracked for update."""
        ...
