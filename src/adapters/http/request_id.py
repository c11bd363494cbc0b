"""``X-Request-ID`` on every request and response (API.md Principles).

A well-formed id sent by the client (or a proxy) is kept, so a request can be followed across
services; anything else gets a fresh random id. The id is stored in the ASGI scope state where
the error mapping and the logs read it.
"""

from __future__ import annotations

import re
import uuid

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
STATE_KEY = "request_id"
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_of(scope: Scope) -> str:
    """The id of this request, given it now if nothing has yet (errors raised while routing)."""
    state = scope.setdefault("state", {})
    value = state.get(STATE_KEY)
    if not isinstance(value, str):
        value = _incoming(scope) or uuid.uuid4().hex
        state[STATE_KEY] = value
    return value


def _incoming(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name.decode("latin-1").lower() == HEADER:
            candidate = value.decode("latin-1")
            return candidate if _WELL_FORMED.match(candidate) else None
    return None


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Give the request its id before the handler runs (logs and errors use it)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            request_id_of(scope)
        await app(scope, receive, send)

    return middleware


async def echo_request_id(message: Message, scope: Scope) -> None:
    """``before_send`` hook: runs for every response, also those made while routing failed."""
    if message["type"] == "http.response.start" and scope["type"] == ScopeType.HTTP:
        MutableScopeHeaders.from_message(message)[HEADER] = request_id_of(scope)
