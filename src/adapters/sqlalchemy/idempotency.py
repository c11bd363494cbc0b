"""The ``Idempotency-Key`` store of money writes in the database (``adapters/http/idempotency.py``).

A server runs several processes (``serve --workers N``, several machines). With a store per
process, a client retrying a withdrawal after a timeout could reach another process, which
did not know the key and paid out again. Here every process claims a key in the one database
they share, with a statement that only one claim can win (``INSERT ... ON CONFLICT DO
NOTHING RETURNING`` on the primary key), so the write runs once and every retry, wherever it lands,
replays its stored response.

Each step is its own short statement (autocommit on PostgreSQL), never the use case's
transaction: the claim is visible to other processes before the write starts, and a failed
write releases it. Completing and releasing touch the key only while it is still the
request's claim (``Claim``: unanswered, same ``claimed_at``). Expired keys go in the hourly
purge (``background.periodic_tasks``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.http.idempotency import (
    IN_FLIGHT_LIMIT,
    KEY_TTL,
    Claim,
    StoredResponse,
    in_progress,
    reused_for_another_request,
)
from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.driver_errors import database_errors
from adapters.sqlalchemy.engine import one_statement
from adapters.sqlalchemy.mappers import to_utc
from paeshift_core.ports.clock import Clock

_KEYS = t.idempotency_keys
_C = _KEYS.c


class SqlIdempotencyStore:
    """:class:`~adapters.http.idempotency.IdempotencyStore` on the shared database."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def claim(self, key: str, fingerprint: str) -> Claim | StoredResponse:
        now = self._clock.now()
        async with database_errors(), one_statement(self._engine) as conn:
            if await self._insert(conn, key, fingerprint, now):
                return Claim(key, now)
            if await self._take_over(conn, key, fingerprint, now):
                return Claim(key, now)
            query = select(_C.fingerprint, _C.status, _C.body, _C.media_type)
            row = (await conn.execute(query.where(_C.key == key))).one_or_none()
        if row is None:  # released between the statements: the first request failed
            raise in_progress()
        if row.fingerprint != fingerprint:
            raise reused_for_another_request()
        if row.status is None:
            raise in_progress()
        return StoredResponse(status=row.status, body=row.body, media_type=row.media_type)

    async def _insert(
        self, conn: AsyncConnection, key: str, fingerprint: str, now: datetime
    ) -> bool:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        statement = (
            dialect.insert(_KEYS)
            .values(**_claimed(key, fingerprint, now))
            .on_conflict_do_nothing(index_elements=[_C.key])
            .returning(_C.key)
        )
        return (await conn.execute(statement)).first() is not None

    async def _take_over(
        self, conn: AsyncConnection, key: str, fingerprint: str, now: datetime
    ) -> bool:
        """Claim a key that expired, or whose first request has been in flight for longer
        than :data:`IN_FLIGHT_LIMIT` (its process died before it could answer or release):
        one statement, so of two retries doing it at once one wins."""
        stale = or_(
            _C.expires_at <= to_utc(now),
            and_(_C.status.is_(None), _C.claimed_at <= to_utc(now - IN_FLIGHT_LIMIT)),
        )
        statement = update(_KEYS).where(_C.key == key, stale).returning(_C.key)
        taken = await conn.execute(statement.values(**_claimed(key, fingerprint, now)))
        return taken.first() is not None

    async def complete(self, claim: Claim, response: StoredResponse) -> bool:
        statement = update(_KEYS).where(*_held(claim))
        values = {"status": response.status, "body": response.body}
        async with database_errors(), one_statement(self._engine) as conn:
            done = await conn.execute(statement.values(**values, media_type=response.media_type))
        return bool(done.rowcount)

    async def release(self, claim: Claim) -> None:
        async with database_errors(), one_statement(self._engine) as conn:
            await conn.execute(delete(_KEYS).where(*_held(claim)))

    async def purge_expired(self) -> int:
        """Delete expired keys; returns how many (the hourly periodic task)."""
        now = to_utc(self._clock.now())
        async with database_errors(), one_statement(self._engine) as conn:
            return (await conn.execute(delete(_KEYS).where(_C.expires_at <= now))).rowcount


def _held(claim: Claim) -> tuple[ColumnElement[bool], ...]:
    """The key's row while it is unanswered and still ``claim``'s (``Claim``)."""
    return (_C.key == claim.key, _C.status.is_(None), _C.claimed_at == to_utc(claim.claimed_at))


def _claimed(key: str, fingerprint: str, now: datetime) -> dict[str, object]:
    return {
        "key": key,
        "fingerprint": fingerprint,
        "claimed_at": to_utc(now),
        "expires_at": to_utc(now + KEY_TTL),
        "status": None,
        "body": None,
        "media_type": None,
    }
