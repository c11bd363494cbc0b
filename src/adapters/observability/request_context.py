"""What one HTTP request costs, collected while it runs (ARCHITECTURE.md HTTP; QUALITY.md Query
budgets).

The HTTP adapter opens a :func:`request_scope` around each request; the SQL engine's cursor
events call :func:`record_sql`, the Redis guard :func:`record_cache`, and authentication
:func:`bind_user`. They meet here, in a context variable, so the SQL and Redis adapters need
not know about HTTP (nor HTTP about them). The variable holds one mutable
:class:`RequestStats`: tasks spawned by the request copy the context but share the object,
so their statements count too. Outside a request (CLI, worker, start-up) the calls do nothing.

:func:`capture_requests` hands the finished requests to a test: the query-budget tests count
the SQL statements of one HTTP request with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from attrs import define

#: Route label of requests that matched no route (404, 405): a constant bounds the series.
UNMATCHED_ROUTE = "unmatched"


@define(kw_only=True)
class RequestStats:
    """One request's identity and costs; times in seconds. ``sql_s`` and ``cache_s`` add up
    the request's waits: two that overlap (a public read and the caller's lookup, started
    together) both count."""

    request_id: str
    method: str
    route: str = UNMATCHED_ROUTE
    status: int = 0
    user_id: int | None = None
    duration_s: float = 0.0
    sql_statements: int = 0
    sql_s: float = 0.0
    cache_s: float = 0.0


_current: ContextVar[RequestStats | None] = ContextVar("paeshift_request", default=None)
_captures: list[list[RequestStats]] = []


def current_request() -> RequestStats | None:
    return _current.get()


def record_sql(seconds: float) -> None:
    """One SQL statement ran for ``seconds`` on behalf of the current request, if any."""
    stats = _current.get()
    if stats is not None:
        stats.sql_statements += 1
        stats.sql_s += seconds


def record_cache(seconds: float) -> None:
    """The current request waited ``seconds`` for the cache store (Redis)."""
    stats = _current.get()
    if stats is not None:
        stats.cache_s += seconds


def bind_user(user_id: int) -> None:
    """The authenticated caller of the current request (for its access log line)."""
    stats = _current.get()
    if stats is not None:
        stats.user_id = user_id


@contextmanager
def request_scope(stats: RequestStats) -> Iterator[RequestStats]:
    """Make ``stats`` the current request's until the block ends, then publish it."""
    token = _current.set(stats)
    try:
        yield stats
    finally:
        _current.reset(token)
        for captured in _captures:
            captured.append(stats)


@contextmanager
def capture_requests() -> Iterator[list[RequestStats]]:
    """Collect every request finished inside the block (tests: query budgets, logs).

    ``with capture_requests() as seen: await api.get(...)`` then
    ``seen[-1].sql_statements`` is that request's statement count.
    """
    captured: list[RequestStats] = []
    _captures.append(captured)
    try:
        yield captured
    finally:
        _captures.remove(captured)
