"""Memory repositories: finders over the memory unit of work's tables."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.memory.unit_of_work import MemoryRepository
from paeshift_core.domain.applications import Application
from paeshift_core.domain.catalog import Industry
from paeshift_core.domain.codes import CodeAttempts, CodePurpose, OneTimeCode
from paeshift_core.domain.jobs import Job
from paeshift_core.domain.tokens import RefreshToken
from paeshift_core.domain.users import User


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


class MemoryRefreshTokenRepository(MemoryRepository[RefreshToken]):
    table = "refresh_tokens"
    noun = "refresh token"

    async def find_by_hash(self, token_hash: str) -> RefreshToken | None:
        return next(self._select(lambda t: t.token_hash == token_hash), None)

    async def list_family(self, family_id: int) -> list[RefreshToken]:
        return list(self._select(lambda t: t.family_id == family_id))

    async def list_live_for_user(self, user_id: int) -> list[RefreshToken]:
        return list(self._select(lambda t: t.user_id == user_id and t.revoked_at is None))


class MemoryCatalogRepository(MemoryRepository[Industry]):
    table = "industries"
    noun = "industry"

    async def list_all(self) -> list[Industry]:
        return sorted(self._select(lambda _: True), key=lambda i: i.name)


class MemoryJobRepository(MemoryRepository[Job]):
    table = "jobs"
    noun = "job"


class MemoryApplicationRepository(MemoryRepository[Application]):
    table = "applications"
    noun = "application"

    async def find(self, job_id: int, applicant_id: int) -> Application | None:
        return next(
            self._select(lambda a: a.job_id == job_id and a.applicant_id == applicant_id), None
        )

    async def list_for_job(self, job_id: int) -> list[Application]:
        return list(self._select(lambda a: a.job_id == job_id))
