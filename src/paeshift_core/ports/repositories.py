"""Repositories: one per aggregate, async, loading and saving whole aggregates.

``get`` raises ``NotFound``; ``find_*`` returns ``None``. ``for_update=True`` asks the adapter
to lock the row until commit (``SELECT … FOR UPDATE``) where the domain expects contention.
Aggregates loaded or added through a repository are tracked by the unit of work, which saves
changes and collects their events on commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from paeshift_core.domain.applications import Application
from paeshift_core.domain.catalog import Industry
from paeshift_core.domain.codes import CodeAttempts, CodePurpose, OneTimeCode
from paeshift_core.domain.jobs import Job
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


class RefreshTokenRepository(Protocol):
    async def add(self, token: RefreshToken) -> None: ...

    async def find_by_hash(self, token_hash: str) -> RefreshToken | None: ...

    async def list_family(self, family_id: int) -> list[RefreshToken]: ...

    async def list_live_for_user(self, user_id: int) -> list[RefreshToken]: ...


class CatalogRepository(Protocol):
    async def add(self, industry: Industry) -> None: ...

    async def get(self, industry_id: int, *, for_update: bool = False) -> Industry: ...

    async def list_all(self) -> list[Industry]: ...


class JobRepository(Protocol):
    async def add(self, job: Job) -> None: ...

    async def get(self, job_id: int, *, for_update: bool = False) -> Job: ...

    async def delete(self, job: Job) -> None: ...


class ApplicationRepository(Protocol):
    async def add(self, application: Application) -> None: ...

    async def get(self, application_id: int, *, for_update: bool = False) -> Application: ...

    async def find(self, job_id: int, applicant_id: int) -> Application | None: ...

    async def list_for_job(self, job_id: int) -> list[Application]: ...
