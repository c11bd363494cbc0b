"""The Redis rate limiter against a real server: one limit shared by processes, outages."""

from __future__ import annotations

import asyncio
import sys
import time

import pytest
from prometheus_client import REGISTRY

from adapters.redis.rate_limit import RedisRateLimiter, rate_limit_key
from adapters.redis.resilience import CircuitState
from paeshift_core.application.identity import LOGIN_PER_EMAIL
from paeshift_core.domain.errors import RateLimited
from paeshift_core.ports.rate_limit import Limit
from tests.contracts.rate_limit import RateLimiterContract
from tests.integration.redis_fixtures import RedisSandbox, TcpProxy, circuit_state

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"
FIVE_PER_MINUTE = Limit("login", 5, 60)


@pytest.fixture
def limiter(redis_sandbox: RedisSandbox) -> RedisRateLimiter:
    return RedisRateLimiter(redis_sandbox.guard(), prefix=redis_sandbox.prefix)


class TestRedisRateLimiter(RateLimiterContract):
    pass


async def allowed(limiter: RedisRateLimiter, limit: Limit, key: str) -> bool:
    try:
        await limiter.hit(limit, key)
    except RateLimited:
        return False
    return True


def rejections(limit: Limit) -> float:
    sample = "paeshift_rate_limit_rejections_total"
    return REGISTRY.get_sample_value(sample, {"limit": limit.name}) or 0.0


async def test_two_processes_share_one_limit(redis_sandbox: RedisSandbox) -> None:
    processes = [
        RedisRateLimiter(redis_sandbox.guard(), prefix=redis_sandbox.prefix) for _ in range(2)
    ]
    for n in range(5):
        await processes[n % 2].hit(FIVE_PER_MINUTE, "ada@example.com")
    before = rejections(FIVE_PER_MINUTE)
    for limiter in processes:
        with pytest.raises(RateLimited) as refused:
            await limiter.hit(FIVE_PER_MINUTE, "ada@example.com")
        assert 59 <= refused.value.retry_after <= 60
    assert rejections(FIVE_PER_MINUTE) == before + 2
    await processes[1].hit(FIVE_PER_MINUTE, "bola@example.com")  # keys are separate
    await processes[1].hit(Limit("signup", 5, 60), "ada@example.com")  # and limits


async def test_the_login_limit_holds_across_processes(redis_sandbox: RedisSandbox) -> None:
    processes = [
        RedisRateLimiter(redis_sandbox.guard(), prefix=redis_sandbox.prefix) for _ in range(2)
    ]
    outcomes = [
        await allowed(processes[n % 2], LOGIN_PER_EMAIL, "ada@example.com") for n in range(15)
    ]
    assert outcomes == [True] * LOGIN_PER_EMAIL.count + [False] * 5


async def test_concurrent_hits_from_two_processes_allow_exactly_the_count(
    redis_sandbox: RedisSandbox,
) -> None:
    processes = [
        RedisRateLimiter(redis_sandbox.guard(), prefix=redis_sandbox.prefix) for _ in range(2)
    ]
    limit = Limit("apply", 7, 60)
    outcomes = await asyncio.gather(
        *(allowed(processes[n % 2], limit, "client-1") for n in range(40))
    )
    assert sum(outcomes) == 7


_HITTER = """
import asyncio, sys
from adapters.redis.rate_limit import RedisRateLimiter
from adapters.redis.resilience import RedisGuard
from paeshift_core.domain.errors import RateLimited
from paeshift_core.ports.rate_limit import Limit

async def main(url: str, prefix: str) -> None:
    guard = RedisGuard.from_url(url, timeout_s=1.0)
    limiter, allowed = RedisRateLimiter(guard, prefix=prefix), 0
    for _ in range(12):
        try:
            await limiter.hit(Limit("apply", 10, 60), "client-1")
            allowed += 1
        except RateLimited:
            pass
    await guard.aclose()
    print(allowed)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def test_two_os_processes_allow_the_count_in_total(redis_sandbox: RedisSandbox) -> None:
    assert redis_sandbox.url is not None
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _HITTER,
            redis_sandbox.url,
            redis_sandbox.prefix,
            stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [await p.communicate() for p in processes]
    assert [p.returncode for p in processes] == [0, 0]
    assert sum(int(out) for out, _ in outputs) == 10


async def test_the_window_slides_and_refusals_are_not_recorded(
    redis_sandbox: RedisSandbox,
) -> None:
    limiter = RedisRateLimiter(redis_sandbox.guard(), prefix=redis_sandbox.prefix)
    limit = Limit("verify", 2, 1)
    await limiter.hit(limit, "k")
    await limiter.hit(limit, "k")
    for _ in range(5):
        with pytest.raises(RateLimited) as refused:
            await limiter.hit(limit, "k")
        assert refused.value.retry_after == 1
    await asyncio.sleep(1.05)
    await limiter.hit(limit, "k")
    await limiter.hit(limit, "k")
    assert not await allowed(limiter, limit, "k")


async def test_window_keys_expire_and_hide_the_client_key(redis_sandbox: RedisSandbox) -> None:
    guard = redis_sandbox.guard()
    limiter = RedisRateLimiter(guard, prefix=redis_sandbox.prefix)
    await limiter.hit(FIVE_PER_MINUTE, "ada@example.com")
    (key,) = await redis_sandbox.keys()
    assert key.decode() == rate_limit_key(redis_sandbox.prefix, FIVE_PER_MINUTE, "ada@example.com")
    assert b"ada" not in key
    assert 59_000 < await guard.client.pttl(key) <= 60_000


async def test_closed_port_falls_back_to_a_per_process_limit_within_the_timeout(
    offline_sandbox: RedisSandbox,
) -> None:
    timeout_s = 0.1
    guard = offline_sandbox.guard(CLOSED_PORT_URL, timeout_s=timeout_s, failure_threshold=2)
    limiter = RedisRateLimiter(guard, prefix=offline_sandbox.prefix)
    limit = Limit("withdraw", 3, 60)
    before = rejections(limit)
    outcomes = []
    for _ in range(6):
        started = time.perf_counter()
        outcomes.append(await allowed(limiter, limit, "user-1"))
        assert time.perf_counter() - started < timeout_s + 0.1
    assert outcomes == [True, True, True, False, False, False]
    assert rejections(limit) == before + 3
    assert circuit_state(guard) is CircuitState.OPEN


async def test_recovers_by_itself(redis_sandbox: RedisSandbox, redis_proxy: TcpProxy) -> None:
    guard = redis_sandbox.guard(
        redis_proxy.url, timeout_s=0.1, failure_threshold=1, reset_timeout_s=0.3
    )
    limiter = RedisRateLimiter(guard, prefix=redis_sandbox.prefix)
    other_process = RedisRateLimiter(redis_sandbox.guard(), prefix=redis_sandbox.prefix)
    limit = Limit("code", 2, 60)
    await limiter.hit(limit, "k")

    await redis_proxy.stop()
    await limiter.hit(limit, "k")  # counted in process only
    assert circuit_state(guard) is CircuitState.OPEN

    await redis_proxy.start()
    await asyncio.sleep(0.35)
    await limiter.hit(limit, "k")  # back in Redis: the second shared hit
    assert circuit_state(guard) is CircuitState.CLOSED
    assert not await allowed(other_process, limit, "k")
