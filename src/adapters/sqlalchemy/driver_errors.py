"""Translation of driver errors into the core's error hierarchy.

Nothing from SQLAlchemy, psycopg or sqlite3 leaves this adapter (ARCHITECTURE.md Core):

- unique violations become ``Conflict(code="duplicate")``;
- other integrity violations (CHECK, foreign key, NOT NULL) are the schema's last line of
  defence and become ``Conflict(code="integrity_violation")``;
- serialization failures, deadlocks and SQLite lock timeouts become ``ConcurrencyConflict``
  (the caller may run the use case again);
- everything else the database or the network throws becomes ``Unavailable``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from paeshift_core.domain.errors import ConcurrencyConflict, Conflict, PaeshiftError, Unavailable

#: PostgreSQL SQLSTATE codes.
UNIQUE_VIOLATION = "23505"
SERIALIZATION_FAILURE = "40001"
DEADLOCK_DETECTED = "40P01"
LOCK_NOT_AVAILABLE = "55P03"
TRANSIENT_STATES = frozenset({SERIALIZATION_FAILURE, DEADLOCK_DETECTED, LOCK_NOT_AVAILABLE})


def _sqlstate(exc: DBAPIError) -> str | None:
    state = getattr(exc.orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def translate(exc: BaseException) -> PaeshiftError:
    """The core error standing for ``exc`` (a driver, pool or network error)."""
    if isinstance(exc, PaeshiftError):
        return exc
    if isinstance(exc, DBAPIError):
        state = _sqlstate(exc)
        text = str(exc.orig).lower()
        if isinstance(exc, IntegrityError):
            if state == UNIQUE_VIOLATION or "unique constraint" in text:
                return Conflict("a record with the same unique value exists", code="duplicate")
            return Conflict("the change breaks a database constraint", code="integrity_violation")
        if state in TRANSIENT_STATES or "database is locked" in text:
            return ConcurrencyConflict("the database refused a concurrent change; try again")
        return Unavailable("the database is unavailable", code="database_unavailable")
    return Unavailable("the database is unavailable", code="database_unavailable")


@asynccontextmanager
async def database_errors() -> AsyncIterator[None]:
    """Run a block, re-raising driver and connection errors as core errors."""
    try:
        yield
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        raise translate(exc) from exc
