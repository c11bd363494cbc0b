"""Repositories: one per aggregate, async, loading and saving whole aggregates.

``get`` raises ``NotFound``; ``find_*`` returns ``None``. ``for_update=True`` asks the adapter
to lock the row until commit (``SELECT … FOR UPDATE``) where the domain expects contention.
Aggregates loaded or added through a repository are tracked by the unit of work, which saves
changes and collects their events on commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from paeshift_core.domain.applications import Application, ApplicationCounts, ApplicationStatus
from paeshift_core.domain.catalog import Industry
from paeshift_core.domain.codes import CodeAttempts, CodePurpose, OneTimeCode
from paeshift_core.domain.disputes import Dispute, DisputeStatus
from paeshift_core.domain.jobs import Job, JobStatus, JobSummary
from paeshift_core.domain.payments import PaymentIntent, Withdrawal
from paeshift_core.domain.reliability import Reliability
from paeshift_core.domain.saved_jobs import SavedJob
from paeshift_core.domain.tokens import RefreshToken
from paeshift_core.domain.users import User


class UserRepository(Protocol):
    async def add(self, user: User) -> None: ...

    async def get(self, user_id: int, *, for_update: bool = False) -> User: ...

    async def find_by_email(self, email: str) -> User | None: ...

    async def get_many(self, user_ids: Sequence[int]) -> dict[int, User]: ...


class OneTimeCodeRepository(Protocol):
    async def add(self, code: OneTimeCode) -> None: ...

    async def find_current(self, email: str, purpose: CodePurpose) -> OneTimeCode | None:
        """The newest code of that e-mail and purpose, live or not."""
        ...

    async def find_attempts(self, email: str) -> CodeAttempts | None: ...

    async def add_attempts(self, attempts: CodeAttempts) -> None: ...

    async def delete_expired(self, before: datetime) -> int:
        """Delete codes that expired before the instant (periodic clean-up); how many."""
        ...


class RefreshTokenRepository(Protocol):
    async def add(self, token: RefreshToken) -> None: ...

    async def find_by_hash(self, token_hash: str) -> RefreshToken | None: ...

    async def list_family(self, family_id: int) -> list[RefreshToken]: ...

    async def list_live_for_user(self, user_id: int) -> list[RefreshToken]: ...

    async def delete_expired(self, before: datetime) -> int:
        """Delete tokens that expired before the instant (periodic clean-up); how many."""
        ...


class CatalogRepository(Protocol):
    async def add(self, industry: Industry) -> None: ...

    async def get(self, industry_id: int, *, for_update: bool = False) -> Industry: ...

    async def list_all(self) -> list[Industry]: ...


#: Keyset position ``(created_at, id)`` of the last row of the previous page (newest first).
After = tuple[datetime, int]


class JobRepository(Protocol):
    async def add(self, job: Job) -> None: ...

    async def get(self, job_id: int, *, for_update: bool = False) -> Job: ...

    async def delete(self, job: Job) -> None: ...

    async def get_many(self, job_ids: Sequence[int]) -> dict[int, Job]:
        """The jobs that exist among ``job_ids`` (one ``WHERE id IN`` statement)."""
        ...

    async def get_with_counts(self, job_id: int) -> tuple[Job, ApplicationCounts]:
        """The job and its applications counted by status, in one statement (a job's detail:
        half the statements of ``get`` then ``count_by_job``). NotFound if it does not exist."""
        ...

    async def list_for_client(
        self,
        client_id: int,
        *,
        statuses: frozenset[JobStatus] | None,
        after: After | None,
        limit: int,
    ) -> list[Job]:
        """A client's jobs newest first by ``(created_at, id)``, strictly after ``after``,
        optionally only in ``statuses``; at most ``limit`` rows (index jobs(client_id,
        created_at, id))."""
        ...

    async def list_in_status_before(
        self,
        status: JobStatus,
        *,
        starts_before: datetime | None = None,
        ends_before: datetime | None = None,
        limit: int,
    ) -> list[Job]:
        """Jobs in ``status`` whose first shift starts (or last shift ends) before the given
        instant, oldest first; for the periodic auto-complete / auto-cancel tasks (index
        jobs(status, starts_at) and jobs(status, ends_at))."""
        ...

    async def list_with_shift_starting(self, after: datetime, until: datetime) -> list[Job]:
        """Upcoming and ongoing jobs with a day's shift starting in ``(after, until]`` (see
        ``Schedule.shift_starts_between``), by id; for the shift reminders, whose window is
        an hour: all of them, as every one is due (index jobs(status, starts_at))."""
        ...


class ApplicationRepository(Protocol):
    async def add(self, application: Application) -> None: ...

    async def get(self, application_id: int, *, for_update: bool = False) -> Application: ...

    async def find(self, job_id: int, applicant_id: int) -> Application | None: ...

    async def list_for_job(self, job_id: int) -> list[Application]: ...

    async def page_for_job(
        self, job_id: int, *, after: After | None, limit: int
    ) -> list[Application]:
        """A job's applications newest first by ``(created_at, id)`` after ``after``."""
        ...

    async def list_for_applicant(
        self,
        applicant_id: int,
        *,
        statuses: frozenset[ApplicationStatus] | None,
        after: After | None,
        limit: int,
    ) -> list[tuple[Application, JobSummary]]:
        """An applicant's applications newest first by ``(created_at, id)`` after ``after``,
        optionally only in ``statuses``, each with its job's summary, in one read (index
        applications(applicant_id, created_at, id); "my applications" was two statements)."""
        ...

    async def count_by_job(self, job_ids: Sequence[int]) -> dict[int, ApplicationCounts]:
        """Counts per status of each job's applications, in one grouped statement
        (``GROUP BY job_id, status``); jobs without applications get empty counts."""
        ...

    async def reliability_of(self, applicant_ids: Sequence[int]) -> dict[int, Reliability]:
        """Each applicant's reliability basis (completed, no-shows, late withdrawals) in one
        grouped statement; applicants without history get zero counts."""
        ...


