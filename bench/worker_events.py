"""The worker's CPU per delivered event: applications sent at a fixed rate, then a pause for
the worker to deliver their events (``python -m bench.worker_events --seed N``).

Needs the benchmark's seeded database (``python -m bench.run`` seeds it). Each run first
sends 20 s of the mixed workload (the server and worker warm), then ``--rate`` applications
per second for ``--duration`` s to Zipf-popular open jobs, then waits ``--drain`` s: the
worker's CPU over the applications and the wait, divided by the applications accepted, is the
cost of delivering one ``ApplicationSubmitted`` (a notification to the client, its e-mail,
the outbox marks) plus the worker's periodic tasks in that time. An application is accepted
once per user and job, so give every run its own ``--seed`` (the jobs' popularity order).
Compare code versions by alternating runs on one machine.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from datetime import UTC, datetime

from bench import run
from bench.openloop import Request, run_open_loop
from bench.workload import Popularity, load_dataset


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.worker_events")
    parser.add_argument("--seed", type=int, required=True, help="a new one for every run")
    parser.add_argument("--rate", type=float, default=60.0)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--drain", type=float, default=12.0)
    parser.add_argument("--label", default="")
    options = parser.parse_args(argv)
    args = run._args(["--skip-seed", "--cache", "on"])
    run.fill_redis(args.redis)
    data = load_dataset(run._psql_url(args, args.database))
    today = datetime.now(UTC).date()
    popular = Popularity.of(data, random.Random(options.seed), today, feed_pool=20_000)
    pick = run.mixed_operations(data, popular, today)

    def applications(r: random.Random) -> tuple[str, Request]:
        while True:
            name, request = pick(r)
            if name == "apply":
                return name, request

    with run.server(args, run.ROOT / "var" / "bench", cache=True) as running:
        asyncio.run(run_open_loop(running.base, rate=100, duration_s=20, pick=pick, seed=3))
        time.sleep(5)
        before = running.cpu_seconds()
        out = asyncio.run(
            run_open_loop(
                running.base,
                rate=options.rate,
                duration_s=options.duration,
                pick=applications,
                seed=options.seed,
            )
        )
        time.sleep(options.drain)
        after = running.cpu_seconds()
    accepted = len(out.latencies_ms) - out.rejected - out.errors
    per = {name: 1000 * (after[name] - before[name]) / max(accepted, 1) for name in after}
    print(
        f"{options.label} seed {options.seed}: {accepted} applications accepted "
        f"({out.rejected} refused, {out.errors} errors); CPU ms per application: "
        f"worker {per['worker']:.2f}, server {per['server']:.2f}"
    )


if __name__ == "__main__":
    main()
