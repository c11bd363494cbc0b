"""``Idempotency-Key`` for HTTP writes that move money (API.md Principles).

The same key with the same request (method, path, body) from the same caller returns the first
response again without running the use case; the same key with a different request is a 409. A
request still in flight under that key is also a 409 (the client retries later), for at most
:data:`IN_FLIGHT_LIMIT`. Failed requests release the key so that a retry may run. The ledger's
own idempotency keys remain the last line of defence; this layer makes client retries safe and
cheap.

The server keeps keys in the database every process shares
(``adapters/sqlalchemy/idempotency.py``); :class:`MemoryIdempotencyStore` is the in-process
reference the unit tests run the HTTP adapter with.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Protocol, TypeVar

import msgspec
from attrs import define, frozen
from litestar import Request, Response
from litestar.params import HeaderParameter

from paeshift_core.domain.errors import Conflict, InvalidInput
from paeshift_core.ports.clock import Clock

KEY_TTL = timedelta(hours=24)
#: A key whose first request has been in flight this long may be claimed again: that request's
#: process died before it answered or released the key. Far longer than a money write can take:
#: each gateway call times out after 8 s, a wait for a database connection after 5 s, and a
#: server's SQL statement after ``PAESHIFT_STATEMENT_TIMEOUT_MS`` (30 s by default, at most 5
#: minutes), so a write blocked in the database cannot run twice.
IN_FLIGHT_LIMIT = timedelta(minutes=10)
MAX_KEY_LENGTH = 255

S = TypeVar("S", bound=msgspec.Struct)

#: The optional ``Idempotency-Key`` header of money writes.
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        description="repeat a request safely: same key and body, same response, once",
    ),
]


@frozen
class StoredResponse:
    status: int
    body: bytes
    media_type: str


class IdempotencyStore(Protocol):
    async def claim(self, key: str, fingerprint: str) -> StoredResponse | None:
        """Reserve ``key`` (None), or return the stored response of an equal request.

        Raises ``Conflict`` when the key belongs to a different request or is still in flight.
        """
        ...

    async def complete(self, key: str, response: StoredResponse) -> None: ...

    async def release(self, key: str) -> None:
        """Forget a claimed key whose request failed."""
        ...


def reused_for_another_request() -> Conflict:
    return Conflict(
        "this Idempotency-Key was used for a different request", code="idempotency_key_reused"
    )


def in_progress() -> Conflict:
    return Conflict(
        "a request with this Idempotency-Key is still in progress", code="idempotency_in_progress"
    )


@define
class _Entry:
    fingerprint: str
    claimed_at: datetime
    response: StoredResponse | None = None

    def free(self, now: datetime) -> bool:
        """Expired, or in flight for longer than :data:`IN_FLIGHT_LIMIT`."""
        if self.claimed_at + KEY_TTL <= now:
            return True
        return self.response is None and self.claimed_at + IN_FLIGHT_LIMIT <= now


class MemoryIdempotencyStore:
    """Per-process store (unit tests); keys expire after ``KEY_TTL``."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = asyncio.Lock()

    async def claim(self, key: str, fingerprint: str) -> StoredResponse | None:
        async with self._lock:
            now = self._clock.now()
            entry = self._entries.get(key)
            if entry is None or entry.free(now):
                self._entries[key] = _Entry(fingerprint=fingerprint, claimed_at=now)
                return None
            if entry.fingerprint != fingerprint:
                raise reused_for_another_request()
            if entry.response is None:
                raise in_progress()
            return entry.response

    async def complete(self, key: str, response: StoredResponse) -> None:
        async with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                entry.response = response

    async def release(self, key: str) -> None:
        async with self._lock:
            self._entries.pop(key, None)


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


async def run_once(
    store: IdempotencyStore,
    *,
    key: str | None,
    caller: int,
    request_fingerprint: str,
    produce: Callable[[], Awaitable[StoredResponse]],
) -> StoredResponse:
    """Run ``produce`` at most once per (caller, key); without a key, just run it."""
    if key is None:
        return await produce()
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise InvalidInput("Idempotency-Key", f"must be 1-{MAX_KEY_LENGTH} characters")
    scoped = f"{caller}:{key}"
    stored = await store.claim(scoped, request_fingerprint)
    if stored is not None:
        return stored
    try:
        response = await produce()
    except BaseException:
        await store.release(scoped)
        raise
    await store.complete(scoped, response)
    return response


def replayable(status: int, body: bytes) -> StoredResponse:
    return StoredResponse(status=status, body=body, media_type="application/json")


async def respond_once(
    request: Request[Any, Any, Any],
    store: IdempotencyStore,
    *,
    caller: int,
    key: str | None,
    status: int,
    out_type: type[S],
    produce: Callable[[], Awaitable[S]],
) -> Response[S]:
    """Run a money write at most once per (caller, key) and answer with its response."""
    body = await request.body()

    async def run() -> StoredResponse:
        return replayable(status, msgspec.json.encode(await produce()))

    stored = await run_once(
        store,
        key=key,
        caller=caller,
        request_fingerprint=fingerprint(request.method, request.url.path, body),
        produce=run,
    )
    return Response(msgspec.json.decode(stored.body, type=out_type), status_code=stored.status)
