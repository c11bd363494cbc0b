"""CPU per cache hit in one process, against the one Redis GET it is measured by (issue 7).

    .venv/bin/python -m bench.cache_hit [--redis redis://127.0.0.1:6379/9] [--reads 20000]

The HTTP benchmark compares cached job detail with an endpoint doing one Redis GET; both pay
the same HTTP stack, so what separates them per hit is the cache's own work. This measures
that work alone, sequentially (one read in flight, as a request's read is): a raw redis-py
GET, the same GET through ``RedisGuard`` (timeout and breaker), and ``RedisCache.get_or_load``
on a hit (one MGET plus the generation check). Process CPU time per read, best of
``--rounds``; the keys are deleted afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable

from adapters.redis.cache import RedisCache
from adapters.redis.resilience import RedisGuard

VALUE = b'{"id": 1, "title": "Bench shift"}' * 30


async def _cpu_us_per_call(call: Callable[[], Awaitable[object]], reads: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(reads):
            await call()
        best = min(best, (time.process_time() - started) / reads * 1e6)
    return best


async def measure(url: str, reads: int, rounds: int) -> dict[str, float]:
    guard = RedisGuard.from_url(url)
    prefix = f"pshbench{secrets.token_hex(4)}"
    cache = RedisCache(guard, prefix=prefix)
    raw_key = f"{prefix}:raw"

    async def load() -> bytes:
        return VALUE

    try:
        await guard.client.set(raw_key, VALUE)
        await cache.get_or_load("jobs", "1", load, 600)  # fill: every later read is a hit
        figures = {
            "raw GET": await _cpu_us_per_call(lambda: guard.client.get(raw_key), reads, rounds),
            "guarded GET": await _cpu_us_per_call(
                lambda: guard.run("get", lambda r: r.get(raw_key)), reads, rounds
            ),
            "cache hit": await _cpu_us_per_call(
                lambda: cache.get_or_load("jobs", "1", load, 600), reads, rounds
            ),
        }
        assert cache.hits["jobs"] == reads * rounds, "every measured read must be a hit"
        return figures
    finally:
        stale = [key async for key in guard.client.scan_iter(match=f"{prefix}:*")]
        if stale:
            await guard.client.delete(*stale)
        await guard.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--reads", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    figures = asyncio.run(measure(args.redis, args.reads, args.rounds))
    for name, micros in figures.items():
        print(f"{name:12} {micros:6.1f} µs CPU per read")


if __name__ == "__main__":
    main()
