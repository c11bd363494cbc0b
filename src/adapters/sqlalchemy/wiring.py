"""The SQL unit of work with its repositories (made on access), its factory, the outbox reader."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Generic, Self, TypeVar, overload

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

R = TypeVar("R")


class _Repository(Generic[R]):
    """A repository of the unit of work, made anew on each access.

    Repositories hold nothing but their unit of work. Kept on it, each would close a
    reference cycle (unit of work <-> repository) that only the garbage collector frees:
    20 such objects per unit of work, most never used, were half of the cyclic garbage a
    server process made under the mixed benchmark, and the collections freeing it paused the
    event loop (bench/results/2026-11-29-uow-cycles.md). Made on access, a repository is freed
    by reference counting as soon as its call returns.
    """

    def __init__(self, make: Callable[[SqlUnitOfWorkBase], R]) -> None:
        self._make = make

    @overload
    def __get__(self, uow: None, owner: type) -> Self: ...
    @overload
    def __get__(self, uow: SqlUnitOfWorkBase, owner: type | None = None) -> R: ...
    def __get__(self, uow: SqlUnitOfWorkBase | None, owner: type | None = None) -> R | Self:
        return self if uow is None else self._make(uow)  # None: read on the class itself


class SqlUnitOfWork(SqlUnitOfWorkBase):
    users = _Repository(SqlUserRepository)
    codes = _Repository(SqlOneTimeCodeRepository)
    refresh_tokens = _Repository(SqlRefreshTokenRepository)
    catalog = _Repository(SqlCatalogRepository)
    jobs = _Repository(SqlJobRepository)
    applications = _Repository(SqlApplicationRepository)
    ledger = _Repository(SqlLedger)
    payment_intents = _Repository(SqlPaymentIntentRepository)
    withdrawals = _Repository(SqlWithdrawalRepository)
    disputes = _Repository(SqlDisputeRepository)
    saved_jobs = _Repository(SqlSavedJobRepository)
    feed = _Repository(SqlFeedQuery)
    notifications = _Repository(SqlNotificationRepository)
    notification_preferences = _Repository(SqlNotificationPreferencesRepository)
    processed_events = _Repository(SqlProcessedEventRepository)
    reviews = _Repository(SqlReviewRepository)
    rating_summaries = _Repository(SqlRatingSummaries)
    awards = _Repository(SqlAwardRepository)
    achievements = _Repository(SqlAchievementsRepository)
    feedback = _Repository(SqlFeedbackRepository)


class SqlUnitOfWorkFactory:
    """Makes a new unit of work (and so a new transaction) per use case over one engine."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self._clock = clock

    def __call__(self, *, read_only: bool = False, snapshot: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self._clock, read_only=read_only, snapshot=snapshot)


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
