"""Server and worker CPU per request of each operation of the mixed workload, one operation at
a time (``python -m bench.op_cost --seed N``): where the mixed workload's CPU goes.

Needs the benchmark's seeded database (``python -m bench.run`` seeds it). The cached server and
its worker first get ``--warmup`` s of the whole mix (caches as in a mixed run), then each
operation alone (``--only``: these) at ``--rate`` requests/s for ``--duration`` s and a
``--drain`` s pause for the worker. The CPU of that window, less what the processes use idle in
as long (measured first), over the requests sent is the operation's cost; its share of the mix
times its cost is what it adds to the mix's CPU per request. Applications are accepted once per
user and job, so give every run its own ``--seed``. Periodic work that falls in one window (the
worker's tasks) lands on that operation: compare operations of one run, and code versions by
alternating runs (``PYTHONPATH=<other checkout>/src`` runs the server of another version).
"""

from __future__ import annotations

import asyncio
import random
import time

from bench import run
from bench.openloop import run_open_loop

#: Percent of the mix per operation (``run.mixed_operations``; mark_read falls back to a
#: notifications list when no unread notification is left).
SHARES = {
    "job_detail": 30,
    "feed": 25,
    "my_applications": 10,
    "notifications": 10,
    "unread_count": 5,
    "profile": 10,
    "apply": 4,
    "save": 3,
    "mark_read": 2,
    "post_job": 1,
}


PROCESSES = ("server", "worker")
#: ``--only`` name of the whole mix, measured as one operation (its share: 100 %).
MIX = "mix"


def main(argv: list[str] | None = None) -> None:
    parser = run.standalone_parser("python -m bench.op_cost", rate=50.0, duration=15.0, drain=3.0)
    parser.add_argument("--warmup", type=float, default=30.0)
    parser.add_argument(
        "--only",
        action="append",
        choices=[*SHARES, MIX],
        help=f"measure only these (repeat; {MIX}: the whole mix as one operation)",
    )
    options = parser.parse_args(argv)
    args, pick = run.on_seeded_database(options.seed)
    rows = []
    with run.server(args, run.ROOT / "var" / "bench", cache=True) as running:
        warm = run_open_loop(
            running.base, rate=100, duration_s=options.warmup, pick=pick, seed=options.seed
        )
        asyncio.run(warm)
        time.sleep(options.drain * 3)  # the worker delivers the warm-up's events
        window = options.duration + options.drain
        before = running.cpu_seconds()
        time.sleep(window)
        after = running.cpu_seconds()
        idle = {p: (after[p] - before[p]) / window for p in PROCESSES}
        for name in options.only or SHARES:
            one = pick if name == MIX else run.only(pick, name)
            try:
                one(random.Random(options.seed))
            except LookupError as used_up:
                print(f"{name}: left out, {used_up}")
                continue
            out, used = run.cpu_of_operation(running, options, one)
            sent = max(len(out.latencies_ms), 1)
            cost = {p: 1000 * (used[p] - idle[p] * window) / sent for p in PROCESSES}
            rows.append((name, sent, out.errors, out.rejected, cost))
    print(f"{options.label} seed {options.seed}: CPU ms per request, one operation at a time")
    print(f"idle CPU (share of one core): server {idle['server']:.3f}, worker {idle['worker']:.3f}")
    print("| operation | % of mix | requests | errors | 4xx | server | worker | server × share |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, sent, errors, rejected, cost in rows:
        share = SHARES.get(name, 100)
        weighted = cost["server"] * share / 100
        print(
            f"| {name} | {share} | {sent} | {errors} | {rejected} | "
            f"{cost['server']:.2f} | {cost['worker']:.2f} | {weighted:.2f} |"
        )
    total = sum(cost["server"] * SHARES[name] / 100 for name, *_, cost in rows if name != MIX)
    print(f"server CPU ms per request of the mix (sum of the operations' shares): {total:.2f}")


if __name__ == "__main__":
    main()
