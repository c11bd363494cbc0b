"""The benchmark, end to end, in one command (README: Performance).

    .venv/bin/python -m bench.run --jobs 100000 --duration 20

1. creates the database ``paeshift_bench`` on the local PostgreSQL (dropped first), migrates it
   and seeds it with ``paeshift seed`` (timed), then vacuums, analyzes and checkpoints it;
2. starts ``paeshift serve --workers 2`` on 127.0.0.1 in bench mode (the ``/bench/*`` reference
   endpoints), without the Redis cache on ``--port`` and with it (and ``paeshift worker``) on
   the next port, as ``--cache`` asks (both by default);
3. drives them on loopback: wrk with ``bench/lua/paths.lua`` for the closed-loop read scenarios
   (reference endpoints, job detail by Zipf-popular id, feed with random filters, public
   profile), each measured in slices interleaved across both servers and with its reference;
   then, one server at a time, the open-loop generator (``bench/openloop.py``) for the
   authenticated mixed workload at a fixed arrival rate; every scenario is bounded by
   ``--duration``;
4. scrapes ``/metrics`` around each scenario (SQL statements per request, cache hit rate);
5. writes ``bench/results/<date>-<label>.md`` and ``.json`` with the machine facts and this
   command.

Needs ``wrk`` (Debian: ``apt-get install wrk``), PostgreSQL and Redis on localhost.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import platform
import random
import shlex
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

import attrs
import httpx
import psycopg
import redis
from prometheus_client.parser import text_string_to_metric_families

from adapters.http.bench_routes import REDIS_KEY_PREFIX, REDIS_KEYS
from adapters.security.tokens import JwtTokenService
from bench.openloop import WINDOW_S, OpenLoopResult, Request, percentile, run_open_loop
from bench.report import PLAIN, Report, ScenarioResult, write_report
from bench.workload import (
    API,
    Dataset,
    Popularity,
    load_dataset,
    nearby_text_query,
    write_paths,
)
from paeshift_core.domain.users import Role

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = ROOT / "bench" / "lua" / "paths.lua"
JWT_SECRET = "paeshift-benchmark-secret-not-for-production-use"
PK_SELECT = "reference_pk_select"
REDIS_GET = "reference_redis_get"

Snapshot = dict[tuple[str, tuple[tuple[str, str], ...]], float]
#: Anonymous visitors (paths files) replayed on the cached server before its mixed runs.
VISITED = ("job", "feed", "profile")
REVISIT_S = 20.0
#: Warm-up of what has no cache to fill: the references, every scenario without the cache.
SHORT_WARMUP_S = 10.0
MIXED = "mixed_authenticated"
#: name, description, paths file key, reference scenario.
WrkScenario = tuple[str, str, str, str | None]

WRK_SCENARIOS: list[WrkScenario] = [
    (PLAIN, "reference: a constant JSON document, no I/O", "plain", None),
    (REDIS_GET, "reference: one Redis GET", "redis", PLAIN),
    (PK_SELECT, "reference: one primary-key SELECT (same engine)", "pk", PLAIN),
    ("job_detail", "GET /jobs/{id}, Zipf-popular public jobs", "job", PK_SELECT),
    ("feed", "GET /jobs, Zipf-popular queries with random filters, sorts, near", "feed", PK_SELECT),
    (
        "nearby_text",
        "GET /jobs?q=…&near=…&sort=nearest: nearest jobs with a text query",
        "nearby_text",
        PK_SELECT,
    ),
    ("public_profile", "GET /users/{id}, Zipf-popular users", "profile", PK_SELECT),
]
#: Draws one request of a workload: its operation's name and the request.
Pick = Callable[[random.Random], tuple[str, Request]]
#: Scenario name → its paths file key.
PATHS_OF = {name: key for name, _, key, _ in WRK_SCENARIOS}


def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--applications", type=int, default=None, help="default: 5 per job")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per scenario")
    parser.add_argument(
        "--warmup", type=float, default=60.0, help="seconds of warm-up before each wrk scenario"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--rate",
        type=float,
        action="append",
        help="mixed workload, requests/s (repeat for several runs, run lowest first; default 500)",
    )
    parser.add_argument(
        "--mixed-duration", type=float, default=60.0, help="seconds of the mixed workload"
    )
    parser.add_argument(
        "--mixed-warmup",
        type=float,
        default=20.0,
        help="seconds of the mixed workload before the measured ones (logged-in users active)",
    )
    parser.add_argument(
        "--slices",
        type=int,
        default=4,
        help="each wrk scenario's --duration is measured in this many slices, interleaved",
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="without the cache; with it: the next port"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="server processes (3 on 2 cores: better standalone, worse in the full run; "
        "bench/results/2026-11-29-workers.md)",
    )
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432", help="server")
    parser.add_argument("--database", default="paeshift_bench")
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/9", help="bench Redis db (emptied first)"
    )
    parser.add_argument(
        "--cache",
        choices=("off", "on", "both"),
        default="both",
        help="on: PAESHIFT_CACHE=on with Redis (PAESHIFT_REDIS_URL) and a worker; off: every "
        "read from PostgreSQL; both (default): off then on, one report with the speed-ups",
    )
    parser.add_argument(
        "--server-env", action="append", default=[], metavar="NAME=VALUE", help="extra settings"
    )
    parser.add_argument("--skip-seed", action="store_true", help="reuse the seeded database")
    parser.add_argument(
        "--new-server-per-rate",
        action="store_true",
        help="restart the cached server and its worker before each mixed rate after the "
        "first (the database and Redis keep what the earlier rates left): tells whether a "
        "later rate suffers from the processes' state or from the data's",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="SCENARIO",
        help="run only these scenarios (repeat; e.g. job_detail, mixed_authenticated)",
    )
    parser.add_argument(
        "--check-ledger", action="store_true", help="run paeshift check-ledger on the seed (timed)"
    )
    parser.add_argument("--label", default=None, help="report name suffix (default: cache-<mode>)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    args.rate = args.rate or [500.0]
    return args


def _psql_url(args: argparse.Namespace, database: str) -> str:
    return f"{args.pg.rstrip('/')}/{database}"


# -- database and seed -------------------------------------------------------------------------
def prepare_database(args: argparse.Namespace) -> dict[str, object]:
    """Drop, create, migrate and seed the bench database; returns the seed's figures."""
    with psycopg.connect(_psql_url(args, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{args.database}"')
    env = {**os.environ, "PAESHIFT_DATABASE_URL": _psql_url(args, args.database)}
    subprocess.run([BIN / "paeshift", "migrate"], env=env, check=True, cwd=ROOT)
    command = [str(BIN / "paeshift"), "seed", "--jobs", str(args.jobs), "--seed", str(args.seed)]
    if args.applications is not None:
        command += ["--applications", str(args.applications)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, check=True, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    print(done.stdout.splitlines()[-1] if done.stdout else "", flush=True)
    figures: dict[str, object] = {
        "seed_command": "paeshift " + shlex.join(command[1:]),
        "seed_wall_s": round(seconds, 1),
        "settle_s": settle_database(args),
    }
    if args.check_ledger:
        started = time.perf_counter()
        checked = subprocess.run(
            [BIN / "paeshift", "check-ledger"], env=env, cwd=ROOT, capture_output=True, text=True
        )
        lines = checked.stdout.strip().splitlines()
        figures["check_ledger"] = (
            f"{' / '.join(lines[-2:])} (exit {checked.returncode}, "
            f"{time.perf_counter() - started:.0f} s)"
        )
        print(figures["check_ledger"], flush=True)
    return figures


def settle_database(args: argparse.Namespace) -> float:
    """``VACUUM (FREEZE, ANALYZE)`` and a checkpoint after the bulk load; returns seconds.

    Freshly loaded rows are not marked visible to all or frozen; the first reads and later
    autovacuum do that work and write the pages out again, inside whichever scenario happens
    to run then (and index-only scans visit the heap until the visibility map is set). A
    database in service has long had that done: measure that state.
    """
    started = time.perf_counter()
    with psycopg.connect(_psql_url(args, args.database), autocommit=True) as conn:
        conn.execute("VACUUM (FREEZE, ANALYZE)")
        conn.execute("CHECKPOINT")
    seconds = round(time.perf_counter() - started, 1)
    print(f"vacuumed, analyzed and checkpointed in {seconds} s", flush=True)
    return seconds


def fill_redis(url: str) -> None:
    """Empty the benchmark's Redis database (no cache left from an earlier run), then write
    the keys ``/bench/redis-get`` reads: about 600 bytes of JSON each."""
    client = redis.Redis.from_url(url)
    client.flushdb()
    value = json.dumps({"id": 0, "title": "x" * 500, "status": "upcoming"})
    with client.pipeline() as pipe:
        for key in range(REDIS_KEYS):
            pipe.set(f"{REDIS_KEY_PREFIX}{key}", value)
        pipe.execute()
    client.close()


# -- the server ----------------------------------------------------------------------------
@attrs.frozen
class Running:
    """A started server: its address and the processes whose CPU time the report shows."""

    base: str
    pids: dict[str, int]

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far by each process and its children (``serve`` has one child
        per worker)."""
        return {name: _tree_cpu_seconds(pid) for name, pid in self.pids.items()}


def _tree_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of ``pid`` and its descendants, from Linux ``/proc``."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as children:
            kids = [int(child) for child in children.read().split()]
    except OSError:
        return 0.0  # gone
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_tree_cpu_seconds(kid) for kid in kids)


#: Services sharing the machine with the server, by process name (``/proc/<pid>/stat``).
SERVICES = {"postgres": "PostgreSQL", "redis-server": "Redis"}


def machine_cpu_seconds() -> dict[str, float]:
    """CPU seconds of the services' processes, and the machine's busy seconds over all cores
    (``/proc/stat``: everything but idle and iowait). A process that exited counts through
    its parent, which waited for it (``cutime``/``cstime``): PostgreSQL's backends are
    children of the postmaster, and the pool closes connections under load (without this
    the database's share once came out negative)."""
    totals = dict.fromkeys(SERVICES.values(), 0.0)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                head, _, rest = stat.read().rpartition(")")
        except OSError:
            continue
        name = SERVICES.get(head.partition("(")[2])
        if name is not None:
            fields = rest.split()
            ticks = sum(int(value) for value in fields[11:15])  # own and reaped children's
            totals[name] += ticks / os.sysconf("SC_CLK_TCK")
    with open("/proc/stat", encoding="ascii") as stat:
        jiffies = [int(value) for value in stat.readline().split()[1:]]
    idle = jiffies[3] + jiffies[4]
    totals["machine busy"] = (sum(jiffies[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    return totals


@contextmanager
def server(
    args: argparse.Namespace,
    log_dir: Path,
    *,
    cache: bool,
    wrapper: Sequence[str] = (),
    ready_timeout_s: float = 60,
) -> Iterator[Running]:
    """``paeshift serve`` (and with ``--cache`` the worker) until the block ends; ``wrapper``
    runs the server under another program (callgrind, ``bench/instructions.py``)."""
    env = {
        **os.environ,
        "PAESHIFT_DATABASE_URL": _psql_url(args, args.database),
        "PAESHIFT_BENCH_MODE": "1",
        "PAESHIFT_BENCH_REDIS_URL": args.redis,
        "PAESHIFT_JWT_SECRET": JWT_SECRET,
        "PAESHIFT_LOG_LEVEL": "WARNING",
        "PAESHIFT_LOG_FORMAT": "json",
        # Every simulated client comes from 127.0.0.1: the general per-client limit would
        # refuse them as one. Set out of reach, it still counts every request (its cost is
        # measured), it only never refuses.
        "PAESHIFT_REQUESTS_PER_MINUTE": str(10**9),
    }
    env.pop("PAESHIFT_REDIS_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    # The baseline reads everything from PostgreSQL; --cache is the cached setup (Redis).
    env["PAESHIFT_CACHE"] = "on" if cache else "off"
    if cache:
        env["PAESHIFT_REDIS_URL"] = args.redis
    for item in args.server_env:
        name, _, value = item.partition("=")
        env[name] = value
    log_dir.mkdir(parents=True, exist_ok=True)
    port = args.port + 1 if cache else args.port
    base = f"http://127.0.0.1:{port}"
    serve: list[str | Path] = [
        *wrapper,
        BIN / "paeshift",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
    ]
    processes = []
    with _log(log_dir, cache).open("a") as log:
        processes.append(subprocess.Popen(serve, env=env, cwd=ROOT, stdout=log, stderr=log))
        if cache:
            processes.append(
                subprocess.Popen(
                    [BIN / "paeshift", "worker"], env=env, cwd=ROOT, stdout=log, stderr=log
                )
            )
        try:
            _wait_ready(base, processes[0], ready_timeout_s)
            names = ["server", "worker"]
            yield Running(base, {name: p.pid for name, p in zip(names, processes, strict=False)})
        finally:
            for process in reversed(processes):
                process.send_signal(signal.SIGINT)
            for process in processes:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _log(log_dir: Path, cache: bool) -> Path:
    return log_dir / f"server-cache-{'on' if cache else 'off'}.log"


def _wait_ready(base: str, process: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited; see its log in var/bench/")
        try:
            if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not become ready in time")


# -- metrics -------------------------------------------------------------------------------
def scrape(base: str) -> Snapshot:
    text = httpx.get(f"{base}/metrics", timeout=60).text
    found: Snapshot = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _served_by_app(labels: dict[str, str]) -> bool:
    route = labels.get("route", "")
    return not route.startswith(("/metrics", "/health"))


def metric_deltas(before: Snapshot, after: Snapshot) -> dict[str, Any]:
    """SQL statements per request and cache hit rate between two scrapes."""
    sums = {"sql": 0.0, "requests": 0.0, "hit": 0.0, "miss": 0.0, "server_errors": 0.0}
    by_namespace: dict[str, dict[str, float]] = {}
    for (name, label_items), value in after.items():
        delta = value - before.get((name, label_items), 0.0)
        labels = dict(label_items)
        if name == "paeshift_http_request_sql_statements_sum" and _served_by_app(labels):
            sums["sql"] += delta
        elif name == "paeshift_http_request_sql_statements_count" and _served_by_app(labels):
            sums["requests"] += delta
        elif name == "paeshift_cache_requests_total" and labels.get("result") in ("hit", "miss"):
            sums[labels["result"]] += delta
            counts = by_namespace.setdefault(labels["namespace"], {"hit": 0.0, "miss": 0.0})
            counts[labels["result"]] += delta
        elif name == "paeshift_http_request_duration_seconds_count" and labels.get(
            "status", ""
        ).startswith("5"):
            sums["server_errors"] += delta
    lookups = sums["hit"] + sums["miss"]
    return {
        "sql_per_request": sums["sql"] / sums["requests"] if sums["requests"] else None,
        "cache_hit_rate": sums["hit"] / lookups if lookups else None,
        "server_requests": sums["requests"],
        "server_5xx": sums["server_errors"],
        "hit_rate_by_namespace": {
            namespace: f"{c['hit'] / (c['hit'] + c['miss']):.1%} of {c['hit'] + c['miss']:,.0f}"
            for namespace, c in sorted(by_namespace.items())
            if c["hit"] + c["miss"]
        },
    }


# -- scenarios -----------------------------------------------------------------------------
def run_wrk(
    args: argparse.Namespace, base: str, paths: Path, duration: float, offset: int = 0
) -> dict[str, object]:
    """One wrk run; its threads start ``offset`` lines into the paths file."""
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "5s",
        "-s",
        str(LUA),
        base,
        "--",
        str(paths),
        str(offset),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            parsed: dict[str, object] = json.loads(line.removeprefix("WRK_JSON "))
            return parsed
    raise RuntimeError(f"no WRK_JSON line in wrk's output:\n{done.stdout}\n{done.stderr}")


@attrs.frozen
class Slice:
    """One wrk run of a scenario on one server, and the server's metrics over it."""

    out: dict[str, Any]
    deltas: Snapshot


def measure_slice(args: argparse.Namespace, base: str, paths: Path, index: int) -> Slice:
    """Slice ``index`` of ``--slices``: its share of ``--duration``, starting where the
    previous slice's threads stopped (about), so the slices add up to one pass over the file."""
    offset = index * _line_count(paths) // (args.threads * args.slices)
    before = scrape(base)
    out = run_wrk(args, base, paths, args.duration / args.slices, offset)
    after = scrape(base)
    return Slice(out, {key: value - before.get(key, 0.0) for key, value in after.items()})


@functools.cache
def _line_count(paths: Path) -> int:
    with paths.open(encoding="utf-8") as lines:
        return sum(1 for _ in lines)


def _reference_of(scenario: WrkScenario, cache: bool) -> str | None:
    """With the cache a read's ceiling is the one-Redis-GET reference, without it the one
    SELECT."""
    reference = scenario[3]
    return REDIS_GET if cache and reference == PK_SELECT else reference


def wrk_scenario(
    args: argparse.Namespace,
    servers: dict[bool, Running],
    scenario: WrkScenario,
    files: dict[str, Path],
) -> dict[bool, ScenarioResult]:
    """The scenario on each server (without and with the cache), interleaved.

    Each server is warmed up on a sample of its own (drawn like the measured one), then
    ``--slices`` rounds each run a slice of the scenario and one of its reference on each
    server in turn. A ratio (with ÷ without the cache, the scenario ÷ its reference) so
    compares figures taken seconds apart and in the same proportions all along: this
    machine's speed drifts (on 2026-11-29 the plain reference gave 5,517 then 14,424 req/s in
    two 8 s wrk runs two minutes apart), which made ratios of runs ten minutes apart noise."""
    name, _, key, _ = scenario
    for cache, running in servers.items():
        fills_cache = cache and name not in (PLAIN, REDIS_GET, PK_SELECT)
        warmup_s = args.warmup if fills_cache else min(args.warmup, SHORT_WARMUP_S)
        if warmup_s > 0:
            run_wrk(args, running.base, files[f"{key}.warm-up"], warmup_s)
    slices: dict[tuple[bool, str], list[Slice]] = {}
    for index in range(args.slices):
        for cache, running in servers.items():
            reference = _reference_of(scenario, cache)
            for measured in (name, reference) if reference else (name,):
                paths = files[PATHS_OF[measured]]
                slices.setdefault((cache, measured), []).append(
                    measure_slice(args, running.base, paths, index)
                )
    results = {}
    for cache in servers:
        reference = _reference_of(scenario, cache)
        alongside = slices.get((cache, reference)) if reference else None
        results[cache] = _result(args, scenario, slices[cache, name], reference, alongside)
        rate = results[cache].requests_per_s
        print(f"{name} (cache {'on' if cache else 'off'}): {rate} req/s", flush=True)
    return results


def _result(
    args: argparse.Namespace,
    scenario: WrkScenario,
    measured: list[Slice],
    reference: str | None,
    reference_slices: list[Slice] | None,
) -> ScenarioResult:
    """The slices of a scenario added up: throughput over all of them, the median slice's
    p50, the worst slice's p95 and p99."""
    name, description, _, _ = scenario
    totals: Snapshot = {}
    for piece in measured:
        for metric, delta in piece.deltas.items():
            totals[metric] = totals.get(metric, 0.0) + delta
    deltas = metric_deltas({}, totals)
    requests = sum(int(piece.out["requests"]) for piece in measured)
    latency = [piece.out["latency_us"] for piece in measured]
    errors = Counter[str]()
    for piece in measured:
        errors.update(piece.out["errors"])
    server_5xx = int(deltas["server_5xx"] or 0)
    return ScenarioResult(
        name=name,
        description=description,
        generator="wrk",
        duration_s=round(sum(int(piece.out["duration_us"]) for piece in measured) / 1e6, 1),
        requests=requests,
        requests_per_s=_throughput(measured),
        p50_ms=statistics.median(lat["p50"] for lat in latency) / 1000,
        p95_ms=max(lat["p95"] for lat in latency) / 1000,
        p99_ms=max(lat["p99"] for lat in latency) / 1000,
        errors=sum(v for k, v in errors.items() if k != "status") + server_5xx,
        rejected=errors["status"] - server_5xx,
        sql_statements_per_request=_round(deltas["sql_per_request"]),
        cache_hit_rate=_round(deltas["cache_hit_rate"], 3),
        reference=reference,
        reference_requests_per_s=None if not reference_slices else _throughput(reference_slices),
        notes={
            "connections": args.connections,
            "threads": args.threads,
            "req/s by slice": [_throughput([piece]) for piece in measured],
            **(
                {f"{reference} req/s by slice": [_throughput([p]) for p in reference_slices]}
                if reference_slices
                else {}
            ),
            "load average (1 min) after": _load(),
            "cache hits by namespace": deltas["hit_rate_by_namespace"] or "none",
        },
    )


def _throughput(slices: list[Slice]) -> float:
    requests = sum(int(piece.out["requests"]) for piece in slices)
    return round(requests / (sum(int(piece.out["duration_us"]) for piece in slices) / 1e6), 1)


def _load() -> float:
    """The machine's 1-minute load average: other work on these cores skews the figures."""
    return round(os.getloadavg()[0], 2)


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def mixed_operations(data: Dataset, popular: Popularity, today: date) -> Pick:
    """≈ 90 % reads, 10 % writes (apply, save, mark read, post job) by seeded users."""
    rng = random.Random(7)
    tokens = JwtTokenService(JWT_SECRET)
    now = datetime.now(UTC)
    applicants = rng.sample(data.applicants, min(2_000, len(data.applicants)))
    with_unread = [u for u in applicants if data.unread.get(u)]
    clients = rng.sample(data.clients, min(500, len(data.clients)))

    def auth(user_id: int, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens.issue_access(user_id, role, now)[0]}"}

    headers = {u: auth(u, Role.APPLICANT) for u in applicants}
    headers.update({c: auth(c, Role.CLIENT) for c in clients})
    open_jobs = popular.jobs.among(data.open_jobs or data.public_jobs, rng)

    def get(path: str, user: int) -> Request:
        return Request("GET", path, headers[user])

    def post_job(user: int, r: random.Random) -> Request:
        industry_id, subcategory_id = r.choice(data.catalog)
        start = today + timedelta(days=r.randint(3, 30))
        body = {
            "title": "Bench shift",
            "industry_id": industry_id,
            "subcategory_id": subcategory_id,
            "job_type": "single_day",
            "shift_type": "morning",
            "start_date": start.isoformat(),
            "end_date": start.isoformat(),
            "start_time": "07:00",
            "end_time": "13:00",
            "applicants_needed": r.randint(1, 4),
            "hourly_rate": {"amount": r.randrange(50_000, 300_001, 5_000)},
            "address": "12 Allen Avenue, Ikeja, Lagos",
            "location": {"latitude": 6.6018, "longitude": 3.3515},
        }
        return Request("POST", f"{API}/jobs", headers[user], body)

    def mark_read(r: random.Random) -> tuple[str, Request]:
        candidates = [u for u in with_unread if data.unread.get(u)]
        if not candidates:
            return "notifications", get(f"{API}/me/notifications", r.choice(applicants))
        user = r.choice(candidates)
        notification_id = data.unread[user].pop()
        return "mark_read", Request(
            "POST", f"{API}/me/notifications/{notification_id}/read", headers[user]
        )

    def pick(r: random.Random) -> tuple[str, Request]:
        roll = r.random() * 100
        user = r.choice(applicants)
        if roll < 30:
            return "job_detail", get(f"{API}/jobs/{popular.jobs.one()}", user)
        if roll < 55:
            return "feed", get(popular.feed.one(), user)
        if roll < 65:
            return "my_applications", get(f"{API}/me/applications", user)
        if roll < 75:
            return "notifications", get(f"{API}/me/notifications", user)
        if roll < 80:
            return "unread_count", get(f"{API}/me/notifications/unread-count", user)
        if roll < 90:
            return "profile", get(f"{API}/users/{popular.users.one()}", user)
        if roll < 94:
            path = f"{API}/jobs/{open_jobs.one()}/applications"
            return "apply", Request("POST", path, headers[user])
        if roll < 97:
            path = f"{API}/me/saved-jobs/{popular.jobs.one()}"
            return "save", Request("PUT", path, headers[user])
        if roll < 99:
            return mark_read(r)
        return "post_job", post_job(r.choice(clients), r)

    return pick


def standalone_parser(
    prog: str, *, rate: float, duration: float, drain: float
) -> argparse.ArgumentParser:
    """The options every script on the seeded database takes (``on_seeded_database``)."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--seed", type=int, required=True, help="a new one for every run")
    parser.add_argument("--rate", type=float, default=rate)
    parser.add_argument("--duration", type=float, default=duration)
    parser.add_argument("--drain", type=float, default=drain)
    parser.add_argument("--label", default="")
    return parser


def on_seeded_database(seed: int) -> tuple[argparse.Namespace, Pick]:
    """For a script that runs the cached server on the seeded database (``--skip-seed``): the
    settings, with the benchmark's Redis emptied, and the mixed workload drawn with ``seed``
    (a new one per run: which open jobs are popular, so the users' applications are new)."""
    args = _args(["--skip-seed", "--cache", "on"])
    fill_redis(args.redis)
    data = load_dataset(_psql_url(args, args.database))
    today = datetime.now(UTC).date()
    popular = Popularity.of(data, random.Random(seed), today, feed_pool=20_000)
    return args, mixed_operations(data, popular, today)


def cpu_of_operation(
    running: Running, options: argparse.Namespace, pick: Pick
) -> tuple[OpenLoopResult, dict[str, float]]:
    """Send ``pick``'s requests at ``options.rate`` for ``options.duration`` s, wait
    ``options.drain`` s (the worker delivers their events): the outcome and the CPU seconds
    each process used meanwhile (``standalone_parser``'s options)."""
    before = running.cpu_seconds()
    out = asyncio.run(
        run_open_loop(
            running.base,
            rate=options.rate,
            duration_s=options.duration,
            pick=pick,
            seed=options.seed,
        )
    )
    time.sleep(options.drain)
    after = running.cpu_seconds()
    return out, {name: after[name] - before[name] for name in after}


#: Draws ``only`` makes for one request before it gives up: an operation whose data is used
#: up is never drawn (``mark_read`` once the sampled users have no unread notification left).
ONLY_DRAWS = 10_000


def only(pick: Pick, name: str) -> Pick:
    """``pick`` drawing until it gives operation ``name`` (one operation of the mix alone);
    ``LookupError`` when it did not in ``ONLY_DRAWS`` draws."""

    def one_kind(r: random.Random) -> tuple[str, Request]:
        for _ in range(ONLY_DRAWS):
            drawn, request = pick(r)
            if drawn == name:
                return drawn, request
        raise LookupError(f"{name} not drawn in {ONLY_DRAWS} draws: its data is used up (seed)")

    return one_kind


def mixed_scenario(
    args: argparse.Namespace,
    running: Running,
    data: Dataset,
    popular: Popularity,
    today: date,
    rate: float,
) -> ScenarioResult:
    base = running.base
    pick = mixed_operations(data, popular, today)
    if args.mixed_warmup > 0:
        asyncio.run(
            run_open_loop(
                base, rate=rate, duration_s=args.mixed_warmup, pick=pick, seed=args.seed + 1
            )
        )
    before = scrape(base)
    cpu_before, processes_before = time.process_time(), running.cpu_seconds()
    machine_before = machine_cpu_seconds()
    started_at = datetime.now(UTC)
    outcome: OpenLoopResult = asyncio.run(
        run_open_loop(base, rate=rate, duration_s=args.mixed_duration, pick=pick, seed=args.seed)
    )
    generator_cpu = (time.process_time() - cpu_before) / outcome.duration_s
    processes = {
        name: seconds - processes_before[name] for name, seconds in running.cpu_seconds().items()
    }
    machine = {
        name: seconds - machine_before[name] for name, seconds in machine_cpu_seconds().items()
    }
    deltas = metric_deltas(before, scrape(base))
    lat = outcome.latencies_ms
    warning = outcome.used_seed_warning()
    result = ScenarioResult(
        name=MIXED if len(args.rate) == 1 else f"{MIXED}@{rate:g}",
        description=(
            "logged-in users at a fixed arrival rate: ≈ 90 % reads (job detail, feed, my "
            "applications, notifications, unread count, profiles), 10 % writes (apply, save, "
            "mark read, post job); latency from the scheduled start (no coordinated omission)"
        ),
        generator="open-loop",
        duration_s=round(outcome.duration_s, 1),
        requests=len(lat),
        requests_per_s=round(len(lat) / outcome.duration_s, 1),
        p50_ms=round(percentile(lat, 50), 2),
        p95_ms=round(percentile(lat, 95), 2),
        p99_ms=round(percentile(lat, 99), 2),
        errors=outcome.errors,
        rejected=outcome.rejected,
        sql_statements_per_request=_round(deltas["sql_per_request"]),
        cache_hit_rate=_round(deltas["cache_hit_rate"], 3),
        target_rate_per_s=rate,
        notes={
            "operations": {k: dict(v) for k, v in sorted(outcome.by_operation.items())},
            "p50 / p95 ms per operation": {
                name: f"{percentile(values, 50):.1f} / {percentile(values, 95):.1f}"
                for name, values in sorted(outcome.latencies_by_operation.items())
            },
            "shed (503)": outcome.shed,
            "p50 / p95 / p99 ms of the requests served (no 5xx, no time-out)": " / ".join(
                f"{percentile(outcome.served_latencies_ms, p):.1f}" for p in (50, 95, 99)
            ),
            f"p99 ms by {WINDOW_S:g}-s window": [
                round(percentile(values, 99))
                for _, values in sorted(outcome.latencies_by_window.items())
            ],
            "generator max start lag ms": round(outcome.max_start_lag_ms, 1),
            "generator CPU (share of one core)": round(generator_cpu, 2),
            **{
                f"{name} CPU (share of one core)": round(seconds / outcome.duration_s, 2)
                for name, seconds in processes.items()
            },
            **{
                f"{name} CPU (share of one core)": round(seconds / outcome.duration_s, 2)
                for name, seconds in machine.items()
            },
            "server CPU ms per request": round(1000 * processes["server"] / max(1, len(lat)), 2),
            "warm-up before measuring (s)": args.mixed_warmup,
            # The worker's hourly tasks (the ledger check at minute 41) load the machine.
            "measured (UTC)": f"{started_at:%H:%M:%S} to {datetime.now(UTC):%H:%M:%S}",
            "load average (1 min) after": _load(),
            "cache hits by namespace": deltas["hit_rate_by_namespace"] or "none",
            **({"warning": warning} if warning else {}),
        },
    )
    print(
        f"mixed: {result.requests_per_s} req/s, p99 {result.p99_ms:.1f} ms, errors "
        f"{result.errors} ({outcome.shed} shed), server CPU "
        f"{result.notes['server CPU ms per request']} ms per request",
        flush=True,
    )
    if warning:
        print(f"warning: {warning}", flush=True)
    return result


# -- machine facts ---------------------------------------------------------------------------
def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError:
        return "unavailable"
    return (done.stdout or done.stderr).strip().splitlines()[0]


#: A loop of additions run as module-level code, like ``python3 -c "...for i in range(N): s+=i"``.
_CORE_SPEED_LOOP = "s = 0\nfor i in range({n}):\n    s += i\n"


def core_speed_s(additions: int = 10_000_000, repeat: int = 3) -> float:
    """Best of ``repeat``: seconds one core takes for ``additions`` additions in a Python loop.

    Machines of the same kind (2 cores, "AMD EPYC") have run this loop in 0.46-0.47 s (the
    sessions of rounds 16-20) and in 1.0-1.8 s (the session after): latency figures of
    machines that far apart do not compare, so every report carries this figure.
    """
    code = compile(_CORE_SPEED_LOOP.format(n=additions), "<core speed>", "exec")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        # Our own constant loop; exec runs it with module-level names, like the one-liner.
        exec(code, {})  # noqa: S102
        times.append(time.perf_counter() - started)
    return min(times)


def machine_facts(args: argparse.Namespace) -> dict[str, str]:
    cpu = "unknown"
    memory = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) // 1024} MiB"
    with psycopg.connect(_psql_url(args, "postgres")) as conn:
        pg = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    client = redis.Redis.from_url(args.redis)
    redis_version = str(client.info("server")["redis_version"])
    client.close()
    commit = _first_line(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": pg,
        "redis": redis_version,
        "wrk": _first_line(["wrk", "--version"]).split(" [")[0],
        "litestar / sqlalchemy / psycopg / uvicorn": " / ".join(
            version(name) for name in ("litestar", "sqlalchemy", "psycopg", "uvicorn")
        ),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "note": "client (wrk / open-loop generator), server and databases share these cores",
    }


# -- main ----------------------------------------------------------------------------------
def path_files(
    args: argparse.Namespace, data: Dataset, popular: Popularity, run_dir: Path
) -> dict[str, Path]:
    """One paths file per wrk scenario, and one drawn the same way for its warm-up (so the
    measured requests are not a replay of the warm-up's)."""
    rng = random.Random(args.seed + 1)
    samples = 200_000

    def draw(suffix: str) -> dict[str, Path]:
        jobs, users = popular.jobs.draw(samples), popular.users.draw(samples)
        paths = {
            "plain": ["/bench/plain"],
            "redis": [f"/bench/redis-get/{i}" for i in jobs],
            "pk": [f"/bench/pk-select/{i}" for i in jobs],
            "job": [f"{API}/jobs/{i}" for i in jobs],
            "feed": popular.feed.draw(samples),
            "nearby_text": [nearby_text_query(rng) for _ in range(20_000)],
            "profile": [f"{API}/users/{i}" for i in users],
        }
        return {
            f"{key}{suffix}": write_paths(run_dir / f"{key}{suffix}.txt", lines)
            for key, lines in paths.items()
        }

    return {**draw(""), **draw(".warm-up")}


def run_scenarios(
    args: argparse.Namespace,
    run_dir: Path,
    files: dict[str, Path],
    data: Dataset,
    popular: Popularity,
) -> dict[bool, list[ScenarioResult]]:
    """Every scenario, by server: ``False`` without the cache, ``True`` with it.

    The wrk scenarios run with both servers up, interleaved (:func:`wrk_scenario`). The mixed
    workload then runs on one server at a time, so the other's background work (the
    uncached server relays the outbox in process, the cached one has its worker) is not in
    its figures: first on the cached server, still warm from the wrk scenarios, then on a
    new uncached one. Not the other way round: the uncached server's writes do not
    invalidate the Redis cache the cached server would then read.

    Before its mixed runs the cached server gets the anonymous visitors of the wrk scenarios
    back for a moment (:data:`VISITED`): the job detail scenario ended some eight minutes
    earlier, so values it filled would expire (10 min TTL) during the mixed runs. Job detail
    hits in the mixed runs: 66 % in rounds 8 and 9 without this, 75-77 % in round 10 with it,
    89 % in round 6 (sequential, that scenario ended four minutes before). A server in
    service has visitors all along; the mixed workload's own reads (~70 job reads per second
    at 250 req/s) keep far fewer of the Zipf tail's values.

    Without the cache the mixed workload runs at the lowest rate only: an overloaded server
    without cache builds a backlog that takes minutes to drain. With the cache the rates run
    lowest first, so no figure includes the aftermath of an earlier overloaded run (the
    worker's backlog, cached principals expired while the server drained)."""
    modes = {"off": (False,), "on": (True,), "both": (False, True)}[args.cache]
    wanted = set(args.only or [*(name for name, *_ in WRK_SCENARIOS), MIXED])
    results: dict[bool, list[ScenarioResult]] = {cache: [] for cache in modes}
    today = datetime.now(UTC).date()

    def mixed(cache: bool, running: Running, restart: Callable[[], Running] | None) -> None:
        for index, rate in enumerate(sorted(args.rate) if cache else [min(args.rate)]):
            if index and restart is not None:
                running = restart()
            _wait_drained(running.base)
            results[cache].append(mixed_scenario(args, running, data, popular, today, rate))

    for cache in modes:
        _log(run_dir, cache).unlink(missing_ok=True)
    with ExitStack() as cached:
        warm = cached.enter_context(server(args, run_dir, cache=True)) if True in modes else None
        with ExitStack() as uncached:
            cold = (
                uncached.enter_context(server(args, run_dir, cache=False))
                if False in modes
                else None
            )
            servers = {cache: s for cache, s in ((False, cold), (True, warm)) if s is not None}
            for scenario in WRK_SCENARIOS:
                if scenario[0] in wanted:
                    for cache, result in wrk_scenario(args, servers, scenario, files).items():
                        results[cache].append(result)
        if warm is not None and MIXED in wanted:
            for key in VISITED:
                run_wrk(args, warm.base, files[f"{key}.warm-up"], REVISIT_S)

            def restart() -> Running:
                cached.close()  # the server and its worker stop; PostgreSQL and Redis stay
                return cached.enter_context(server(args, run_dir, cache=True))

            mixed(True, warm, restart if args.new_server_per_rate else None)
    if False in modes and MIXED in wanted:
        with server(args, run_dir, cache=False) as running:
            mixed(False, running, None)
    if True in modes:
        log = _log(run_dir, True).read_text(encoding="utf-8", errors="replace")
        print(
            f"redis calls failed: {log.count('serving without redis')}, "
            f"circuit opened: {log.count('redis circuit open')} ({_log(run_dir, True)})",
            flush=True,
        )
    return results


def _wait_drained(base: str, timeout_s: float = 180) -> None:
    """Wait until the server answers at once again (after an overload, before measuring)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            httpx.get(f"{base}/health/live", timeout=5)
        except httpx.HTTPError:
            continue
        if time.monotonic() - started < 0.05:
            return
        time.sleep(1)
    raise RuntimeError("the server is still overloaded")


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    command = "python -m bench.run " + shlex.join(sys.argv[1:] if argv is None else argv)
    label = args.label or f"cache-{args.cache}"
    run_dir = ROOT / "var" / "bench"
    seed_figures: dict[str, object] = {}
    load_before = _load()
    speed_before = core_speed_s()
    if not args.skip_seed:
        seed_figures = prepare_database(args)
    fill_redis(args.redis)
    data = load_dataset(_psql_url(args, args.database))
    popular = Popularity.of(
        data, random.Random(args.seed), datetime.now(UTC).date(), feed_pool=20_000
    )
    files = path_files(args, data, popular, run_dir)
    results = run_scenarios(args, run_dir, files, data, popular)
    uncached = results.get(False, [])
    scenarios = results.get(True, uncached)
    modes = {
        "off": "off (PAESHIFT_CACHE=off, no PAESHIFT_REDIS_URL)",
        "on": "on (PAESHIFT_CACHE=on, PAESHIFT_REDIS_URL, paeshift worker)",
        "both": "off and on (PAESHIFT_CACHE=on, PAESHIFT_REDIS_URL, paeshift worker), two "
        "servers; Results are with the cache",
    }
    report = Report(
        title=f"Paeshift benchmark: {label}",
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        command=command,
        machine={
            **machine_facts(args),
            "load average (1 min) before the run": str(load_before),
            "core speed before the run (10 M additions in a Python loop, best of 3)": (
                f"{speed_before:.2f} s"
            ),
        },
        dataset={**data.counts, **seed_figures, "seed": args.seed},
        settings={
            "server": f"paeshift serve --workers {args.workers} (uvicorn), 127.0.0.1",
            "cache": modes[args.cache],
            "log level": "WARNING",
            "wrk": f"{args.threads} threads, {args.connections} connections, "
            f"{args.duration:g} s per scenario after a warm-up on its own sample: "
            f"{args.warmup:g} s with the cache, {min(args.warmup, SHORT_WARMUP_S):g} s without "
            "and for the references; "
            f"measured in {args.slices} slices interleaved with the other server's and with the "
            "reference's (× reference compares them); p50 of the median slice, p95 and p99 of "
            "the worst",
            "mixed workload": f"{' and '.join(f'{r:g}' for r in args.rate)} requests/s "
            "(open loop, aiohttp; without the cache the lowest only), "
            f"{args.mixed_duration:g} s after {args.mixed_warmup:g} s of warm-up; with the cache "
            f"first {REVISIT_S:g} s of each of the {', '.join(VISITED)} warm-up samples (wrk)",
            "extra server settings": ", ".join(args.server_env) or "none",
        },
        scenarios=scenarios,
        uncached=uncached if args.cache == "both" else [],
    )
    md, js = write_report(report, args.out, f"{date.today().isoformat()}-{label}")
    print(f"report: {md} and {js}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
