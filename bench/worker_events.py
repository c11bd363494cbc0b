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

import asyncio
import time

from bench import run
from bench.openloop import run_open_loop


def main(argv: list[str] | None = None) -> None:
    parser = run.standalone_parser(
        "python -m bench.worker_events", rate=60.0, duration=20.0, drain=12.0
    )
    options = parser.parse_args(argv)
    args, pick = run.on_seeded_database(options.seed)
    applications = run.only(pick, "apply")
    with run.server(args, run.ROOT / "var" / "bench", cache=True) as running:
        asyncio.run(run_open_loop(running.base, rate=100, duration_s=20, pick=pick, seed=3))
        time.sleep(5)
        out, used = run.cpu_of_operation(running, options, applications)
    accepted = len(out.latencies_ms) - out.rejected - out.errors
    per = {name: 1000 * seconds / max(accepted, 1) for name, seconds in used.items()}
    print(
        f"{options.label} seed {options.seed}: {accepted} applications accepted "
        f"({out.rejected} refused, {out.errors} errors); CPU ms per application: "
        f"worker {per['worker']:.2f}, server {per['server']:.2f}"
    )


if __name__ == "__main__":
    main()
