"""The node-id lease on PostgreSQL (``ids.py``, ``adapters/system/node_lease.py``): the
production layout, where processes on several machines share one database.

A process holds its node id ``n`` as the session-level advisory lock
``pg_try_advisory_lock(class_key, n)`` on a connection of its own, kept open for its life
(not a pooled one: the pool closes and replaces connections, and a lock goes with its
session). When the process dies its connection closes and PostgreSQL frees the lock: no
table, no heartbeat, no migration. Advisory locks are per database, and ``class_key`` keeps
them apart from any other lock on it (tests pass their own). The connection must reach
PostgreSQL itself, or a session-pooling proxy: a transaction-pooling PgBouncer does not
keep session locks.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from psycopg.rows import TupleRow
from sqlalchemy.engine import URL, make_url

from adapters.system.node_lease import NODE_COUNT, NoFreeNodeId, node_scan

#: The advisory-lock class of Paeshift's node ids: "PSND" in ASCII, an arbitrary constant
#: (the migration lock is a one-key lock, a separate key space).
NODE_LEASE_CLASS = 0x5053_4E44
CONNECT_TIMEOUT_S = 5
APPLICATION_NAME = "paeshift node lease"

Connection = psycopg.AsyncConnection[TupleRow]


class NodeLeaseLost(RuntimeError):
    """The lease's connection was lost and its node id could not be taken again."""


async def _connect(conninfo: str) -> Connection:
    # Autocommit: a lock query must not leave the session idle in a transaction (which
    # idle_in_transaction_session_timeout would end, and the lock with it).
    return await psycopg.AsyncConnection.connect(
        conninfo,
        autocommit=True,
        connect_timeout=CONNECT_TIMEOUT_S,
        application_name=APPLICATION_NAME,
    )


async def _try_lock(conn: Connection, class_key: int, node: int) -> bool:
    cursor = await conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (class_key, node))
    row = await cursor.fetchone()
    return row is not None and row[0] is True


class PostgresNodeLease:
    """This process's node id, held on PostgreSQL while the lease connection lives.

    **Lease loss.** If the connection is lost (a database restart, a network cut, an
    administrator ending the session), PostgreSQL has freed the lock and another process may
    take the id. :meth:`check`, the ``node_lease`` readiness probe of ``/health/ready``, finds
    that out and takes the same id again on a new connection; if that fails (another process
    holds it, or the database cannot be reached) it raises :class:`NodeLeaseLost`, the
    process reports not ready, and the orchestrator stops routing to it and replaces it.
    The process keeps its node id meanwhile: ids it generates in that window may repeat
    another process's, which a primary key refuses (an error, never two rows with one id).
    """

    def __init__(self, conninfo: str, class_key: int, node_id: int, conn: Connection) -> None:
        self._conninfo = conninfo
        self._class_key = class_key
        self._node_id = node_id
        self._conn: Connection | None = conn
        self._checking = asyncio.Lock()

    @property
    def node_id(self) -> int:
        return self._node_id

    async def check(self) -> None:
        """Return while this process holds its node id (taking it again if the connection
        was lost); raise :class:`NodeLeaseLost` otherwise."""
        async with self._checking:
            if self._conn is not None:
                try:
                    await self._conn.execute("SELECT 1")
                except psycopg.Error:
                    await self.close()  # if the session still lives, this frees its lock
                else:
                    return
            self._conn = await self._take_again()

    async def _take_again(self) -> Connection:
        try:
            conn = await _connect(self._conninfo)
        except psycopg.Error as exc:
            raise NodeLeaseLost(f"node id {self._node_id}: cannot reach PostgreSQL") from exc
        try:
            taken = await _try_lock(conn, self._class_key, self._node_id)
        except BaseException:
            await conn.close()
            raise
        if not taken:
            await conn.close()
            raise NodeLeaseLost(f"node id {self._node_id} is held by another process now")
        return conn

    async def close(self) -> None:
        """Free the id (closing the session ends its locks)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()


def _conninfo(database_url: str | URL) -> str:
    """The libpq URL of a SQLAlchemy one (``postgresql+psycopg://`` → ``postgresql://``)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@asynccontextmanager
async def postgres_node_lease(
    database_url: str | URL, *, class_key: int = NODE_LEASE_CLASS
) -> AsyncIterator[PostgresNodeLease]:
    """Take the first free node id of ``class_key`` and hold it until the block ends.

    Raises :class:`NoFreeNodeId` when all 256 are held by live processes.
    """
    conninfo = _conninfo(database_url)
    conn = await _connect(conninfo)
    try:
        node = await _first_free(conn, class_key)
    except BaseException:
        await conn.close()
        raise
    lease = PostgresNodeLease(conninfo, class_key, node, conn)
    try:
        yield lease
    finally:
        await lease.close()


async def _first_free(conn: Connection, class_key: int) -> int:
    for node in node_scan():
        if await _try_lock(conn, class_key, node):
            return node
    raise NoFreeNodeId(
        f"all {NODE_COUNT} node ids of advisory-lock class {class_key} are held by live "
        "processes on this database"
    )
