"""SQL mappers and repositories of reputation and engagement: reviews, rating summaries,
awards, achievements and platform feedback (tables in ``tables.py``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, select

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.mappers import Row, RowIn, from_utc, to_utc
from adapters.sqlalchemy.repositories import SqlRepository
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkBase, one_table
from paeshift_core.domain.feedback import Feedback, FeedbackCategory, FeedbackStatus
from paeshift_core.domain.gamification import Achievements, Award, AwardKind
from paeshift_core.domain.reviews import RatingSummary, Review
from paeshift_core.ports.repositories import After

_STAR_COLUMNS = ("stars_1", "stars_2", "stars_3", "stars_4", "stars_5")


def review_to_row(review: Review) -> Row:
    return {
        "id": review.id,
        "job_id": review.job_id,
        "reviewer_id": review.reviewer_id,
        "reviewee_id": review.reviewee_id,
        "rating": review.rating,
        "comment": review.comment,
        "created_at": to_utc(review.created_at),
        "updated_at": to_utc(review.updated_at),
        "read_at": None if review.read_at is None else to_utc(review.read_at),
    }


def row_to_review(row: RowIn) -> Review:
    return Review(
        id=row["id"],
        version=row["version"],
        job_id=row["job_id"],
        reviewer_id=row["reviewer_id"],
        reviewee_id=row["reviewee_id"],
        rating=row["rating"],
        comment=row["comment"],
        created_at=from_utc(row["created_at"]),
        updated_at=from_utc(row["updated_at"]),
        read_at=None if row["read_at"] is None else from_utc(row["read_at"]),
    )


def summary_to_row(summary: RatingSummary) -> Row:
    return {"id": summary.id, **dict(zip(_STAR_COLUMNS, summary.stars, strict=True))}


def row_to_summary(row: RowIn) -> RatingSummary:
    stars = tuple(row[c] for c in _STAR_COLUMNS)
    return RatingSummary(id=row["id"], version=row["version"], stars=stars)


def award_to_row(award: Award) -> Row:
    return {
        "id": award.id,
        "user_id": award.user_id,
        "key": award.key,
        "kind": award.kind.value,
        "points": award.points,
        "event_id": award.event_id,
        "awarded_at": to_utc(award.awarded_at),
    }


def row_to_award(row: RowIn) -> Award:
    return Award(
        id=row["id"],
        version=row["version"],
        user_id=row["user_id"],
        key=row["key"],
        kind=AwardKind(row["kind"]),
        points=row["points"],
        event_id=row["event_id"],
        awarded_at=from_utc(row["awarded_at"]),
    )


def achievements_to_row(achievements: Achievements) -> Row:
    return {
        "id": achievements.id,
        "xp": achievements.xp,
        "shifts_completed": achievements.shifts_completed,
        "on_time_check_ins": achievements.on_time_check_ins,
        "five_star_reviews": achievements.five_star_reviews,
        "current_streak": achievements.current_streak,
        "best_streak": achievements.best_streak,
        "last_shift_week": achievements.last_shift_week,
    }


def row_to_achievements(row: RowIn) -> Achievements:
    return Achievements(
        id=row["id"],
        version=row["version"],
        xp=row["xp"],
        shifts_completed=row["shifts_completed"],
        on_time_check_ins=row["on_time_check_ins"],
        five_star_reviews=row["five_star_reviews"],
        current_streak=row["current_streak"],
        best_streak=row["best_streak"],
        last_shift_week=row["last_shift_week"],
    )


def feedback_to_row(feedback: Feedback) -> Row:
    return {
        "id": feedback.id,
        "user_id": feedback.user_id,
        "category": feedback.category.value,
        "message": feedback.message,
        "rating": feedback.rating,
        "status": feedback.status.value,
        "resolved_by": feedback.resolved_by,
        "resolved_at": None if feedback.resolved_at is None else to_utc(feedback.resolved_at),
        "note": feedback.note,
        "created_at": to_utc(feedback.created_at),
    }


def row_to_feedback(row: RowIn) -> Feedback:
    resolved_at = row["resolved_at"]
    return Feedback(
        id=row["id"],
        version=row["version"],
        user_id=row["user_id"],
        category=FeedbackCategory(row["category"]),
        message=row["message"],
        rating=row["rating"],
        status=FeedbackStatus(row["status"]),
        resolved_by=row["resolved_by"],
        resolved_at=None if resolved_at is None else from_utc(resolved_at),
        note=row["note"],
        created_at=from_utc(row["created_at"]),
    )


REVIEWS = one_table(t.reviews, "review", review_to_row, row_to_review)
RATING_SUMMARIES = one_table(t.rating_summaries, "rating summary", summary_to_row, row_to_summary)
AWARDS = one_table(t.awards, "award", award_to_row, row_to_award)
ACHIEVEMENTS = one_table(t.achievements, "achievements", achievements_to_row, row_to_achievements)
FEEDBACK = one_table(t.feedback, "feedback", feedback_to_row, row_to_feedback)


class SqlReviewRepository(SqlRepository[Review]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, REVIEWS)

    async def find(self, reviewer_id: int, reviewee_id: int, job_id: int) -> Review | None:
        c = t.reviews.c
        return await self._uow.load_first(
            REVIEWS, c.reviewer_id == reviewer_id, c.reviewee_id == reviewee_id, c.job_id == job_id
        )

    async def page_for_reviewee(
        self, reviewee_id: int, *, after: After | None, limit: int
    ) -> list[Review]:
        return await self.page_newest_first(
            t.reviews.c.reviewee_id == reviewee_id, after=after, limit=limit
        )

    async def page_for_reviewer(
        self, reviewer_id: int, *, after: After | None, limit: int
    ) -> list[Review]:
        return await self.page_newest_first(
            t.reviews.c.reviewer_id == reviewer_id, after=after, limit=limit
        )


class SqlRatingSummaries(SqlRepository[RatingSummary]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, RATING_SUMMARIES)

    async def find(self, user_id: int, *, for_update: bool = False) -> RatingSummary | None:
        return await self._uow.load_first(
            RATING_SUMMARIES, t.rating_summaries.c.id == user_id, for_update=for_update
        )

    async def get_many(self, user_ids: Sequence[int]) -> dict[int, RatingSummary]:
        wanted = sorted(set(user_ids))
        found: dict[int, RatingSummary] = {}
        if wanted:
            query = select(t.rating_summaries).where(t.rating_summaries.c.id.in_(wanted))
            result = await self._uow.execute(query)
            found = {row["id"]: row_to_summary(dict(row)) for row in result.mappings()}
        return {u: found.get(u) or RatingSummary.empty(u) for u in wanted}


class SqlAwardRepository(SqlRepository[Award]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, AWARDS)

    async def existing_keys(self, user_id: int, keys: Collection[str]) -> set[str]:
        if not keys:
            return set()
        c = t.awards.c
        query = select(c.key).where(c.user_id == user_id, c.key.in_(sorted(set(keys))))
        return {key for (key,) in await self._uow.rows(query)}

    async def list_for_user(self, user_id: int, *, badges_only: bool = False) -> list[Award]:
        c = t.awards.c
        where = [c.user_id == user_id]
        if badges_only:
            where.append(c.kind == AwardKind.BADGE.value)
        return await self._uow.load(AWARDS, *where, order_by=(c.awarded_at, c.id))

    async def points_between(self, start: datetime, end: datetime) -> dict[int, int]:
        c = t.awards.c
        query = (
            select(c.user_id, func.sum(c.points))
            .where(c.awarded_at >= to_utc(start), c.awarded_at < to_utc(end))
            .group_by(c.user_id)
        )
        return {user_id: int(points) for user_id, points in await self._uow.rows(query) if points}


class SqlAchievementsRepository(SqlRepository[Achievements]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, ACHIEVEMENTS)

    async def find(self, user_id: int, *, for_update: bool = False) -> Achievements | None:
        return await self._uow.load_first(
            ACHIEVEMENTS, t.achievements.c.id == user_id, for_update=for_update
        )

    async def get_many(self, user_ids: Sequence[int]) -> dict[int, Achievements]:
        wanted = sorted(set(user_ids))
        found: dict[int, Achievements] = {}
        if wanted:
            query = select(t.achievements).where(t.achievements.c.id.in_(wanted))
            result = await self._uow.execute(query)
            found = {row["id"]: row_to_achievements(dict(row)) for row in result.mappings()}
        return {u: found.get(u) or Achievements.empty(u) for u in wanted}

    async def all_xp(self) -> dict[int, int]:
        c = t.achievements.c
        return dict(await self._uow.rows(select(c.id, c.xp).where(c.xp > 0)))


class SqlFeedbackRepository(SqlRepository[Feedback]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, FEEDBACK)

    async def page(
        self, *, status: FeedbackStatus | None, after: After | None, limit: int
    ) -> list[Feedback]:
        where = [] if status is None else [t.feedback.c.status == status.value]
        return await self.page_newest_first(*where, after=after, limit=limit)
