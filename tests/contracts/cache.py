"""The cache contract: one suite for every ``Cache`` adapter (memory, Redis).

Subclass :class:`CacheContract` and provide a ``cache`` fixture: a fresh, empty cache. Time
is not part of the contract (the memory cache runs on a fake clock, Redis on its own), so TTL
expiry is tested per adapter.
"""

from __future__ import annotations

import asyncio

import pytest

from paeshift_core.ports.cache import Cache


class CountingLoader:
    """Returns v1, v2, ... so a test sees whether a value was loaded again."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.calls = 0
        self.delay_s = delay_s

    async def __call__(self) -> bytes:
        self.calls += 1
        value = f"v{self.calls}".encode()
        await asyncio.sleep(self.delay_s)
        return value


class CacheContract:
    async def test_loads_once_then_serves_the_cached_bytes(self, cache: Cache) -> None:
        load = CountingLoader()
        assert await cache.get_or_load("jobs", "1", load, 60) == b"v1"
        assert await cache.get_or_load("jobs", "1", load, 60) == b"v1"
        assert load.calls == 1

    async def test_invalidation_by_key_and_by_namespace(self, cache: Cache) -> None:
        load = CountingLoader()
        assert await cache.get_or_load("jobs", "1", load, 60) == b"v1"
        assert await cache.get_or_load("jobs", "2", load, 60) == b"v2"
        assert await cache.get_or_load("feed", "1", load, 60) == b"v3"
        await cache.invalidate("jobs", "1")
        assert await cache.get_or_load("jobs", "1", load, 60) == b"v4"
        assert await cache.get_or_load("jobs", "2", load, 60) == b"v2"
        await cache.invalidate("jobs")
        assert await cache.get_or_load("jobs", "1", load, 60) == b"v5"
        assert await cache.get_or_load("jobs", "2", load, 60) == b"v6"
        assert await cache.get_or_load("feed", "1", load, 60) == b"v3"

    async def test_fifty_concurrent_misses_share_one_load(self, cache: Cache) -> None:
        load = CountingLoader(0.05)
        values = await asyncio.gather(
            *(cache.get_or_load("jobs", "9", load, 60) for _ in range(50))
        )
        assert set(values) == {b"v1"}
        assert load.calls == 1

    async def test_a_failed_load_reaches_every_waiter_and_is_not_cached(self, cache: Cache) -> None:
        calls = 0

        async def failing() -> bytes:
            nonlocal calls
            calls += 1
            await asyncio.sleep(0.02)
            raise LookupError("database said no")

        outcomes = await asyncio.gather(
            *(cache.get_or_load("jobs", "5", failing, 60) for _ in range(5)),
            return_exceptions=True,
        )
        assert calls == 1
        assert all(isinstance(o, LookupError) for o in outcomes)
        assert await cache.get_or_load("jobs", "5", CountingLoader(), 60) == b"v1"

    async def test_a_cancelled_loader_hands_over_to_a_waiter(self, cache: Cache) -> None:
        started, load = asyncio.Event(), CountingLoader()

        async def slow() -> bytes:
            started.set()
            await asyncio.sleep(10)
            return b"never"

        first = asyncio.create_task(cache.get_or_load("jobs", "3", slow, 60))
        await started.wait()
        second = asyncio.create_task(cache.get_or_load("jobs", "3", load, 60))
        await asyncio.sleep(0.01)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        assert await second == b"v1"

    async def test_a_refresh_after_a_write_is_what_the_next_read_gets(self, cache: Cache) -> None:
        load = CountingLoader()
        assert await cache.get_or_load("jobs", "1", load, 60) == b"v1"
        await cache.invalidate("jobs", "1")
        await cache.refresh("jobs", "1", load, 60)
        assert await cache.get_or_load("jobs", "1", load, 60) == b"v2"
        assert load.calls == 2  # the read did not load

    async def test_a_refresh_overtaken_by_a_later_write_is_never_served(self, cache: Cache) -> None:
        """The refresh loaded before the second write's invalidation: its bytes are stale."""
        load = CountingLoader()

        async def stale() -> bytes:
            await cache.invalidate("jobs", "1")  # another write commits while this loads
            return b"stale"

        await cache.refresh("jobs", "1", stale, 60)
        assert await cache.get_or_load("jobs", "1", load, 60) == b"v1"

    async def test_a_failed_refresh_raises_and_stores_nothing(self, cache: Cache) -> None:
        async def broken() -> bytes:
            raise RuntimeError("database down")

        with pytest.raises(RuntimeError):
            await cache.refresh("jobs", "1", broken, 60)
        assert await cache.get_or_load("jobs", "1", CountingLoader(), 60) == b"v1"
