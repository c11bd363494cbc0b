"""Memory repositories: finders over the memory unit of work's tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from adapters.memory.unit_of_work import MemoryRepository
from paeshift_core.domain.applications import Application, ApplicationCounts, ApplicationStatus
from paeshift_core.domain.catalog import Industry
from paeshift_core.domain.codes import CodeAttempts, CodePurpose, OneTimeCode
from paeshift_core.domain.jobs import SHIFT_STATUSES, Job, JobStatus, JobSummary
from paeshift_core.domain.reliability import Reliability
from paeshift_core.domain.tokens import RefreshToken
from paeshift_core.domain.users import User
from paeshift_core.ports.repositories import After


class MemoryUserRepository(MemoryRepository[User]):
    table = "users"
    noun = "user"

    async def find_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        return next(self._select(lambda u: u.email.value == wanted), None)

    async def get_many(self, user_ids: Sequence[int]) -> dict[int, User]:
        wanted = set(user_ids)
        return {u.id: u for u in self._select(lambda u: u.id in wanted)}


class MemoryOneTimeCodeRepository(MemoryRepository[OneTimeCode]):
    table = "one_time_codes"
    noun = "code"

    async def find_current(self, email: str, purpose: CodePurpose) -> OneTimeCode | None:
        codes = list(self._select(lambda c: c.email == email and c.purpose is purpose))
        return max(codes, key=lambda c: (c.created_at, c.id), default=None)

    async def find_attempts(self, email: str) -> CodeAttempts | None:
        found = (a for a in self._uow.scan("code_attempts") if isinstance(a, CodeAttempts))
        return next((a for a in found if a.email == email), None)

    async def add_attempts(self, attempts: CodeAttempts) -> None:
        self._uow.stage_new("code_attempts", attempts)

    async def delete_expired(self, before: datetime) -> int:
        expired = list(self._select(lambda c: c.expires_at < before))
        for code in expired:
            await self.delete(code)
        return len(expired)


class MemoryRefreshTokenRepository(MemoryRepository[RefreshToken]):
    table = "refresh_tokens"
    noun = "refresh token"

    async def find_by_hash(self, token_hash: str) -> RefreshToken | None:
        return next(self._select(lambda t: t.token_hash == token_hash), None)

    async def list_family(self, family_id: int) -> list[RefreshToken]:
        return list(self._select(lambda t: t.family_id == family_id))

    async def list_live_for_user(self, user_id: int) -> list[RefreshToken]:
        return list(self._select(lambda t: t.user_id == user_id and t.revoked_at is None))

    async def delete_expired(self, before: datetime) -> int:
        expired = list(self._select(lambda t: t.expires_at < before))
        for token in expired:
            await self.delete(token)
        return len(expired)


class MemoryCatalogRepository(MemoryRepository[Industry]):
    table = "industries"
    noun = "industry"

    async def list_all(self) -> list[Industry]:
        return sorted(self._select(lambda _: True), key=lambda i: i.name)


class _Dated(Protocol):
    id: int
    created_at: datetime


D = TypeVar("D", bound=_Dated)


def newest_first(rows: Iterable[D], after: After | None, limit: int) -> list[D]:
    """Keyset page as the SQL adapter reads it: ``(created_at, id) < after``, newest first."""
    kept = (r for r in rows if after is None or (r.created_at, r.id) < after)
    return sorted(kept, key=lambda r: (r.created_at, r.id), reverse=True)[:limit]


class MemoryJobRepository(MemoryRepository[Job]):
    table = "jobs"
    noun = "job"

    async def get_with_counts(self, job_id: int) -> tuple[Job, ApplicationCounts]:
        job = await self.get(job_id)
        counts = await MemoryApplicationRepository(self._uow).count_by_job([job_id])
        return job, counts[job_id]

    async def get_many(self, job_ids: Sequence[int]) -> dict[int, Job]:
        wanted = set(job_ids)
        return {j.id: j for j in self._select(lambda j: j.id in wanted)}

    async def list_for_client(
        self,
        client_id: int,
        *,
        statuses: frozenset[JobStatus] | None,
        after: After | None,
        limit: int,
    ) -> list[Job]:
        mine = self._select(
            lambda j: j.client_id == client_id and (statuses is None or j.status in statuses)
        )
        return newest_first(mine, after, limit)

    async def list_in_status_before(
        self,
        status: JobStatus,
        *,
        starts_before: datetime | None = None,
        ends_before: datetime | None = None,
        limit: int,
    ) -> list[Job]:
        due = self._select(
            lambda j: (
                j.status is status
                and (starts_before is None or j.schedule.starts_at < starts_before)
                and (ends_before is None or j.schedule.ends_at < ends_before)
            )
        )
        return sorted(due, key=lambda j: (j.schedule.starts_at, j.id))[:limit]

    async def list_with_shift_starting(self, after: datetime, until: datetime) -> list[Job]:
        due = self._select(
            lambda j: (
                j.status in SHIFT_STATUSES and bool(j.schedule.shift_starts_between(after, until))
            )
        )
        return sorted(due, key=lambda j: j.id)


class MemoryApplicationRepository(MemoryRepository[Application]):
    table = "applications"
    noun = "application"

    async def find(self, job_id: int, applicant_id: int) -> Application | None:
        return next(
            self._select(lambda a: a.job_id == job_id and a.applicant_id == applicant_id), None
        )

    async def list_for_job(self, job_id: int) -> list[Application]:
        return list(self._select(lambda a: a.job_id == job_id))

    async def page_for_job(
        self, job_id: int, *, after: After | None, limit: int
    ) -> list[Application]:
        return newest_first(self._select(lambda a: a.job_id == job_id), after, limit)

    async def list_for_applicant(
        self,
        applicant_id: int,
        *,
        statuses: frozenset[ApplicationStatus] | None,
        after: After | None,
        limit: int,
    ) -> list[tuple[Application, JobSummary]]:
        mine = self._select(
            lambda a: a.applicant_id == applicant_id and (statuses is None or a.status in statuses)
        )
        page = newest_first(mine, after, limit)
        jobs = await MemoryJobRepository(self._uow).get_many([a.job_id for a in page])
        return [(a, JobSummary.of(jobs[a.job_id])) for a in page]

    async def count_by_job(self, job_ids: Sequence[int]) -> dict[int, ApplicationCounts]:
        wanted = set(job_ids)
        counts: dict[int, Counter[ApplicationStatus]] = {job_id: Counter() for job_id in wanted}
        for a in self._select(lambda a: a.job_id in wanted):
            counts[a.job_id][a.status] += 1
        return {job_id: ApplicationCounts(dict(c)) for job_id, c in counts.items()}

    async def reliability_of(self, applicant_ids: Sequence[int]) -> dict[int, Reliability]:
        wanted = set(applicant_ids)
        tally = {applicant_id: [0, 0, 0] for applicant_id in wanted}
        for a in self._select(lambda a: a.applicant_id in wanted):
            if a.status is ApplicationStatus.COMPLETED:
                tally[a.applicant_id][0] += 1
            elif a.status is ApplicationStatus.NO_SHOW:
                tally[a.applicant_id][1] += 1
            elif a.late_withdrawal:
                tally[a.applicant_id][2] += 1
        return {
            applicant_id: Reliability(completed=c, no_shows=n, late_withdrawals=w)
            for applicant_id, (c, n, w) in tally.items()
        }
