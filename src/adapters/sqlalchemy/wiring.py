"""The SQL unit of work with all repositories attached, its factory, and the outbox reader."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.driver_errors import database_errors
from adapters.sqlalchemy.engine import one_statement
from adapters.sqlalchemy.event_codec import decode_event
from adapters.sqlalchemy.feed import SqlFeedQuery
from adapters.sqlalchemy.ledger import SqlLedger
from adapters.sqlalchemy.mappers import from_utc, to_utc
from adapters.sqlalchemy.notification_repositories import (
    SqlNotificationPreferencesRepository,
    SqlNotificationRepository,
    SqlProcessedEventRepository,
)
from adapters.sqlalchemy.repositories import (
    SqlApplicationRepository,
    SqlCatalogRepository,
    SqlDisputeRepository,
    SqlJobRepository,
    SqlOneTimeCodeRepository,
    SqlPaymentIntentRepository,
    SqlRefreshTokenRepository,
    SqlUserRepository,
    SqlWithdrawalRepository,
)
from adapters.sqlalchemy.reputation import (
    SqlAchievementsRepository,
    SqlAwardRepository,
    SqlFeedbackRepository,
    SqlRatingSummaries,
    SqlReviewRepository,
)
from adapters.sqlalchemy.saved_jobs import SqlSavedJobRepository
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkBase
from paeshift_core.ports.clock import Clock
from paeshift_core.ports.outbox import OutboxEvent


class SqlUnitOfWork(SqlUnitOfWorkBase):
    def __init__(self, engine: AsyncEngine, clock: Clock, *, read_only: bool = False) -> None:
        super().__init__(engine, clock, read_only=read_only)
        self.users = SqlUserRepository(self)
        self.codes = SqlOneTimeCodeRepository(self)
        self.refresh_tokens = SqlRefreshTokenRepository(self)
        self.catalog = SqlCatalogRepository(self)
        self.jobs = SqlJobRepository(self)
        self.applications = SqlApplicationRepository(self)
        self.ledger = SqlLedger(self)
        self.payment_intents = SqlPaymentIntentRepository(self)
        self.withdrawals = SqlWithdrawalRepository(self)
        self.disputes = SqlDisputeRepository(self)
        self.saved_jobs = SqlSavedJobRepository(self)
        self.feed = SqlFeedQuery(self)
        self.notifications = SqlNotificationRepository(self)
        self.notification_preferences = SqlNotificationPreferencesRepository(self)
        self.processed_events = SqlProcessedEventRepository(self)
        self.reviews = SqlReviewRepository(self)
        self.rating_summaries = SqlRatingSummaries(self)
        self.awards = SqlAwardRepository(self)
        self.achievements = SqlAchievementsRepository(self)
        self.feedback = SqlFeedbackRepository(self)


class SqlUnitOfWorkFactory:
    """Makes a new unit of work (and so a new transaction) per use case over one engine."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self._clock = clock

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self._clock, read_only=read_only)


#: How long a relay's claim on the events it read keeps other relays off them.
CLAIM_FOR = timedelta(seconds=30)


class SqlOutboxReader:
    """The relay's view of the outbox table: committed events not yet delivered.

    ``pending`` *claims* what it returns: one statement marks the oldest unclaimed events
    ``claimed_until = now + claim_for`` and returns them, the rows picked ``FOR UPDATE SKIP
    LOCKED`` on PostgreSQL (on SQLite there is one writer at a time). Concurrent relays (several
    workers' pollers, several in-process relays) therefore get disjoint events and do not wait
    for each other. An event not marked delivered while claimed (its relay died, or a handler
    failed) is offered again once the claim has run out: delivery stays at least once, and a
    failed event is retried no sooner than ``claim_for`` after it was read.
    """

    def __init__(
        self, engine: AsyncEngine, clock: Clock, *, claim_for: timedelta = CLAIM_FOR
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._claim_for = claim_for

    async def pending(self, limit: int) -> list[OutboxEvent]:
        c = t.outbox.c
        now = to_utc(self._clock.now())
        claimable = (
            select(c.id)
            .where(c.delivered_at.is_(None), or_(c.claimed_until.is_(None), c.claimed_until <= now))
            .order_by(c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claim = (
            update(t.outbox)
            .where(c.id.in_(claimable.scalar_subquery()))
            .values(claimed_until=now + self._claim_for)
            .returning(c.id, c.event_type, c.payload, c.recorded_at)
        )
        async with database_errors(), one_statement(self._engine) as conn:
            rows = (await conn.execute(claim)).mappings().all()
        return [
            OutboxEvent(
                event_id=row["id"],
                event=decode_event(row["event_type"], row["payload"]),
                recorded_at=from_utc(row["recorded_at"]).astimezone(UTC),
            )
            for row in sorted(rows, key=lambda r: int(r["id"]))
        ]

    async def mark_delivered(self, event_ids: list[int]) -> None:
        if not event_ids:
            return
        now = to_utc(self._clock.now())
        c = t.outbox.c
        statement = update(t.outbox).where(c.id.in_(event_ids)).values(delivered_at=now)
        async with database_errors(), one_statement(self._engine) as conn:
            await conn.execute(statement)
