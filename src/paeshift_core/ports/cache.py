"""A cache for read models (never money state, never per-user private data under shared keys)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol


class Cache(Protocol):
    """Cache-aside with generation invalidation (ARCHITECTURE.md Caching).

    ``namespace`` is a code constant (``jobs``, ``feed``, ``profiles``, ``catalog``: short
    lower-case ASCII without ``:``); ``key`` identifies one read model in it. Only values that
    are the same for every viewer may be cached: a per-user value needs the user in ``key``,
    and money state is never cached. A cache that cannot reach its store loads instead of
    failing: the cache may make reads faster, never make them fail.
    """

    async def get_or_load(
        self, namespace: str, key: str, load: Callable[[], Awaitable[bytes]], ttl_s: int
    ) -> bytes:
        """Return the cached bytes of ``namespace/key`` at its current generation, or load them.

        Concurrent misses of one key share one ``load``; an exception from ``load`` reaches
        every waiting caller and nothing is cached.
        """
        ...

    async def invalidate(self, namespace: str, key: str | None = None) -> None:
        """Bump the generation of one key, or of the whole namespace when ``key`` is None.

        Called after the commit that changed the data; later reads never see the old value.
        """
        ...

    async def refresh(
        self, namespace: str, key: str, load: Callable[[], Awaitable[bytes]], ttl_s: int
    ) -> None:
        """Write-through: right after a write's :meth:`invalidate`, store ``load()`` as the
        current value of ``namespace/key``, so the next read hits instead of loading it.

        Not a read (it is not counted as a hit or a miss). It never serves a stale value: the
        bytes are stored under the generations current before ``load`` ran, so a later
        invalidation makes them unreadable. A cache that cannot reach its store does
        nothing; an exception from ``load`` propagates and nothing is stored.
        """
        ...
