"""Leaderboards as Redis sorted sets (DOMAIN.md Gamification; the ``Leaderboard`` port).

Keys (``prefix`` is ``psh`` in production, random per test):

- ``<prefix>:lb:{<board>}:z`` the sorted set: member = the user id zero-padded to 16 digits,
  score = MINUS the points. ``ZRANGE 0 n-1`` then lists points descending and, for equal
  points, user ids ascending (members compare as strings, padded ids as numbers): the same
  order as ``ranked`` in the port and as a rebuild from SQL, so a lost board comes back in
  the same order.
- ``<prefix>:lb:{<board>}:built`` set when the board was rebuilt from SQL. Without it the
  board counts as lost (never built, flushed, evicted) and ``top`` answers None, so the
  caller rebuilds it. Both keys share the ``{<board>}`` hash tag (one Redis Cluster slot),
  since the rebuild transaction and the increment script touch both.

Both keys expire ``rebuild_after_s`` after a rebuild: every board is rebuilt from SQL that
often, which heals points a crashed process never added. ``add_points`` runs a script that
increments only while the ``built`` marker exists, so an increment never resurrects part of
a lost board. Redis trouble never fails a request: reads answer None (the caller serves the
SQL totals), writes are dropped (see ``RedisGuard``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from redis.asyncio import Redis

from adapters.redis.cache import check_name
from adapters.redis.resilience import RedisGuard, RedisUnavailable
from paeshift_core.ports.gamification import Standings

_BOARD = re.compile(r"[A-Za-z0-9:_.-]{1,64}")
_ID_DIGITS = 16  # ids are below 2^53 < 10^16
DEFAULT_REBUILD_AFTER_S = 3600

# KEYS[1] the sorted set, KEYS[2] its built marker; ARGV[1] points, ARGV[2] member. A set
# first made here (the board was rebuilt empty) expires with its marker.
_ADD_SCRIPT = """
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('ZINCRBY', KEYS[1], -tonumber(ARGV[1]), ARGV[2])
  if redis.call('PTTL', KEYS[1]) < 0 then
    redis.call('PEXPIRE', KEYS[1], redis.call('PTTL', KEYS[2]))
  end
  return 1
end
return 0
"""


def _member(user_id: int) -> str:
    return f"{user_id:0{_ID_DIGITS}d}"


class RedisLeaderboard:
    def __init__(
        self,
        guard: RedisGuard,
        *,
        prefix: str = "psh",
        rebuild_after_s: int = DEFAULT_REBUILD_AFTER_S,
    ) -> None:
        if rebuild_after_s < 1:
            raise ValueError("rebuild_after_s must be at least 1 second")
        self._guard = guard
        self._prefix = check_name("prefix", prefix)
        self._ttl_s = rebuild_after_s
        self._add = guard.client.register_script(_ADD_SCRIPT)

    def keys(self, board: str) -> tuple[str, str]:
        """``(sorted set, built marker)`` of a board."""
        if not _BOARD.fullmatch(board):
            raise ValueError(f"board {board!r} must match {_BOARD.pattern}")
        base = f"{self._prefix}:lb:{{{board}}}"
        return f"{base}:z", f"{base}:built"

    async def top(self, board: str, limit: int) -> Standings | None:
        zset, built = self.keys(board)

        async def read(client: Redis) -> tuple[int, list[tuple[bytes, float]]]:
            async with client.pipeline(transaction=True) as pipe:
                pipe.exists(built)
                pipe.zrange(zset, 0, limit - 1, withscores=True)
                exists, rows = await pipe.execute()
            return int(exists), rows

        try:
            exists, rows = await self._guard.run("leaderboard read", read)
        except RedisUnavailable:
            return None
        if not exists:
            return None
        return [(int(member), -int(score)) for member, score in rows]

    async def replace(self, board: str, scores: Mapping[int, int]) -> None:
        zset, built = self.keys(board)
        mapping = {_member(u): -p for u, p in scores.items() if p > 0}

        async def write(client: Redis) -> None:
            async with client.pipeline(transaction=True) as pipe:
                pipe.delete(zset)
                if mapping:
                    pipe.zadd(zset, mapping)
                    pipe.expire(zset, self._ttl_s)
                pipe.set(built, 1, ex=self._ttl_s)
                await pipe.execute()

        await self._guard.best_effort("leaderboard rebuild", write)

    async def add_points(self, board: str, user_id: int, points: int) -> None:
        zset, built = self.keys(board)

        async def add(client: Redis) -> object:
            return await self._add(
                keys=[zset, built], args=[points, _member(user_id)], client=client
            )

        await self._guard.best_effort("leaderboard add", add)
