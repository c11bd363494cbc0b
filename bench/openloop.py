"""An open-loop load generator: requests start at a fixed arrival rate, whatever the server does.

wrk (4.x) keeps a fixed number of connections busy (closed loop): when the server slows down it
sends less, and the latencies it reports leave out the requests it never sent (coordinated
omission). Here request ``i`` is *scheduled* at ``start + i / rate`` and its latency is
measured from that scheduled time, so queueing in the client or the server is counted.

The client is aiohttp (its HTTP parser is compiled): the generator shares the machine's cores
with the server, and at 500 requests/s httpx used most of one core itself
(bench/results/2026-11-28-cache.md), which made the server look slower than it is. The
generator's own lateness is reported (``max_start_lag_ms``) so a saturated client shows.
"""

from __future__ import annotations

import asyncio
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
    #: How late the generator itself started requests (its own saturation), worst case.
    max_start_lag_ms: float = 0.0


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

        async def one(name: str, request: Request, scheduled: float) -> None:
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
            if status == 0 or status >= 500:
                result.errors += 1
                counts["errors"] += 1
            elif status >= 400:
                result.rejected += 1
                counts["rejected"] += 1

        started = time.perf_counter()
        tasks = []
        for i in range(total):
            scheduled = started + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            name, request = pick(rng)
            tasks.append(asyncio.create_task(one(name, request, scheduled)))
        await asyncio.gather(*tasks)
        result.duration_s = time.perf_counter() - started
    return result
