"""Applications, their status machine and attendance (DOMAIN.md Applications and attendance).

``applied → accepted | rejected | withdrawn``; ``rejected → applied`` (re-apply, at most once);
``accepted → withdrawn`` (a late withdrawal, counted against reliability);
``accepted → ongoing → completed | no_show``.
"""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import define

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.errors import Conflict, RuleViolation
from paeshift_core.domain.geo import GeoPoint


class ApplicationStatus(enum.StrEnum):
    APPLIED = "applied"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    ONGOING = "ongoing"
    COMPLETED = "completed"
    NO_SHOW = "no_show"


APPLICATION_TRANSITIONS: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.APPLIED: frozenset(
        {ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN}
    ),
    ApplicationStatus.REJECTED: frozenset({ApplicationStatus.APPLIED}),
    ApplicationStatus.ACCEPTED: frozenset({ApplicationStatus.WITHDRAWN, ApplicationStatus.ONGOING}),
    ApplicationStatus.ONGOING: frozenset({ApplicationStatus.COMPLETED, ApplicationStatus.NO_SHOW}),
    ApplicationStatus.WITHDRAWN: frozenset(),
    ApplicationStatus.COMPLETED: frozenset(),
    ApplicationStatus.NO_SHOW: frozenset(),
}

#: Statuses that hold a seat on the job.
SEAT_HOLDING = frozenset({ApplicationStatus.ACCEPTED, ApplicationStatus.ONGOING})

DEFAULT_GEOFENCE_M = 500


@define(eq=False, kw_only=True)
class Application(Aggregate):
    """One applicant's application to one job (unique per job and applicant)."""

    job_id: int
    applicant_id: int
    status: ApplicationStatus = ApplicationStatus.APPLIED
    created_at: datetime
    updated_at: datetime
    reapplied: bool = False
    late_withdrawal: bool = False
    checked_in_at: datetime | None = None
    check_in_location: GeoPoint | None = None
    check_in_flagged: bool = False
    checked_out_at: datetime | None = None
    check_out_location: GeoPoint | None = None

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING

    def _move(self, to: ApplicationStatus, now: datetime) -> None:
        if to not in APPLICATION_TRANSITIONS[self.status]:
            raise Conflict(
                f"application {self.id} is {self.status.value}; it cannot become {to.value}",
                code="invalid_transition",
            )
        self.status = to
        self.updated_at = now

    def accept(self, now: datetime) -> None:
        self._move(ApplicationStatus.ACCEPTED, now)

    def reject(self, now: datetime) -> None:
        self._move(ApplicationStatus.REJECTED, now)

    def withdraw(self, now: datetime) -> None:
        was_accepted = self.status is ApplicationStatus.ACCEPTED
        self._move(ApplicationStatus.WITHDRAWN, now)
        self.late_withdrawal = was_accepted

    def reapply(self, now: datetime) -> None:
        if self.status is ApplicationStatus.REJECTED and self.reapplied:
            raise RuleViolation("you may re-apply to a job only once", code="reapply_limit")
        self._move(ApplicationStatus.APPLIED, now)
        self.reapplied = True

    def start(self, now: datetime) -> None:
        self._move(ApplicationStatus.ONGOING, now)

    def complete(self, now: datetime) -> None:
        self._move(ApplicationStatus.COMPLETED, now)

    def mark_no_show(self, now: datetime) -> None:
        self._move(ApplicationStatus.NO_SHOW, now)

    def check_in(
        self,
        now: datetime,
        location: GeoPoint | None,
        job_location: GeoPoint | None,
        geofence_m: int = DEFAULT_GEOFENCE_M,
    ) -> None:
        """Record arrival; further than ``geofence_m`` from the job is recorded but flagged."""
        if self.status not in SEAT_HOLDING:
            raise Conflict(
                f"cannot check in: application is {self.status.value}", code="invalid_transition"
            )
        if self.checked_in_at is not None:
            raise Conflict("already checked in", code="already_checked_in")
        self.checked_in_at = now
        self.check_in_location = location
        self.check_in_flagged = (
            location is not None
            and job_location is not None
            and location.distance_m(job_location) > geofence_m
        )
        self.updated_at = now

    def check_out(self, now: datetime, location: GeoPoint | None) -> None:
        if self.checked_in_at is None:
            raise Conflict("check in before checking out", code="not_checked_in")
        if self.checked_out_at is not None:
            raise Conflict("already checked out", code="already_checked_out")
        self.checked_out_at = now
        self.check_out_location = location
        self.updated_at = now
