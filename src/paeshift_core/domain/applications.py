"""Applications, their status machine and attendance (DOMAIN.md Applications and attendance).

``applied → accepted | rejected | withdrawn``; ``rejected → applied`` (re-apply, at most once);
``accepted → withdrawn`` (a late withdrawal, counted against reliability);
``accepted → ongoing → completed | no_show``.

Changes that also move a seat (accept, withdraw, start, no-show, end) are driven through the
:class:`~paeshift_core.domain.jobs.Job` methods of the same name, which keep the job's
``accepted_count`` in step; the methods here check the application's own transition and
record its event.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from attrs import define, field, frozen

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.errors import Conflict, RuleViolation
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.marketplace_events import (
    ApplicationAccepted,
    ApplicationRejected,
    ApplicationStarted,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    ShiftWorked,
    WorkerCheckedIn,
    WorkerCheckedOut,
    WorkerMarkedNoShow,
)


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

#: A worker checks out from a started shift, or right after the client ended it.
CHECK_OUT_STATUSES = frozenset({ApplicationStatus.ONGOING, ApplicationStatus.COMPLETED})

DEFAULT_GEOFENCE_M = 500

#: Applications that were accepted at some point and did not withdraw: the job's workers.
ACCEPTED_EVER = frozenset(
    {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.ONGOING,
        ApplicationStatus.COMPLETED,
        ApplicationStatus.NO_SHOW,
    }
)


@frozen
class ApplicationCounts:
    """How many of a job's applications are in each status (a client's job list, DOMAIN.md
    Saved jobs and the feed: per-job counts applied and accepted)."""

    by_status: Mapping[ApplicationStatus, int] = field(factory=dict)

    def of(self, statuses: Iterable[ApplicationStatus]) -> int:
        return sum(self.by_status.get(s, 0) for s in statuses)

    @property
    def applicants(self) -> int:
        """Everyone who applied and did not withdraw."""
        return self.of(s for s in ApplicationStatus if s is not ApplicationStatus.WITHDRAWN)

    @property
    def awaiting_decision(self) -> int:
        return self.of([ApplicationStatus.APPLIED])

    @property
    def accepted(self) -> int:
        """Workers accepted for the job, including those who then worked or did not show."""
        return self.of(ACCEPTED_EVER)


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

    @classmethod
    def submit(
        cls, *, application_id: int, job_id: int, applicant_id: int, now: datetime
    ) -> Application:
        """A new application; the job's side (open, free seat, not one's own) is checked by
        ``Job.require_open_for`` first."""
        application = cls(
            id=application_id,
            job_id=job_id,
            applicant_id=applicant_id,
            created_at=now,
            updated_at=now,
        )
        application.record(
            ApplicationSubmitted(
                occurred_at=now,
                application_id=application_id,
                job_id=job_id,
                applicant_id=applicant_id,
                reapplied=False,
            )
        )
        return application

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING

    def _ids(self, now: datetime) -> dict[str, Any]:
        return {
            "occurred_at": now,
            "application_id": self.id,
            "job_id": self.job_id,
            "applicant_id": self.applicant_id,
        }

    def require_can_become(self, to: ApplicationStatus) -> None:
        if to not in APPLICATION_TRANSITIONS[self.status]:
            raise Conflict(
                f"application {self.id} is {self.status.value}; it cannot become {to.value}",
                code="invalid_transition",
            )

    def _move(self, to: ApplicationStatus, now: datetime) -> None:
        self.require_can_become(to)
        self.status = to
        self.updated_at = now

    def accept(self, now: datetime) -> None:
        self._move(ApplicationStatus.ACCEPTED, now)
        self.record(ApplicationAccepted(**self._ids(now)))

    def reject(self, now: datetime) -> None:
        self._move(ApplicationStatus.REJECTED, now)
        self.record(ApplicationRejected(**self._ids(now)))

    def withdraw(self, now: datetime) -> None:
        was_accepted = self.status is ApplicationStatus.ACCEPTED
        self._move(ApplicationStatus.WITHDRAWN, now)
        self.late_withdrawal = was_accepted
        self.record(ApplicationWithdrawn(**self._ids(now), late=was_accepted))

    def reapply(self, now: datetime) -> None:
        """``rejected → applied``, once per application (DOMAIN.md: at most once)."""
        if self.status is ApplicationStatus.REJECTED and self.reapplied:
            raise RuleViolation("you may re-apply to a job only once", code="reapply_limit")
        self._move(ApplicationStatus.APPLIED, now)
        self.reapplied = True
        self.record(ApplicationSubmitted(**self._ids(now), reapplied=True))

    def start(self, now: datetime) -> None:
        self._move(ApplicationStatus.ONGOING, now)
        self.record(ApplicationStarted(**self._ids(now)))

    def complete(self, now: datetime) -> None:
        self._move(ApplicationStatus.COMPLETED, now)
        self.record(ShiftWorked(**self._ids(now)))

    def mark_no_show(self, now: datetime) -> None:
        self._move(ApplicationStatus.NO_SHOW, now)
        self.record(WorkerMarkedNoShow(**self._ids(now)))

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
        self.record(WorkerCheckedIn(**self._ids(now), flagged=self.check_in_flagged))

    def check_out(self, now: datetime, location: GeoPoint | None) -> None:
        """Record departure from a started shift (also just after the client ended it)."""
        if self.status not in CHECK_OUT_STATUSES:
            raise Conflict(
                f"cannot check out: application is {self.status.value}", code="invalid_transition"
            )
        if self.checked_in_at is None:
            raise Conflict("check in before checking out", code="not_checked_in")
        if self.checked_out_at is not None:
            raise Conflict("already checked out", code="already_checked_out")
        self.checked_out_at = now
        self.check_out_location = location
        self.updated_at = now
        self.record(WorkerCheckedOut(**self._ids(now)))
