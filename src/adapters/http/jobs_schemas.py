"""Job request and response bodies (DOMAIN.md Jobs)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal, TypeVar

import msgspec

from adapters.http.schema_base import Id, Input, MoneyIn, MoneyOut, Output
from paeshift_core.application.jobs import ClientJobRow, JobDetail, JobDraft
from paeshift_core.domain.applications import ApplicationCounts, ApplicationStatus
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.jobs import Job

T = TypeVar("T")

JobTypeName = Literal["single_day", "multiple_days"]
ShiftTypeName = Literal["morning", "afternoon", "evening", "night", "day", "flexible"]
Title = Annotated[str, msgspec.Meta(min_length=3, max_length=120)]
Description = Annotated[str, msgspec.Meta(max_length=5000)]
Address = Annotated[str, msgspec.Meta(min_length=3, max_length=300)]
Seats = Annotated[int, msgspec.Meta(ge=1, le=100)]
#: Local wall-clock time in whole minutes, ``HH:MM`` (``HH:MM:00`` accepted).
LocalTime = Annotated[
    str,
    msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9](:00)?$", examples=["09:00"]),
]
Timezone = Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["Africa/Lagos"])]


class PointIn(Input):
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)]

    def to_point(self) -> GeoPoint:
        return GeoPoint(self.latitude, self.longitude)


class PointOut(Output):
    latitude: float
    longitude: float

    @classmethod
    def of(cls, point: GeoPoint | None) -> PointOut | None:
        return None if point is None else cls(latitude=point.latitude, longitude=point.longitude)


class JobIn(Input):
    """A new job; times are local to ``timezone`` (default Africa/Lagos), ``HH:MM``."""

    title: Title
    industry_id: Id
    subcategory_id: Id
    job_type: JobTypeName
    shift_type: ShiftTypeName
    start_date: date
    end_date: date
    start_time: LocalTime
    end_time: LocalTime
    applicants_needed: Seats
    hourly_rate: MoneyIn
    address: Address
    description: Description = ""
    location: PointIn | None = None
    timezone: Timezone | None = None

    def to_draft(self) -> JobDraft:
        return JobDraft(
            title=self.title,
            description=self.description,
            industry_id=self.industry_id,
            subcategory_id=self.subcategory_id,
            job_type=self.job_type,
            shift_type=self.shift_type,
            start_date=self.start_date,
            end_date=self.end_date,
            start_time=time.fromisoformat(self.start_time),
            end_time=time.fromisoformat(self.end_time),
            applicants_needed=self.applicants_needed,
            hourly_rate=self.hourly_rate.to_money(),
            address=self.address,
            location=self.location.to_point() if self.location is not None else None,
            timezone=self.timezone,
        )


class JobPatchIn(Input):
    """Only the given fields change (the job must still be ``pending``)."""

    title: Title | None = None
    description: Description | None = None
    industry_id: Id | None = None
    subcategory_id: Id | None = None
    job_type: JobTypeName | None = None
    shift_type: ShiftTypeName | None = None
    start_date: date | None = None
    end_date: date | None = None
    start_time: LocalTime | None = None
    end_time: LocalTime | None = None
    applicants_needed: Seats | None = None
    hourly_rate: MoneyIn | None = None
    address: Address | None = None
    location: PointIn | None = None
    timezone: Timezone | None = None

    def apply_to(self, draft: JobDraft) -> JobDraft:
        """The draft with the given fields replaced (PATCH over the current terms)."""
        return JobDraft(
            title=_given(self.title, draft.title),
            description=_given(self.description, draft.description),
            industry_id=_given(self.industry_id, draft.industry_id),
            subcategory_id=_given(self.subcategory_id, draft.subcategory_id),
            job_type=_given(self.job_type, draft.job_type),
            shift_type=_given(self.shift_type, draft.shift_type),
            start_date=_given(self.start_date, draft.start_date),
            end_date=_given(self.end_date, draft.end_date),
            start_time=_given(_local_time(self.start_time), draft.start_time),
            end_time=_given(_local_time(self.end_time), draft.end_time),
            applicants_needed=_given(self.applicants_needed, draft.applicants_needed),
            hourly_rate=(
                self.hourly_rate.to_money() if self.hourly_rate is not None else draft.hourly_rate
            ),
            address=_given(self.address, draft.address),
            location=self.location.to_point() if self.location is not None else draft.location,
            timezone=_given(self.timezone, draft.timezone),
        )


def _local_time(value: str | None) -> time | None:
    return None if value is None else time.fromisoformat(value)


def _given(new: T | None, old: T) -> T:
    return old if new is None else new


class ScheduleOut(Output):
    job_type: str
    start_date: date
    end_date: date
    start_time: time
    end_time: time
    timezone: str
    starts_at: datetime
    ends_at: datetime
    days: int
    billable_minutes: int


class PricingOut(Output):
    hourly_rate: MoneyOut
    worker_pay: MoneyOut
    job_cost: MoneyOut
    service_fee: MoneyOut
    total_due: MoneyOut
    fee_rate_bp: int


class CountsOut(Output):
    applicants: int
    by_status: dict[str, int]

    @classmethod
    def of(cls, counts: ApplicationCounts) -> CountsOut:
        return cls(
            applicants=counts.applicants,
            by_status={s.value: n for s, n in counts.by_status.items() if n},
        )


class JobOut(Output):
    id: int
    client_id: int
    title: str
    description: str
    industry_id: int
    subcategory_id: int
    shift_type: str
    status: str
    schedule: ScheduleOut
    pricing: PricingOut
    seats: int
    accepted_count: int
    address: str
    location: PointOut | None
    created_at: datetime
    updated_at: datetime
    funded_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    canceled_at: datetime | None

    @classmethod
    def of(cls, job: Job) -> JobOut:
        s, p = job.schedule, job.pricing
        return cls(
            id=job.id,
            client_id=job.client_id,
            title=job.title,
            description=job.description,
            industry_id=job.industry_id,
            subcategory_id=job.subcategory_id,
            shift_type=job.shift_type.value,
            status=job.status.value,
            schedule=ScheduleOut(
                job_type=s.job_type.value,
                start_date=s.start_date,
                end_date=s.end_date,
                start_time=s.start_time,
                end_time=s.end_time,
                timezone=s.timezone,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                days=s.days,
                billable_minutes=s.billable_minutes,
            ),
            pricing=PricingOut(
                hourly_rate=MoneyOut.of(p.hourly_rate),
                worker_pay=MoneyOut.of(p.worker_pay),
                job_cost=MoneyOut.of(p.job_cost),
                service_fee=MoneyOut.of(p.service_fee),
                total_due=MoneyOut.of(p.total_due),
                fee_rate_bp=p.fee_rate_bp,
            ),
            seats=job.seats,
            accepted_count=job.accepted_count,
            address=job.address,
            location=PointOut.of(job.location),
            created_at=job.created_at,
            updated_at=job.updated_at,
            funded_at=job.funded_at,
            started_at=job.started_at,
            ended_at=job.ended_at,
            canceled_at=job.canceled_at,
        )


class MyApplicationRef(Output):
    id: int
    status: str


class JobDetailOut(Output):
    job: JobOut
    counts: CountsOut
    my_application: MyApplicationRef | None

    @classmethod
    def of(cls, detail: JobDetail) -> JobDetailOut:
        mine = detail.my_application
        return cls(
            job=JobOut.of(detail.job),
            counts=CountsOut.of(detail.counts),
            my_application=(
                MyApplicationRef(id=mine.id, status=mine.status.value) if mine else None
            ),
        )


class ClientJobOut(Output):
    job: JobOut
    counts: CountsOut

    @classmethod
    def of(cls, row: ClientJobRow) -> ClientJobOut:
        return cls(job=JobOut.of(row.job), counts=CountsOut.of(row.counts))


APPLICATION_STATUSES = tuple(s.value for s in ApplicationStatus)
