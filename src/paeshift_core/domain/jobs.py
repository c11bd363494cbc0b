"""Jobs and their status machine (DOMAIN.md Jobs).

``pending → upcoming → ongoing → completed``; ``pending | upcoming → canceled``. Any other
transition raises :class:`Conflict` naming the current and the requested status.

The job is also the consistency boundary of its seats: every change that takes or gives back
a seat (accept, late withdrawal, start, no-show, end) goes through a :class:`Job` method that
moves the application and ``accepted_count`` together, so ``accepted_count`` always equals the
number of the job's applications that hold a seat (``accepted`` or ``ongoing``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs
from attrs import define, field, frozen

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.applications import Application, ApplicationStatus
from paeshift_core.domain.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.marketplace_events import (
    JobCanceled,
    JobCreated,
    JobDeleted,
    JobEdited,
    JobFunded,
    ShiftEnded,
    ShiftStarted,
)
from paeshift_core.domain.money import Money
from paeshift_core.domain.pricing import Pricing
from paeshift_core.domain.schedule import Schedule, parse_choice
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


#: The statuses of a job whose shifts are still worked (funded, not yet completed).
SHIFT_STATUSES = frozenset({JobStatus.UPCOMING, JobStatus.ONGOING})

JOB_TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.PENDING: frozenset({JobStatus.UPCOMING, JobStatus.CANCELED}),
    JobStatus.UPCOMING: frozenset({JobStatus.ONGOING, JobStatus.CANCELED}),
    JobStatus.ONGOING: frozenset({JobStatus.COMPLETED}),
    JobStatus.COMPLETED: frozenset(),
    JobStatus.CANCELED: frozenset(),
}


def _shift_type(value: str) -> ShiftType:
    return parse_choice(ShiftType, "shift_type", value)


def job_title(value: str) -> str:
    return bounded_text("title", value, min_len=3, max_len=120)


def job_description(value: str) -> str:
    return bounded_text("description", value, max_len=5000)


def job_address(value: str) -> str:
    return bounded_text("address", value, min_len=3, max_len=300)


@frozen(kw_only=True)
class JobTerms:
    """What a client decides about a job: everything that is fixed at creation and may be
    edited while the job is ``pending``. Validated on construction (fields named in errors)."""

    title: str = field(converter=job_title)
    description: str = field(converter=job_description)
    industry_id: int
    subcategory_id: int
    shift_type: ShiftType = field(converter=_shift_type)
    schedule: Schedule
    pricing: Pricing
    address: str = field(converter=job_address)
    location: GeoPoint | None = None


@define(eq=False, kw_only=True)
class Job(Aggregate):
    """A shift (or a run of daily shifts) posted by a client.

    ``accepted_count`` is the number of seats held right now by accepted or ongoing
    applications (so it drops back to 0 when the shift ends and every worker is completed or a
    no-show). It lives on the job so that taking the last seat is serialised by the job's
    version (and by ``FOR UPDATE`` in SQL): accepted applications never exceed ``seats``.
    """

    client_id: int
    title: str = field(converter=job_title)
    description: str = field(converter=job_description)
    industry_id: int
    subcategory_id: int
    shift_type: ShiftType = field(converter=_shift_type)
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

    # -- creation and editing (pending only) ---------------------------------------------
    @classmethod
    def post(cls, *, job_id: int, client_id: int, terms: JobTerms, now: datetime) -> Job:
        """A new ``pending`` job; its first shift must not have started yet."""
        _require_future(terms, now)
        job = cls(
            id=job_id,
            client_id=client_id,
            created_at=now,
            updated_at=now,
            **attrs.asdict(terms, recurse=False),
        )
        job.record(
            JobCreated(
                occurred_at=now,
                job_id=job.id,
                client_id=client_id,
                total_due=terms.pricing.total_due,
            )
        )
        return job

    def revise(self, terms: JobTerms, now: datetime) -> None:
        """Replace the terms (pricing recomputed by the caller); only while ``pending``."""
        self.require_status(JobStatus.PENDING, action="edit")
        _require_future(terms, now)
        for name, value in attrs.asdict(terms, recurse=False).items():
            setattr(self, name, value)
        self.updated_at = now
        self.record(
            JobEdited(
                occurred_at=now,
                job_id=self.id,
                client_id=self.client_id,
                total_due=terms.pricing.total_due,
            )
        )

    def discard(self, now: datetime) -> None:
        """Mark for hard deletion: only an unfunded (``pending``) job may disappear."""
        self.require_status(JobStatus.PENDING, action="delete")
        self.record(JobDeleted(occurred_at=now, job_id=self.id, client_id=self.client_id))

    # -- reading -------------------------------------------------------------------------
    @property
    def seats(self) -> int:
        return self.pricing.seats

    @property
    def free_seats(self) -> int:
        return self.seats - self.accepted_count

    @property
    def is_public(self) -> bool:
        """Pending jobs are invisible to everyone but their client (and admins)."""
        return self.status is not JobStatus.PENDING

    # -- status machine ------------------------------------------------------------------
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
        """Escrow holds ``total_due``: the job becomes ``upcoming`` (once; funding twice is a
        :class:`Conflict`). Called by the money part's funding use case in the same unit of
        work as the ledger posting."""
        self._move(JobStatus.UPCOMING, now)
        self.funded_at = now
        self.record(
            JobFunded(
                occurred_at=now,
                job_id=self.id,
                client_id=self.client_id,
                total_due=self.pricing.total_due,
            )
        )

    def cancel(self, now: datetime, *, canceled_by: int) -> None:
        """``pending | upcoming → canceled``; applications keep their status (the refund and
        the notifications of applied and accepted workers follow from the event)."""
        was_funded = self.status is JobStatus.UPCOMING
        self._move(JobStatus.CANCELED, now)
        self.canceled_at = now
        self.record(
            JobCanceled(
                occurred_at=now,
                job_id=self.id,
                client_id=self.client_id,
                canceled_by=canceled_by,
                was_funded=was_funded,
            )
        )

    def start(
        self, now: datetime, max_lead: timedelta, applications: Iterable[Application]
    ) -> None:
        """Start the shift: needs an accepted worker and a start at most ``max_lead`` away.

        Every accepted application of the job becomes ``ongoing`` (it keeps its seat).
        """
        mine = self._own(applications)
        self.require_status(JobStatus.UPCOMING, action="start")
        if self.accepted_count == 0:
            raise RuleViolation("no accepted worker to start the shift with", code="no_workers")
        if self.schedule.starts_at - now > max_lead:
            raise RuleViolation(
                f"the shift can start at most {max_lead} before its scheduled start",
                code="too_early",
            )
        for application in mine:
            if application.status is ApplicationStatus.ACCEPTED:
                application.start(now)
        self._move(JobStatus.ONGOING, now)
        self.started_at = now
        self.record(ShiftStarted(occurred_at=now, job_id=self.id, client_id=self.client_id))

    def end(self, now: datetime, applications: Iterable[Application]) -> None:
        """End the shift: ongoing workers complete and give their seat back; no-shows stay
        ``no_show``. Settlement runs in the same unit of work (application layer)."""
        mine = self._own(applications)
        self.require_status(JobStatus.ONGOING, action="end")
        for application in mine:
            if application.status is ApplicationStatus.ONGOING:
                application.complete(now)
                self.release_seat()
        self._move(JobStatus.COMPLETED, now)
        self.ended_at = now
        self.record(ShiftEnded(occurred_at=now, job_id=self.id, client_id=self.client_id))

    # -- seats: the job's side of an application's change ---------------------------------
    def _own(self, applications: Iterable[Application]) -> list[Application]:
        mine = list(applications)
        for application in mine:
            self._check_own(application)
        return mine

    def _check_own(self, application: Application) -> None:
        if application.job_id != self.id:
            raise Conflict(
                f"application {application.id} is not for job {self.id}", code="wrong_job"
            )

    def require_open_for(self, applicant_id: int) -> None:
        """Applying needs an ``upcoming`` job with a free seat, never one's own job."""
        if applicant_id == self.client_id:
            raise PermissionDenied("you cannot apply to your own job", code="own_job")
        self.require_status(JobStatus.UPCOMING, action="apply to")
        self._require_free_seat()

    def _require_free_seat(self) -> None:
        if self.free_seats <= 0:
            raise RuleViolation(f"job {self.id} has no free seat", code="job_full")

    def accept(self, application: Application, now: datetime) -> None:
        """Accept while ``upcoming``, taking a seat (never more than ``seats``)."""
        self._check_own(application)
        self.require_status(JobStatus.UPCOMING, action="accept applications of")
        application.require_can_become(ApplicationStatus.ACCEPTED)
        self._require_free_seat()
        application.accept(now)
        self.take_seat()
        self.updated_at = now

    def reject(self, application: Application, now: datetime) -> None:
        self._check_own(application)
        self.require_status(JobStatus.UPCOMING, action="reject applications of")
        application.reject(now)

    def withdraw(self, application: Application, now: datetime) -> None:
        """The worker withdraws before the shift starts (job ``upcoming``); an accepted
        worker gives the seat back and the withdrawal is late (reliability)."""
        self._check_own(application)
        self.require_status(JobStatus.UPCOMING, action="withdraw from")
        held = application.holds_seat
        application.withdraw(now)
        if held:
            self.release_seat()
            self.updated_at = now

    def mark_no_show(self, application: Application, now: datetime) -> None:
        """The client marks an ``ongoing`` worker absent before ending: the seat is freed
        (it is refunded at settlement)."""
        self._check_own(application)
        self.require_status(JobStatus.ONGOING, action="mark no-shows on")
        application.mark_no_show(now)
        self.release_seat()
        self.updated_at = now

    def take_seat(self) -> None:
        self._require_free_seat()
        self.accepted_count += 1

    def release_seat(self) -> None:
        if self.accepted_count <= 0:
            raise Conflict(f"job {self.id} holds no seat to release", code="no_seat_held")
        self.accepted_count -= 1


@frozen
class JobSummary:
    """What an applicant's list of applications shows of each job: a repository reads just
    these columns (building the whole :class:`Job` was a quarter of that list's CPU)."""

    id: int
    client_id: int
    title: str
    status: JobStatus
    shift_type: ShiftType
    address: str
    starts_at: datetime
    ends_at: datetime
    worker_pay: Money

    @classmethod
    def of(cls, job: Job) -> JobSummary:
        return cls(
            id=job.id,
            client_id=job.client_id,
            title=job.title,
            status=job.status,
            shift_type=job.shift_type,
            address=job.address,
            starts_at=job.schedule.starts_at,
            ends_at=job.schedule.ends_at,
            worker_pay=job.pricing.worker_pay,
        )


def _require_future(terms: JobTerms, now: datetime) -> None:
    if terms.schedule.starts_at <= now:
        raise InvalidInput("start_date", "the first shift must start in the future")
