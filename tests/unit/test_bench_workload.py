"""The benchmark's workload draws (bench/workload.py), its metric deltas and CPU accounting
(bench/run.py)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import Counter

from bench.run import Running, metric_deltas
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
