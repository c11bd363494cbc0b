"""The Redis cache against a real server: hits, generations, TTL, stampedes, outages."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable

import pytest
from prometheus_client import REGISTRY
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from adapters.redis.cache import RedisCache
from adapters.redis.resilience import CircuitState
from tests.contracts.cache import CacheContract, CountingLoader
from tests.integration.redis_fixtures import RedisSandbox, SilentServer, TcpProxy, circuit_state

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache(redis_sandbox: RedisSandbox) -> RedisCache:
    """The contract tests the cache's semantics: a generous timeout keeps a stall of this
    test process (a full garbage collection of a large test run) from turning one of them
    into an outage test (a timed-out read loads on its own, outside the single flight)."""
    return RedisCache(redis_sandbox.guard(), prefix=redis_sandbox.prefix)


class TestRedisCache(CacheContract):
    pass


def requests_counted(namespace: str, result: str) -> float:
    labels = {"namespace": namespace, "result": result}
    return REGISTRY.get_sample_value("paeshift_cache_requests_total", labels) or 0.0


async def test_miss_then_hit_with_metrics(redis_sandbox: RedisSandbox) -> None:
    cache, load = RedisCache(redis_sandbox.guard(), prefix=redis_sandbox.prefix), CountingLoader()
    hits_before, misses_before = requests_counted("jobs", "hit"), requests_counted("jobs", "miss")
    assert await cache.get_or_load("jobs", "42", load, 60) == b"v1"
    assert await cache.get_or_load("jobs", "42", load, 60) == b"v1"
    assert load.calls == 1
    assert (cache.hits["jobs"], cache.misses["jobs"], cache.errors["jobs"]) == (1, 1, 0)
    assert requests_counted("jobs", "hit") == hits_before + 1
    assert requests_counted("jobs", "miss") == misses_before + 1


async def test_keys_follow_the_documented_layout(redis_sandbox: RedisSandbox) -> None:
    guard = redis_sandbox.guard()
    cache = RedisCache(guard, prefix=redis_sandbox.prefix)
    await cache.get_or_load("jobs", "42", CountingLoader(), 60)
    keys = sorted(k.decode() for k in await redis_sandbox.keys())
    p = redis_sandbox.prefix
    assert keys == [f"{p}:{{jobs}}:gen", f"{p}:{{jobs}}:v:42"]  # the lock was released
    generation = await guard.client.get(keys[0])
    assert isinstance(generation, bytes)
    assert re.fullmatch(rb"[0-9]{16}", generation)  # server time in µs
    assert await guard.client.get(keys[1]) == generation + b".0|v1"


async def test_a_failed_load_releases_its_lock_and_stores_nothing(
    redis_sandbox: RedisSandbox,
) -> None:
    cache = RedisCache(redis_sandbox.guard(), prefix=redis_sandbox.prefix)

    async def failing() -> bytes:
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError):
        await cache.get_or_load("jobs", "42", failing, 60)
    keys = sorted(k.decode() for k in await redis_sandbox.keys())
    assert keys == [f"{redis_sandbox.prefix}:{{jobs}}:gen"]


async def test_processes_share_values_and_invalidations(redis_sandbox: RedisSandbox) -> None:
    reader = RedisCache(redis_sandbox.guard(), prefix=redis_sandbox.prefix)
    writer = RedisCache(redis_sandbox.guard(), prefix=redis_sandbox.prefix)
    load = CountingLoader()
    await writer.get_or_load("profiles", "7", load, 60)
    assert await reader.get_or_load("profiles", "7", load, 60) == b"v1"
    assert reader.hits["profiles"] == 1
    await writer.invalidate("profiles", "7")
    assert await reader.get_or_load("profiles", "7", load, 60) == b"v2"
    await writer.invalidate("profiles")
    assert await reader.get_or_load("profiles", "7", load, 60) == b"v3"


async def test_lost_namespace_generation_never_revives_old_values(
    redis_sandbox: RedisSandbox,
) -> None:
    guard = redis_sandbox.guard()
    cache, load = RedisCache(guard, prefix=redis_sandbox.prefix), CountingLoader()
    await cache.get_or_load("catalog", "all", load, 60)
    await guard.client.delete(cache.keys.namespace_generation("catalog"))  # as if evicted
    assert await cache.get_or_load("catalog", "all", load, 60) == b"v2"


async def test_values_expire_after_their_jittered_ttl(redis_sandbox: RedisSandbox) -> None:
    guard = redis_sandbox.guard()
    cache, load = RedisCache(guard, prefix=redis_sandbox.prefix), CountingLoader()
    await cache.get_or_load("feed", "page-1", load, 1)
    (value_key,) = [k for k in await redis_sandbox.keys() if b":v:" in k]
    assert 0 < await guard.client.pttl(value_key) <= 1100
    await asyncio.sleep(1.15)
    assert await cache.get_or_load("feed", "page-1", load, 1) == b"v2"


async def test_concurrent_misses_in_two_processes_load_once(redis_sandbox: RedisSandbox) -> None:
    # The sandbox's 2 s Redis timeout matters here: with the service's 250 ms a stalled test
    # process (seen under a loaded CI machine) timed a call out, that caller loaded by itself
    # and split the flight.
    caches = [
        RedisCache(redis_sandbox.guard(), prefix=redis_sandbox.prefix, lock_wait_s=2.0)
        for _ in range(2)
    ]
    load = CountingLoader(0.2)
    values = await asyncio.gather(
        *(caches[n % 2].get_or_load("jobs", "9", load, 60) for n in range(50))
    )
    assert set(values) == {b"v1"}
    assert load.calls == 1


async def test_closed_port_serves_from_the_loader_within_the_timeout(
    offline_sandbox: RedisSandbox,
) -> None:
    timeout_s = 0.1
    guard = offline_sandbox.guard(CLOSED_PORT_URL, timeout_s=timeout_s, failure_threshold=3)
    cache, load = RedisCache(guard, prefix=offline_sandbox.prefix), CountingLoader()
    errors_before = requests_counted("jobs", "error")
    for n in range(10):
        started = time.perf_counter()
        assert await cache.get_or_load("jobs", "1", load, 60) == f"v{n + 1}".encode()
        await cache.invalidate("jobs", "1")
        assert time.perf_counter() - started < timeout_s + 0.15
    assert circuit_state(guard) is CircuitState.OPEN
    assert cache.errors["jobs"] == 10
    assert requests_counted("jobs", "error") == errors_before + 10
    assert REGISTRY.get_sample_value("paeshift_redis_circuit_open") == 1


async def test_a_silent_server_costs_one_timeout_then_nothing(
    offline_sandbox: RedisSandbox, silent_server: SilentServer
) -> None:
    timeout_s = 0.1
    guard = offline_sandbox.guard(silent_server.url, timeout_s=timeout_s, failure_threshold=2)
    cache, load = RedisCache(guard, prefix=offline_sandbox.prefix), CountingLoader()
    elapsed = []
    for _ in range(5):
        started = time.perf_counter()
        await cache.get_or_load("jobs", "1", load, 60)
        elapsed.append(time.perf_counter() - started)
    assert load.calls == 5
    assert all(e < timeout_s + 0.1 for e in elapsed)
    assert all(e >= timeout_s * 0.9 for e in elapsed[:2])  # it did wait for Redis, briefly
    assert all(e < 0.02 for e in elapsed[2:])  # circuit open: Redis is skipped


async def test_a_write_whose_invalidation_timed_out_does_not_wait_again_to_refresh(
    offline_sandbox: RedisSandbox, silent_server: SilentServer
) -> None:
    """A write waits one timeout for Redis at most: the refresh after an invalidation that
    could not be applied does nothing (the next read retries the invalidation)."""
    timeout_s = 0.1
    guard = offline_sandbox.guard(silent_server.url, timeout_s=timeout_s, failure_threshold=100)
    cache, load = RedisCache(guard, prefix=offline_sandbox.prefix), CountingLoader()
    started = time.perf_counter()
    await cache.invalidate("jobs", "1")
    await cache.refresh("jobs", "1", load, 60)
    assert timeout_s * 0.9 <= time.perf_counter() - started < 2 * timeout_s
    assert load.calls == 0


async def test_recovers_by_itself_and_applies_missed_invalidations(
    redis_sandbox: RedisSandbox, redis_proxy: TcpProxy
) -> None:
    guard = redis_sandbox.guard(
        redis_proxy.url, timeout_s=0.1, failure_threshold=1, reset_timeout_s=0.3
    )
    cache, load = RedisCache(guard, prefix=redis_sandbox.prefix), CountingLoader()
    assert await cache.get_or_load("jobs", "1", load, 60) == b"v1"

    await redis_proxy.stop()
    assert await cache.get_or_load("jobs", "1", load, 60) == b"v2"  # from the database
    assert circuit_state(guard) is CircuitState.OPEN
    await cache.invalidate("jobs", "1")  # a write committed during the outage
    assert await cache.get_or_load("jobs", "1", load, 60) == b"v3"

    await redis_proxy.start()
    await asyncio.sleep(0.35)
    # The missed invalidation is applied first, so the value cached before the outage is
    # not served; then the cache works again.
    assert await cache.get_or_load("jobs", "1", load, 60) == b"v4"
    assert circuit_state(guard) is CircuitState.CLOSED
    assert await cache.get_or_load("jobs", "1", load, 60) == b"v4"
    assert cache.hits["jobs"] == 1
    assert REGISTRY.get_sample_value("paeshift_redis_circuit_open") == 0


async def test_rejects_namespaces_unfit_for_keys(offline_sandbox: RedisSandbox) -> None:
    cache = RedisCache(offline_sandbox.guard(CLOSED_PORT_URL), prefix=offline_sandbox.prefix)
    with pytest.raises(ValueError, match="namespace"):
        await cache.get_or_load("Jobs:{x}", "1", CountingLoader(), 60)


async def test_a_fill_loaded_before_an_invalidation_is_never_served(
    redis_sandbox: RedisSandbox,
) -> None:
    """A slow reader stores what it loaded before a write committed; readers ignore it."""
    reader = RedisCache(redis_sandbox.guard(), prefix=redis_sandbox.prefix)
    writer = RedisCache(redis_sandbox.guard(), prefix=redis_sandbox.prefix)
    loaded, go_on = asyncio.Event(), asyncio.Event()

    async def stale_load() -> bytes:
        loaded.set()
        await go_on.wait()
        return b"before the write"

    slow = asyncio.create_task(reader.get_or_load("jobs", "3", stale_load, 60))
    await loaded.wait()
    await writer.invalidate("jobs", "3")  # the write commits while the old state is in flight
    go_on.set()
    assert await slow == b"before the write"  # its own caller read before the write
    fresh = CountingLoader()
    assert await writer.get_or_load("jobs", "3", fresh, 60) == b"v1"
    assert await reader.get_or_load("jobs", "3", fresh, 60) == b"v1"
    assert fresh.calls == 1


async def test_reads_during_an_invalidation_do_not_bump_it_again(
    redis_sandbox: RedisSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reads arriving while an invalidation is on its way wait for it: the namespace is
    bumped once, and they share one fill of the new generation."""
    cache, load = (
        RedisCache(redis_sandbox.guard(), prefix=redis_sandbox.prefix),
        CountingLoader(),
    )
    assert await cache.get_or_load("feed", "1", load, 60) == b"v1"
    bumps: list[list[str]] = []
    run_generation = cache._run_generation

    async def counted(what: str, keys: list[str], *, bump: bool, ttl_ms: int = 0) -> int:
        if bump:
            bumps.append(keys)
        return await run_generation(what, keys, bump=bump, ttl_ms=ttl_ms)

    monkeypatch.setattr(cache, "_run_generation", counted)
    reads = [cache.get_or_load("feed", "1", load, 60) for _ in range(20)]
    _, *values = await asyncio.gather(cache.invalidate("feed"), *reads)
    assert bumps == [[cache.keys.namespace_generation("feed")]]
    assert values == [b"v2"] * 20
    assert load.calls == 2


