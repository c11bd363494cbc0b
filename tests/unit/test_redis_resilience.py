"""The circuit breaker and the Redis guard, on a fake clock and fake operations (no I/O)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from prometheus_client import REGISTRY
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from adapters.redis.resilience import CircuitBreaker, CircuitState, RedisGuard, RedisUnavailable


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def state(b: CircuitBreaker) -> CircuitState:
    """Read through a call: mypy would otherwise keep the property narrowed across calls."""
    return b.state


def breaker(clock: FakeMonotonic, changes: list[CircuitState] | None = None) -> CircuitBreaker:
    return CircuitBreaker(
        failure_threshold=3,
        reset_timeout_s=5.0,
        clock=clock,
        on_change=None if changes is None else changes.append,
    )


def test_opens_after_consecutive_failures_only() -> None:
    b = breaker(FakeMonotonic())
    b.record_failure()
    b.record_failure()
    b.record_success()  # the count restarts
    b.record_failure()
    b.record_failure()
    assert state(b) is CircuitState.CLOSED
    assert b.allow()
    b.record_failure()
    assert state(b) is CircuitState.OPEN
    assert not b.allow()


def test_one_trial_after_the_reset_timeout_then_closed() -> None:
    clock, changes = FakeMonotonic(), list[CircuitState]()
    b = breaker(clock, changes)
    for _ in range(3):
        b.record_failure()
    clock.now += 4.9
    assert not b.allow()
    clock.now += 0.1
    assert b.allow()  # the trial
    assert state(b) is CircuitState.HALF_OPEN
    assert not b.allow()  # only one at a time
    b.record_success()
    assert state(b) is CircuitState.CLOSED
    assert b.allow()
    assert changes == [CircuitState.OPEN, CircuitState.HALF_OPEN, CircuitState.CLOSED]


def test_a_failed_trial_reopens_for_a_full_timeout() -> None:
    clock = FakeMonotonic()
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    clock.now += 5
    assert b.allow()
    clock.now += 1
    b.record_failure()  # one failure is enough in half-open
    assert state(b) is CircuitState.OPEN
    clock.now += 4.9
    assert not b.allow()
    clock.now += 0.1
    assert b.allow()


def test_an_abandoned_trial_does_not_wedge_the_breaker() -> None:
    clock = FakeMonotonic()
    b = breaker(clock)
    for _ in range(3):
        b.record_failure()
    clock.now += 5
    assert b.allow()  # its caller is cancelled and never reports
    clock.now += 5
    assert b.allow()


@pytest.mark.parametrize(("threshold", "reset"), [(0, 1.0), (1, 0.0)])
def test_rejects_settings_that_cannot_work(threshold: int, reset: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        CircuitBreaker(failure_threshold=threshold, reset_timeout_s=reset)


# -- guard ------------------------------------------------------------------------------------
@pytest.fixture
async def client() -> AsyncIterator[Redis]:
    client = Redis()  # never connected: the operations below do not touch it
    yield client
    await client.aclose()


def redis_errors() -> float:
    sample = "paeshift_dependency_errors_total"
    return REGISTRY.get_sample_value(sample, {"dependency": "redis"}) or 0.0


class Broken:
    """A Redis operation that always fails, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, _: Redis) -> None:
        self.calls += 1
        raise RedisConnectionError("connection refused")


async def test_guard_turns_failures_into_unavailable_and_stops_calling(client: Redis) -> None:
    clock = FakeMonotonic()
    guard = RedisGuard(client, breaker=breaker(clock))
    broken = Broken()
    errors_before = redis_errors()
    for _ in range(5):
        with pytest.raises(RedisUnavailable):
            await guard.run("get", broken)
    assert broken.calls == 3  # then the circuit is open: Redis is not even tried
    assert redis_errors() == errors_before + 3
    assert not await guard.best_effort("set", broken)

    async def healthy(_: Redis) -> int:
        return 7

    clock.now += 5
    assert await guard.run("get", healthy) == 7
    assert state(guard.breaker) is CircuitState.CLOSED
    assert await guard.best_effort("set", healthy)


async def test_guard_bounds_a_hanging_operation_by_its_timeout(client: Redis) -> None:
    guard = RedisGuard(client, timeout_s=0.05)

    async def hanging(_: Redis) -> None:
        await asyncio.sleep(10)

    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(RedisUnavailable):
        await guard.run("get", hanging)
    assert loop.time() - started < 0.5


async def test_default_breaker_reports_the_circuit_gauge(client: Redis) -> None:
    guard = RedisGuard(client)

    async def broken(_: Redis) -> None:
        raise OSError("network unreachable")

    for _ in range(5):
        with pytest.raises(RedisUnavailable):
            await guard.run("get", broken)
    assert state(guard.breaker) is CircuitState.OPEN
    assert REGISTRY.get_sample_value("paeshift_redis_circuit_open") == 1
    guard.breaker.record_success()
    assert REGISTRY.get_sample_value("paeshift_redis_circuit_open") == 0


async def test_programming_errors_are_not_outages(client: Redis) -> None:
    guard = RedisGuard(client)

    async def buggy(_: Redis) -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        await guard.run("get", buggy)
    assert state(guard.breaker) is CircuitState.CLOSED


async def test_calls_failing_together_count_once_toward_opening(client: Redis) -> None:
    """A stall (here: every call hangs) times out all calls in flight at once: one failure
    for the breaker, not one per call; calls begun after it count again."""
    clock = FakeMonotonic()
    guard = RedisGuard(client, timeout_s=0.02, breaker=breaker(clock))

    async def hanging(_: Redis) -> None:
        await asyncio.sleep(10)

    together = await asyncio.gather(
        *(guard.run("get", hanging) for _ in range(20)), return_exceptions=True
    )
    assert all(isinstance(outcome, RedisUnavailable) for outcome in together)
    assert state(guard.breaker) is CircuitState.CLOSED  # 20 timeouts, one event
    for _ in range(2):
        with pytest.raises(RedisUnavailable):
            await guard.run("get", hanging)
    assert state(guard.breaker) is CircuitState.OPEN  # three events in a row


async def test_the_guard_alone_bounds_calls() -> None:
    """No socket timeout on the client (the guard's deadline covers connect, send and read;
    redis-py's own timers cost CPU on every call), a short connect timeout."""
    guard = RedisGuard.from_url("redis://127.0.0.1:1/0", timeout_s=0.2)
    kwargs = guard.client.connection_pool.connection_kwargs
    assert (kwargs["socket_timeout"], kwargs["socket_connect_timeout"]) == (None, 0.2)
    await guard.aclose()


async def test_calls_no_request_waits_on_never_open_the_breaker(client: Redis) -> None:
    """The request budget's background syncs: failures are counted, the breaker stays shut,
    and once the requests' own calls opened it they are not tried either."""
    guard = RedisGuard(client, breaker=breaker(FakeMonotonic()))
    broken = Broken()
    errors_before = redis_errors()
    for _ in range(5):
        with pytest.raises(RedisUnavailable):
            await guard.run("request budget", broken, trips_breaker=False)
    assert state(guard.breaker) is CircuitState.CLOSED
    assert redis_errors() == errors_before + 5
    for _ in range(3):
        with pytest.raises(RedisUnavailable):
            await guard.run("get", broken)
    assert state(guard.breaker) is CircuitState.OPEN
    with pytest.raises(RedisUnavailable):
        await guard.run("request budget", broken, trips_breaker=False)
    assert broken.calls == 8
