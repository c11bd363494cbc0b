"""Cache-aside on Redis with generation invalidation (ARCHITECTURE.md Caching).

Key design (``prefix`` is ``psh`` in production; namespaces are code constants). Every key of
a namespace carries the ``{ns}`` hash tag, so one MGET may read several of them on Redis
Cluster:

- ``psh:{ns}:gen`` the namespace generation, ``psh:{ns}:kgen:<key>`` the generation of one key;
- ``psh:{ns}:v:<key>`` the cached bytes, stamped ``<namespace gen>.<key gen>|`` with the
  generations they were loaded under;
- ``psh:{ns}:lock:g<namespace gen>.<key gen>:<key>`` a short lock (SET NX PX) held by the
  process loading a value.

A read is one round trip: ``MGET gen kgen value``; the value is a hit only if its stamp equals
the current generations. Reads of one namespace that start in the same step of the event loop
share one MGET (``batched_reads.py``). Trade-off: a namespace (every job detail) lives on one
Cluster shard; spreading values over shards would cost a second round trip per read, the price
the first version of this adapter paid (bench/results/2026-11-28-cached.md). A fill that
loaded before a concurrent invalidation stores an old stamp, which the next read ignores: a
stale value is never served, at worst loaded once more.

``invalidate`` bumps a generation (and deletes the value of an invalidated key): no
KEYS/SCAN, and values of older generations are never served again (overwritten by the next
fill, or gone with their TTL). A generation is
bumped to ``max(current + 1, server time in µs)`` and a missing namespace generation is created
the same way, so a lost counter (eviction, restart without persistence) never brings back an
older generation's values. Key generations expire after twice the longest value TTL, when every
value written under the older generation has expired too.

Stampedes: concurrent misses of one key in one process share a single load (single flight);
across processes the first takes the Redis lock and loads, the others poll the value briefly,
then load themselves. A hit takes no part in this: it costs the one MGET and nothing else.
Value TTLs get ±10 % jitter so keys filled together do not expire together.

Redis trouble never fails a read: every Redis call goes through ``RedisGuard`` (short timeout,
circuit breaker), and after the first failed call a read stops using Redis and loads from the
database, so it waits at most one timeout for Redis. Results per namespace (metrics and the
``hits``/``misses``/``errors`` counters): ``hit`` served from Redis (also after waiting for
another process's fill), ``miss`` loaded here after Redis answered, ``error`` loaded here
because Redis did not answer. An invalidation that could not reach Redis is kept and retried
before the next read, and that read bypasses the cache until the retry succeeds. Only read
models that are the same for every viewer belong here, never money state or per-user private
data (ARCHITECTURE.md Caching).
"""

from __future__ import annotations

import asyncio
import random
import re
import secrets
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Literal

from prometheus_client import Counter as CounterMetric
from redis.asyncio import Redis

from adapters.observability.metrics import CACHE_REQUESTS
from adapters.redis.batched_reads import BatchedMget
from adapters.redis.resilience import RedisGuard, RedisUnavailable

Result = Literal["hit", "miss", "error"]
_Loader = Callable[[], Awaitable[bytes]]
_Slot = tuple[str, str, int, int]  # namespace, key, namespace generation, key generation

_NAME = re.compile(r"[a-z0-9_.-]{1,64}")

# KEYS[1] a generation key, KEYS[2] (optional) the value it stales, deleted with the bump.
# ARGV[1] "1" bumps, "0" only creates a missing one; ARGV[2] TTL in ms (0: none).
# string.format: Lua 5.1 would print a bare number as 1.7e+15.
_GENERATION_SCRIPT = """
if KEYS[2] then redis.call('DEL', KEYS[2]) end
local current = redis.call('GET', KEYS[1])
if current and ARGV[1] == '0' then return tonumber(current) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nxt = math.max((tonumber(current) or 0) + 1, now)
local value = string.format('%d', nxt)
if tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
else
  redis.call('SET', KEYS[1], value)
end
return nxt
"""

