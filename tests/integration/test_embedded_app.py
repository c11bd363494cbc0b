"""The embedded default end to end: ``create_app(settings)`` on a fresh SQLite file is
migrated and seeded in its lifespan, and health, catalog, schema and sign-up work over
HTTP; the CLI's migrate and check-ledger run on the same file. No server is needed."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from typer.testing import CliRunner

from entrypoints.app import (
    GC_THRESHOLDS,
    app_from_environment,
    create_app,
    tune_garbage_collection,
)
from entrypoints.cli import app as cli
from entrypoints.settings import load_settings, resolve_jwt_secret


async def test_a_fresh_embedded_service_answers(tmp_path: Path) -> None:
    settings = load_settings({"PAESHIFT_VAR_DIR": str(tmp_path / "var")})
    async with AsyncTestClient(app=create_app(settings)) as api:
        ready = await api.get("/health/ready")
        assert ready.json()["status"] == "ready"
        industries = (await api.get("/api/v1/catalog/industries")).json()["items"]
        assert "Hospitality" in {i["name"] for i in industries}
        assert (await api.get("/schema/openapi.json")).status_code == 200
        signup = await api.post(
            "/api/v1/auth/signup",
            json={
                "email": "ada@example.com",
                "password": "a long secret",
                "first_name": "Ada",
                "last_name": "Obi",
            },
        )
        assert signup.status_code == 201
    assert (tmp_path / "var" / "paeshift.db").exists()


def test_the_jwt_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = load_settings({"PAESHIFT_VAR_DIR": str(tmp_path)})
    first = resolve_jwt_secret(settings)
    assert len(first) >= 32
    assert resolve_jwt_secret(settings) == first
    assert (tmp_path / "jwt_secret").stat().st_mode & 0o077 == 0


def test_cli_migrate_and_check_ledger(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"PAESHIFT_VAR_DIR": str(tmp_path)}
    migrated = runner.invoke(cli, ["migrate"], env=env)
    assert migrated.exit_code == 0, migrated.output
    checked = runner.invoke(cli, ["check-ledger"], env=env)
    assert checked.exit_code == 0, checked.output
    assert "ledger OK" in checked.output
    admin = runner.invoke(
        cli,
        ["create-admin", "--email", "root@example.com", "--password", "a long secret"],
        env=env,
        input="Root\nAdmin\n",
    )
    assert admin.exit_code == 0, admin.output
    again = runner.invoke(
        cli,
        ["create-admin", "--email", "root@example.com", "--password", "a long secret"],
        env=env,
        input="Root\nAdmin\n",
    )
    assert again.exit_code == 1
    assert "email_taken" in again.output


async def test_a_server_process_freezes_what_starting_built_and_collects_less_often(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``paeshift serve``'s factory keeps the collector off the startup objects (GC pauses
    longer than the Redis timeout opened the circuit breaker under load) and raises its
    thresholds (young collections of in-flight requests were 6 % of a worker's CPU)."""
    monkeypatch.setenv("PAESHIFT_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setattr("entrypoints.app.configure_logging", lambda *_: None)
    app = app_from_environment()
    assert tune_garbage_collection in app.on_startup
    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        async with AsyncTestClient(app=app) as api:
            assert (await api.get("/health/live")).status_code == 200
            assert gc.get_freeze_count() > 0
            assert gc.get_threshold() == GC_THRESHOLDS != thresholds
    finally:
        gc.unfreeze()  # this test process is not a server
        gc.set_threshold(*thresholds)
