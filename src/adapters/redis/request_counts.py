"""The request budget's shared counters (``adapters/http/request_budget.py``) in Redis.

One pipeline per sync adds every client's count: ``INCRBY`` then ``EXPIRE`` per counter, one
round trip however many clients. A failure does not count toward opening the breaker: the
syncs run every 100 ms in the background, and when the server's CPU was saturated they timed
out whenever the process was descheduled longer than the timeout (81 failures and 13 openings
in one benchmark run, bench/results/2026-11-29-cache-both-round6.md), each opening turning the
cache off in that process for 5 s. A failed sync is added again by the next one; the calls
requests wait on still open the breaker, which then stops the syncs too.

A counter per key under ``psh:rq:<digest of key>``, so Redis Cluster needs no hash tag
(redis-py's cluster pipeline splits the commands by slot) and client addresses stay out of
Redis.
"""

from __future__ import annotations

from collections.abc import Mapping

from redis.asyncio import Redis

from adapters.redis.cache import check_name
from adapters.redis.rate_limit import key_digest
from adapters.redis.resilience import RedisGuard, RedisUnavailable


class RedisRequestCounts:
    def __init__(self, guard: RedisGuard, *, prefix: str = "psh") -> None:
        self._guard = guard
        self._prefix = check_name("prefix", prefix)

    def key(self, name: str) -> str:
        return f"{self._prefix}:rq:{key_digest(name)}"

    async def add(self, increments: Mapping[str, int], ttl_s: int) -> Mapping[str, int] | None:
        names = list(increments)

        async def run(client: Redis) -> list[int]:
            pipe = client.pipeline(transaction=False)
            for name in names:
                key = self.key(name)
                pipe.incrby(key, increments[name])
                pipe.expire(key, ttl_s)
            replies = await pipe.execute()
            return [int(total) for total in replies[::2]]

        try:
            totals = await self._guard.run("request budget", run, trips_breaker=False)
        except RedisUnavailable:
            return None
        return dict(zip(names, totals, strict=True))
