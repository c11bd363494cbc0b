"""Reviews between people who worked together, and each user's rating summary
(DOMAIN.md Reviews).

- After a job completes, its client may review each worker whose assignment completed
  (not a no-show), and each such worker may review the client: a rating 1-5 (integer) and a
  comment of at most 2000 characters, one review per (reviewer, reviewee, job).
- The author may edit the rating and comment within :data:`EDIT_WINDOW` (7 days) of writing
  it; later the review is final. There is no deadline for writing one.
- The reviewee has a read flag per review (``read_at``, set once by :meth:`Review.mark_read`):
  the "new review" badge of the front end. It is the reviewee's private state, so it changes
  no public read model and records no event; an edit does not make a read review unread.
- :class:`RatingSummary` is the per-user read model a profile shows (average to 2 decimals,
  count, count per star). It is a row of its own, changed in the same transaction as the
  review and guarded by its version, so no read aggregates over all reviews.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import define, field, frozen

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.errors import InvalidInput, PermissionDenied, RuleViolation
from paeshift_core.domain.events import DomainEvent
from paeshift_core.domain.text import bounded_text

MIN_RATING = 1
MAX_RATING = 5
MAX_COMMENT = 2000
EDIT_WINDOW = timedelta(days=7)


def check_rating(value: int, field_name: str = "rating") -> int:
    """An integer star rating 1-5 (bools are not ratings)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field_name, "must be a whole number of stars")
    if not MIN_RATING <= value <= MAX_RATING:
        raise InvalidInput(field_name, f"must be between {MIN_RATING} and {MAX_RATING}")
    return value


def _comment(value: str) -> str:
    return bounded_text("comment", value, max_len=MAX_COMMENT)


@frozen(kw_only=True)
class ReviewEvent(DomainEvent):
    review_id: int
    job_id: int
    reviewer_id: int
    reviewee_id: int
    rating: int


@frozen(kw_only=True)
class ReviewReceived(ReviewEvent):
    """A new review: the reviewee is notified; five stars earn points (Gamification)."""


@frozen(kw_only=True)
class ReviewEdited(ReviewEvent):
    previous_rating: int


@define(eq=False, kw_only=True)
class Review(Aggregate):
    job_id: int
    reviewer_id: int
    reviewee_id: int
    rating: int = field(converter=check_rating)
    comment: str = field(converter=_comment)
    created_at: datetime
    updated_at: datetime
    read_at: datetime | None = None

    @classmethod
    def write(
        cls,
        *,
        review_id: int,
        job_id: int,
        reviewer_id: int,
        reviewee_id: int,
        rating: int,
        comment: str,
        now: datetime,
    ) -> Review:
        if reviewer_id == reviewee_id:
            raise RuleViolation("nobody reviews themselves", code="self_review")
        review = cls(
            id=review_id,
            job_id=job_id,
            reviewer_id=reviewer_id,
            reviewee_id=reviewee_id,
            rating=rating,
            comment=comment,
            created_at=now,
            updated_at=now,
        )
        review.record(ReviewReceived(occurred_at=now, **review._ids()))
        return review

    def _ids(self) -> dict[str, int]:
        return {
            "review_id": self.id,
            "job_id": self.job_id,
            "reviewer_id": self.reviewer_id,
            "reviewee_id": self.reviewee_id,
            "rating": self.rating,
        }

    def edit(
        self,
        author_id: int,
        now: datetime,
        *,
        rating: int | None = None,
        comment: str | None = None,
        window: timedelta = EDIT_WINDOW,
    ) -> int:
        """Change rating and/or comment; returns the previous rating (for the summary)."""
        if author_id != self.reviewer_id:
            raise PermissionDenied("only the author may edit a review", code="not_author")
        if now > self.created_at + window:
            raise RuleViolation(
                f"a review can be edited within {window.days} days of writing it",
                code="edit_window_closed",
            )
        previous = self.rating
        if rating is not None:
            self.rating = check_rating(rating)
        if comment is not None:
            self.comment = _comment(comment)
        self.updated_at = now
        self.record(ReviewEdited(occurred_at=now, previous_rating=previous, **self._ids()))
        return previous

    def mark_read(self, user_id: int, now: datetime) -> bool:
        """The reviewee saw the review; idempotent (False when it was already read)."""
        if user_id != self.reviewee_id:
            raise PermissionDenied(
                "only the reviewed user marks a review read", code="not_reviewee"
            )
        if self.read_at is not None:
            return False
        self.read_at = now
        return True


def _stars(value: tuple[int, ...]) -> tuple[int, int, int, int, int]:
    stars = tuple(value)
    if len(stars) != MAX_RATING or any(n < 0 for n in stars):
        raise InvalidInput("stars", "must be five non-negative counts")
    return stars[0], stars[1], stars[2], stars[3], stars[4]


@define(eq=False, kw_only=True)
class RatingSummary(Aggregate):
    """One user's ratings: ``id`` is the user's id; ``stars[i]`` counts ``i + 1``-star ratings.

    Count and total follow from the star counts, so they cannot disagree with them.
    """

    stars: tuple[int, int, int, int, int] = field(converter=_stars, default=(0, 0, 0, 0, 0))

    @classmethod
    def empty(cls, user_id: int) -> RatingSummary:
        return cls(id=user_id)

    @property
    def user_id(self) -> int:
        return self.id

    @property
    def count(self) -> int:
        return sum(self.stars)

    @property
    def total(self) -> int:
        return sum((i + 1) * n for i, n in enumerate(self.stars))

    @property
    def average_hundredths(self) -> int | None:
        """The average × 100 rounded half-up (integer arithmetic), None without ratings."""
        if self.count == 0:
            return None
        return (200 * self.total + self.count) // (2 * self.count)

    @property
    def average(self) -> float | None:
        """The average to 2 decimals, e.g. 4.67 (exactly the rounded hundredths)."""
        hundredths = self.average_hundredths
        return None if hundredths is None else hundredths / 100

    def per_star(self) -> dict[int, int]:
        return {star: self.stars[star - 1] for star in range(MIN_RATING, MAX_RATING + 1)}

    def _with(self, star: int, delta: int) -> None:
        counts = list(self.stars)
        counts[check_rating(star) - 1] += delta
        self.stars = _stars(tuple(counts))

    def add(self, rating: int) -> None:
        self._with(rating, +1)

    def change(self, previous: int, rating: int) -> None:
        if previous != rating:
            self._with(previous, -1)
            self._with(rating, +1)