# End a fill: store its value (KEYS[1], ARGV[1] with TTL ARGV[2] ms; an empty ARGV[1], as
# after a failed load, stores nothing: stamped values are never empty) and release its lock
# (KEYS[2]) only if this process still holds it with token ARGV[3] (it may have expired and
# been re-taken): one round trip for both.
_END_FILL_SCRIPT = """
if ARGV[1] ~= '' then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1
"""


def check_name(kind: str, name: str) -> str:
    """Namespaces and prefixes are code constants, safe in keys, globs and metric labels."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"{kind} {name!r} must match {_NAME.pattern}")
    return name


class CacheKeys:
    """The key layout described in the module docstring, in one place."""

    def __init__(self, prefix: str = "psh") -> None:
        self.prefix = check_name("prefix", prefix)

    def namespace_generation(self, namespace: str) -> str:
        return f"{self.prefix}:{{{namespace}}}:gen"

    def key_generation(self, namespace: str, key: str) -> str:
        return f"{self.prefix}:{{{namespace}}}:kgen:{key}"

    def value(self, namespace: str, key: str) -> str:
        return f"{self.prefix}:{{{namespace}}}:v:{key}"

    def lock(self, slot: _Slot) -> str:
        namespace, key, ns_gen, key_gen = slot
        return f"{self.prefix}:{{{namespace}}}:lock:g{ns_gen}.{key_gen}:{key}"


def stamp(slot: _Slot) -> bytes:
    """The prefix of a value stored under ``slot``'s generations."""
    return f"{slot[2]}.{slot[3]}|".encode()


def stamped_payload(stored: bytes | str | None, slot: _Slot) -> bytes | None:
    """The cached bytes if ``stored`` was loaded under ``slot``'s generations, else None."""
    if stored is None:
        return None
    if isinstance(stored, str):
        raise TypeError("the cache needs a Redis client without decode_responses")
    expected = stamp(slot)
    return stored[len(expected) :] if stored.startswith(expected) else None


def jittered_ttl_ms(ttl_s: float, rng: random.Random) -> int:
    """``ttl_s`` ±10 %, in milliseconds, at least 1."""
    return max(1, round(ttl_s * 1000 * rng.uniform(0.9, 1.1)))