async def test_a_key_invalidation_drops_the_value_so_a_lost_generation_revives_nothing(
    redis_sandbox: RedisSandbox,
) -> None:
    guard = redis_sandbox.guard()
    cache, load = RedisCache(guard, prefix=redis_sandbox.prefix), CountingLoader()
    assert await cache.get_or_load("jobs", "1", load, 60) == b"v1"
    await cache.invalidate("jobs", "1")
    assert await guard.client.get(cache.keys.value("jobs", "1")) is None  # memory freed at once
    await guard.client.delete(cache.keys.key_generation("jobs", "1"))  # as if evicted
    assert await cache.get_or_load("jobs", "1", load, 60) == b"v2"


async def test_a_burst_of_calls_gets_connections(redis_sandbox: RedisSandbox) -> None:
    """150 calls in flight at once all succeed and the breaker stays closed (redis-py's
    default pool of 100 failed the rest at once, and the breaker opened)."""
    guard = redis_sandbox.guard()
    key = f"{redis_sandbox.prefix}:burst"

    async def slow_get(client: Redis) -> object:
        return await client.blpop([key], timeout=0.05)  # holds its connection for 50 ms

    results = await asyncio.gather(*(guard.run("burst", slow_get) for _ in range(150)))
    assert results == [None] * 150
    assert circuit_state(guard) is CircuitState.CLOSED


