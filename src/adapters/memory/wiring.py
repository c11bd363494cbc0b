"""The memory unit of work with all repositories attached, and its factory."""

from __future__ import annotations

from adapters.memory import money_repositories, notification_repositories, reputation, saved_jobs
from adapters.memory.feed import MemoryFeedQuery
from adapters.memory.ledger import MemoryLedger
from adapters.memory.money_repositories import (
    MemoryDisputeRepository,
    MemoryPaymentIntentRepository,
    MemoryWithdrawalRepository,
)
from adapters.memory.notification_repositories import (
    MemoryNotificationPreferencesRepository,
    MemoryNotificationRepository,
    MemoryProcessedEventRepository,
)
from adapters.memory.repositories import (
    MemoryApplicationRepository,
    MemoryCatalogRepository,
    MemoryJobRepository,
    MemoryOneTimeCodeRepository,
    MemoryRefreshTokenRepository,
    MemoryUserRepository,
)
from adapters.memory.reputation import (
    MemoryAchievementsRepository,
    MemoryAwardRepository,
    MemoryFeedbackRepository,
    MemoryRatingSummaries,
    MemoryReviewRepository,
)
from adapters.memory.saved_jobs import MemorySavedJobRepository
from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWorkBase
from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.applications import Application
from paeshift_core.domain.catalog import Industry
from paeshift_core.domain.codes import CodeAttempts
from paeshift_core.domain.tokens import RefreshToken
from paeshift_core.domain.users import User
from paeshift_core.ports.clock import Clock


def _email(a: Aggregate) -> str:
    assert isinstance(a, User)
    return a.email.value


def _attempts_email(a: Aggregate) -> str:
    assert isinstance(a, CodeAttempts)
    return a.email


def _token_hash(a: Aggregate) -> str:
    assert isinstance(a, RefreshToken)
    return a.token_hash


def _industry_name(a: Aggregate) -> str:
    assert isinstance(a, Industry)
    return a.name.lower()


def _job_applicant(a: Aggregate) -> tuple[int, int]:
    assert isinstance(a, Application)
    return (a.job_id, a.applicant_id)


def new_memory_store() -> MemoryStore:
    """A store with the same unique constraints as the SQL schema."""
    store = MemoryStore()
    store.unique.update(
        {
            "users": {"email": _email},
            "code_attempts": {"email": _attempts_email},
            "refresh_tokens": {"token_hash": _token_hash},
            "industries": {"name": _industry_name},
            "applications": {"job_and_applicant": _job_applicant},
        }
    )
    store.unique.update(money_repositories.UNIQUE)
    store.unique.update(saved_jobs.UNIQUE)
    store.unique.update(notification_repositories.UNIQUE)
    store.unique.update(reputation.UNIQUE)
    return store


class MemoryUnitOfWork(MemoryUnitOfWorkBase):
    def __init__(self, store: MemoryStore, clock: Clock, *, read_only: bool = False) -> None:
        super().__init__(store, clock, read_only=read_only)
        self.users = MemoryUserRepository(self)
        self.codes = MemoryOneTimeCodeRepository(self)
        self.refresh_tokens = MemoryRefreshTokenRepository(self)
        self.catalog = MemoryCatalogRepository(self)
        self.jobs = MemoryJobRepository(self)
        self.applications = MemoryApplicationRepository(self)
        self.ledger = MemoryLedger(self)
        self.payment_intents = MemoryPaymentIntentRepository(self)
        self.withdrawals = MemoryWithdrawalRepository(self)
        self.disputes = MemoryDisputeRepository(self)
        self.saved_jobs = MemorySavedJobRepository(self)
        self.feed = MemoryFeedQuery(self)
        self.notifications = MemoryNotificationRepository(self)
        self.notification_preferences = MemoryNotificationPreferencesRepository(self)
        self.processed_events = MemoryProcessedEventRepository(self)
        self.reviews = MemoryReviewRepository(self)
        self.rating_summaries = MemoryRatingSummaries(self)
        self.awards = MemoryAwardRepository(self)
        self.achievements = MemoryAchievementsRepository(self)
        self.feedback = MemoryFeedbackRepository(self)


class MemoryUnitOfWorkFactory:
    """Makes a new unit of work per use case over one shared store."""

    def __init__(self, store: MemoryStore, clock: Clock) -> None:
        self.store = store
        self._clock = clock

    def __call__(self, *, read_only: bool = False, snapshot: bool = False) -> MemoryUnitOfWork:
        """``snapshot``: read-only here; the in-process store has no isolation levels (its
        reads see every commit, as the SQL adapter's read-only units of work do)."""
        return MemoryUnitOfWork(self.store, self._clock, read_only=read_only or snapshot)