class RedisCache:
    def __init__(
        self,
        guard: RedisGuard,
        *,
        prefix: str = "psh",
        max_ttl_s: int = 86_400,
        lock_ttl_s: float = 2.0,
        lock_wait_s: float = 0.5,
        rng: random.Random | None = None,
    ) -> None:
        self._guard = guard
        self.keys = CacheKeys(prefix)
        self._max_ttl_s = max_ttl_s
        self._lock_ttl_ms = max(1, round(lock_ttl_s * 1000))
        self._lock_wait_s = lock_wait_s
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrets
        self._generation = guard.client.register_script(_GENERATION_SCRIPT)
        self._end_fill = guard.client.register_script(_END_FILL_SCRIPT)
        self._reads = BatchedMget(guard, "cache get")
        self._flights: dict[tuple[object, ...], asyncio.Future[tuple[bytes, Result]]] = {}
        self._pending: set[tuple[str, str | None]] = set()
        self._flushing: asyncio.Future[bool] | None = None
        self._local_epoch = 0  # bumped by every invalidate here; keys bypass-mode flights
        self.hits: Counter[str] = Counter()
        self.misses: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        # Per read, the hit path's own Python is measured against one Redis GET (issue 7):
        # checked names, tallies and metric children are looked up once, not built per call.
        self._checked: set[str] = set()
        self._tallies = {"hit": self.hits, "miss": self.misses, "error": self.errors}
        self._counted: dict[tuple[str, Result], CounterMetric] = {}

    async def get_or_load(self, namespace: str, key: str, load: _Loader, ttl_s: int) -> bytes:
        if namespace not in self._checked:
            self._checked.add(check_name("namespace", namespace))
        read: tuple[_Slot, bytes | None] | None = None
        if not self._pending or await self._flush_pending():
            try:
                read = await self._read(namespace, key)
            except RedisUnavailable:
                read = None
        if read is None:
            flight: tuple[object, ...] = ("bypass", namespace, key, self._local_epoch)
            value, result = await self._single_flight(flight, lambda: self._bypass(load))
        elif read[1] is not None:
            value, result = read[1], "hit"
        else:
            slot = read[0]
            value, result = await self._single_flight(
                ("redis", *slot), lambda: self._fill(slot, load, ttl_s)
            )
        self._count(namespace, result)
        return value

    async def invalidate(self, namespace: str, key: str | None = None) -> None:
        """Bump a generation after commit; if Redis is unreachable, retry before the next read."""
        check_name("namespace", namespace)
        self._local_epoch += 1
        self._pending.add((namespace, key))
        await self._flush_pending()

    async def refresh(self, namespace: str, key: str, load: _Loader, ttl_s: int) -> None:
        """Write-through (the port): the generations are read first, in the one round trip a
        read makes, and the loaded bytes stored under them with the fill's script (no lock
        taken, none released). Skipped while an invalidation is still pending: Redis was just
        unreachable, and trying again here would make the write wait a second timeout (the
        next read retries the invalidation)."""
        check_name("namespace", namespace)
        if self._pending:
            return
        try:
            slot, _ = await self._read(namespace, key)
        except RedisUnavailable:
            return
        value = await load()
        await self._finish(slot, stamp(slot) + value, ttl_s, self.keys.lock(slot), "")
        CACHE_REQUESTS.labels(namespace, "refresh").inc()

    # -- generations ---------------------------------------------------------------------------
    async def _read(self, namespace: str, key: str) -> tuple[_Slot, bytes | None]:
        """The current generations and the value stored under them, in one round trip."""
        ns_key = self.keys.namespace_generation(namespace)
        ns_raw, key_raw, stored = await self._reads.get(
            namespace,
            [ns_key, self.keys.key_generation(namespace, key), self.keys.value(namespace, key)],
        )
        if ns_raw is None:
            ns_gen = await self._run_generation("cache generation init", [ns_key], bump=False)
            return (namespace, key, ns_gen, int(key_raw or 0)), None
        slot = (namespace, key, int(ns_raw), int(key_raw or 0))
        return slot, stamped_payload(stored, slot)

    async def _run_generation(
        self, what: str, keys: list[str], *, bump: bool, ttl_ms: int = 0
    ) -> int:
        async def run(client: Redis) -> int:
            reply = await self._generation(
                keys=keys, args=["1" if bump else "0", ttl_ms], client=client
            )
            return int(reply)

        return await self._guard.run(what, run)

    async def _flush_pending(self) -> bool:
        """Apply invalidations not applied yet; False while some still cannot be applied.

        One flush at a time per process: a read arriving while an invalidation is on its way
        waits for it rather than bumping the generation again (every bump of a namespace
        turns all of its values into misses; concurrent reads each bumped it once more
        before, a tenth of the server's time in the mixed benchmark)."""
        if not self._pending:
            return True
        if self._flushing is None:
            self._flushing = asyncio.ensure_future(self._apply_pending())
        return await asyncio.shield(self._flushing)

    async def _apply_pending(self) -> bool:
        """Bump every pending generation, also those added while this runs."""
        try:
            while self._pending:
                namespace, key = pending = min(self._pending, key=repr)
                if key is None:
                    keys, ttl_ms = [self.keys.namespace_generation(namespace)], 0
                else:
                    # The stale value goes too: it could only be served again if the key's
                    # generation were lost (evicted), and it frees the memory at once.
                    keys = [
                        self.keys.key_generation(namespace, key),
                        self.keys.value(namespace, key),
                    ]
                    ttl_ms = 2 * self._max_ttl_s * 1000
                try:
                    await self._run_generation("cache invalidate", keys, bump=True, ttl_ms=ttl_ms)
                except RedisUnavailable:
                    return False
                self._pending.discard(pending)
            return True
        finally:
            self._flushing = None  # before the result is set: no caller sees a spent flush

    # -- loading -------------------------------------------------------------------------------
    async def _fill(self, slot: _Slot, load: _Loader, ttl_s: int) -> tuple[bytes, Result]:
        """Load a missed value (one process at a time per key and generations) and store it."""
        lock_key, token = self.keys.lock(slot), secrets.token_hex(8)
        try:
            locked = await self._guard.run(
                "cache lock",
                lambda r: r.set(lock_key, token, nx=True, px=self._lock_ttl_ms),
            )
        except RedisUnavailable:
            return await load(), "miss"
        if not locked:
            filled = await self._wait_for(slot)
            if filled is not None:
                return filled, "hit"  # another process loaded it; this request spared the database
        try:
            value = await load()
        except BaseException:
            if locked:
                await self._finish(slot, b"", ttl_s, lock_key, token)
            raise
        await self._finish(slot, stamp(slot) + value, ttl_s, lock_key, token if locked else "")
        return value, "miss"

    async def _wait_for(self, slot: _Slot) -> bytes | None:
        """Poll for a value another process is loading, for at most ``lock_wait_s``."""
        value_key = self.keys.value(slot[0], slot[1])
        deadline = time.monotonic() + self._lock_wait_s
        pause = 0.01
        while (left := deadline - time.monotonic()) > 0:
            await asyncio.sleep(min(pause, left))
            pause = min(pause * 2, 0.1)
            try:
                stored = await self._guard.run("cache get", lambda r: r.get(value_key))
            except RedisUnavailable:
                return None
            if (found := stamped_payload(stored, slot)) is not None:
                return found
        return None

    async def _finish(
        self, slot: _Slot, stamped: bytes, ttl_s: int, lock_key: str, token: str
    ) -> None:
        """Store ``stamped`` (b"": nothing) and release the lock held with ``token`` ("": none).
        A lost store only means the next reader loads again; a lost unlock only delays other
        processes' fill until the lock expires."""
        ttl_ms = jittered_ttl_ms(min(ttl_s, self._max_ttl_s), self._rng)
        keys = [self.keys.value(slot[0], slot[1]), lock_key]
        args: list[bytes | int | str] = [stamped, ttl_ms, token]
        await self._guard.best_effort(
            "cache set", lambda r: self._end_fill(keys=keys, args=args, client=r)
        )

    @staticmethod
    async def _bypass(load: _Loader) -> tuple[bytes, Result]:
        return await load(), "error"

    async def _single_flight(
        self,
        flight: tuple[object, ...],
        produce: Callable[[], Awaitable[tuple[bytes, Result]]],
    ) -> tuple[bytes, Result]:
        """Concurrent callers of one flight share one ``produce``; a cancelled leader hands over."""
        while (pending := self._flights.get(flight)) is not None:
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # this caller was cancelled
        future: asyncio.Future[tuple[bytes, Result]] = asyncio.get_running_loop().create_future()
        self._flights[flight] = future
        try:
            outcome = await produce()
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it, no "never retrieved" log
            raise
        except BaseException:
            future.cancel()  # cancelled leader: a waiter loads instead
            raise
        else:
            future.set_result(outcome)
            return outcome
        finally:
            del self._flights[flight]

    def _count(self, namespace: str, result: Result) -> None:
        self._tallies[result][namespace] += 1
        child = self._counted.get((namespace, result))
        if child is None:
            child = self._counted[namespace, result] = CACHE_REQUESTS.labels(namespace, result)
        child.inc()
