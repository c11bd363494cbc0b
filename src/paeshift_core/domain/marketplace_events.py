"""Domain events of the marketplace: jobs, applications and attendance.

Recorded by :class:`~paeshift_core.domain.jobs.Job` and
:class:`~paeshift_core.domain.applications.Application` state changes and written to the
outbox with the change. Notification, gamification and cache handlers react to them after
commit (DOMAIN.md Notifications: application received / accepted / rejected / withdrawn, job
funded, shift started / ended, job canceled). They carry ids and values only; a handler that
needs more (e.g. a job's client to notify about an application) loads it.
"""

from __future__ import annotations

from attrs import frozen

from paeshift_core.domain.events import DomainEvent
from paeshift_core.domain.money import Money


@frozen(kw_only=True)
class JobEvent(DomainEvent):
    job_id: int
    client_id: int


@frozen(kw_only=True)
class JobCreated(JobEvent):
    total_due: Money


@frozen(kw_only=True)
class JobEdited(JobEvent):
    total_due: Money


@frozen(kw_only=True)
class JobDeleted(JobEvent):
    pass


@frozen(kw_only=True)
class JobFunded(JobEvent):
    total_due: Money


@frozen(kw_only=True)
class JobCanceled(JobEvent):
    """``canceled_by`` is the client or an admin; ``was_funded`` tells if escrow held money."""

    canceled_by: int
    was_funded: bool


@frozen(kw_only=True)
class ShiftStarted(JobEvent):
    pass


@frozen(kw_only=True)
class ShiftEnded(JobEvent):
    pass


@frozen(kw_only=True)
class ApplicationEvent(DomainEvent):
    application_id: int
    job_id: int
    applicant_id: int


@frozen(kw_only=True)
class ApplicationSubmitted(ApplicationEvent):
    """A new application, or a re-application after a rejection (``reapplied``)."""

    reapplied: bool


@frozen(kw_only=True)
class ApplicationAccepted(ApplicationEvent):
    pass


@frozen(kw_only=True)
class ApplicationRejected(ApplicationEvent):
    pass


@frozen(kw_only=True)
class ApplicationWithdrawn(ApplicationEvent):
    """``late`` when the worker had been accepted (counts against reliability)."""

    late: bool


@frozen(kw_only=True)
class ApplicationStarted(ApplicationEvent):
    """An accepted worker's shift started (``accepted → ongoing``, when the job starts)."""


@frozen(kw_only=True)
class WorkerCheckedIn(ApplicationEvent):
    flagged: bool


@frozen(kw_only=True)
class WorkerCheckedOut(ApplicationEvent):
    pass


@frozen(kw_only=True)
class WorkerMarkedNoShow(ApplicationEvent):
    pass


@frozen(kw_only=True)
class ShiftWorked(ApplicationEvent):
    """The worker's assignment completed when the shift ended (points, pay, reviews)."""
