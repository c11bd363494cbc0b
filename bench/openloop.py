"""An open-loop load generator: requests start at a fixed arrival rate, whatever the server does.

wrk (4.x) keeps a fixed number of connections busy (closed loop): when the server slows down it
sends less, and the latencies it reports leave out the requests it never sent (coordinated
omission). Here request ``i`` is *scheduled* at ``start + i / rate`` and its latency is
measured from that scheduled time, so queueing in the client or the server is counted.

The client is aiohttp (its HTTP parser is compiled): the generator shares the machine's cores
with the server, and at 500 requests/s httpx used most of one core itself
(bench/results/2026-11-28-cache.md), which made the server look slower than it is. The
generator's own lateness is reported (``max_start_lag_ms``) so a saturated client shows.

The generator must not pause either: a pause delays every request scheduled during it, and
that delay is counted as the server's. It runs in the harness's process, next to the loaded
dataset (hundreds of thousands of objects), and it kept every finished task; the collector's
full passes over all of that paused it: its max start lag was 215-224 ms at 500 req/s. So the
objects that exist when the run starts are frozen out of the collector's sight (``gc.freeze``)
and finished tasks are let go: max start lag 13-22 ms, p99 73-96 → 61-85 ms (two alternating
rounds on one dataset, bench/results/2026-11-29-generator-*.md; p95 moved within noise).
"""

from __future__ import annotations

import asyncio
import gc
import random
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import aiohttp


@dataclass(frozen=True)
class Request:
    """One request of the workload (``json`` is sent as the body when given)."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    json: object | None = None


@dataclass
class OpenLoopResult:
    duration_s: float
    scheduled: int
    latencies_ms: list[float]
    #: Per operation name: count, errors, rejected.
    by_operation: dict[str, Counter[str]] = field(default_factory=dict)
    #: Per operation name: its latencies (ms), to tell which requests make the tail.
    latencies_by_operation: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    rejected: int = 0
    #: Of the errors, the 503s: requests the server shed (load shedding), answered at once.
    shed: int = 0
    #: Latencies of the requests that were served (no 5xx, no time-out): with load shedding,
    #: the fast 503s would otherwise pull the percentiles of ``latencies_ms`` down.
    served_latencies_ms: list[float] = field(default_factory=list)
    #: How late the generator itself started requests (its own saturation), worst case.
    max_start_lag_ms: float = 0.0
    #: Latencies by ``WINDOW_S`` window of scheduled start: whether the tail is spread over
    #: the run or made by a few stalls.
    latencies_by_window: dict[int, list[float]] = field(default_factory=dict)

    def used_seed_warning(self) -> str | None:
        """A warning when most applications were refused: the seed is used.

        The mixed workload's users apply and mark notifications read; on a seed earlier runs
        used (``--skip-seed``) they have applied before, so the applications are refused (4xx)
        and nothing is left to mark read: a lighter workload (SQL per request 0.62 against
        0.87, bench/results/2026-11-29-workers.md) whose latencies look better than a fresh
        seed's. A fresh seed refuses 2-3 % of them (22 and 40 of ~1,200 at 500 req/s). A full
        run (cache ``both``) warns for its uncached mixed run too, which comes last (its writes
        would not invalidate the Redis cache): compare its latencies with that in mind.
        """
        applications = self.by_operation.get("apply", Counter())
        count, refused = applications["count"], applications["rejected"]
        if not count or refused / count <= USED_SEED_REFUSED_SHARE:
            return None
        return (
            f"{refused} of {count} applications refused: the seed is used by earlier runs, "
            "so this workload is lighter than on a fresh seed (a run with --skip-seed, or the "
            "uncached mixed run of a full run, which comes after the cached one)"
        )


#: Seconds per window of :attr:`OpenLoopResult.latencies_by_window`.
WINDOW_S = 5.0
#: Above this share of refused applications, :meth:`OpenLoopResult.used_seed_warning` warns.
USED_SEED_REFUSED_SHARE = 0.10


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


async def run_open_loop(
    base_url: str,
    *,
    rate: float,
    duration_s: float,
    pick: Callable[[random.Random], tuple[str, Request]],
    seed: int = 1,
    timeout_s: float = 10.0,
) -> OpenLoopResult:
    """Send ``rate`` requests per second for ``duration_s``, each from ``pick`` (bounded)."""
    rng = random.Random(seed)
    total = int(rate * duration_s)
    result = OpenLoopResult(duration_s=duration_s, scheduled=total, latencies_ms=[])
    connector = aiohttp.TCPConnector(limit=512)
    timeout = aiohttp.ClientTimeout(total=timeout_s)

    async with aiohttp.ClientSession(base_url, connector=connector, timeout=timeout) as session:

        async def one(name: str, request: Request, scheduled: float, window: int) -> None:
            lag = (time.perf_counter() - scheduled) * 1000
            result.max_start_lag_ms = max(result.max_start_lag_ms, lag)
            counts = result.by_operation.setdefault(name, Counter())
            counts["count"] += 1
            try:
                async with session.request(
                    request.method, request.path, headers=request.headers, json=request.json
                ) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            latency_ms = (time.perf_counter() - scheduled) * 1000
            result.latencies_ms.append(latency_ms)
            result.latencies_by_operation.setdefault(name, []).append(latency_ms)
            result.latencies_by_window.setdefault(window, []).append(latency_ms)
            if status == 0 or status >= 500:
                result.errors += 1
                counts["errors"] += 1
                result.shed += status == 503
                return
            result.served_latencies_ms.append(latency_ms)
            if status >= 400:
                result.rejected += 1
                counts["rejected"] += 1

        gc.collect()
        gc.freeze()  # the dataset and the harness: no full collection walks them (docstring)
        try:
            started = time.perf_counter()
            in_flight: set[asyncio.Task[None]] = set()
            for i in range(total):
                scheduled = started + i / rate
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                name, request = pick(rng)
                task = asyncio.create_task(one(name, request, scheduled, int(i / rate / WINDOW_S)))
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
            await asyncio.gather(*in_flight)
            result.duration_s = time.perf_counter() - started
        finally:
            gc.unfreeze()
    return result
