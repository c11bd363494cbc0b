"""The compatibility API for the existing React front end (COMPAT_API.md), mounted at the
legacy prefixes. A thin driving adapter: every route calls the same use cases as ``/api/v1``;
these modules only translate shapes, resolve the caller (cookie first) and refuse requests
naming somebody else's user id."""

from __future__ import annotations

from litestar import Router

from adapters.http.compat import accounts, jobs, notifications, ratings
from adapters.http.compat.errors import compat_exception_handlers
from adapters.http.compat.payments import JOB_PAYMENT_ROUTES, payment_routes
from adapters.http.compat.session import COMPAT_DEPENDENCIES

#: The legacy prefixes (the SPA fallback leaves these alone only where a route matches).
PREFIXES = ("/accountsapp", "/jobs", "/payment", "/rating", "/notifications")


def compat_routers(frontend_url: str = "") -> list[Router]:
    """``frontend_url``: the front end's origin for the payment return (empty: same origin)."""
    handlers = {
        "/accountsapp": accounts.ROUTES,
        "/jobs": [*jobs.ROUTES, *JOB_PAYMENT_ROUTES],
        "/payment": payment_routes(frontend_url.rstrip("/")),
        "/rating": ratings.ROUTES,
        "/notifications": notifications.ROUTES,
    }
    return [
        Router(
            prefix,
            route_handlers=list(routes),
            dependencies=COMPAT_DEPENDENCIES,
            exception_handlers=compat_exception_handlers(),
            include_in_schema=False,
            tags=["compat"],
        )
        for prefix, routes in handlers.items()
    ]
