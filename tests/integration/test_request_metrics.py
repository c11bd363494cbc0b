"""SQL statements and time per request, and the database-backed ``/metrics`` gauges, on the
embedded SQLite service (issue 6; QUALITY.md Query budgets: ``capture_requests``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from adapters.observability.request_context import capture_requests
from entrypoints.app import create_app
from entrypoints.cli import app as cli
from entrypoints.settings import load_settings

DB_TIMING = re.compile(r"db;dur=([\d.]+)")


def gauges(text: str) -> dict[str, float]:
    return {
        s.name + ("" if not s.labels else str(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


@pytest.fixture
def checked_env(tmp_path: Path) -> dict[str, str]:
    """An embedded database on which ``paeshift check-ledger`` ran (and recorded its run)."""
    env = {"PAESHIFT_VAR_DIR": str(tmp_path)}
    checked = CliRunner().invoke(cli, ["check-ledger"], env=env)
    assert checked.exit_code == 0, checked.output
    return env


async def test_sql_is_counted_per_request_and_exported(checked_env: dict[str, str]) -> None:
    env = checked_env
    async with AsyncTestClient(app=create_app(load_settings(env))) as api:
        with capture_requests() as seen:
            response = await api.get("/api/v1/catalog/industries")
        assert response.status_code == 200
        (stats,) = seen
        assert stats.route == "/api/v1/catalog/industries"
        assert stats.request_id == response.headers["x-request-id"]
        assert stats.sql_statements >= 1
        assert stats.sql_s > 0
        db_ms = float(DB_TIMING.search(response.headers["server-timing"]).group(1))  # type: ignore[union-attr]
        assert db_ms > 0

        scraped = gauges((await api.get("/metrics")).text)
    statements = (
        "paeshift_http_request_sql_statements_sum"
        "[('method', 'GET'), ('route', '/api/v1/catalog/industries')]"
    )
    assert scraped[statements] >= stats.sql_statements
    assert scraped["paeshift_ledger_check_ok"] == 1
    assert scraped["paeshift_ledger_check_violations"] == 0
    assert "paeshift_outbox_pending_events" in scraped
    assert scraped["paeshift_metrics_source_up[('source', 'outbox')]"] == 1
    assert scraped["paeshift_metrics_source_up[('source', 'ledger_check')]"] == 1
