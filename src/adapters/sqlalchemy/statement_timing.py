"""Counts and times every SQL statement for the request that runs it (QUALITY.md Query budgets).

Cursor events of the engine feed :func:`adapters.observability.request_context.record_sql`;
outside an HTTP request they cost two clock reads and nothing is recorded. A statement that
fails still counts (its time up to the failure), so a budget cannot hide a retried query.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from adapters.observability.request_context import record_sql

_STARTED = "paeshift_statement_started"


def _before(conn: Any, *_args: Any) -> None:
    conn.info.setdefault(_STARTED, []).append(time.perf_counter())


def _after(conn: Any, *_args: Any) -> None:
    started: list[float] = conn.info.get(_STARTED) or []
    if started:
        record_sql(time.perf_counter() - started.pop())


def _failed(context: Any) -> None:
    if context.connection is not None:
        _after(context.connection)


def time_statements(engine: Engine) -> None:
    """Attach the listeners to ``engine`` (the ``sync_engine`` of an async engine)."""
    event.listen(engine, "before_cursor_execute", _before)
    event.listen(engine, "after_cursor_execute", _after)
    event.listen(engine, "handle_error", _failed)
