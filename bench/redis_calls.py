"""CPU per Redis call through ``RedisGuard``, as the service builds it and with redis-py's own
socket timeouts (as it was built before), in one run against the same server::

    .venv/bin/python -m bench.redis_calls --calls 20000 --concurrency 32

Each variant runs ``--calls`` GETs of one small key, ``--concurrency`` at a time, on its own
connection pool, alternating the variants ``--rounds`` times; it prints the median process
CPU microseconds per call (what the server pays per cache read) and their ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from adapters.redis.resilience import DEFAULT_TIMEOUT_S, RedisGuard

KEY = "paeshift:bench:redis-calls"


def _with_socket_timeouts(url: str, timeout_s: float) -> RedisGuard:
    """The guard as ``RedisGuard.from_url`` built it before: socket timeouts on every call
    (its connections are made from these arguments, on first use)."""
    guard = RedisGuard.from_url(url, timeout_s=timeout_s)
    guard.client.connection_pool.connection_kwargs["socket_timeout"] = timeout_s
    return guard


async def _cpu_per_call(guard: RedisGuard, calls: int, concurrency: int) -> float:
    """CPU µs per call for ``calls`` GETs, ``concurrency`` in flight."""

    async def worker(n: int) -> None:
        for _ in range(n):
            await guard.run("bench get", lambda r: r.get(KEY))

    await worker(concurrency)  # connect the pool first
    cpu = time.process_time()
    share = calls // concurrency
    await asyncio.gather(*(worker(share) for _ in range(concurrency)))
    return (time.process_time() - cpu) / (share * concurrency) * 1e6


async def main(args: argparse.Namespace) -> None:
    variants = {
        "service (no socket timeouts)": RedisGuard.from_url(args.redis, timeout_s=args.timeout),
        "socket timeouts (before)": _with_socket_timeouts(args.redis, args.timeout),
    }
    first = next(iter(variants.values()))
    await first.client.set(KEY, b"x" * 512)
    results: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, guard in variants.items():
            results[name].append(await _cpu_per_call(guard, args.calls, args.concurrency))
    await first.client.delete(KEY)
    for guard in variants.values():
        await guard.aclose()
    for name, samples in results.items():
        rounded = [round(sample, 1) for sample in samples]
        print(f"{name}: {statistics.median(samples):.1f} µs CPU per call (median of {rounded})")
    service, before = (statistics.median(s) for s in results.values())
    print(f"ratio service / before: {service / before:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.redis_calls")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S)
    asyncio.run(main(parser.parse_args()))
