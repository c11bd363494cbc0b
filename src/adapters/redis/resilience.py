"""Short timeouts and a circuit breaker, so a slow or dead Redis never slows the service.

Redis only speeds things up (cache) or shares counters (rate limits); the database stays the
source of truth (ARCHITECTURE.md Caching: "if Redis is down the service keeps working without
the cache"). Every Redis call therefore goes through ``RedisGuard.run``: it is bounded by a
short timeout, a failure is logged, counted and turned into ``RedisUnavailable`` (which the
adapters answer by loading from the database or limiting in process), and after
``failure_threshold`` consecutive failures the breaker opens, so later calls skip Redis at
once instead of each waiting for a timeout. After ``reset_timeout_s`` one trial call is let
through (half-open); its success closes the breaker again, so recovery needs no restart.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from adapters.observability.metrics import DEPENDENCY_ERRORS, REDIS_CIRCUIT_OPEN
from adapters.observability.request_context import record_cache

_log = logging.getLogger("paeshift.redis")

T = TypeVar("T")

#: The longest one Redis call may take (``PAESHIFT_REDIS_TIMEOUT_MS``). Under load a worker's
#: own event loop lags by tens of milliseconds, more on a busy machine, and a call that waits
#: for the loop times out as if Redis had: with 100 ms, mixed requests at 500/s on the
#: benchmark machine timed out 3,356 Redis calls, the breaker opened 23 times and the reads it
#: sent to PostgreSQL sank the server (420 req/s delivered, 18k errors); with 250 ms, 701
#: calls, no opening, 486 req/s and no errors (bench/results/2026-11-29-redis-timeout-*.md;
#: one pair of runs: the full benchmark with 250 ms still fell behind at 500 req/s, from CPU,
#: but its breaker never opened).
#: A silent Redis still costs a request at most this long, once, before the breaker opens.
DEFAULT_TIMEOUT_S = 0.25


class CircuitState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Consecutive-failure breaker on an injectable monotonic clock (seconds).

    In half-open state one trial is allowed per ``reset_timeout_s``: a trial whose caller
    never reports back (cancelled) cannot wedge the breaker, the next one goes after the
    timeout.
    """

    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        reset_timeout_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[CircuitState], None] | None = None,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if reset_timeout_s <= 0:
            raise ValueError("reset_timeout_s must be positive")
        self._threshold = failure_threshold
        self._reset_timeout_s = reset_timeout_s
        self._clock = clock
        self._on_change = on_change
        self._state = CircuitState.CLOSED
        self._failures = 0
        self._since = 0.0  # when the breaker opened, or when the last trial was let through

    @property
    def state(self) -> CircuitState:
        return self._state

    def allow(self) -> bool:
        """May a call go to the dependency now? Moves open to half-open when the time has come."""
        if self._state is CircuitState.CLOSED:
            return True
        now = self._clock()
        if now - self._since < self._reset_timeout_s:
            return False
        self._since = now
        self._set(CircuitState.HALF_OPEN)
        return True

    def record_success(self) -> None:
        self._failures = 0
        self._set(CircuitState.CLOSED)

    def record_failure(self) -> None:
        self._failures += 1
        if self._state is CircuitState.HALF_OPEN or self._failures >= self._threshold:
            self._since = self._clock()
            self._set(CircuitState.OPEN)

    def _set(self, state: CircuitState) -> None:
        if state is not self._state:
            self._state = state
            if self._on_change is not None:
                self._on_change(state)


class RedisUnavailable(Exception):
    """Redis could not serve this call (failed, timed out, or circuit open).

    Internal to the Redis adapters, which always handle it (load from the database, limit in
    process); it never reaches the core, so it is not part of the domain error hierarchy.
    """


def _report_state(state: CircuitState) -> None:
    REDIS_CIRCUIT_OPEN.set(0 if state is CircuitState.CLOSED else 1)
    if state is CircuitState.OPEN:
        _log.warning("redis circuit open: serving without redis until a trial call succeeds")
    elif state is CircuitState.CLOSED:
        _log.info("redis circuit closed: redis is used again")


