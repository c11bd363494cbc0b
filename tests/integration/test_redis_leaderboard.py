"""The Redis leaderboard against the real server: the contract, and boards that survive a
loss of Redis data (rebuilt from the database in the same order).

The server is shared: keys carry this test's random prefix, and "losing Redis" deletes
exactly those keys; nothing is ever flushed.
"""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from adapters.redis.leaderboard import RedisLeaderboard
from entrypoints.bootstrap import build_use_cases, memory_deps
from tests.contracts.reputation import LeaderboardContract, Lose
from tests.integration.redis_fixtures import RedisSandbox
from tests.unit.reputation_support import completed_shifts

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def leaderboard(redis_sandbox: RedisSandbox) -> RedisLeaderboard:
    return RedisLeaderboard(redis_sandbox.guard(), prefix=redis_sandbox.prefix)


async def _delete_own_keys(sandbox: RedisSandbox, match: str = "*") -> int:
    """Lose this test's keys (the shared server is never flushed)."""
    keys = [k for k in await sandbox.keys() if match == "*" or match in k.decode()]
    if not keys:
        return 0
    assert sandbox.url is not None
    async with Redis.from_url(sandbox.url) as client:
        deleted: int = await client.delete(*keys)
    return deleted


@pytest.fixture
def lose(redis_sandbox: RedisSandbox) -> Lose:
    async def delete(board: str) -> None:
        assert await _delete_own_keys(redis_sandbox, f"{{{board}}}") > 0

    return delete


class TestRedisLeaderboard(LeaderboardContract):
    pass


async def test_keys_carry_the_prefix_and_the_board_hash_tag(
    leaderboard: RedisLeaderboard, redis_sandbox: RedisSandbox
) -> None:
    await leaderboard.replace("week:2026-W02", {1: 10})
    keys = sorted(k.decode() for k in await redis_sandbox.keys())
    prefix = redis_sandbox.prefix
    assert keys == [f"{prefix}:lb:{{week:2026-W02}}:built", f"{prefix}:lb:{{week:2026-W02}}:z"]
    with pytest.raises(ValueError, match="must match"):
        leaderboard.keys("week:{2026}")


async def test_boards_survive_losing_redis_in_the_same_order(
    redis_sandbox: RedisSandbox,
) -> None:
    """The use cases over the real Redis board: built from the database on first read,
    kept up to date by the handlers, rebuilt identically after the keys are gone."""
    boards = RedisLeaderboard(redis_sandbox.guard(), prefix=redis_sandbox.prefix)
    deps = memory_deps()
    use_cases = build_use_cases(deps, leaderboard=boards)
    event_id = 0
    for worker_id, shifts in {21: 2, 22: 3, 23: 2, 24: 1}.items():
        for worked in await completed_shifts(deps, worker_id, shifts):
            event_id += 1
            await use_cases.gamification_handlers.handle(event_id, worked)
            if event_id == 3:  # build the boards midway: later points are added to them
                await use_cases.gamification.all_time()
                await use_cases.gamification.weekly()
    before_all = await use_cases.gamification.all_time()
    before_week = await use_cases.gamification.weekly()
    assert [u for _, u, _, _ in before_all.entries] == [22, 21, 23, 24]
    assert before_week.entries == before_all.entries
    assert await _delete_own_keys(redis_sandbox) == 4  # Redis lost everything of ours
    assert await boards.top("all-time", 10) is None
    assert await use_cases.gamification.all_time() == before_all
    assert await use_cases.gamification.weekly() == before_week
    assert len(await redis_sandbox.keys()) == 4  # rebuilt into Redis


async def test_an_unreachable_redis_reads_as_lost_and_drops_writes(
    offline_sandbox: RedisSandbox,
) -> None:
    boards = RedisLeaderboard(offline_sandbox.guard(CLOSED_PORT_URL), prefix="pshtest")
    await boards.replace("all-time", {1: 10})
    await boards.add_points("all-time", 1, 5)
    assert await boards.top("all-time", 10) is None
    deps = memory_deps()
    ranking = await build_use_cases(deps, leaderboard=boards).gamification.all_time()
    assert ranking.entries == ()


def test_rebuild_interval_is_checked(offline_sandbox: RedisSandbox) -> None:
    with pytest.raises(ValueError, match="rebuild_after_s"):
        RedisLeaderboard(offline_sandbox.guard(CLOSED_PORT_URL), rebuild_after_s=0)
