"""Reviews, achievements and leaderboards, platform feedback (DOMAIN.md Reviews,
Gamification; issue 8). Who may do what is decided in the use cases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from adapters.http.auth import AUTHENTICATED, Caller, Services
from adapters.http.discovery_routes import RatingSummaryOut
from adapters.http.pagination import Cursor, Limit, Page, page_out, page_request
from adapters.http.problems import documented
from adapters.http.schema_base import Id, Input, Output
from paeshift_core.application.gamification import MyAchievements, Ranking
from paeshift_core.application.pagination import DEFAULT_LIMIT
from paeshift_core.application.reviews import ReviewView
from paeshift_core.domain.feedback import Feedback, FeedbackCategory, FeedbackStatus
from paeshift_core.domain.reviews import RatingSummary, Review

Rating = Annotated[int, msgspec.Meta(ge=1, le=5)]
Comment = Annotated[str, msgspec.Meta(max_length=2000)]
Note = Annotated[str, msgspec.Meta(max_length=1000)]


def rating_out(summary: RatingSummary) -> RatingSummaryOut:
    return RatingSummaryOut(
        average=summary.average,
        count=summary.count,
        stars={str(star): n for star, n in summary.per_star().items()},
    )


# -- reviews ------------------------------------------------------------------------------
class ReviewIn(Input):
    """Review the other side of a completed job: the client one of its workers, or a worker
    the client."""

    reviewee_id: Id
    rating: Rating
    comment: Comment = ""


class ReviewEditIn(Input):
    """Within 7 days of writing it; omitted fields stay as they are."""

    rating: Rating | None = None
    comment: Comment | None = None


class ReviewOut(Output):
    id: int
    job_id: int
    reviewer_id: int
    reviewee_id: int
    rating: int
    comment: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, review: Review) -> ReviewOut:
        return cls(
            id=review.id,
            job_id=review.job_id,
            reviewer_id=review.reviewer_id,
            reviewee_id=review.reviewee_id,
            rating=review.rating,
            comment=review.comment,
            created_at=review.created_at,
            updated_at=review.updated_at,
        )


class ReviewItemOut(Output):
    id: int
    job_id: int
    reviewer_id: int
    reviewer_name: str | None
    reviewer_role: str | None
    rating: int
    comment: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: ReviewView) -> ReviewItemOut:
        review = view.review
        return cls(
            id=review.id,
            job_id=review.job_id,
            reviewer_id=review.reviewer_id,
            reviewer_name=view.reviewer_name,
            reviewer_role=view.reviewer_role,
            rating=review.rating,
            comment=review.comment,
            created_at=review.created_at,
            updated_at=review.updated_at,
        )


class UserReviewsOut(Output):
    """A page of reviews (``items``, ``next_cursor``) and the user's rating summary."""

    items: list[ReviewItemOut]
    next_cursor: str | None
    summary: RatingSummaryOut


class JobReviewsController(Controller):
    path = "/jobs/{job_id:int}/reviews"
    tags = ["reviews"]
    security = AUTHENTICATED

    @post("", responses=documented(401, 403, 404, 409), summary="Review who you worked with")
    async def write(
        self, job_id: FromPath[int], data: JSONBody[ReviewIn], principal: Caller, services: Services
    ) -> ReviewOut:
        review = await services.core.reviews.write(
            principal, job_id, data.reviewee_id, data.rating, data.comment
        )
        return ReviewOut.of(review)


class ReviewsController(Controller):
    path = "/reviews"
    tags = ["reviews"]
    security = AUTHENTICATED

    @patch("/{review_id:int}", responses=documented(401, 403, 404, 409), summary="Edit a review")
    async def edit(
        self,
        review_id: FromPath[int],
        data: JSONBody[ReviewEditIn],
        principal: Caller,
        services: Services,
    ) -> ReviewOut:
        review = await services.core.reviews.edit(
            principal, review_id, rating=data.rating, comment=data.comment
        )
        return ReviewOut.of(review)


