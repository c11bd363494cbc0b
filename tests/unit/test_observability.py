"""Request context, access logs and the metrics exposition without the full app (issue 6).

The observer is exercised on a tiny ASGI app: it must log one JSON line per request carrying
the id the response returns in ``X-Request-ID``, pass that id to plain ``logging`` records
made during the request, and count what the request cost.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar, get
from litestar.params import FromPath
from litestar.testing import AsyncTestClient
from prometheus_client.core import Metric
from prometheus_client.parser import text_string_to_metric_families

from adapters.http import request_metrics
from adapters.http.request_id import echo_request_id
from adapters.http.request_metrics import observe_requests
from adapters.observability.metrics import (
    LedgerCheckStatus,
    OutboxBacklog,
    ledger_check_families,
    outbox_families,
    render_metrics,
)
from adapters.observability.request_context import (
    RequestStats,
    bind_user,
    capture_requests,
    current_request,
    record_cache,
    record_sql,
    request_scope,
)
from entrypoints.cli import METRICS_DIR_ENV, _worker_metrics
from entrypoints.logging_setup import configure_logging, wants_json
from entrypoints.settings import SettingsError, load_settings
from tests.unit.logging_support import restored_logging

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@contextmanager
def service_logs(level: str) -> Iterator[io.StringIO]:
    """The service's logging set-up at ``level``, JSON into a buffer; restored afterwards."""
    with restored_logging():
        buffer = io.StringIO()
        configure_logging(level, "json", stream=buffer)
        yield buffer


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    with service_logs("INFO") as buffer:
        yield buffer


def lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


@get("/work/{item:int}")
async def work(item: FromPath[int]) -> dict[str, int]:
    """Pretends to run two SQL statements and a cache call, logs through ``logging``."""
    record_sql(0.002)
    record_sql(0.003)
    record_cache(0.001)
    bind_user(7)
    logging.getLogger("paeshift.test").info("working on %s", item)
    return {"item": item}


@get("/broken")
async def broken() -> None:
    raise RuntimeError("a bug")


def tiny_app() -> Litestar:
    app = Litestar(
        route_handlers=[work, broken], before_send=[echo_request_id], logging_config=None
    )
    app.asgi_handler = observe_requests(app.asgi_handler)
    return app


