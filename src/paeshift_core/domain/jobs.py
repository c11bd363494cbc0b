"""Jobs and their status machine (DOMAIN.md Jobs).

``pending → upcoming → ongoing → completed``; ``pending | upcoming → canceled``. Any other
transition raises :class:`Conflict` naming the current and the requested status.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from attrs import define, field

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.errors import Conflict, RuleViolation
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.pricing import Pricing
from paeshift_core.domain.schedule import Schedule
from paeshift_core.domain.text import bounded_text


class JobStatus(enum.StrEnum):
    PENDING = "pending"
    UPCOMING = "upcoming"
    ONGOING = "ongoing"
    COMPLETED = "completed"
    CANCELED = "canceled"


class ShiftType(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    NIGHT = "night"
    DAY = "day"
    FLEXIBLE = "flexible"


JOB_TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.PENDING: frozenset({JobStatus.UPCOMING, JobStatus.CANCELED}),
    JobStatus.UPCOMING: frozenset({JobStatus.ONGOING, JobStatus.CANCELED}),
    JobStatus.ONGOING: frozenset({JobStatus.COMPLETED}),
    JobStatus.COMPLETED: frozenset(),
    JobStatus.CANCELED: frozenset(),
}


def job_title(value: str) -> str:
    return bounded_text("title", value, min_len=3, max_len=120)


def job_description(value: str) -> str:
    return bounded_text("description", value, max_len=5000)


def job_address(value: str) -> str:
    return bounded_text("address", value, min_len=3, max_len=300)


@define(eq=False, kw_only=True)
class Job(Aggregate):
    """A shift (or a run of daily shifts) posted by a client.

    ``accepted_count`` is the number of seats taken by accepted (or ongoing) applications; it
    lives on the job so that accepting the last seat is serialised by the job's version (and
    by ``FOR UPDATE`` in SQL): accepted applications never exceed ``seats``.
    """

    client_id: int
    title: str = field(converter=job_title)
    description: str = field(converter=job_description)
    industry_id: int
    subcategory_id: int
    shift_type: ShiftType = field(converter=ShiftType)
    schedule: Schedule
    pricing: Pricing
    address: str = field(converter=job_address)
    location: GeoPoint | None = None
    status: JobStatus = JobStatus.PENDING
    accepted_count: int = 0
    created_at: datetime
    updated_at: datetime
    funded_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    canceled_at: datetime | None = None

    @property
    def seats(self) -> int:
        return self.pricing.seats

    @property
    def free_seats(self) -> int:
        return self.seats - self.accepted_count

    def _move(self, to: JobStatus, now: datetime) -> None:
        if to not in JOB_TRANSITIONS[self.status]:
            raise Conflict(
                f"job {self.id} is {self.status.value}; it cannot become {to.value}",
                code="invalid_transition",
            )
        self.status = to
        self.updated_at = now

    def require_status(self, *statuses: JobStatus, action: str) -> None:
        if self.status not in statuses:
            allowed = " or ".join(s.value for s in statuses)
            raise Conflict(
                f"cannot {action} job {self.id}: it is {self.status.value}, must be {allowed}",
                code="invalid_transition",
            )

    def mark_funded(self, now: datetime) -> None:
        self._move(JobStatus.UPCOMING, now)
        self.funded_at = now

    def cancel(self, now: datetime) -> None:
        self._move(JobStatus.CANCELED, now)
        self.canceled_at = now

    def start(self, now: datetime, max_lead: timedelta) -> None:
        """Start the shift: needs an accepted worker and a start at most ``max_lead`` away."""
        self.require_status(JobStatus.UPCOMING, action="start")
        if self.accepted_count == 0:
            raise RuleViolation("no accepted worker to start the shift with", code="no_workers")
        if self.schedule.starts_at - now > max_lead:
            raise RuleViolation(
                f"the shift can start at most {max_lead} before its scheduled start",
                code="too_early",
            )
        self._move(JobStatus.ONGOING, now)
        self.started_at = now

    def end(self, now: datetime) -> None:
        self._move(JobStatus.COMPLETED, now)
        self.ended_at = now

    def take_seat(self) -> None:
        if self.accepted_count >= self.seats:
            raise RuleViolation(f"job {self.id} has no free seat", code="job_full")
        self.accepted_count += 1

    def release_seat(self) -> None:
        if self.accepted_count > 0:
            self.accepted_count -= 1
