"""The reputation storage contract on SQLite and PostgreSQL, the reviews query budget, and
racing deliveries of one event to the gamification handler."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import FakeClock
from adapters.memory.ids import SequentialIds
from adapters.memory.leaderboard import MemoryLeaderboard
from adapters.sqlalchemy.wiring import SqlOutboxReader, SqlUnitOfWorkFactory
from entrypoints.bootstrap import build_use_cases, memory_deps
from paeshift_core.application.context import Deps
from paeshift_core.application.pagination import PageRequest
from paeshift_core.domain.applications import ApplicationStatus
from paeshift_core.domain.marketplace_events import ShiftWorked
from tests.contracts import builders as b
from tests.contracts.reputation import ReputationStorageContract, review
from tests.contracts.storage import CLIENT, WORKER, Storage, seed


def _storage(engine: AsyncEngine) -> Storage:
    clock = FakeClock()
    return Storage(uow=SqlUnitOfWorkFactory(engine, clock), outbox=SqlOutboxReader(engine, clock))


class TestSqliteReputationStorage(ReputationStorageContract):
    @pytest.fixture
    def storage(self, sqlite_engine: AsyncEngine) -> Storage:
        return _storage(sqlite_engine)


class TestPostgresReputationStorage(ReputationStorageContract):
    @pytest.fixture
    def storage(self, postgres_engine: AsyncEngine) -> Storage:
        return _storage(postgres_engine)


@contextmanager
def counted(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_reviews_page_budget_on_sqlite(sqlite_engine: AsyncEngine) -> None:
    await _same_cost_for_one_and_a_full_page(sqlite_engine)


async def test_reviews_page_budget_on_postgres(postgres_engine: AsyncEngine) -> None:
    await _same_cost_for_one_and_a_full_page(postgres_engine)


async def _same_cost_for_one_and_a_full_page(engine: AsyncEngine) -> None:
    """QUALITY.md query budgets: GET /users/{id}/reviews runs this use case once, so its
    statement count is the request's."""
    storage = _storage(engine)
    _, job = await seed(storage)
    sql = build_use_cases(_sql_deps(storage))
    async with storage.uow() as uow:
        for n in range(20):
            reviewer = b.user(1000 + n)
            await uow.users.add(reviewer)
        await uow.commit()
    async with storage.uow() as uow:
        await uow.reviews.add(review(5000, CLIENT, WORKER, job.id))
        for n in range(20):
            await uow.reviews.add(review(5001 + n, 1000 + n, CLIENT, job.id, minutes=n))
        await uow.commit()
    with counted(engine) as one:
        single = await sql.reviews.list_for_user(WORKER, PageRequest(limit=20))
    with counted(engine) as full:
        page = await sql.reviews.list_for_user(CLIENT, PageRequest(limit=20))
    assert len(single.page.items) == 1
    assert len(page.page.items) == 20
    assert all(v.reviewer_name for v in page.page.items)
    assert len(one) == len(full) <= 5


def _sql_deps(storage: Storage) -> Deps:
    """The memory deps with the SQL unit of work: the use cases under test run on SQL."""
    return attrs.evolve(memory_deps(), uow=storage.uow, ids=SequentialIds())


async def test_racing_deliveries_of_one_event_pay_once(postgres_engine: AsyncEngine) -> None:
    storage = _storage(postgres_engine)
    _, job = await seed(storage)
    application = b.application(600, job.id, WORKER)
    application.status = ApplicationStatus.COMPLETED
    async with storage.uow() as uow:
        await uow.applications.add(application)
        await uow.commit()
    boards = MemoryLeaderboard()
    handlers = build_use_cases(_sql_deps(storage), leaderboard=boards).gamification_handlers
    worked = ShiftWorked(occurred_at=b.NOW, application_id=600, job_id=job.id, applicant_id=WORKER)
    paid = await asyncio.gather(*(handlers.handle(77, worked) for _ in range(4)))
    async with storage.uow() as uow:
        awards = await uow.awards.list_for_user(WORKER)
        achievements = await uow.achievements.find(WORKER)
    assert sorted(a.key for a in awards) == ["badge:first_shift", "shift:600"]
    assert sum(len(p) for p in paid) == 2
    assert achievements is not None
    assert achievements.xp == 50