class RedisGuard:
    """One Redis client (one connection pool) with its timeout and breaker.

    Build one per process and share it between the cache and the rate limiter: they talk to
    the same server, so they should learn together that it is down.
    """

    def __init__(
        self,
        client: Redis,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.client = client
        self.timeout_s = timeout_s
        self.breaker = breaker or CircuitBreaker(on_change=_report_state)
        self._last_counted_failure = -math.inf  # perf_counter() of the last counted failure

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        failure_threshold: int = 5,
        reset_timeout_s: float = 5.0,
        max_connections: int = 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> RedisGuard:
        """A client with a short connect timeout and no retries: the breaker decides.

        No socket (read/write) timeout: every call through :meth:`run` has its own deadline
        already, which covers the connect, the send and the read together, and the readiness
        probe has its own. With a socket timeout redis-py also bounds each send (a new task
        per command on Python 3.11) and each read with timers of their own: 52 against 45 µs
        of CPU per call with 32 in flight (``python -m bench.redis_calls --rounds 7``, medians).

        Its pool opens up to ``max_connections``. redis-py's default of 100 failed every call
        beyond it at once (``MaxConnectionsError``): under a burst the breaker opened and the
        process served every read from the database, which made the burst worse (1,106
        openings in one overloaded benchmark run). A blocking pool (wait for a connection)
        was measured and dropped: with it a 300 requests/s run had 9,788 Redis calls time
        out, against 51 without. Connections are cheap for Redis; a call never waits for one.
        """
        pool = ConnectionPool.from_url(
            url,
            max_connections=max_connections,
            socket_connect_timeout=timeout_s,
            socket_timeout=None,
            retry=Retry(NoBackoff(), 0),
        )
        client = Redis.from_pool(pool)
        breaker = CircuitBreaker(
            failure_threshold=failure_threshold,
            reset_timeout_s=reset_timeout_s,
            clock=clock,
            on_change=_report_state,
        )
        return cls(client, timeout_s=timeout_s, breaker=breaker)

    async def run(
        self, what: str, operation: Callable[[Redis], Awaitable[T]], *, trips_breaker: bool = True
    ) -> T:
        """Run one Redis operation within ``timeout_s``; raise ``RedisUnavailable`` otherwise.

        ``trips_breaker=False``: a failure is logged and counted but does not count toward
        opening the breaker (for calls no request waits on; see ``request_counts.py``).

        The overall deadline also covers a connect followed by a read, which the socket
        timeouts alone would allow to take twice as long. A failure of a call that was already
        in flight when another failure was counted does not count again: one event times out
        every call in flight at once, and under load that event is mostly this process's own
        event loop stalling (a full garbage collection, the CPU taken by others) longer than
        the timeout, not Redis. Counted per call, such a stall opened the breaker (5 s
        without the cache) 23 times in one benchmark run.
        """
        if not self.breaker.allow():
            raise RedisUnavailable(f"{what}: circuit open")
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout_s):
                result = await operation(self.client)
        except (RedisError, OSError, TimeoutError) as exc:
            record_cache(time.perf_counter() - started)
            if trips_breaker and started >= self._last_counted_failure:
                self._last_counted_failure = time.perf_counter()
                self.breaker.record_failure()
            DEPENDENCY_ERRORS.labels("redis").inc()
            _log.warning(
                "redis %s failed (%s: %s); serving without redis", what, type(exc).__name__, exc
            )
            raise RedisUnavailable(what) from exc
        record_cache(time.perf_counter() - started)  # the request's Server-Timing "cache"
        self.breaker.record_success()
        return result

    async def best_effort(self, what: str, operation: Callable[[Redis], Awaitable[object]]) -> bool:
        """``run`` for writes whose loss is harmless (a fill, an unlock): report, don't raise."""
        try:
            await self.run(what, operation)
        except RedisUnavailable:
            return False
        return True

    async def aclose(self) -> None:
        await self.client.aclose()
