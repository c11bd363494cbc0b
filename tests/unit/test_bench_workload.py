"""The benchmark's workload draws (bench/workload.py), its metric deltas, slices and CPU
accounting (bench/run.py)."""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from collections import Counter

from bench.run import WRK_SCENARIOS, Running, Slice, _result, core_speed_s, metric_deltas
from bench.workload import Zipf


def test_zipf_makes_the_first_ranks_popular_and_among_keeps_the_ranking() -> None:
    popular = Zipf(list(range(1000)), random.Random(1))
    draws = Counter(popular.draw(20_000))
    top, _ = draws.most_common(1)[0]
    assert draws[top] > 20_000 * 0.1  # rank 1 of 1,000 gets over a tenth with s = 1.1
    evens = popular.among([n for n in range(1000) if n % 2 == 0], random.Random(2))
    ranked_evens = [n for n in popular._items if n % 2 == 0]
    assert evens._items == ranked_evens  # the same popularity order, restricted


def test_metric_deltas_give_hit_rates_overall_and_by_namespace() -> None:
    def hits(namespace: str, result: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        return (
            "paeshift_cache_requests_total",
            (("namespace", namespace), ("result", result)),
        )

    before = {hits("jobs", "hit"): 10.0, hits("jobs", "miss"): 5.0}
    after = {
        hits("jobs", "hit"): 100.0,
        hits("jobs", "miss"): 15.0,
        hits("feed", "hit"): 30.0,
        hits("feed", "error"): 4.0,
    }
    deltas = metric_deltas(before, after)
    assert deltas["cache_hit_rate"] == 120 / 130
    assert deltas["hit_rate_by_namespace"] == {"feed": "100.0% of 30", "jobs": "90.0% of 100"}


def test_cpu_seconds_count_a_process_and_its_children() -> None:
    """The mixed scenario reports the server's CPU per request: ``serve`` does its work in
    child processes, so their time must be counted."""
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n"
    child = subprocess.Popen([sys.executable, "-c", burn + "time.sleep(30)"])
    try:
        running = Running("http://127.0.0.1:1", {"server": os.getpid()})
        deadline = time.monotonic() + 10
        while running.cpu_seconds()["server"] - time.process_time() < 0.25:
            assert time.monotonic() < deadline, "the child's CPU time was not counted"
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait()


def _slice(requests: int, seconds: float, p50: int, p99: int, sql: float) -> Slice:
    out = {
        "requests": requests,
        "duration_us": int(seconds * 1e6),
        "errors": {"connect": 0, "read": 0, "write": 0, "status": 1, "timeout": 0},
        "latency_us": {"p50": p50, "p95": p99 // 2, "p99": p99},
    }
    key = "paeshift_http_request_sql_statements_"
    return Slice(out, {(f"{key}sum", ()): sql, (f"{key}count", ()): float(requests)})


def test_slices_add_up_to_one_result_with_its_reference_alongside() -> None:
    """Throughput over all slices, the median slice's p50, the worst slice's p99; the
    reference's throughput from its own slices."""
    job_detail = next(s for s in WRK_SCENARIOS if s[0] == "job_detail")
    args = argparse.Namespace(connections=32, threads=2)
    measured = [_slice(1000, 1.0, 2000, 9000, 100), _slice(3000, 1.0, 4000, 5000, 300)]
    reference = [_slice(4000, 1.0, 1000, 3000, 0), _slice(4000, 1.0, 1000, 3000, 0)]
    result = _result(args, job_detail, measured, "reference_redis_get", reference)
    assert result.requests_per_s == 2000.0
    assert (result.p50_ms, result.p99_ms) == (3.0, 9.0)
    assert result.sql_statements_per_request == 0.1
    assert result.rejected == 2
    assert result.reference_requests_per_s == 4000.0
    assert result.notes["req/s by slice"] == [1000.0, 3000.0]


def test_core_speed_is_the_time_of_the_loop() -> None:
    short, long = core_speed_s(10_000, repeat=1), core_speed_s(2_000_000, repeat=1)
    assert 0 < short < long
