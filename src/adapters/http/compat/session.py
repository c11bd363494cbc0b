"""Who is calling a compat route, and the check that every user id in a request is theirs.

COMPAT_API.md "Serving it securely": the legacy front end sends no token on most calls and
names the acting user in the request instead; the legacy backend trusted that. Here the
caller comes from the session cookie (set by ``login-simple``) or a bearer token, cookie
first, so an expired bearer token does not log out a user whose cookie is valid; every
``user_id``-like value in the path, query or body must then be the caller (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide

from adapters.http.auth import ACCESS_COOKIE
from adapters.http.compat.shapes import as_int, body_of
from adapters.http.services import services_of
from adapters.observability.request_context import bind_user
from paeshift_core.application.context import Principal
from paeshift_core.domain.errors import PermissionDenied, Unauthenticated

#: The refresh token's cookie for the legacy routes (``/token/refresh/``, ``/logout``).
LEGACY_REFRESH_COOKIE = "paeshift_legacy_refresh"
LEGACY_REFRESH_PATH = "/accountsapp"


def _bearer(request: Request[Any, Any, Any]) -> str | None:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def provide_compat_caller(request: Request[Any, Any, Any]) -> Principal:
    identity = services_of(request.app.state).core.identity
    candidates = [t for t in (request.cookies.get(ACCESS_COOKIE), _bearer(request)) if t]
    if not candidates:
        raise Unauthenticated("log in first", code="not_authenticated")
    failure: Unauthenticated | None = None
    for token in candidates:
        try:
            principal = await identity.authenticate(token)
        except Unauthenticated as exc:
            failure = failure or exc
            continue
        bind_user(principal.user_id)
        return principal
    assert failure is not None
    raise failure


COMPAT_DEPENDENCIES = {"caller": Provide(provide_compat_caller)}
CompatCaller = NamedDependency[Principal]


def require_self(principal: Principal, value: object, field: str) -> None:
    """A user id named in the request must be the caller's own (absent is fine)."""
    if value is None or value == "":
        return
    if as_int(value, field) != principal.user_id:
        raise PermissionDenied(f"{field} must be your own user id", code="not_you")


def require_self_all(principal: Principal, data: dict[str, Any], *fields: str) -> None:
    for field in fields:
        require_self(principal, data.get(field), field)


def own_body(principal: Principal, data: object, *fields: str) -> dict[str, Any]:
    """The request's JSON object body, in which each of ``fields`` (a user id) must be the
    caller's own when present."""
    body = body_of(data)
    require_self_all(principal, body, *fields)
    return body
