"""Storage failures surface as the core's errors, never as driver exceptions; the schema's
constraints refuse what the domain should never produce (ARCHITECTURE.md Persistence)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import FakeClock
from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkBase
from adapters.sqlalchemy.wiring import SqlOutboxReader, SqlUnitOfWorkFactory
from entrypoints.app import create_app, runtime
from entrypoints.settings import Settings
from paeshift_core.domain.errors import Conflict, Unavailable
from paeshift_core.domain.ledger import PLATFORM_GATEWAY, TransactionKind, transfer, wallet_account
from paeshift_core.domain.money import Money
from paeshift_core.ports.unit_of_work import UnitOfWork
from tests.contracts import builders as b
from tests.contracts.storage import CLIENT, Storage, commit, seed


def _storage(engine: AsyncEngine) -> Storage:
    clock = FakeClock()
    return Storage(SqlUnitOfWorkFactory(engine, clock), SqlOutboxReader(engine, clock))


async def test_an_unreachable_server_is_unavailable() -> None:
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    try:
        factory = SqlUnitOfWorkFactory(engine, FakeClock())
        with pytest.raises(Unavailable):
            async with factory() as uow:
                await uow.users.get(1)
        with pytest.raises(Unavailable):
            await SqlOutboxReader(engine, FakeClock()).pending(10)
    finally:
        await engine.dispose()


async def test_a_missing_schema_is_unavailable(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/unmigrated.db")
    try:
        with pytest.raises(Unavailable):
            async with SqlUnitOfWorkFactory(engine, FakeClock())() as uow:
                await uow.users.find_by_email("a@example.com")
    finally:
        await engine.dispose()


async def test_more_accepted_than_seats_is_refused_by_the_schema(sql_engine: AsyncEngine) -> None:
    storage = _storage(sql_engine)
    _, job = await seed(storage)

    async def overfill(uow: UnitOfWork) -> None:
        mine = await uow.jobs.get(job.id)
        mine.accepted_count = job.seats + 1  # what Job.take_seat never does

    with pytest.raises(Conflict) as caught:
        await commit(storage, overfill)
    assert caught.value.code == "integrity_violation"


async def test_a_negative_wallet_balance_is_refused_by_the_schema(sql_engine: AsyncEngine) -> None:
    storage = _storage(sql_engine)
    await seed(storage)
    credit = transfer(
        key="credit",
        kind=TransactionKind.GATEWAY_TO_WALLET,
        subject="credit",
        posted_at=b.NOW,
        source=PLATFORM_GATEWAY,
        credits=[(wallet_account(CLIENT), Money(500))],
    )
    assert credit is not None
    async with storage.uow() as uow:
        await uow.ledger.post(credit)
        await uow.commit()
    accounts = t.ledger_accounts
    overdraw = update(accounts).where(accounts.c.name == wallet_account(CLIENT)).values(balance=-1)

    async def bypass_the_ledger(uow: UnitOfWork) -> None:
        assert isinstance(uow, SqlUnitOfWorkBase)
        await uow.execute(overdraw)

    with pytest.raises(Conflict) as caught:
        await commit(storage, bypass_the_ledger)
    assert caught.value.code == "integrity_violation"


async def test_a_server_whose_statement_is_stuck_answers_503_within_the_timeout(
    tmp_path: Path, postgres_url: str, postgres_engine: AsyncEngine
) -> None:
    """``PAESHIFT_STATEMENT_TIMEOUT_MS`` (``runtime_services``): a read blocked behind a lock
    is canceled by PostgreSQL and the request answers 503, not a hang; the worker's and the
    CLI's engines have no timeout."""
    settings = Settings(
        database_url=postgres_url, var_dir=tmp_path, jwt_secret="x" * 32, statement_timeout_s=0.3
    )
    async with (
        AsyncTestClient(app=create_app(settings)) as api,
        postgres_engine.connect() as locker,
    ):
        # PostgreSQL ends the locker's session after 5 s, so a server without the timeout
        # fails this test (a 404 after 5 s) instead of hanging it.
        await locker.execute(text("SET idle_in_transaction_session_timeout = '5s'"))
        await locker.execute(text("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE"))
        started = time.perf_counter()
        stuck = await api.get("/api/v1/jobs/1")
        elapsed = time.perf_counter() - started
        await locker.rollback()
        assert stuck.status_code == 503, stuck.text
        assert stuck.json()["code"] == "database_unavailable"
        assert 0.3 <= elapsed < 2.0
        assert (await api.get("/api/v1/jobs/1")).status_code == 404  # the lock is gone
    async with runtime(settings) as wired, wired.engine.connect() as conn:
        assert (await conn.execute(text("SHOW statement_timeout"))).scalar_one() == "0"
