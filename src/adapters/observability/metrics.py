"""Prometheus collectors used across the service, defined once, and the ``/metrics`` exposition.

Plain module-level collectors on the default registry: importing this module registers them
once per process. Under several worker processes (``paeshift serve --workers N``) the CLI sets
``PROMETHEUS_MULTIPROC_DIR`` (the variable prometheus-client reads) before the workers start;
each process then writes its samples to files there and :func:`render_metrics` merges them
with ``MultiProcessCollector``: counters and histograms sum across workers, the in-flight gauge
sums over live processes (``livesum``) and the circuit gauge reports their maximum
(``livemax``), so one worker with an open circuit shows up. Label values come from code
constants (namespaces, limit names) or the route *template*, never from raw request data, so
the series count stays bounded.

Outbox backlog and the last ledger check are read from the database when Prometheus scrapes
(:data:`MetricSource`), not kept in gauges: they describe shared state, so every worker reports
the same truth, and nothing has to run in the background to keep them fresh. Each source gets
``SOURCE_TIMEOUT_S``; one that fails or is slow is reported as
``paeshift_metrics_source_up{source=...} 0`` while the rest of the scrape still answers.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime

from attrs import frozen
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

MULTIPROC_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"
SOURCE_TIMEOUT_S = 1.0

#: Seconds; dense around the 200 ms latency objective (ops/prometheus/alerts.yml).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
#: Statements per request: a read endpoint's budget is a handful (QUALITY.md Query budgets).
STATEMENT_BUCKETS = (0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128)

_log = logging.getLogger("paeshift.metrics")

CACHE_REQUESTS = Counter(
    "paeshift_cache_requests",
    "Cache lookups by namespace and result (hit, miss, error = served without the cache);"
    " refresh: a write-through store right after a write, not a lookup.",
    ["namespace", "result"],
)

RATE_LIMIT_REJECTIONS = Counter(
    "paeshift_rate_limit_rejections",
    "Requests refused by a rate limit, by limit name.",
    ["limit"],
)

DEPENDENCY_ERRORS = Counter(
    "paeshift_dependency_errors",
    "Failed calls (errors, timeouts) to an infrastructure dependency, by dependency.",
    ["dependency"],
)

REDIS_CIRCUIT_OPEN = Gauge(
    "paeshift_redis_circuit_open",
    "1 while the Redis circuit breaker is open or half-open (calls bypass Redis), else 0.",
    multiprocess_mode="livemax",
)

HTTP_REQUEST_DURATION = Histogram(
    "paeshift_http_request_duration_seconds",
    "HTTP requests by route template (or 'unmatched'), method and status, until the last byte.",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)

HTTP_REQUESTS_IN_FLIGHT = Gauge(
    "paeshift_http_requests_in_flight",
    "HTTP requests being served now.",
    multiprocess_mode="livesum",
)

HTTP_REQUEST_SQL_STATEMENTS = Histogram(
    "paeshift_http_request_sql_statements",
    "SQL statements executed per HTTP request, by route template and method.",
    ["route", "method"],
    buckets=STATEMENT_BUCKETS,
)

HTTP_REQUEST_SQL_SECONDS = Histogram(
    "paeshift_http_request_sql_seconds",
    "Time spent in SQL statements per HTTP request, by route template and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)


@frozen
class OutboxBacklog:
    """Committed events not yet delivered by the relay."""

    pending: int
    oldest_recorded_at: datetime | None


@frozen
class LedgerCheckStatus:
    """The outcome of one ``paeshift check-ledger`` run (DOMAIN.md Money: invariants)."""

    ok: bool
    violations: int
    finished_at: datetime


#: Produces metric families when Prometheus scrapes (may do I/O; bounded by a timeout).
MetricSource = Callable[[], Awaitable[Iterable[Metric]]]


def outbox_families(backlog: OutboxBacklog, now: datetime) -> list[Metric]:
    age = 0.0
    if backlog.oldest_recorded_at is not None:
        age = max(0.0, (now - backlog.oldest_recorded_at).total_seconds())
    return [
        GaugeMetricFamily(
            "paeshift_outbox_pending_events",
            "Committed domain events not yet delivered by the outbox relay.",
            value=backlog.pending,
        ),
        GaugeMetricFamily(
            "paeshift_outbox_oldest_event_age_seconds",
            "Age of the oldest undelivered outbox event (0 when none is pending).",
            value=age,
        ),
    ]


def ledger_check_families(status: LedgerCheckStatus | None) -> list[Metric]:
    """Nothing until a check has run; alerts then fire on failure or on staleness."""
    if status is None:
        return []
    return [
        GaugeMetricFamily(
            "paeshift_ledger_check_ok",
            "1 if the last ledger check found no violation, else 0.",
            value=1 if status.ok else 0,
        ),
        GaugeMetricFamily(
            "paeshift_ledger_check_violations",
            "Violations found by the last ledger check.",
            value=status.violations,
        ),
        GaugeMetricFamily(
            "paeshift_ledger_check_timestamp_seconds",
            "Unix time at which the last ledger check finished.",
            value=status.finished_at.timestamp(),
        ),
    ]


class _Snapshot(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> Iterable[Metric]:
        return self._families


def _process_registry() -> Collector:
    directory = os.environ.get(MULTIPROC_DIR_ENV)
    if not directory:
        return REGISTRY
    merged = CollectorRegistry()
    multiprocess.MultiProcessCollector(merged, path=directory)  # type: ignore[no-untyped-call]
    return merged


async def render_metrics(
    sources: Mapping[str, MetricSource], *, timeout_s: float = SOURCE_TIMEOUT_S
) -> bytes:
    """The text exposition: this process's (or all workers') collectors, then the sources."""
    families: list[Metric] = []
    up = GaugeMetricFamily(
        "paeshift_metrics_source_up",
        "1 if the scrape-time source answered within its timeout, else 0.",
        labels=["source"],
    )
    for name, source in sorted(sources.items()):
        try:
            async with asyncio.timeout(timeout_s):
                produced = list(await source())
        except Exception as exc:  # a failing source is reported, the scrape still answers
            _log.warning("metrics source %s failed: %s", name, type(exc).__name__)
            up.add_metric([name], 0)
        else:
            families.extend(produced)
            up.add_metric([name], 1)
    families.append(up)
    return generate_latest(_process_registry()) + generate_latest(_Snapshot(families))


def release_process_metrics(pid: int | None = None) -> None:
    """On a worker's shutdown: drop its live gauges from the merged view (multi-process)."""
    if os.environ.get(MULTIPROC_DIR_ENV):
        multiprocess.mark_process_dead(os.getpid() if pid is None else pid)  # type: ignore[no-untyped-call]
