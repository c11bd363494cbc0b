"""Rate limiting shared by every process through Redis (ARCHITECTURE.md Scale-out).

The same rule as the memory limiter, so both pass one contract: a sliding-window log per
(limit, key), a hit is allowed when fewer than ``count`` hits were allowed in the last
``period_s`` seconds, refused hits are not recorded. One Lua script checks and records
atomically on the server's clock, so N processes sharing Redis allow ``count`` hits in total,
and their own clocks do not matter. The window is a sorted set of hit times (µs) under
``psh:rl:<limit>:<digest of key>``: one key per script, so Redis Cluster needs no hash tag, and
the digest keeps e-mail addresses and client addresses out of Redis and bounds key length.

When Redis fails or its circuit is open, hits are counted by an in-process memory limiter
instead: the service stays protected, with each process enforcing the limit on its own (so up
to ``count`` × processes in total) until Redis is back.
"""

from __future__ import annotations

import hashlib
import secrets

from redis.asyncio import Redis

from adapters.memory.rate_limit import MemoryRateLimiter, refusal
from adapters.redis.cache import check_name
from adapters.redis.resilience import RedisGuard, RedisUnavailable
from adapters.system.clock import SystemClock
from paeshift_core.ports.rate_limit import Limit, RateLimiter

# KEYS[1] the window; ARGV count, period in µs, a unique member for this hit.
# Returns 0 when the hit is allowed, else the µs until the oldest hit leaves the window.
_SLIDING_WINDOW_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local period = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(period / 1000))
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + period - now)
"""


def key_digest(key: str) -> str:
    """A fixed-length hex digest: keeps e-mail and client addresses out of Redis."""
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def rate_limit_key(prefix: str, limit: Limit, key: str) -> str:
    """The digest is fixed-length hex at the end, so names with ``:`` stay unambiguous."""
    # Limit checked its name: no braces, no glob
    return f"{prefix}:rl:{limit.name}:{key_digest(key)}"


class RedisRateLimiter:
    def __init__(
        self,
        guard: RedisGuard,
        *,
        prefix: str = "psh",
        fallback: RateLimiter | None = None,
    ) -> None:
        self._guard = guard
        self._prefix = check_name("prefix", prefix)
        self._fallback = fallback or MemoryRateLimiter(SystemClock())
        self._script = guard.client.register_script(_SLIDING_WINDOW_SCRIPT)

    async def hit(self, limit: Limit, key: str) -> None:
        window = rate_limit_key(self._prefix, limit, key)
        period_us = limit.period_s * 1_000_000
        member = secrets.token_hex(8)

        async def run(client: Redis) -> int:
            reply = await self._script(
                keys=[window], args=[limit.count, period_us, member], client=client
            )
            return int(reply)

        try:
            wait_us = await self._guard.run("rate limit", run)
        except RedisUnavailable:
            await self._fallback.hit(limit, key)  # counts its own rejections
            return
        if wait_us > 0:
            raise refusal(limit, wait_us / 1_000_000)

    async def reset(self, limit: Limit, key: str) -> None:
        """Forget the window in Redis and in the fallback (either may hold recent hits)."""
        await self._fallback.reset(limit, key)
        window = rate_limit_key(self._prefix, limit, key)
        # If Redis is unreachable the window still expires after period_s.
        await self._guard.best_effort("rate limit reset", lambda r: r.delete(window))