class PaymentIntentRepository(Protocol):
    """Payment intents; ``reference`` is unique (a database constraint)."""

    async def add(self, intent: PaymentIntent) -> None: ...

    async def get(self, intent_id: int, *, for_update: bool = False) -> PaymentIntent: ...

    async def find_by_reference(
        self, reference: str, *, for_update: bool = False
    ) -> PaymentIntent | None: ...

    async def list_for_job(self, job_id: int) -> list[PaymentIntent]: ...

    async def page_for_job(
        self, job_id: int, *, after: After | None, limit: int
    ) -> list[PaymentIntent]:
        """A job's intents newest first by ``(created_at, id)`` strictly after ``after``, at
        most ``limit`` (index payment_intents(job_id, created_at, id))."""
        ...

    async def page_for_payer(
        self, payer_id: int, *, after: After | None, limit: int
    ) -> list[PaymentIntent]:
        """A payer's intents newest first by ``(created_at, id)`` strictly after ``after``, at
        most ``limit`` (index payment_intents(payer_id, created_at, id))."""
        ...

    async def list_pending(self, *, created_before: datetime, limit: int) -> list[PaymentIntent]:
        """Intents still ``pending`` created before the instant, oldest first (the periodic
        reconciliation with the gateway)."""
        ...


class WithdrawalRepository(Protocol):
    """Withdrawals; ``reference`` is unique (a database constraint)."""

    async def add(self, withdrawal: Withdrawal) -> None: ...

    async def get(self, withdrawal_id: int, *, for_update: bool = False) -> Withdrawal: ...

    async def find_by_reference(self, reference: str) -> Withdrawal | None: ...

    async def list_for_user_since(self, user_id: int, since: datetime) -> list[Withdrawal]:
        """A user's withdrawals created at or after ``since`` (the daily limits)."""
        ...

    async def list_unfinished(self, *, created_before: datetime, limit: int) -> list[Withdrawal]:
        """Withdrawals still ``requested`` or ``processing`` created before the instant,
        oldest first (the periodic payout check)."""
        ...


class DisputeRepository(Protocol):
    """Disputes; at most one active (open or in review) per application (a constraint)."""

    async def add(self, dispute: Dispute) -> None: ...

    async def get(self, dispute_id: int, *, for_update: bool = False) -> Dispute: ...

    async def find_active_for_application(self, application_id: int) -> Dispute | None: ...

    async def list_for_job(self, job_id: int) -> list[Dispute]: ...

    async def list_for_party(
        self, user_id: int, *, after: After | None, limit: int
    ) -> list[Dispute]:
        """Disputes where the user is the worker or the client, newest first by
        ``(created_at, id)`` after ``after`` (indexes disputes(worker_id|client_id,
        created_at, id))."""
        ...

    async def list_by_status(
        self, statuses: frozenset[DisputeStatus] | None, *, after: After | None, limit: int
    ) -> list[Dispute]:
        """All disputes (the admins' queue), optionally only in ``statuses``, newest first
        by ``(created_at, id)`` after ``after``."""
        ...


class SavedJobRepository(Protocol):
    """An applicant's saved jobs; one per (user, job) (a unique constraint)."""

    async def add(self, saved: SavedJob) -> None: ...

    async def delete(self, saved: SavedJob) -> None: ...

    async def find(self, user_id: int, job_id: int) -> SavedJob | None: ...

    async def list_for_user(
        self, user_id: int, *, after: After | None, limit: int
    ) -> list[SavedJob]:
        """Newest first by ``(created_at, id)`` after ``after`` (index saved_jobs(user_id,
        created_at, id))."""
        ...