class UserReviewsController(Controller):
    path = "/users/{user_id:int}/reviews"
    tags = ["reviews", "users"]

    @get("", responses=documented(404), summary="A user's reviews, newest first, and summary")
    async def list_for_user(
        self,
        user_id: FromPath[int],
        services: Services,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> UserReviewsOut:
        found = await services.core.reviews.list_for_user(user_id, page_request(limit, cursor))
        page = page_out(found.page, ReviewItemOut.of)
        return UserReviewsOut(
            items=page.items, next_cursor=page.next_cursor, summary=rating_out(found.summary)
        )


# -- gamification -------------------------------------------------------------------------
class LevelOut(Output):
    level: int
    xp_into_level: int
    xp_for_next: int


class BadgeOut(Output):
    badge: str
    awarded_at: datetime


class AchievementsOut(Output):
    xp: int
    level: LevelOut
    shifts_completed: int
    on_time_check_ins: int
    five_star_reviews: int
    current_streak_weeks: int
    best_streak_weeks: int
    badges: list[BadgeOut]

    @classmethod
    def of(cls, mine: MyAchievements) -> AchievementsOut:
        a, level = mine.achievements, mine.level
        return cls(
            xp=a.xp,
            level=LevelOut(
                level=level.level,
                xp_into_level=level.xp_into_level,
                xp_for_next=level.xp_for_next,
            ),
            shifts_completed=a.shifts_completed,
            on_time_check_ins=a.on_time_check_ins,
            five_star_reviews=a.five_star_reviews,
            current_streak_weeks=a.current_streak,
            best_streak_weeks=a.best_streak,
            badges=[
                BadgeOut(badge=award.key.removeprefix("badge:"), awarded_at=award.awarded_at)
                for award in mine.badges
            ],
        )


class StandingOut(Output):
    rank: int
    user_id: int
    name: str | None
    points: int


class LeaderboardOut(Output):
    board: str
    items: list[StandingOut]

    @classmethod
    def of(cls, ranking: Ranking) -> LeaderboardOut:
        return cls(
            board=ranking.board,
            items=[
                StandingOut(rank=rank, user_id=user_id, name=name, points=points)
                for rank, user_id, points, name in ranking.entries
            ],
        )


class MyAchievementsController(Controller):
    path = "/me/achievements"
    tags = ["gamification"]
    security = AUTHENTICATED

    @get("", responses=documented(401), summary="My XP, level, streak and badges")
    async def mine(self, principal: Caller, services: Services) -> AchievementsOut:
        return AchievementsOut.of(await services.core.gamification.my_achievements(principal))


WeekOf = Annotated[
    date | None, QueryParameter(description="any day of the wanted week (default: this week)")
]


class LeaderboardsController(Controller):
    path = "/leaderboards"
    tags = ["gamification"]

    @get("/weekly", responses=documented(), summary="This ISO week's points (Africa/Lagos)")
    async def weekly(
        self, services: Services, limit: Limit = DEFAULT_LIMIT, week_of: WeekOf = None
    ) -> LeaderboardOut:
        ranking = await services.core.gamification.weekly(limit, week_of=week_of)
        return LeaderboardOut.of(ranking)

    @get("/all-time", responses=documented(), summary="All-time XP")
    async def all_time(self, services: Services, limit: Limit = DEFAULT_LIMIT) -> LeaderboardOut:
        return LeaderboardOut.of(await services.core.gamification.all_time(limit))


# -- platform feedback --------------------------------------------------------------------
class FeedbackIn(Input):
    category: FeedbackCategory
    message: Annotated[str, msgspec.Meta(min_length=10, max_length=1000)]
    rating: Rating


class ResolveFeedbackIn(Input):
    note: Note = ""


class FeedbackOut(Output):
    id: int
    user_id: int
    category: str
    message: str
    rating: int
    status: str
    resolved_by: int | None
    resolved_at: datetime | None
    note: str
    created_at: datetime

    @classmethod
    def of(cls, feedback: Feedback) -> FeedbackOut:
        return cls(
            id=feedback.id,
            user_id=feedback.user_id,
            category=feedback.category.value,
            message=feedback.message,
            rating=feedback.rating,
            status=feedback.status.value,
            resolved_by=feedback.resolved_by,
            resolved_at=feedback.resolved_at,
            note=feedback.note,
            created_at=feedback.created_at,
        )


class FeedbackController(Controller):
    path = "/feedback"
    tags = ["feedback"]
    security = AUTHENTICATED

    @post("", responses=documented(401, 429), summary="Tell Paeshift what you think")
    async def send(
        self, data: JSONBody[FeedbackIn], principal: Caller, services: Services
    ) -> FeedbackOut:
        feedback = await services.core.feedback.send(
            principal, data.category, data.message, data.rating
        )
        return FeedbackOut.of(feedback)


FeedbackStatusFilter = Annotated[
    FeedbackStatus | None, QueryParameter(description="only feedback in this status")
]


class AdminFeedbackController(Controller):
    path = "/admin/feedback"
    tags = ["admin", "feedback"]
    security = AUTHENTICATED

    @get("", responses=documented(401, 403), summary="Platform feedback, newest first")
    async def list_feedback(
        self,
        principal: Caller,
        services: Services,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
        status: FeedbackStatusFilter = None,
    ) -> Page[FeedbackOut]:
        page = await services.core.feedback.list(
            principal, page_request(limit, cursor), status=status
        )
        return page_out(page, FeedbackOut.of)

    @post(
        "/{feedback_id:int}/resolve",
        status_code=HTTP_200_OK,
        responses=documented(401, 403, 404, 409),
        summary="Mark feedback as handled",
    )
    async def resolve(
        self,
        feedback_id: FromPath[int],
        data: JSONBody[ResolveFeedbackIn],
        principal: Caller,
        services: Services,
    ) -> FeedbackOut:
        return FeedbackOut.of(
            await services.core.feedback.resolve(principal, feedback_id, data.note)
        )
