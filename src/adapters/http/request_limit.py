"""Request limits as one middleware (each layer costs every request a call).

The general per-client limit: each HTTP request spends one unit of its client's budget
(``request_budget.py``) before it is routed to a handler; a spent budget is a 429 problem with
``Retry-After`` and ``RateLimit`` headers. Load shedding: an admitted request then runs in one
of the process's admission slots, or gets a 503 ``overloaded`` problem when none came in time
(``admission.py``).

The client is the user of a valid access token, so the users behind one shared address (carrier
NAT is common on Nigerian mobile networks) do not pool their budgets; else the address the
request came from.

``/health`` and ``/metrics`` are never limited by either: monitoring must see an overloaded
service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from adapters.http.auth import access_token
from adapters.http.services import services_of
from paeshift_core.domain.errors import Unauthenticated

UNLIMITED_PATHS = ("/health", "/metrics")


def client_of(request: Request[Any, Any, Any], user_of_token: Callable[[str], int | None]) -> str:
    """Whose budget ``request`` spends: ``u<user id>`` of a valid token, else ``a<address>``."""
    try:
        token = access_token(request)
    except Unauthenticated:
        token = None  # a malformed header is the route's 401 to give; the address pays here
    if token is not None and (user_id := user_of_token(token)) is not None:
        return f"u{user_id}"
    return f"a{request.client.host if request.client is not None else 'unknown'}"


def limit_requests(app: ASGIApp) -> ASGIApp:
    """Middleware: spend one unit of the client's budget (429 when spent), then run the
    request in one of the process's admission slots (503 when none came in time). The budget
    comes first: a client over its limit never takes a slot from the others."""

    async def limited(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["path"].startswith(UNLIMITED_PATHS):
            await app(scope, receive, send)
            return
        request: Request[Any, Any, Any] = Request(scope)
        services = services_of(request.app.state)
        if services.request_budget is not None:
            client = client_of(request, services.core.identity.token_user_id)
            await services.request_budget.admit(client)
        admission = services.admission
        if admission is None:
            await app(scope, receive, send)
            return
        await admission.enter()
        try:
            await app(scope, receive, send)
        finally:
            admission.leave()

    return limited
