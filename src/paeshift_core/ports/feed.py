"""The feed query port: read models of feed pages (ARCHITECTURE.md: query services).

A unit of work exposes it as ``uow.feed``; it reads, never writes. ``page`` returns jobs that
are ``upcoming`` with a free seat and match the criteria, in one statement:

- ``SOONEST``: by ``(starts_at, id)`` ascending, strictly after ``after = (starts_at, id)``;
- ``HIGHEST_PAY``: by ``(hourly_rate, id)`` descending, strictly after ``after = (rate, id)``;
- ``NEAREST``: by exact distance from ``criteria.near``, then id, skipping ``offset`` rows
  (jobs without coordinates last).

``distance_km`` is the exact haversine distance whenever ``criteria.near`` is given.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Protocol

from attrs import frozen

from paeshift_core.domain.applications import ApplicationStatus
from paeshift_core.domain.feed import FeedCriteria, FeedSort
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.jobs import Job, ShiftType
from paeshift_core.domain.money import Money
from paeshift_core.domain.schedule import JobType

#: A keyset position: ``(starts_at, id)`` for SOONEST, ``(hourly_rate minor units, id)`` for
#: HIGHEST_PAY.
FeedKey = tuple[datetime, int] | tuple[int, int]


@frozen(kw_only=True)
class FeedJob:
    """A job as the feed shows it (no money totals of the client's side)."""

    id: int
    client_id: int
    title: str
    description: str
    industry_id: int
    subcategory_id: int
    subcategory_name: str
    shift_type: ShiftType
    job_type: JobType
    start_date: date
    end_date: date
    start_time: time
    end_time: time
    timezone: str
    starts_at: datetime
    ends_at: datetime
    hourly_rate: Money
    worker_pay: Money
    seats: int
    free_seats: int
    address: str
    location: GeoPoint | None
    created_at: datetime
    distance_km: float | None = None

    @classmethod
    def of(cls, job: Job, subcategory_name: str, distance_km: float | None) -> FeedJob:
        s = job.schedule
        return cls(
            id=job.id,
            client_id=job.client_id,
            title=job.title,
            description=job.description,
            industry_id=job.industry_id,
            subcategory_id=job.subcategory_id,
            subcategory_name=subcategory_name,
            shift_type=job.shift_type,
            job_type=s.job_type,
            start_date=s.start_date,
            end_date=s.end_date,
            start_time=s.start_time,
            end_time=s.end_time,
            timezone=s.timezone,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            hourly_rate=job.pricing.hourly_rate,
            worker_pay=job.pricing.worker_pay,
            seats=job.seats,
            free_seats=job.free_seats,
            address=job.address,
            location=job.location,
            created_at=job.created_at,
            distance_km=distance_km,
        )


@frozen
class ApplicationRef:
    """The viewer's own application to a job."""

    id: int
    status: ApplicationStatus


class FeedQuery(Protocol):
    async def page(
        self,
        criteria: FeedCriteria,
        sort: FeedSort,
        *,
        after: FeedKey | None = None,
        offset: int = 0,
        limit: int,
    ) -> list[FeedJob]:
        """At most ``limit`` matching jobs in ``sort`` order (not BEST_MATCH; see module)."""
        ...

    async def applications_of(self, applicant_id: int) -> dict[int, ApplicationRef]:
        """The applicant's applications to every job, by job id (one statement): the read
        model ``FeedUseCases.my_applications`` caches per user."""
        ...
