"""Unit of work: one transaction per use case (ARCHITECTURE.md Core).

A use case opens a **new** unit of work, works through its repositories and calls
``commit()`` explicitly. Leaving the block without committing rolls back; so does an error.
``commit`` writes the events recorded by tracked aggregates to the outbox in the same
transaction, and raises (``ConcurrencyConflict``, ``Unavailable``) rather than fail silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Protocol, Self

from paeshift_core.domain.events import DomainEvent
from paeshift_core.ports.feed import FeedQuery
from paeshift_core.ports.feedback import FeedbackRepository
from paeshift_core.ports.gamification import AchievementsRepository, AwardRepository
from paeshift_core.ports.ledger import Ledger
from paeshift_core.ports.notifications import (
    NotificationPreferencesRepository,
    NotificationRepository,
    ProcessedEventRepository,
)
from paeshift_core.ports.repositories import (
    ApplicationRepository,
    CatalogRepository,
    DisputeRepository,
    JobRepository,
    OneTimeCodeRepository,
    PaymentIntentRepository,
    RefreshTokenRepository,
    SavedJobRepository,
    UserRepository,
    WithdrawalRepository,
)
from paeshift_core.ports.reviews import RatingSummaries, ReviewRepository


class ReadOnlyUnitOfWork(RuntimeError):
    """A write through a unit of work opened with ``read_only=True``: a bug in the use case."""


class UnitOfWork(Protocol):
    # Read-only members: a protocol attribute would be invariant, so an adapter's concrete
    # repository type (e.g. MemoryUserRepository) would not satisfy it.
    @property
    def users(self) -> UserRepository: ...

    @property
    def codes(self) -> OneTimeCodeRepository: ...

    @property
    def refresh_tokens(self) -> RefreshTokenRepository: ...

    @property
    def catalog(self) -> CatalogRepository: ...

    @property
    def jobs(self) -> JobRepository: ...

    @property
    def applications(self) -> ApplicationRepository: ...

    @property
    def ledger(self) -> Ledger: ...

    @property
    def payment_intents(self) -> PaymentIntentRepository: ...

    @property
    def withdrawals(self) -> WithdrawalRepository: ...

    @property
    def disputes(self) -> DisputeRepository: ...

    @property
    def saved_jobs(self) -> SavedJobRepository: ...

    @property
    def feed(self) -> FeedQuery:
        """The feed's read models (reads only)."""
        ...

    @property
    def notifications(self) -> NotificationRepository: ...

    @property
    def notification_preferences(self) -> NotificationPreferencesRepository: ...

    @property
    def processed_events(self) -> ProcessedEventRepository: ...

    @property
    def reviews(self) -> ReviewRepository: ...

    @property
    def rating_summaries(self) -> RatingSummaries: ...

    @property
    def awards(self) -> AwardRepository: ...

    @property
    def achievements(self) -> AchievementsRepository: ...

    @property
    def feedback(self) -> FeedbackRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    @property
    def committed_events(self) -> Sequence[DomainEvent]:
        """The events the last successful ``commit`` wrote to the outbox (empty before one):
        what tells the cache which read models went stale (application/read_models.py)."""
        ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False, snapshot: bool = False) -> UnitOfWork:
        """A new, unshared unit of work.

        ``read_only``: the use case only reads, so the adapter may skip the transaction
        (PostgreSQL runs each statement on its own, saving the ``BEGIN`` and ``ROLLBACK``
        round trips; at READ COMMITTED each statement saw its own snapshot anyway). Such a
        unit of work refuses to write: ``commit`` raises ``ReadOnlyUnitOfWork``.

        ``snapshot``: a read-only unit of work whose statements all see the data as it was
        at its first (REPEATABLE READ on PostgreSQL): a report that compares what several
        statements read (the ledger check: transactions against balances) must not see a
        write committed between two of them.
        """
        ...
