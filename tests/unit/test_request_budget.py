"""The general per-client limit (``adapters/http/request_budget.py``): counted in process,
shared through a store that every process adds to, exact near the end of a budget."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import pytest

from adapters.http.request_budget import RequestBudget
from paeshift_core.domain.errors import RateLimited
from paeshift_core.ports.rate_limit import Limit

TEN_A_MINUTE = Limit("requests:client", 10, 60)


class Clock:
    def __init__(self, now: float = 6_000.0) -> None:  # the start of a 60 s window
        self.now = now

    def __call__(self) -> float:
        return self.now


class Store:
    """What Redis does for the budget: counters that every process adds to."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}
        self.calls = 0
        self.down = False

    async def add(self, increments: Mapping[str, int], ttl_s: int) -> Mapping[str, int] | None:
        self.calls += 1
        if self.down:
            return None
        for key, count in increments.items():
            self.totals[key] = self.totals.get(key, 0) + count
        return {key: self.totals[key] for key in increments}


async def admitted(budget: RequestBudget, client: str, tries: int, *, spaced: bool) -> int:
    """How many of ``tries`` requests were admitted; ``spaced``: syncs run between them."""
    count = 0
    for _ in range(tries):
        try:
            await budget.admit(client)
        except RateLimited:
            pass
        else:
            count += 1
        if spaced:
            await asyncio.sleep(0.003)
    return count


async def test_alone_it_admits_the_limit_per_window_then_refuses_until_the_next() -> None:
    clock = Clock()
    budget = RequestBudget(TEN_A_MINUTE, clock=clock)
    assert await admitted(budget, "a1.2.3.4", 10, spaced=False) == 10
    clock.now += 45
    with pytest.raises(RateLimited) as refused:
        await budget.admit("a1.2.3.4")
    assert refused.value.retry_after == 15  # the window ends in 15 s
    assert (refused.value.policy, refused.value.quota, refused.value.window_s) == (
        "requests:client",
        10,
        60,
    )
    await budget.admit("u7")  # another client has its own budget
    clock.now += 15
    await budget.admit("a1.2.3.4")


async def test_two_processes_share_one_budget() -> None:
    """Requests arriving slower than the sync interval: a process that has heard the other's
    counts admits only what is left; one that was idle admits what reaches it before its
    next sync (here one request), then no more."""
    store, clock = Store(), Clock()
    first, second = (
        RequestBudget(TEN_A_MINUTE, shared=store, sync_s=0.001, clock=clock) for _ in range(2)
    )
    assert await admitted(first, "u7", 6, spaced=True) == 6
    assert await admitted(second, "u7", 10, spaced=True) == 4
    assert store.totals == {"u7:100": 10}
    assert await admitted(first, "u7", 3, spaced=True) == 1
    assert await admitted(second, "u7", 3, spaced=True) == 0


async def test_a_burst_overshoots_by_at_most_one_sync_interval_per_process() -> None:
    """Documented bound: before they sync, each process admits what it got in one interval
    below ``exact_from`` of the limit; from there the shared total decides."""
    store, clock = Store(), Clock()
    first, second = (
        RequestBudget(TEN_A_MINUTE, shared=store, sync_s=60, clock=clock) for _ in range(2)
    )
    burst = [admitted(first, "u7", 20, spaced=False), admitted(second, "u7", 20, spaced=False)]
    total = sum(await asyncio.gather(*burst))
    assert 10 <= total <= 10 + 8  # the limit + one process's in-process share (9 - 1)
    await first.aclose()
    await second.aclose()


async def test_counts_are_added_in_one_call_per_interval_for_every_client() -> None:
    store, clock = Store(), Clock()
    budget = RequestBudget(
        Limit("requests:client", 1_000, 60), shared=store, sync_s=0.01, clock=clock
    )
    for client in ("u1", "u2", "a10.0.0.1"):
        for _ in range(5):
            await budget.admit(client)
    assert store.calls == 0  # nothing waited for the store
    await asyncio.sleep(0.05)
    assert store.calls == 1
    assert store.totals == {"u1:100": 5, "u2:100": 5, "a10.0.0.1:100": 5}


async def test_without_the_store_each_process_enforces_the_limit_on_its_own() -> None:
    store, clock = Store(), Clock()
    store.down = True
    budget = RequestBudget(TEN_A_MINUTE, shared=store, sync_s=0.001, clock=clock)
    assert await admitted(budget, "u7", 15, spaced=True) == 10
    store.down = False  # back: the counts kept in process are added with the next sync
    clock.now += 1
    await asyncio.sleep(0.01)
    assert store.totals.get("u7:100", 0) <= 10
