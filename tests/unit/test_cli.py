"""``paeshift`` commands: configurations refused before starting anything, and the set-up
each long-running command does before it starts."""

from __future__ import annotations

import json
import logging

import pytest
from typer.testing import CliRunner

from entrypoints import worker as worker_module
from entrypoints.cli import app as cli
from entrypoints.settings import Settings
from tests.unit.logging_support import restored_logging


def test_serve_refuses_one_node_id_for_several_worker_processes() -> None:
    """Every worker process would read the same ``PAESHIFT_NODE_ID`` and make the same ids."""
    env = {"PAESHIFT_NODE_ID": "3", "PAESHIFT_PUBLIC_BASE_URL": "http://127.0.0.1:8000"}
    refused = CliRunner().invoke(cli, ["serve", "--workers", "2"], env=env)
    assert refused.exit_code == 2
    assert "PAESHIFT_NODE_ID would give every worker process the same" in refused.output


def test_the_worker_logs_like_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """``paeshift worker`` set up no logging: its warnings came out as bare text among the
    server's JSON lines (seen in the benchmark's shared log) and its INFO records were lost."""

    async def run_worker(settings: Settings) -> None:
        logging.getLogger("paeshift.worker").info("relayed %d events", 3)

    monkeypatch.setattr(worker_module, "run_worker", run_worker)
    monkeypatch.setattr(worker_module, "lower_priority", lambda niceness: niceness)
    env = {
        "PAESHIFT_REDIS_URL": "redis://127.0.0.1:1/0",  # never reached: run_worker is replaced
        "PAESHIFT_LOG_FORMAT": "json",
        "PAESHIFT_LOG_LEVEL": "INFO",
    }
    with restored_logging():
        ran = CliRunner().invoke(cli, ["worker"], env=env)
    assert ran.exit_code == 0, ran.output
    records = [json.loads(line) for line in ran.output.splitlines() if line.startswith("{")]
    assert [(r["logger"], r["level"], r["event"]) for r in records] == [
        ("paeshift.worker", "info", "relayed 3 events")
    ]
