"""``paeshift`` commands that refuse a configuration before starting anything."""

from __future__ import annotations

from typer.testing import CliRunner

from entrypoints.cli import app as cli


def test_serve_refuses_one_node_id_for_several_worker_processes() -> None:
    """Every worker process would read the same ``PAESHIFT_NODE_ID`` and make the same ids."""
    env = {"PAESHIFT_NODE_ID": "3", "PAESHIFT_PUBLIC_BASE_URL": "http://127.0.0.1:8000"}
    refused = CliRunner().invoke(cli, ["serve", "--workers", "2"], env=env)
    assert refused.exit_code == 2
    assert "PAESHIFT_NODE_ID would give every worker process the same" in refused.output
