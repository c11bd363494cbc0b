"""Resolving the caller: ``Authorization: Bearer`` or the browser session cookie.

Authentication only; what the caller may do is decided by the use cases (ARCHITECTURE.md
HTTP). Browsers get the access token in an HttpOnly, SameSite=Lax cookie and the refresh token
in a second one scoped to ``/api/v1/auth``, so page scripts never see either token. A request
carrying a bearer token is judged by that token alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from typing import Any, TypeVar

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
T = TypeVar("T")

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


class CallerLookup:
    """The caller of a public route (None when anonymous), looked up alongside the route's
    own read.

    A logged-in viewer of a public read (a job's detail, a feed page) costs the public data
    and the viewer's principal, each a cache read. Started together (``alongside``) they go
    to Redis in one round trip (``adapters/redis/batched_reads.py``) rather than one after the
    other: a principal resolved first, as a dependency, left the route's read for a second
    trip. The read must be public, the same for everyone: it may run before the caller is
    known, and a failed lookup (a bad token, an account that may no longer log in: 401) wins
    over whatever it found.
    """

    def __init__(self, token: str | None, services: ApiServices) -> None:
        self._token = token
        self._services = services

    async def principal(self) -> Principal | None:
        """The caller; ``Unauthenticated`` for a token that does not authenticate."""
        if self._token is None:
            return None
        principal = await self._services.core.identity.authenticate(self._token)
        bind_user(principal.user_id)  # for the request's access log line
        return principal

    async def alongside(self, public_read: Awaitable[T]) -> tuple[Principal | None, T]:
        """The caller and the result of ``public_read``, both started in this step."""
        if self._token is None:
            return None, await public_read
        lookup = asyncio.ensure_future(self.principal())
        try:
            outcome = await public_read
        except asyncio.CancelledError:
            lookup.cancel()
            raise
        except Exception:
            await lookup  # a failed lookup (401) wins over the read's error
            raise
        return await lookup, outcome


async def provide_caller_lookup(
    request: Request[Any, Any, Any], services: NamedDependency[ApiServices]
) -> CallerLookup:
    """A public route's caller, to look up alongside its read (a malformed header: 401 now).

    It takes ``services`` although ``request`` would do: Litestar resolves dependencies that
    do not depend on each other concurrently, in an anyio task group per request, and a
    chain resolves one after the other without one (a profile of the cached job detail put
    a sixth of its time in that task group).
    """
    return CallerLookup(access_token(request), services)


async def provide_principal(
    request: Request[Any, Any, Any], services: NamedDependency[ApiServices]
) -> Principal:
    principal = await CallerLookup(access_token(request), services).principal()
    if principal is None:
        raise Unauthenticated("log in first", code="not_authenticated")
    return principal


def _provide_services(request: Request[Any, Any, Any]) -> ApiServices:
    return services_of(request.app.state)


#: App-level dependencies; handlers declare them with ``NamedDependency[...]``.
DEPENDENCIES = {
    "principal": Provide(provide_principal),
    "viewing": Provide(provide_caller_lookup),
    "services": Provide(_provide_services, sync_to_thread=False),
}

Caller = NamedDependency[Principal]
Viewing = NamedDependency[CallerLookup]
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
