"""Node-id leases on a real PostgreSQL (``adapters/sqlalchemy/node_lease.py``) and their
wiring into the runtime and its readiness (``entrypoints/app.py``).

Each lease test takes a lock class of its own, so nothing else on the server (another test,
another suite running at the same time) ever holds its ids; what a lease holds is read from
``pg_locks``, filtered to this database and class.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import attrs
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from adapters.sqlalchemy.node_lease import (
    NODE_LEASE_CLASS,
    NodeLeaseLost,
    PostgresNodeLease,
    postgres_node_lease,
)
from adapters.system.ids import decompose
from adapters.system.node_lease import NODE_COUNT, NoFreeNodeId
from entrypoints.app import create_app, runtime
from entrypoints.settings import Settings

HOLDERS = text(
    "SELECT objid::int AS node, pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND objsubid = 2 AND classid = CAST(:key AS oid)"
    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


@pytest.fixture
def class_key() -> int:
    """A lock class of this test's own (never the production one)."""
    return secrets.randbelow(NODE_LEASE_CLASS)


@pytest.fixture
async def session(postgres_url: str) -> AsyncIterator[AsyncConnection]:
    """A session of the test's own: it reads ``pg_locks``, ends backends and holds locks."""
    engine = create_async_engine(postgres_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            yield conn
    finally:
        await engine.dispose()


async def holders(session: AsyncConnection, key: int) -> dict[int, int]:
    """Node id → backend pid of every held node id of class ``key`` in this database."""
    rows = (await session.execute(HOLDERS, {"key": key})).all()
    return {row.node: row.pid for row in rows}


async def settled(session: AsyncConnection, key: int, want: dict[int, int] | None = None) -> bool:
    """Whether the holders of class ``key`` come to be ``want`` (none by default) within 5 s.

    Closing a connection ends its backend, and with it the backend's locks, a moment later
    (the server handles the client's goodbye on its own time): reading ``pg_locks`` at once
    can still find them.
    """
    for _ in range(100):
        if await holders(session, key) == (want or {}):
            return True
        await asyncio.sleep(0.05)
    return False


async def end_backend(session: AsyncConnection, pid: int) -> None:
    """Terminate a backend and wait (up to 5 s) until it is gone, its locks freed."""
    ended = await session.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    assert ended.scalar_one() is True


async def take(session: AsyncConnection, key: int, nodes: list[int]) -> None:
    for node in nodes:
        taken = await session.execute(
            text("SELECT pg_try_advisory_lock(:key, :node)"), {"key": key, "node": node}
        )
        assert taken.scalar_one() is True


async def test_two_leases_hold_different_node_ids_on_their_own_connections(
    postgres_url: str, session: AsyncConnection, class_key: int
) -> None:
    async with (
        postgres_node_lease(postgres_url, class_key=class_key) as first,
        postgres_node_lease(postgres_url, class_key=class_key) as second,
    ):
        held = await holders(session, class_key)
        assert first.node_id != second.node_id
        assert set(held) == {first.node_id, second.node_id}
        assert held[first.node_id] != held[second.node_id]
    assert await settled(session, class_key)


async def test_when_every_id_is_held_a_lease_fails_and_a_closed_leases_id_is_taken_again(
    postgres_url: str, session: AsyncConnection, class_key: int
) -> None:
    await take(session, class_key, list(range(2, NODE_COUNT)))
    async with postgres_node_lease(postgres_url, class_key=class_key) as kept:
        async with postgres_node_lease(postgres_url, class_key=class_key) as closed:
            assert {kept.node_id, closed.node_id} == {0, 1}
            with pytest.raises(NoFreeNodeId, match=f"all {NODE_COUNT} node ids"):
                async with postgres_node_lease(postgres_url, class_key=class_key):
                    pass
            held = await holders(session, class_key)
        del held[closed.node_id]
        assert await settled(session, class_key, held)
        async with postgres_node_lease(postgres_url, class_key=class_key) as third:
            assert third.node_id == closed.node_id


async def _lease_cut_off(session: AsyncConnection, key: int, lease: PostgresNodeLease) -> None:
    """End the lease's backend: PostgreSQL frees its lock, the lease does not know yet."""
    await end_backend(session, (await holders(session, key))[lease.node_id])
    assert lease.node_id not in await holders(session, key)


async def test_a_lease_whose_connection_was_ended_takes_its_id_again(
    postgres_url: str, session: AsyncConnection, class_key: int
) -> None:
    async with postgres_node_lease(postgres_url, class_key=class_key) as lease:
        before = (await holders(session, class_key))[lease.node_id]
        await _lease_cut_off(session, class_key, lease)
        await lease.check()
        after = await holders(session, class_key)
        assert list(after) == [lease.node_id]
        assert after[lease.node_id] != before
        await lease.check()  # the new connection answers
    assert await settled(session, class_key)


async def test_a_lease_whose_id_another_process_took_meanwhile_is_reported_lost(
    postgres_url: str, session: AsyncConnection, class_key: int
) -> None:
    async with postgres_node_lease(postgres_url, class_key=class_key) as lease:
        await _lease_cut_off(session, class_key, lease)
        await take(session, class_key, [lease.node_id])
        with pytest.raises(NodeLeaseLost, match="held by another process"):
            await lease.check()
        with pytest.raises(NodeLeaseLost):
            await lease.check()  # still lost, not forgotten
        await session.execute(text("SELECT pg_advisory_unlock_all()"))
        await lease.check()  # free again: taken back
        assert list(await holders(session, class_key)) == [lease.node_id]


async def test_a_lease_that_cannot_reach_its_database_is_reported_lost(
    empty_postgres_url: str, session: AsyncConnection, class_key: int
) -> None:
    async with postgres_node_lease(empty_postgres_url, class_key=class_key) as lease:
        name = empty_postgres_url.rsplit("/", 1)[1]
        await session.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        with pytest.raises(NodeLeaseLost, match="cannot reach PostgreSQL"):
            await lease.check()


def _settings(tmp_path: Path, database_url: str | None = None) -> Settings:
    return Settings(database_url=database_url, jwt_secret="s" * 48, var_dir=tmp_path)


def _node_of(ids_made: int) -> int:
    return decompose(ids_made)[1]


async def test_two_runtimes_on_postgresql_lease_different_node_ids(
    postgres_url: str, session: AsyncConnection, tmp_path: Path
) -> None:
    async with AsyncExitStack() as stack:
        wired = [
            await stack.enter_async_context(runtime(_settings(tmp_path, postgres_url)))
            for _ in range(2)
        ]
        nodes = {_node_of(w.deps.ids.next_id()) for w in wired}
        assert len(nodes) == 2
        assert nodes <= set(await holders(session, NODE_LEASE_CLASS))
    assert await settled(session, NODE_LEASE_CLASS)


async def test_two_runtimes_on_sqlite_lease_different_node_ids_from_files(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path)
    async with (
        runtime(settings, prepare_embedded=False) as first,
        runtime(settings, prepare_embedded=False) as second,
    ):
        nodes = {_node_of(first.deps.ids.next_id()), _node_of(second.deps.ids.next_id())}
        assert len(nodes) == 2
        assert first.node_lease is None  # a file lock is not lost while its process lives
    assert {f"node-{n}.lock" for n in nodes} <= {
        p.name for p in (tmp_path / "node-leases").iterdir()
    }


async def test_a_configured_node_id_is_used_without_a_lease(tmp_path: Path) -> None:
    settings = attrs.evolve(_settings(tmp_path), node_id=201)
    async with runtime(settings, prepare_embedded=False) as wired:
        assert _node_of(wired.deps.ids.next_id()) == 201
        assert wired.node_lease is None
    assert not (tmp_path / "node-leases").exists()


async def test_readiness_reports_a_lost_node_lease(
    postgres_url: str, session: AsyncConnection, tmp_path: Path
) -> None:
    async with AsyncTestClient(app=create_app(_settings(tmp_path, postgres_url))) as api:
        [node] = await holders(session, NODE_LEASE_CLASS)
        ready = await api.get("/health/ready")
        assert ready.status_code == 200
        assert {"name": "node_lease", "ok": True, "detail": ""} in ready.json()["checks"]

        await end_backend(session, (await holders(session, NODE_LEASE_CLASS))[node])
        assert (await api.get("/health/ready")).status_code == 200  # taken again
        assert list(await holders(session, NODE_LEASE_CLASS)) == [node]

        await end_backend(session, (await holders(session, NODE_LEASE_CLASS))[node])
        await take(session, NODE_LEASE_CLASS, [node])
        lost = await api.get("/health/ready")
        assert lost.status_code == 503
        assert {"name": "node_lease", "ok": False, "detail": "NodeLeaseLost"} in lost.json()[
            "checks"
        ]
