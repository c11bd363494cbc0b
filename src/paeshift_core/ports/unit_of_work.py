"""Unit of work: one transaction per use case (ARCHITECTURE.md Core).

A use case opens a **new** unit of work, works through its repositories and calls
``commit()`` explicitly. Leaving the block without committing rolls back; so does an error.
``commit`` writes the events recorded by tracked aggregates to the outbox in the same
transaction, and raises (``ConcurrencyConflict``, ``Unavailable``) rather than fail silently.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from paeshift_core.ports.repositories import (
    ApplicationRepository,
    CatalogRepository,
    JobRepository,
    OneTimeCodeRepository,
    RefreshTokenRepository,
    UserRepository,
)


class UnitOfWork(Protocol):
    users: UserRepository
    codes: OneTimeCodeRepository
    refresh_tokens: RefreshTokenRepository
    catalog: CatalogRepository
    jobs: JobRepository
    applications: ApplicationRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork:
        """A new, unshared unit of work."""
        ...
