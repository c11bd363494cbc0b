"""Shift schedules and billable hours (DOMAIN.md Jobs: Hours).

Hours per day are ``end_time - start_time``, plus 24 h when the shift crosses midnight
(``end_time <= start_time``; equal times mean a 24-hour shift). Billable time per worker is
hours per day times the number of days — never the continuous span from the first start to
the last end. Time is held in whole minutes so every computation stays in integers.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attrs import field, frozen

from paeshift_core.domain.errors import InvalidInput

E = TypeVar("E", bound=enum.Enum)

DEFAULT_TIMEZONE = "Africa/Lagos"
MINUTES_PER_DAY = 24 * 60


class JobType(enum.StrEnum):
    SINGLE_DAY = "single_day"
    MULTIPLE_DAYS = "multiple_days"


def parse_choice(kind: type[E], field_name: str, value: object) -> E:
    """An enum member from its value, or ``InvalidInput`` naming the field and the choices."""
    try:
        return kind(value)
    except ValueError as exc:
        allowed = ", ".join(str(member.value) for member in kind)
        raise InvalidInput(field_name, f"must be one of {allowed}") from exc


def _job_type(value: str) -> JobType:
    return parse_choice(JobType, "job_type", value)


def _check_timezone(_: object, __: object, value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput("timezone", f"unknown timezone {value!r}") from exc


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


@frozen
class Schedule:
    """When a job's shifts happen, in the job's local timezone."""

    job_type: JobType = field(converter=_job_type)
    start_date: date
    end_date: date
    start_time: time
    end_time: time
    timezone: str = field(default=DEFAULT_TIMEZONE, validator=_check_timezone)

    def __attrs_post_init__(self) -> None:
        if self.end_date < self.start_date:
            raise InvalidInput("end_date", "must not be before start_date")
        if self.job_type is JobType.SINGLE_DAY and self.end_date != self.start_date:
            raise InvalidInput("end_date", "must equal start_date for a single_day job")
        if self.job_type is JobType.MULTIPLE_DAYS and self.end_date == self.start_date:
            raise InvalidInput("end_date", "must be after start_date for a multiple_days job")
        for name, moment in (("start_time", self.start_time), ("end_time", self.end_time)):
            if moment.second or moment.microsecond or moment.tzinfo is not None:
                raise InvalidInput(name, "must be a local time in whole minutes")

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def minutes_per_day(self) -> int:
        span = _minutes(self.end_time) - _minutes(self.start_time)
        return span if span > 0 else span + MINUTES_PER_DAY

    @property
    def billable_minutes(self) -> int:
        """Billable minutes per worker: minutes per day times days."""
        return self.minutes_per_day * self.days

    @property
    def starts_at(self) -> datetime:
        """The first shift's start as an aware UTC datetime."""
        return self.shift_start(self.start_date)

    @property
    def ends_at(self) -> datetime:
        """The last shift's end as an aware UTC datetime."""
        local = datetime.combine(self.end_date, self.start_time, ZoneInfo(self.timezone))
        return (local + timedelta(minutes=self.minutes_per_day)).astimezone(UTC)

    def shift_start(self, day: date) -> datetime:
        """When ``day``'s shift starts, as an aware UTC datetime."""
        local = datetime.combine(day, self.start_time, ZoneInfo(self.timezone))
        return local.astimezone(UTC)

    def shift_starts_between(self, after: datetime, until: datetime) -> list[tuple[date, datetime]]:
        """The days of this schedule whose shift starts in ``(after, until]``, with that start
        in UTC (the shift reminders' question; any window, each day looked at once)."""
        zone = ZoneInfo(self.timezone)
        # A day's shift starts on that local day: only the local dates the window touches.
        day = max(self.start_date, after.astimezone(zone).date())
        last = min(self.end_date, until.astimezone(zone).date())
        found = []
        while day <= last:
            starts = self.shift_start(day)
            if after < starts <= until:
                found.append((day, starts))
            day += timedelta(days=1)
        return found
