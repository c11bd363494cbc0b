"""The server's instructions per request of each read of the mixed workload (and of the
reference endpoints), counted by callgrind: an A/B of code versions that the machine's
speed does not move::

    .venv/bin/python -m bench.instructions --seed 5001 --src before=/tmp/old/src --src after=src

Why: CPU seconds per request (``bench.op_cost``) moved ±8 % between runs on the benchmark's
virtual machines, more than most single changes; callgrind counts the instructions the
server process runs, which the code and the requests decide, not the machine. The same
requests (drawn once with ``--seed``) go to each version in turn: ``--src`` names a
checkout's ``src`` (put first on the server's ``PYTHONPATH``; repeat it, the first is the
base of the ratios). Each version: the benchmark's Redis emptied, ``paeshift serve --workers
1`` under ``valgrind --tool=callgrind`` (about 90 s to start on a slow machine) with its
worker, then per operation ``--requests`` requests one at a time to warm, the counters
zeroed, as many again (other ones, so some cached reads miss as in the workload; with
``--hits`` the same ones: what a cache hit costs), the counters dumped.

The reference endpoints (``--only plain``, ``--only redis_get``) give the floor: what any
request costs before its route's own work, and with one Redis GET. What it leaves out: the
kernel's part (system calls: a saved round trip saves more than this shows), PostgreSQL's
and Redis's own CPU, and writes (replayed to a second version they would find the first
one's effects). The same code measured twice moved 0.3-2 % (periodic work in the server
falls in the window). Needs the seeded database (``python -m bench.run``) and valgrind.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import time
from pathlib import Path

import httpx

from bench import run
from bench.openloop import Request

#: The reads of the mixed workload (``run.mixed_operations``).
READS = ("job_detail", "feed", "my_applications", "notifications", "unread_count", "profile")
#: The benchmark's reference endpoints (bench mode): what any request and one Redis GET cost.
REFERENCES = {"plain": "/bench/plain", "redis_get": "/bench/redis-get/{}"}
OUT = run.ROOT / "var" / "bench" / "callgrind"
#: A server under callgrind runs ~50 times slower.
READY_TIMEOUT_S = 600


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--requests", type=int, default=100, help="per operation, measured")
    parser.add_argument(
        "--only", action="append", choices=[*READS, *REFERENCES], help="only these (repeat)"
    )
    parser.add_argument(
        "--src", action="append", metavar="NAME=PATH", help="a version's src (repeat)"
    )
    parser.add_argument(
        "--hits", action="store_true", help="count the warm-up's own requests again (cached)"
    )
    options = parser.parse_args(argv)
    versions = [_version(spec) for spec in options.src or [f"this={run.ROOT / 'src'}"]]
    args, pick = run.on_seeded_database(options.seed)
    drawn = {}
    for name in options.only or [*READS, *REFERENCES]:
        rng = random.Random(options.seed)
        if name in REFERENCES:
            paths = [REFERENCES[name].format(i) for i in range(2 * options.requests)]
            drawn[name] = [Request("GET", path) for path in paths]
        else:
            one = run.only(pick, name)
            drawn[name] = [one(rng)[1] for _ in range(2 * options.requests)]
        if options.hits:
            drawn[name] = drawn[name][: options.requests] * 2
    counted: dict[str, dict[str, float]] = {}
    for label, src in versions:
        counted[label] = _count(args, src, drawn, options.requests)
    _print(options, versions, counted)


def _version(spec: str) -> tuple[str, Path]:
    label, _, path = spec.partition("=")
    if not path or not Path(path).is_dir():
        raise SystemExit(f"--src {spec!r}: give NAME=PATH of a checkout's src directory")
    return label, Path(path).resolve()


def _count(
    args: argparse.Namespace, src: Path, drawn: dict[str, list[Request]], n: int
) -> dict[str, float]:
    """Instructions per request of each operation, on the server of ``src``."""
    run.fill_redis(args.redis)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("callgrind.out.*"):
        old.unlink()
    wrapper = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={OUT}/callgrind.out.%p"]
    args.server_env = [f"PYTHONPATH={src}", "PYTHONHASHSEED=0"]
    args.workers = 1  # in the process callgrind runs (uvicorn's workers would be children)
    per_request = {}
    with (
        run.server(
            args, OUT, cache=True, wrapper=wrapper, ready_timeout_s=READY_TIMEOUT_S
        ) as running,
        httpx.Client(base_url=running.base, timeout=120) as client,
    ):
        pid = running.pids["server"]
        for name, requests in drawn.items():
            for request in requests[:n]:
                _send(client, request)
            _control("--zero", pid)
            for request in requests[n:]:
                _send(client, request)
            per_request[name] = _dumped_total(pid) / n
    return per_request


def _send(client: httpx.Client, request: Request) -> None:
    response = client.request(
        request.method, request.path, headers=dict(request.headers), json=request.json
    )
    if response.status_code != 200:
        raise RuntimeError(f"{request.path}: {response.status_code} {response.text[:200]}")


def _control(option: str, pid: int) -> None:
    subprocess.run(["callgrind_control", option, str(pid)], check=True, capture_output=True)


def _dumped_total(pid: int) -> int:
    """Dump the counters (callgrind writes a new numbered file) and read its total."""
    before = set(OUT.glob(f"callgrind.out.{pid}.*"))
    _control("--dump", pid)
    deadline = time.monotonic() + 60
    while not (new := set(OUT.glob(f"callgrind.out.{pid}.*")) - before):
        if time.monotonic() > deadline:
            raise RuntimeError("callgrind wrote no dump")
        time.sleep(0.2)
    (dump,) = new
    time.sleep(0.5)  # written whole
    for line in dump.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"{dump}: no total")


def _print(
    options: argparse.Namespace,
    versions: list[tuple[str, Path]],
    counted: dict[str, dict[str, float]],
) -> None:
    labels = [label for label, _ in versions]
    base = labels[0]
    print(
        f"seed {options.seed}, {options.requests} requests per operation: "
        "server instructions per request (millions)"
    )
    head = " | ".join(labels + [f"{label} ÷ {base}" for label in labels[1:]])
    print(f"| operation | {head} |")
    print("|---" * (1 + 2 * len(labels) - 1) + "|")
    for name in counted[base]:
        values = [counted[label][name] for label in labels]
        cells = [f"{v / 1e6:.3f}" for v in values]
        cells += [f"{v / values[0]:.3f}" for v in values[1:]]
        print(f"| {name} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
