"""Resolving the caller: ``Authorization: Bearer`` or the browser session cookie.

Authentication only; what the caller may do is decided by the use cases (ARCHITECTURE.md
HTTP). Browsers get the access token in an HttpOnly, SameSite=Lax cookie and the refresh token
in a second one scoped to ``/api/v1/auth``, so page scripts never see either token. A request
carrying a bearer token is judged by that token alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.di import NamedDependency, Provide
from litestar.openapi.spec import Reference, SecurityScheme

from adapters.http.services import ApiServices, services_of
from adapters.observability.request_context import bind_user
from paeshift_core.application.context import Principal
from paeshift_core.application.identity import AuthTokens
from paeshift_core.domain.errors import Unauthenticated

ACCESS_COOKIE = "paeshift_session"
REFRESH_COOKIE = "paeshift_refresh"
REFRESH_COOKIE_PATH = "/api/v1/auth"

SECURITY_SCHEMES: dict[str, SecurityScheme | Reference] = {
    "bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT"),
    "session": SecurityScheme(type="apiKey", name=ACCESS_COOKIE, security_scheme_in="cookie"),
}
#: ``security=`` of every route that needs a caller.
AUTHENTICATED: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]


def access_token(request: Request[Any, Any, Any]) -> str | None:
    """The bearer token, else the session cookie's; a malformed header is refused."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("use 'Authorization: Bearer <token>'", code="invalid_token")
        return token.strip()
    return request.cookies.get(ACCESS_COOKIE) or None


async def provide_viewer(
    request: Request[Any, Any, Any], services: NamedDependency[ApiServices]
) -> Principal | None:
    """The caller if any: public routes personalise for a logged-in viewer.

    It takes ``services`` although ``request`` would do: Litestar resolves dependencies that
    do not depend on each other concurrently, in an anyio task group per request, and a
    chain resolves one after the other without one (a profile of the cached job detail put
    a sixth of its time in that task group).
    """
    token = access_token(request)
    if token is None:
        return None
    principal = await services.core.identity.authenticate(token)
    bind_user(principal.user_id)  # for the request's access log line
    return principal


async def provide_principal(
    request: Request[Any, Any, Any], services: NamedDependency[ApiServices]
) -> Principal:
    principal = await provide_viewer(request, services)
    if principal is None:
        raise Unauthenticated("log in first", code="not_authenticated")
    return principal


def _provide_services(request: Request[Any, Any, Any]) -> ApiServices:
    return services_of(request.app.state)


#: App-level dependencies; handlers declare them with ``NamedDependency[...]``.
DEPENDENCIES = {
    "principal": Provide(provide_principal),
    "viewer": Provide(provide_viewer),
    "services": Provide(_provide_services, sync_to_thread=False),
}

Caller = NamedDependency[Principal]
Viewer = NamedDependency[Principal | None]
Services = NamedDependency[ApiServices]


def seconds_until(expires_at: datetime, now: datetime) -> int:
    """A cookie's ``max_age`` for a token expiring at ``expires_at`` (never negative)."""
    return max(0, int((expires_at - now).total_seconds()))


def session_cookie(
    key: str, value: str, *, path: str, max_age: int, secure: bool | None = None
) -> Cookie:
    """Every cookie carrying a session token is HttpOnly and SameSite=Lax."""
    return Cookie(
        key=key,
        value=value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure,
        path=path,
    )


def expired_cookie(key: str, *, path: str) -> Cookie:
    """The same cookie emptied and expired at once (log-out)."""
    return session_cookie(key, "", path=path, max_age=0)


def session_cookies(tokens: AuthTokens, now: datetime, *, secure: bool) -> list[Cookie]:
    """The two cookies of a browser session."""
    return [
        session_cookie(
            ACCESS_COOKIE,
            tokens.access_token,
            path="/",
            max_age=seconds_until(tokens.access_expires_at, now),
            secure=secure,
        ),
        session_cookie(
            REFRESH_COOKIE,
            tokens.refresh_token,
            path=REFRESH_COOKIE_PATH,
            max_age=seconds_until(tokens.refresh_expires_at, now),
            secure=secure,
        ),
    ]


#: Set on logout: both session cookies expire at once.
EXPIRED_SESSION_COOKIES = [
    expired_cookie(ACCESS_COOKIE, path="/"),
    expired_cookie(REFRESH_COOKIE, path=REFRESH_COOKIE_PATH),
]
