"""``/metrics`` after real requests: request series by route template, method and status,
in-flight requests, scrape-time outbox and ledger gauges, ``Server-Timing``, and the alert
rules (ops/prometheus/alerts.yml) only name series the service exports (issue 6)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from litestar.testing import AsyncTestClient
from prometheus_client.core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from adapters.http.api import build_api
from adapters.http.services import ApiServices
from adapters.memory.cache import MemoryCache
from adapters.memory.clock import FakeClock
from adapters.memory.store import MemoryStore
from adapters.observability.metrics import (
    LedgerCheckStatus,
    OutboxBacklog,
    ledger_check_families,
    outbox_families,
)
from tests.unit.http.conftest import Login
from tests.unit.http.journeys import Client

ALERTS = Path(__file__).resolve().parents[3] / "ops" / "prometheus" / "alerts.yml"
SERVER_TIMING = re.compile(r"^total;dur=[\d.]+, db;dur=[\d.]+, cache;dur=[\d.]+$")
JOB_ROUTE = "/api/v1/jobs/{job_id}"


def samples(text: str) -> list[Sample]:
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


def value(found: list[Sample], name: str, **labels: str) -> float:
    """The sample's value, 0 when absent (a counter child not created yet)."""
    for sample in found:
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
            return sample.value
    return 0.0


@pytest.fixture
async def observed(
    services: ApiServices, store: MemoryStore, clock: FakeClock
) -> AsyncIterator[Client]:
    """The app with scrape-time sources over the memory store, as production has over SQL."""

    async def outbox() -> Iterable[Metric]:
        pending = store.pending_events(10_000)
        oldest = pending[0].recorded_at if pending else None
        return outbox_families(OutboxBacklog(len(pending), oldest), clock.now())

    async def ledger_check() -> Iterable[Metric]:
        return ledger_check_families(LedgerCheckStatus(True, 0, datetime(2025, 1, 1, tzinfo=UTC)))

    services.metric_sources = {"outbox": outbox, "ledger_check": ledger_check}

    @asynccontextmanager
    async def given() -> AsyncIterator[ApiServices]:
        yield services

    async with AsyncTestClient(app=build_api(given)) as client:
        yield client


async def test_requests_are_counted_by_route_template_method_and_status(observed: Client) -> None:
    before = samples((await observed.get("/metrics")).text)
    assert (await observed.get("/api/v1/jobs/424242")).status_code == 404
    assert (await observed.get("/api/v1/jobs/424243")).status_code == 404
    assert (await observed.get("/no/such/page")).status_code == 404
    assert (await observed.get("/api/v1/catalog/industries")).status_code == 200
    after = samples((await observed.get("/metrics")).text)

    count = "paeshift_http_request_duration_seconds_count"
    job = {"route": JOB_ROUTE, "method": "GET", "status": "404"}
    assert value(after, count, **job) == value(before, count, **job) + 2
    unmatched = {"route": "unmatched", "method": "GET", "status": "404"}
    assert value(after, count, **unmatched) == value(before, count, **unmatched) + 1
    catalog = {"route": "/api/v1/catalog/industries", "method": "GET", "status": "200"}
    assert value(after, count, **catalog) == value(before, count, **catalog) + 1
    # Raw paths never become labels (bounded cardinality).
    assert not any("424242" in "".join(s.labels.values()) for s in after)
    bucket = "paeshift_http_request_duration_seconds_bucket"
    assert value(after, bucket, le="0.2", **job) >= 2
    # SQL series exist per route and method (memory adapters run no SQL: all in bucket 0).
    sql = "paeshift_http_request_sql_statements_bucket"
    assert value(after, sql, route=JOB_ROUTE, method="GET", le="0.0") >= 2


async def test_the_scrape_itself_is_in_flight(observed: Client) -> None:
    scraped = samples((await observed.get("/metrics")).text)
    assert value(scraped, "paeshift_http_requests_in_flight") >= 1


async def test_outbox_and_ledger_gauges_are_read_at_scrape_time(
    observed: Client, login: Login, clock: FakeClock
) -> None:
    await login("client")  # sign-up and verification record domain events
    clock.advance(timedelta(seconds=90))
    scraped = samples((await observed.get("/metrics")).text)
    assert value(scraped, "paeshift_outbox_pending_events") >= 1
    assert value(scraped, "paeshift_outbox_oldest_event_age_seconds") >= 90
    assert value(scraped, "paeshift_ledger_check_ok") == 1
    assert value(scraped, "paeshift_metrics_source_up", source="outbox") == 1
    assert value(scraped, "paeshift_metrics_source_up", source="ledger_check") == 1


async def test_every_response_has_server_timing(observed: Client) -> None:
    for path in ("/health/live", "/api/v1/catalog/industries", "/no/such/page", "/metrics"):
        response = await observed.get(path)
        assert SERVER_TIMING.match(response.headers["server-timing"]), path


def _selectors(expr: str) -> list[tuple[str, set[str]]]:
    """(metric name, label names matched) of every selector in a PromQL expression."""
    found = []
    for match in re.finditer(r"(paeshift_[a-z0-9_]+)(\{([^}]*)\})?", expr):
        labels = set(re.findall(r"([a-z_]+)\s*(?:=~|!~|!=|=)", match.group(3) or ""))
        found.append((match.group(1), labels))
    return found


async def test_alert_rules_use_only_exported_series_and_labels(
    observed: Client, clock: FakeClock
) -> None:
    cache = MemoryCache(clock)

    async def load() -> bytes:
        return b"value"

    for _ in range(2):  # a miss, then a hit
        await cache.get_or_load("jobs", "1", load, ttl_s=60)
    assert (await observed.get("/api/v1/jobs/1")).status_code == 404
    scraped = samples((await observed.get("/metrics")).text)

    rules = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    names = {rule["alert"] for rule in alerts}
    assert {
        "PaeshiftLatencyP95High",
        "PaeshiftServerErrorRatioHigh",
        "PaeshiftCacheHitRateLow",
        "PaeshiftOutboxStalled",
        "PaeshiftLedgerCheckFailing",
    } <= names
    checked = 0
    for rule in alerts:
        assert {"alert", "expr", "labels", "annotations"} <= set(rule), rule
        for name, labels in _selectors(rule["expr"]):
            series = [s for s in scraped if s.name == name]
            assert series, f"{rule['alert']}: {name} is not exported"
            assert any(labels <= set(s.labels) for s in series), (rule["alert"], name, labels)
            checked += 1
    assert checked >= len(alerts)
