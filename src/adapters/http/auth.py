"""Resolving the caller: ``Authorization: Bearer`` or the browser session cookie.

Authentication only; what the caller may do is decided by the use cases (ARCHITECTURE.md
HTTP). Browsers get the access token in an HttpOnly, SameSite=Lax cookie and the refresh token
in a second one scoped to ``/api/v1/auth``, so page scripts never see either token. A request
carrying a bearer token is judged by that token alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
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
U = TypeVar("U")

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
    own reads.

    A logged-in viewer of a public read (a job's detail, a feed page) costs the public data,
    the viewer's principal and the viewer's own data laid over the page (their applications),
    each a cache read. Started together (``alongside``) they go to Redis in one round trip
    (``adapters/redis/batched_reads.py``) rather than one after the other: a principal resolved
    first, as a dependency, left the route's reads for later trips. The public read must be
    the same for everyone and the viewer's own read must need only who the token names: both
    run before the lookup has confirmed the caller, and a failed lookup (a bad token, an
    account that may no longer log in: 401) wins over whatever they found.
    """

    def __init__(self, token: str | None, services: ApiServices) -> None:
        self._token = token
        self._services = services

    async def principal(self) -> Principal | None:
        """The caller; ``Unauthenticated`` for a token that does not authenticate."""
        return None if self._token is None else await self._authenticated(self._token)

    async def _authenticated(self, token: str) -> Principal:
        principal = await self._services.core.identity.authenticate(token)
        bind_user(principal.user_id)  # for the request's access log line
        return principal

    async def alongside(
        self,
        public_read: Callable[[], Awaitable[T]],
        own_read: Callable[[Principal], Awaitable[U]],
    ) -> tuple[T, tuple[Principal, U] | None]:
        """The public read's result and, for a logged-in caller, the caller with their own
        read's result, all started in this step. The own read starts with whom the token
        names (``claimed_principal``); it is returned only once the lookup confirmed them."""
        if self._token is None:
            return await public_read(), None
        token = self._token
        named = self._services.core.identity.claimed_principal(token)
        principal, outcome, own = await asyncio.gather(
            self._authenticated(token),
            _boxed(public_read()),
            _boxed(own_read(named)),
            return_exceptions=True,
        )
        # A failed lookup (401) wins, then the public read's failure.
        if isinstance(principal, BaseException):
            raise principal
        if isinstance(outcome, BaseException):
            raise outcome
        if isinstance(own, BaseException):
            raise own
        return outcome[0], (principal, own[0])

    async def own(self, own_read: Callable[[Principal], Awaitable[U]]) -> tuple[Principal, U]:
        """For a route that needs a caller: the caller and their own read's result, started
        in one step as in ``alongside`` (a per-user cached read and the lookup: one round
        trip, not two); 401 when anonymous."""
        _, viewed = await self.alongside(_no_public_read, own_read)
        if viewed is None:
            raise _anonymous()
        return viewed


async def _no_public_read() -> None:
    return None


def _anonymous() -> Unauthenticated:
    return Unauthenticated("log in first", code="not_authenticated")


async def _boxed(read: Awaitable[T]) -> tuple[T]:
    """``read``'s value in a tuple: a value that is an exception (the job detail's public read
    answers ``NotFound`` for a job the public may not see) is not taken for a failure."""
    return (await read,)


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
        raise _anonymous()
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
