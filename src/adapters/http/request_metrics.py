"""Per-request metrics, the access log line and ``Server-Timing`` (ARCHITECTURE.md HTTP).

:func:`observe_requests` wraps the whole application, outside Litestar's routing, so requests
that match no route (404, 405, CORS preflight) are counted too, under the route label
``unmatched``; matched requests are labelled with the route's path *template*
(``/api/v1/jobs/{job_id}``), never the raw path, so the number of series stays bounded. While
the request runs, its :class:`RequestStats` is the current one: the SQL engine and the Redis
guard add their statements and waits to it. When the response starts, ``Server-Timing``
reports ``total``, ``db`` and ``cache`` milliseconds so far; when the last byte is sent, the
histograms are observed and one structured ``request`` line is logged with the request id the
response carries in ``X-Request-ID``.
"""

from __future__ import annotations

import asyncio
import logging
import time

import structlog
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.http.request_id import request_id_of
from adapters.observability.metrics import (
    HTTP_REQUEST_DURATION,
    HTTP_REQUEST_SQL_SECONDS,
    HTTP_REQUEST_SQL_STATEMENTS,
    HTTP_REQUESTS_IN_FLIGHT,
)
from adapters.observability.request_context import UNMATCHED_ROUTE, RequestStats, request_scope

SERVER_TIMING = "server-timing"
#: Status recorded when the client went away before a response started (nginx's convention).
CLIENT_CLOSED = 499

ACCESS_LOGGER = "paeshift.access"
access_log = structlog.get_logger(ACCESS_LOGGER)
#: The standard logger behind ``access_log``: asked first whether the line would be written.
_access_level = logging.getLogger(ACCESS_LOGGER)


def server_timing(stats: RequestStats, total_s: float) -> str:
    return (
        f"total;dur={total_s * 1000:.2f}, db;dur={stats.sql_s * 1000:.2f}, "
        f"cache;dur={stats.cache_s * 1000:.2f}"
    )


def _finish(stats: RequestStats, path: str) -> None:
    route, method = stats.route, stats.method
    HTTP_REQUEST_DURATION.labels(route, method, str(stats.status)).observe(stats.duration_s)
    HTTP_REQUEST_SQL_STATEMENTS.labels(route, method).observe(stats.sql_statements)
    HTTP_REQUEST_SQL_SECONDS.labels(route, method).observe(stats.sql_s)
    level = logging.WARNING if stats.status >= 500 else logging.INFO
    if not _access_level.isEnabledFor(level):
        return  # the line would be dropped: building it was 2-3 % of a cached read's CPU
    log = access_log.warning if level == logging.WARNING else access_log.info
    log(
        "request",
        method=method,
        route=route,
        path=path,
        status=stats.status,
        user_id=stats.user_id,
        duration_ms=round(stats.duration_s * 1000, 2),
        sql_count=stats.sql_statements,
        sql_ms=round(stats.sql_s * 1000, 2),
        cache_ms=round(stats.cache_s * 1000, 2),
    )


def observe_requests(app: ASGIApp) -> ASGIApp:
    """Wrap ``app`` (the application's outermost ASGI handler) for HTTP requests."""

    async def observed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        stats = RequestStats(request_id=request_id_of(scope), method=scope["method"])

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                stats.status = message["status"]
                headers = MutableScopeHeaders.from_message(message)
                headers[SERVER_TIMING] = server_timing(stats, time.perf_counter() - started)
            await send(message)

        HTTP_REQUESTS_IN_FLIGHT.inc()
        with (
            request_scope(stats),
            structlog.contextvars.bound_contextvars(request_id=stats.request_id),
        ):
            try:
                await app(scope, receive, timed_send)
            except asyncio.CancelledError:
                stats.status = stats.status or CLIENT_CLOSED
                raise
            except BaseException:
                stats.status = stats.status or 500
                raise
            finally:
                HTTP_REQUESTS_IN_FLIGHT.dec()
                stats.duration_s = time.perf_counter() - started
                stats.route = scope.get("path_template") or UNMATCHED_ROUTE
                _finish(stats, scope["path"])

    return observed
