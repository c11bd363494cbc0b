"""Cache-aside for the public read routes (ARCHITECTURE.md Caching).

Where: here, in the HTTP adapter, the serialized JSON of **public** representations is
cached, so a hit is one cache read and no encoding: ``GET /jobs/{id}`` as an anonymous
viewer sees it, anonymous ``GET /jobs`` feed pages, ``GET /users/{id}`` (public profile with
reliability and rating summary) and ``GET /catalog/industries``. Namespaces and keys are those
of ``paeshift_core/application/read_models.py``, which also holds the one table of which
committed change invalidates what (bumped after commit, before the write's response).

Viewer-specific data never goes under a shared key. A logged-in viewer's job detail and
feed pages are the cached public bytes with the viewer's own application status laid over
them, from the viewer's own cached applications (``FeedUseCases.my_applications``, a
per-user key); where the viewer applied to none of the jobs shown, the public bytes are
already theirs (``my_application`` null) and are served untouched; best match for a
logged-in viewer ranks by their own skills, so it is served uncached. A job the public may
not see (pending, canceled) raises ``NotFound`` through the cache, nothing is cached for it,
and a logged-in viewer then gets the use case's answer for them, uncached. Money state is
never cached.

Write-through: the writes that change a public job's application counts (apply, accept,
reject, withdraw) store its fresh detail right after their invalidation (``refresh_json``), so
the reader that follows, in any process, hits: in the mixed benchmark the job detail's hit rate
rose from 79 to 86 % (bench/results/2026-11-29-job-detail-write-through.md).

The cache is ``ApiServices.cache``: Redis when ``PAESHIFT_REDIS_URL`` is set, otherwise the
in-process cache; ``PAESHIFT_CACHE=off`` serves every read from the database (the benchmark's
"without cache" runs). TTLs are a safety net only (the Redis adapter adds ±10 % jitter).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import TypeVar

import msgspec
from litestar import Response
from litestar.enums import MediaType
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import DataContainerType

from adapters.http.jobs_schemas import MyApplicationRef
from paeshift_core.domain.errors import NotFound, Unavailable
from paeshift_core.ports.cache import Cache
from paeshift_core.ports.feed import ApplicationRef

T = TypeVar("T")

#: Every change made through the use cases invalidates at commit, so the TTLs only bound how
#: long a change made around them (SQL by hand, a lost invalidation) can go unseen. None of
#: these read models changes with the clock alone (the feed filters by status, and status
#: changes are events), so they are minutes, not seconds: a short TTL only turns hits into
#: misses (bench/results/).
JOB_TTL_S = 600
FEED_TTL_S = 300
PROFILE_TTL_S = 600
CATALOG_TTL_S = 3600

_ENCODER = msgspec.json.Encoder()


def json_ok(body: DataContainerType) -> dict[int, ResponseSpec]:
    """The OpenAPI 200 entry of a route that answers with pre-encoded JSON of ``body``."""
    described = HTTPStatus.OK.description  # as Litestar describes its own 200s
    return {200: ResponseSpec(data_container=body, generate_examples=False, description=described)}


def json_response(raw: bytes) -> Response[bytes]:
    return Response(content=raw, media_type=MediaType.JSON)


def to_json(body: msgspec.Struct) -> bytes:
    return _ENCODER.encode(body)


def from_json(raw: bytes, kind: type[T]) -> T:
    """A cached body back as its struct, to lay a viewer's part over it."""
    return msgspec.json.decode(raw, type=kind)


async def cached_json(
    cache: Cache,
    namespace: str,
    key: str,
    ttl_s: int,
    produce: Callable[[], Awaitable[msgspec.Struct]],
) -> bytes:
    """The JSON of ``produce()`` (a public representation), through the cache."""
    return await cache.get_or_load(namespace, key, _encoded(produce), ttl_s)


async def refresh_json(
    cache: Cache,
    namespace: str,
    key: str,
    ttl_s: int,
    produce: Callable[[], Awaitable[msgspec.Struct]],
) -> None:
    """Write-through of a public representation right after a write (``Cache.refresh``),
    so its next reader hits. The write has committed and its response must not fail over
    this: a representation the public may no longer see (``NotFound``, nothing is stored)
    or a database that cannot answer now leaves the key to the next reader."""
    with contextlib.suppress(NotFound, Unavailable):
        await cache.refresh(namespace, key, _encoded(produce), ttl_s)


def _encoded(produce: Callable[[], Awaitable[msgspec.Struct]]) -> Callable[[], Awaitable[bytes]]:
    """The cache's loader for ``produce``: its representation as JSON bytes."""

    async def load() -> bytes:
        return to_json(await produce())

    return load


class _Listed(msgspec.Struct):
    id: int


class _ListedPage(msgspec.Struct):
    items: list[_Listed]


def page_ids(raw: bytes) -> list[int]:
    """The ids of a cached page's items, without building the items: a viewer with no
    application to any of them is served the cached bytes as they are (decoding the page and
    encoding it again: 7 % of a logged-in feed hit's instructions,
    bench/results/2026-11-30-statements.md)."""
    return [item.id for item in msgspec.json.decode(raw, type=_ListedPage).items]


def my_application_ref(ref: ApplicationRef | None) -> MyApplicationRef | None:
    return None if ref is None else MyApplicationRef(id=ref.id, status=ref.status.value)


def query_key(*params: tuple[str, object]) -> str:
    """A short, stable cache key for a query: a digest of its canonical parameters."""
    canonical = "&".join(f"{name}={value!r}" for name, value in params)
    return hashlib.blake2b(canonical.encode(), digest_size=16).hexdigest()
