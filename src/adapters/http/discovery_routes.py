"""Discovery: the job feed, public profiles and saved jobs (DOMAIN.md Saved jobs and the feed).

``GET /jobs`` and ``GET /users/{id}`` are public; the feed is personalised (own application
status, best match by own skills) when the caller is logged in.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

import msgspec
from litestar import Controller, Response, delete, get, put
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from adapters.http.auth import AUTHENTICATED, Caller, Services, Viewing
from adapters.http.cached_reads import (
    FEED_TTL_S,
    PROFILE_TTL_S,
    cached_json,
    from_json,
    json_ok,
    json_response,
    my_application_ref,
    page_ids,
    query_key,
    to_json,
)
from adapters.http.jobs_schemas import JobOut, MyApplicationRef, PointOut
from adapters.http.pagination import Cursor, Limit, Page, page_out, page_request
from adapters.http.problems import documented
from adapters.http.schema_base import MoneyOut, Output
from paeshift_core.application.feed import FeedItem, FeedRequest
from paeshift_core.application.pagination import DEFAULT_LIMIT
from paeshift_core.application.public_profiles import PublicProfile
from paeshift_core.application.read_models import FEED, PROFILES
from paeshift_core.application.saved_jobs import SavedJobRow
from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.feed import FeedCriteria, FeedSort, search_terms
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.jobs import ShiftType
from paeshift_core.domain.money import Money
from paeshift_core.domain.saved_jobs import SavedJob
from paeshift_core.domain.schedule import JobType

SortName = Literal["soonest", "highest_pay", "nearest", "best_match"]


def parse_near(value: str | None) -> GeoPoint | None:
    """``near=lat,lng`` (decimal degrees) as in API.md."""
    if value is None:
        return None
    lat, sep, lng = value.partition(",")
    try:
        if not sep:
            raise ValueError(value)
        return GeoPoint(float(lat), float(lng))
    except (ValueError, InvalidInput) as exc:
        raise InvalidInput("near", "must be 'latitude,longitude' in degrees") from exc


class FeedJobOut(Output):
    id: int
    client_id: int
    title: str
    description: str
    industry_id: int
    subcategory_id: int
    subcategory: str
    shift_type: str
    job_type: str
    start_date: date
    end_date: date
    start_time: time
    end_time: time
    timezone: str
    starts_at: datetime
    ends_at: datetime
    hourly_rate: MoneyOut
    worker_pay: MoneyOut
    seats: int
    free_seats: int
    address: str
    location: PointOut | None
    created_at: datetime
    #: Exact distance from ``near`` in km (null without ``near`` or job coordinates).
    distance_km: float | None
    #: Best-match score in [0, 1] (``sort=best_match`` only).
    match_score: float | None
    my_application: MyApplicationRef | None

    @classmethod
    def of(cls, item: FeedItem) -> FeedJobOut:
        j, mine = item.job, item.my_application
        return cls(
            id=j.id,
            client_id=j.client_id,
            title=j.title,
            description=j.description,
            industry_id=j.industry_id,
            subcategory_id=j.subcategory_id,
            subcategory=j.subcategory_name,
            shift_type=j.shift_type.value,
            job_type=j.job_type.value,
            start_date=j.start_date,
            end_date=j.end_date,
            start_time=j.start_time,
            end_time=j.end_time,
            timezone=j.timezone,
            starts_at=j.starts_at,
            ends_at=j.ends_at,
            hourly_rate=MoneyOut.of(j.hourly_rate),
            worker_pay=MoneyOut.of(j.worker_pay),
            seats=j.seats,
            free_seats=j.free_seats,
            address=j.address,
            location=PointOut.of(j.location),
            created_at=j.created_at,
            distance_km=None if j.distance_km is None else round(j.distance_km, 3),
            match_score=None if item.match is None else round(item.match, 4),
            my_application=(
                None if mine is None else MyApplicationRef(id=mine.id, status=mine.status.value)
            ),
        )


class FeedController(Controller):
    path = "/jobs"
    tags = ["jobs", "feed"]

    @get(
        "",
        responses={**documented(401), **json_ok(Page[FeedJobOut])},
        summary="The job feed: upcoming jobs with free seats (filters, sorts, near, q)",
    )
    async def feed(
        self,
        viewing: Viewing,
        services: Services,
        industry_id: Annotated[int | None, QueryParameter(ge=1)] = None,
        subcategory_id: Annotated[int | None, QueryParameter(ge=1)] = None,
        shift_type: Annotated[ShiftType | None, QueryParameter()] = None,
        job_type: Annotated[JobType | None, QueryParameter()] = None,
        starts_from: Annotated[
            date | None, QueryParameter(description="first shift on or after this date")
        ] = None,
        starts_until: Annotated[
            date | None, QueryParameter(description="first shift on or before this date")
        ] = None,
        min_hourly_rate: Annotated[
            int | None, QueryParameter(ge=0, description="minimum hourly rate in kobo")
        ] = None,
        q: Annotated[
            str | None, QueryParameter(max_length=200, description="words of title/description")
        ] = None,
        near: Annotated[
            str | None, QueryParameter(max_length=60, description="latitude,longitude")
        ] = None,
        radius_km: Annotated[float | None, QueryParameter(gt=0, le=500)] = None,
        sort: Annotated[SortName, QueryParameter(description="feed order")] = "soonest",
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Response[bytes]:
        """Pages are cached per query (read alongside the caller's lookup); a viewer's own
        applications are laid over them, and best match for a viewer (their own skills) is
        not cached (``cached_reads.py``)."""
        criteria = FeedCriteria(
            industry_id=industry_id,
            subcategory_id=subcategory_id,
            shift_type=shift_type,
            job_type=job_type,
            starts_from=starts_from,
            starts_until=starts_until,
            min_hourly_rate=None if min_hourly_rate is None else Money(min_hourly_rate),
            terms=search_terms(q),
            near=parse_near(near),
            radius_km=radius_km,
        )
        request = FeedRequest(sort=FeedSort(sort), limit=limit, cursor=cursor)

        if request.sort is FeedSort.BEST_MATCH and (viewer := await viewing.principal()):
            found = await services.core.feed.feed(viewer, criteria, request)
            return json_response(to_json(page_out(found, FeedJobOut.of)))

        async def public() -> Page[FeedJobOut]:
            found = await services.core.feed.feed(None, criteria, request)
            return page_out(found, FeedJobOut.of)

        key = query_key(
            ("industry_id", industry_id),
            ("subcategory_id", subcategory_id),
            ("shift_type", shift_type),
            ("job_type", job_type),
            ("starts_from", starts_from),
            ("starts_until", starts_until),
            ("min_hourly_rate", min_hourly_rate),
            ("terms", criteria.terms),
            ("near", criteria.near),
            ("radius_km", radius_km),
            ("sort", sort),
            ("limit", limit),
            ("cursor", cursor),
        )
        viewer, raw = await viewing.alongside(
            cached_json(services.cache, FEED, key, FEED_TTL_S, public)
        )
        if viewer is None:
            return json_response(raw)
        mine = await services.core.feed.my_applications(viewer, page_ids(raw))
        if not mine:
            return json_response(raw)
        page = from_json(raw, Page[FeedJobOut])
        items = [
            msgspec.structs.replace(i, my_application=my_application_ref(mine.get(i.id)))
            for i in page.items
        ]
        return json_response(to_json(Page(items=items, next_cursor=page.next_cursor)))


class ReliabilityOut(Output):
    #: completed / (completed + no-shows + late withdrawals) in percent; null without basis.
    score_percent: float | None
    basis: int
    completed: int
    no_shows: int
    late_withdrawals: int


class RatingSummaryOut(Output):
    average: float | None
    count: int
    #: Count per star, keys "1".."5".
    stars: dict[str, int]


class PublicProfileOut(Output):
    id: int
    first_name: str
    last_name: str
    picture: str | None
    role: str
    bio: str
    skills: list[str]
    member_since: datetime
    completed_shifts: int
    reliability: ReliabilityOut
    rating: RatingSummaryOut

    @classmethod
    def of(cls, profile: PublicProfile) -> PublicProfileOut:
        r, rating = profile.reliability, profile.rating
        return cls(
            id=profile.user_id,
            first_name=profile.first_name,
            last_name=profile.last_name,
            picture=profile.picture,
            role=profile.role.value,
            bio=profile.bio,
            skills=list(profile.skills),
            member_since=profile.member_since,
            completed_shifts=profile.completed_shifts,
            reliability=ReliabilityOut(
                score_percent=r.score_percent,
                basis=r.basis,
                completed=r.completed,
                no_shows=r.no_shows,
                late_withdrawals=r.late_withdrawals,
            ),
            rating=RatingSummaryOut(
                average=rating.average,
                count=rating.count,
                stars={str(star): n for star, n in rating.per_star().items()},
            ),
        )


class UsersController(Controller):
    path = "/users"
    tags = ["users"]

    @get(
        "/{user_id:int}",
        responses={**documented(404), **json_ok(PublicProfileOut)},
        summary="A user's public profile (no contact, bank or balance details)",
    )
    async def profile(self, user_id: FromPath[int], services: Services) -> Response[bytes]:
        """The same for every reader, so always cached (``cached_reads.py``)."""

        async def public() -> PublicProfileOut:
            return PublicProfileOut.of(await services.core.public_profiles.get(user_id))

        raw = await cached_json(services.cache, PROFILES, str(user_id), PROFILE_TTL_S, public)
        return json_response(raw)


class SavedJobOut(Output):
    job_id: int
    saved_at: datetime

    @classmethod
    def of(cls, saved: SavedJob) -> SavedJobOut:
        return cls(job_id=saved.job_id, saved_at=saved.created_at)


class SavedJobRowOut(Output):
    job_id: int
    saved_at: datetime
    #: The job as it is now (its status may have changed since it was saved).
    job: JobOut

    @classmethod
    def of(cls, row: SavedJobRow) -> SavedJobRowOut:
        return cls(job_id=row.job.id, saved_at=row.saved.created_at, job=JobOut.of(row.job))


class SavedJobsController(Controller):
    path = "/me/saved-jobs"
    tags = ["me", "jobs"]
    security = AUTHENTICATED

    @get("", responses=documented(401), summary="My saved jobs, newest first")
    async def mine(
        self,
        principal: Caller,
        services: Services,
        limit: Limit = DEFAULT_LIMIT,
        cursor: Cursor = None,
    ) -> Page[SavedJobRowOut]:
        page = await services.core.saved_jobs.list_saved(principal, page_request(limit, cursor))
        return page_out(page, SavedJobRowOut.of)

    @put(
        "/{job_id:int}",
        responses=documented(401, 403, 404),
        summary="Save a job (applicants; saving again changes nothing)",
    )
    async def save(
        self, job_id: FromPath[int], principal: Caller, services: Services
    ) -> SavedJobOut:
        return SavedJobOut.of(await services.core.saved_jobs.save(principal, job_id))

    @delete(
        "/{job_id:int}",
        status_code=HTTP_204_NO_CONTENT,
        responses=documented(401),
        summary="Unsave a job (unsaving what is not saved changes nothing)",
    )
    async def unsave(self, job_id: FromPath[int], principal: Caller, services: Services) -> None:
        await services.core.saved_jobs.unsave(principal, job_id)