async def test_access_log_line_carries_the_returned_request_id(json_logs: io.StringIO) -> None:
    with capture_requests() as seen:
        async with AsyncTestClient(app=tiny_app()) as client:
            response = await client.get("/work/5", headers={"X-Request-ID": "trace-1"})
    assert response.status_code == 200
    logged = lines(json_logs)
    access = [e for e in logged if e["event"] == "request"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "trace-1"
    assert line["route"] == "/work/{item}"
    assert line["status"] == 200
    assert line["user_id"] == 7
    assert line["sql_count"] == 2
    assert line["sql_ms"] == pytest.approx(5.0)
    assert line["level"] == "info"
    assert line["duration_ms"] >= 0
    # A plain logging record made during the request carries the id too.
    work_line = next(e for e in logged if e["event"] == "working on 5")
    assert work_line["request_id"] == "trace-1"
    assert [s.request_id for s in seen] == ["trace-1"]
    assert seen[0].sql_statements == 2
    assert seen[0].cache_s == pytest.approx(0.001)


async def test_a_fresh_request_id_is_logged_as_returned(json_logs: io.StringIO) -> None:
    async with AsyncTestClient(app=tiny_app()) as client:
        response = await client.get("/nowhere")
    assert response.status_code == 404
    (line,) = [e for e in lines(json_logs) if e["event"] == "request"]
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["route"] == "unmatched"
    assert line["user_id"] is None
    assert "server-timing" in response.headers


async def test_above_info_only_failed_requests_are_logged_and_all_are_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At WARNING the access line of a good request is not even built (it was 2-3 % of a
    cached read's CPU); a 5xx is still logged, and both are still measured."""
    built: list[tuple[str, int]] = []

    class Recorder:
        def info(self, event: str, **fields: Any) -> None:
            built.append(("info", fields["status"]))

        def warning(self, event: str, **fields: Any) -> None:
            built.append(("warning", fields["status"]))

    monkeypatch.setattr(request_metrics, "access_log", Recorder())
    with service_logs("WARNING"), capture_requests() as seen:
        async with AsyncTestClient(app=tiny_app()) as client:
            assert (await client.get("/work/1")).status_code == 200
            assert (await client.get("/broken")).status_code == 500
    assert built == [("warning", 500)]
    assert [s.status for s in seen] == [200, 500]
    with service_logs("INFO"):
        async with AsyncTestClient(app=tiny_app()) as client:
            await client.get("/work/1")
    assert built[1:] == [("info", 200)]


def test_outside_a_request_nothing_is_recorded() -> None:
    assert current_request() is None
    record_sql(1.0)  # the CLI and worker run SQL outside any request: a no-op
    bind_user(1)
    stats = RequestStats(request_id="r", method="GET")
    with capture_requests() as seen, request_scope(stats):
        record_sql(0.5)
        assert current_request() is stats
    assert current_request() is None
    assert seen == [stats]
    assert (stats.sql_statements, stats.sql_s, stats.user_id) == (1, 0.5, None)


def test_log_format_follows_the_setting_then_the_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert wants_json("json", Tty())
    assert not wants_json("console", io.StringIO())
    assert wants_json(None, io.StringIO())
    assert not wants_json(None, Tty())
    assert load_settings({"PAESHIFT_LOG_FORMAT": "JSON"}).log_format == "json"
    assert load_settings({}).log_format is None
    with pytest.raises(SettingsError, match="PAESHIFT_LOG_FORMAT"):
        load_settings({"PAESHIFT_LOG_FORMAT": "xml"})


def test_outbox_age_is_that_of_the_oldest_pending_event() -> None:
    families = outbox_families(OutboxBacklog(3, NOW - timedelta(seconds=75)), NOW)
    values = {f.name: f.samples[0].value for f in families}
    assert values == {
        "paeshift_outbox_pending_events": 3,
        "paeshift_outbox_oldest_event_age_seconds": 75,
    }
    empty = outbox_families(OutboxBacklog(0, None), NOW)
    assert [f.samples[0].value for f in empty] == [0, 0]


def test_ledger_check_gauges_appear_once_a_check_ran() -> None:
    assert ledger_check_families(None) == []
    failed = ledger_check_families(LedgerCheckStatus(False, 2, NOW))
    values = {f.name: f.samples[0].value for f in failed}
    assert values["paeshift_ledger_check_ok"] == 0
    assert values["paeshift_ledger_check_violations"] == 2
    assert values["paeshift_ledger_check_timestamp_seconds"] == NOW.timestamp()


async def test_a_failing_or_slow_source_is_reported_and_the_rest_still_answers() -> None:
    async def broken() -> Iterable[Metric]:
        raise ConnectionRefusedError("database")

    async def slow() -> Iterable[Metric]:
        await asyncio.sleep(5)
        return []

    async def fine() -> Iterable[Metric]:
        return outbox_families(OutboxBacklog(0, None), NOW)

    text = (await render_metrics({"a": broken, "b": slow, "c": fine}, timeout_s=0.05)).decode()
    up = {
        s.labels["source"]: s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "paeshift_metrics_source_up"
    }
    assert up == {"a": 0, "b": 0, "c": 1}
    assert "paeshift_outbox_pending_events 0.0" in text
    assert "paeshift_http_requests_in_flight" in text


def test_several_workers_get_a_metrics_directory_removed_afterwards(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(METRICS_DIR_ENV, raising=False)
    with _worker_metrics(1):
        assert METRICS_DIR_ENV not in os.environ  # one process needs no files
    with _worker_metrics(2):
        directory = Path(os.environ[METRICS_DIR_ENV])
        assert directory.is_dir()
    assert not directory.exists()
    assert METRICS_DIR_ENV not in os.environ


def test_multi_process_exposition_reads_the_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "counter_1.db").write_bytes(b"")
    monkeypatch.setenv(METRICS_DIR_ENV, str(tmp_path))
    with _worker_metrics(4):
        assert list(tmp_path.iterdir()) == []  # stale files of an earlier run are removed
        text = asyncio.run(render_metrics({})).decode()
    assert tmp_path.is_dir()  # the operator's directory is kept
    # Merged from the (no) worker files: this process's in-memory series are not shown.
    assert "paeshift_http_requests_in_flight" not in text
    assert "paeshift_metrics_source_up" in text
