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
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Protocol, TypeVar

import msgspec
from attrs import define, frozen
from litestar import Request, Response
from litestar.params import HeaderParameter

from paeshift_core.domain.errors import Conflict, InvalidInput
from paeshift_core.ports.clock import Clock

logger = logging.getLogger("paeshift.http")

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


@frozen
class Claim:
    """A key reserved for one request: ``claimed_at`` tells this claim from a later one.

    A request in flight longer than :data:`IN_FLIGHT_LIMIT` loses its key to a retry (its
    process is taken for dead). If it was only slow, its answer must not overwrite the
    retry's claim, nor its failure delete it (a third request could then run beside the
    retry): completing and releasing act on the store only while this claim still holds the
    key. A later claim of a key is at least ``IN_FLIGHT_LIMIT`` younger, so the times differ.
    """

    key: str
    claimed_at: datetime


class IdempotencyStore(Protocol):
    async def claim(self, key: str, fingerprint: str) -> Claim | StoredResponse:
        """Reserve ``key`` (a ``Claim``), or return the stored response of an equal request.

        Raises ``Conflict`` when the key belongs to a different request or is still in flight.
        """
        ...

    async def complete(self, claim: Claim, response: StoredResponse) -> bool:
        """Store the response of ``claim``'s request; False (nothing stored) when the key
        is no longer this claim's."""
        ...

    async def release(self, claim: Claim) -> None:
        """Forget ``claim`` (its request failed), unless the key is no longer its."""
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

    async def claim(self, key: str, fingerprint: str) -> Claim | StoredResponse:
        async with self._lock:
            now = self._clock.now()
            entry = self._entries.get(key)
            if entry is None or entry.free(now):
                self._entries[key] = _Entry(fingerprint=fingerprint, claimed_at=now)
                return Claim(key, now)
            if entry.fingerprint != fingerprint:
                raise reused_for_another_request()
            if entry.response is None:
                raise in_progress()
            return entry.response

    async def complete(self, claim: Claim, response: StoredResponse) -> bool:
        async with self._lock:
            entry = self._held(claim)
            if entry is not None:
                entry.response = response
            return entry is not None

    async def release(self, claim: Claim) -> None:
        async with self._lock:
            if self._held(claim) is not None:
                del self._entries[claim.key]

    def _held(self, claim: Claim) -> _Entry | None:
        """``claim``'s entry while it is unanswered and still this claim's."""
        entry = self._entries.get(claim.key)
        if entry is None or entry.response is not None or entry.claimed_at != claim.claimed_at:
            return None
        return entry


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
    claim = await store.claim(f"{caller}:{key}", request_fingerprint)
    if isinstance(claim, StoredResponse):
        return claim
    try:
        response = await produce()
    except BaseException:
        await store.release(claim)
        raise
    if not await store.complete(claim, response):
        logger.warning(
            "Idempotency-Key %r of user %d was claimed again before its request answered",
            key,
            caller,
        )
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
