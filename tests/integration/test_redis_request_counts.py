"""The general per-client limit's shared counters on a real Redis: totals over processes,
one round trip per sync, expiry, and an unreachable server."""

from __future__ import annotations

import asyncio
import time

from adapters.http.request_budget import REQUESTS_PER_CLIENT, RequestBudget
from adapters.redis.request_counts import RedisRequestCounts
from paeshift_core.domain.errors import RateLimited
from paeshift_core.ports.rate_limit import Limit
from tests.integration.redis_fixtures import RedisSandbox

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


async def test_counts_add_up_over_processes_and_expire(redis_sandbox: RedisSandbox) -> None:
    first, second = (
        RedisRequestCounts(redis_sandbox.guard(), prefix=redis_sandbox.prefix) for _ in range(2)
    )
    assert await first.add({"u7:1": 3, "a10.0.0.1:1": 1}, ttl_s=120) == {
        "u7:1": 3,
        "a10.0.0.1:1": 1,
    }
    assert await second.add({"u7:1": 2}, ttl_s=120) == {"u7:1": 5}
    client = redis_sandbox.guard().client
    ttl = await client.ttl(first.key("u7:1"))
    assert 0 < ttl <= 120
    assert all(key.startswith(redis_sandbox.prefix.encode()) for key in await redis_sandbox.keys())
    assert not any(b"10.0.0.1" in key for key in await redis_sandbox.keys())  # digests only


async def test_two_processes_spend_one_budget(redis_sandbox: RedisSandbox) -> None:
    """Requests slower than the sync interval: N per window in total across both."""
    limit = Limit(REQUESTS_PER_CLIENT, 10, 60)
    window_start = (int(time.time()) // 60 + 1) * 60.0
    clock = lambda: window_start + 1  # noqa: E731 - one fixed instant inside one window
    processes = [
        RequestBudget(
            limit,
            shared=RedisRequestCounts(redis_sandbox.guard(), prefix=redis_sandbox.prefix),
            sync_s=0.005,
            clock=clock,
        )
        for _ in range(2)
    ]
    admitted = 0
    for n in range(14):
        try:
            await processes[n % 2].admit("u7")
        except RateLimited:
            pass
        else:
            admitted += 1
        await asyncio.sleep(0.03)  # longer than a sync: each heard the other's counts
    assert admitted == 10
    for budget in processes:
        await budget.aclose()


async def test_an_unreachable_server_adds_nothing_and_answers_at_once(
    offline_sandbox: RedisSandbox,
) -> None:
    counts = RedisRequestCounts(offline_sandbox.guard(CLOSED_PORT_URL, timeout_s=0.2))
    started = time.perf_counter()
    assert await counts.add({"u7:1": 1}, ttl_s=120) is None
    assert time.perf_counter() - started < 0.5
