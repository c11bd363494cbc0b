"""Memory repositories of reputation and engagement: reviews, rating summaries, awards,
achievements and platform feedback.

``UNIQUE`` holds the same unique constraints as the SQL schema (one review per reviewer,
reviewee and job; one award per user and key); ``new_memory_store`` installs them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Sequence
from datetime import datetime

from adapters.memory.repositories import newest_first
from adapters.memory.store import UniqueKey
from adapters.memory.unit_of_work import MemoryRepository
from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.feedback import Feedback, FeedbackStatus
from paeshift_core.domain.gamification import Achievements, Award, AwardKind
from paeshift_core.domain.reviews import RatingSummary, Review
from paeshift_core.ports.repositories import After


class MemoryReviewRepository(MemoryRepository[Review]):
    table = "reviews"
    noun = "review"

    async def find(self, reviewer_id: int, reviewee_id: int, job_id: int) -> Review | None:
        key = (reviewer_id, reviewee_id, job_id)
        return next(self._select(lambda r: _review_triple(r) == key), None)

    async def page_for_reviewee(
        self, reviewee_id: int, *, after: After | None, limit: int
    ) -> list[Review]:
        return newest_first(self._select(lambda r: r.reviewee_id == reviewee_id), after, limit)

    async def page_for_reviewer(
        self, reviewer_id: int, *, after: After | None, limit: int
    ) -> list[Review]:
        return newest_first(self._select(lambda r: r.reviewer_id == reviewer_id), after, limit)


class MemoryRatingSummaries(MemoryRepository[RatingSummary]):
    table = "rating_summaries"
    noun = "rating summary"

    async def find(self, user_id: int, *, for_update: bool = False) -> RatingSummary | None:
        found = self._uow.load(self.table, user_id)
        return found if isinstance(found, RatingSummary) else None

    async def get_many(self, user_ids: Sequence[int]) -> dict[int, RatingSummary]:
        wanted = set(user_ids)
        found = {s.id: s for s in self._select(lambda s: s.id in wanted)}
        return {u: found.get(u) or RatingSummary.empty(u) for u in wanted}


class MemoryAwardRepository(MemoryRepository[Award]):
    table = "awards"
    noun = "award"

    async def existing_keys(self, user_id: int, keys: Collection[str]) -> set[str]:
        wanted = set(keys)
        return {a.key for a in self._select(lambda a: a.user_id == user_id and a.key in wanted)}

    async def list_for_user(self, user_id: int, *, badges_only: bool = False) -> list[Award]:
        mine = self._select(
            lambda a: a.user_id == user_id and (not badges_only or a.kind is AwardKind.BADGE)
        )
        return sorted(mine, key=lambda a: (a.awarded_at, a.id))

    async def points_between(self, start: datetime, end: datetime) -> dict[int, int]:
        totals: Counter[int] = Counter()
        for award in self._select(lambda a: start <= a.awarded_at < end):
            totals[award.user_id] += award.points
        return {user_id: points for user_id, points in totals.items() if points > 0}


class MemoryAchievementsRepository(MemoryRepository[Achievements]):
    table = "achievements"
    noun = "achievements"

    async def find(self, user_id: int, *, for_update: bool = False) -> Achievements | None:
        found = self._uow.load(self.table, user_id)
        return found if isinstance(found, Achievements) else None

    async def get_many(self, user_ids: Sequence[int]) -> dict[int, Achievements]:
        wanted = set(user_ids)
        found = {a.id: a for a in self._select(lambda a: a.id in wanted)}
        return {u: found.get(u) or Achievements.empty(u) for u in wanted}

    async def all_xp(self) -> dict[int, int]:
        return {a.id: a.xp for a in self._select(lambda a: a.xp > 0)}


class MemoryFeedbackRepository(MemoryRepository[Feedback]):
    table = "feedback"
    noun = "feedback"

    async def page(
        self, *, status: FeedbackStatus | None, after: After | None, limit: int
    ) -> list[Feedback]:
        return newest_first(
            self._select(lambda f: status is None or f.status is status), after, limit
        )


def _review_triple(a: Aggregate) -> Hashable:
    assert isinstance(a, Review)
    return (a.reviewer_id, a.reviewee_id, a.job_id)


def _award_key(a: Aggregate) -> Hashable:
    assert isinstance(a, Award)
    return (a.user_id, a.key)


UNIQUE: dict[str, dict[str, UniqueKey]] = {
    "reviews": {"reviewer_reviewee_job": _review_triple},
    "awards": {"user_key": _award_key},
}