def loader(value: str) -> Callable[[], Awaitable[bytes]]:
    async def load() -> bytes:
        return value.encode()

    return load


async def test_reads_started_together_share_one_round_trip_one_mget_per_namespace(
    redis_sandbox: RedisSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    guard = redis_sandbox.guard()
    cache = RedisCache(guard, prefix=redis_sandbox.prefix)
    for key in range(8):
        await cache.get_or_load("jobs", str(key), loader(f"job {key}"), 60)
    await cache.get_or_load("feed", "page", loader("page"), 60)
    trips: list[str] = []
    mgets: list[list[str]] = []
    run, mget = guard.run, Pipeline.mget

    async def counted_run(what: str, operation: Callable[[Redis], Awaitable[object]]) -> object:
        trips.append(what)
        return await run(what, operation)

    def counted_mget(self: Pipeline, keys: list[str]) -> object:
        mgets.append(keys)
        return mget(self, keys)

    monkeypatch.setattr(guard, "run", counted_run)
    monkeypatch.setattr(Pipeline, "mget", counted_mget)
    reads = [cache.get_or_load("jobs", str(key), loader("db"), 60) for key in range(8)]
    values = await asyncio.gather(*reads, cache.get_or_load("feed", "page", loader("db"), 60))
    assert values == [f"job {key}".encode() for key in range(8)] + [b"page"]
    assert trips == ["cache get"]  # one round trip for both namespaces
    # One MGET per namespace (hash tag, a Cluster slot), three keys a read.
    assert sorted(len(keys) for keys in mgets) == [3, 8 * 3]
    assert {key.split(":")[1] for key in mgets[0]} != {key.split(":")[1] for key in mgets[1]}
    assert (cache.hits["jobs"], cache.hits["feed"]) == (8, 1)


async def test_a_read_cancelled_while_its_batch_is_out_leaves_the_others_their_answers(
    redis_sandbox: RedisSandbox,
) -> None:
    cache = RedisCache(redis_sandbox.guard(), prefix=redis_sandbox.prefix)
    for key in range(3):
        await cache.get_or_load("jobs", str(key), loader(f"job {key}"), 60)
    reads = [
        asyncio.create_task(cache.get_or_load("jobs", str(key), loader("db"), 60))
        for key in range(3)
    ]
    await asyncio.sleep(0)  # all three wait on one batch, not sent yet
    reads[0].cancel()
    assert await asyncio.gather(*reads[1:]) == [b"job 1", b"job 2"]
    assert reads[0].cancelled()


async def test_a_batch_that_fails_sends_each_of_its_reads_to_its_loader(
    offline_sandbox: RedisSandbox,
) -> None:
    timeout_s = 0.1
    guard = offline_sandbox.guard(CLOSED_PORT_URL, timeout_s=timeout_s, failure_threshold=100)
    cache = RedisCache(guard, prefix=offline_sandbox.prefix)
    started = time.perf_counter()
    reads = [cache.get_or_load("jobs", str(key), loader(f"db {key}"), 60) for key in range(5)]
    assert await asyncio.gather(*reads) == [f"db {key}".encode() for key in range(5)]
    assert time.perf_counter() - started < timeout_s + 0.15
    assert cache.errors["jobs"] == 5
