"""In-process cache-aside with generation-based invalidation (ARCHITECTURE.md Caching).

Keys are built from the namespace's generation and the key's own generation, so
``invalidate`` only bumps a counter: stale entries are never read again and age out by TTL or
by the LRU bound. Concurrent misses of one key share a single load (single flight). Hit and
miss counts per namespace are kept in ``hits``/``misses`` and exported as metrics. Per
process only: the embedded default's cache; the Redis adapter is the shared one.
"""

from __future__ import annotations

import asyncio
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from adapters.observability.metrics import CACHE_REQUESTS
from paeshift_core.ports.clock import Clock

_Slot = tuple[str, int, str, int]


class MemoryCache:
    def __init__(self, clock: Clock, *, max_entries: int = 10_000) -> None:
        self._clock = clock
        self._max_entries = max_entries
        self._entries: OrderedDict[_Slot, tuple[datetime, bytes]] = OrderedDict()
        self._namespace_gen: dict[str, int] = {}
        self._key_gen: dict[tuple[str, str], int] = {}
        self._loading: dict[_Slot, asyncio.Future[bytes]] = {}
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()

    def _slot(self, namespace: str, key: str) -> _Slot:
        return (
            namespace,
            self._namespace_gen.get(namespace, 0),
            key,
            self._key_gen.get((namespace, key), 0),
        )

    async def get_or_load(
        self, namespace: str, key: str, load: Callable[[], Awaitable[bytes]], ttl_s: int
    ) -> bytes:
        slot = self._slot(namespace, key)
        now = self._clock.now()
        entry = self._entries.get(slot)
        if entry is not None and now < entry[0]:
            self._entries.move_to_end(slot)
            self.hits[namespace] += 1
            CACHE_REQUESTS.labels(namespace, "hit").inc()
            return entry[1]
        self.misses[namespace] += 1
        CACHE_REQUESTS.labels(namespace, "miss").inc()
        while (pending := self._loading.get(slot)) is not None:
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # this caller was cancelled
                # the loading caller was cancelled: load ourselves
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._loading[slot] = future
        try:
            value = await load()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it; no "never retrieved" warning
            raise
        else:
            future.set_result(value)
            self._store(slot, value, now + timedelta(seconds=ttl_s))
            return value
        finally:
            del self._loading[slot]

    async def refresh(
        self, namespace: str, key: str, load: Callable[[], Awaitable[bytes]], ttl_s: int
    ) -> None:
        slot = self._slot(namespace, key)
        value = await load()
        self._store(slot, value, self._clock.now() + timedelta(seconds=ttl_s))
        CACHE_REQUESTS.labels(namespace, "refresh").inc()

    def _store(self, slot: _Slot, value: bytes, expires_at: datetime) -> None:
        self._entries[slot] = (expires_at, value)
        self._entries.move_to_end(slot)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    async def invalidate(self, namespace: str, key: str | None = None) -> None:
        if key is None:
            self._namespace_gen[namespace] = self._namespace_gen.get(namespace, 0) + 1
        else:
            self._key_gen[(namespace, key)] = self._key_gen.get((namespace, key), 0) + 1
