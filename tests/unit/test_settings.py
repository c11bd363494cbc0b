"""Settings come from PAESHIFT_* variables; nothing is required (the embedded default)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.http.idempotency import IN_FLIGHT_LIMIT
from entrypoints.settings import STATEMENT_TIMEOUT_MAX_S, SettingsError, load_settings


def test_no_variables_give_the_embedded_default() -> None:
    settings = load_settings({})
    assert settings.embedded
    assert settings.effective_database_url == "sqlite+aiosqlite:///var/paeshift.db"
    assert settings.payment_provider == "sandbox"
    assert settings.fee_rate_bp == 1_000
    assert settings.cors_origins == ()


def test_variables_are_read() -> None:
    settings = load_settings(
        {
            "PAESHIFT_DATABASE_URL": "postgresql://db/paeshift",
            "PAESHIFT_FEE_RATE_BP": "750",
            "PAESHIFT_CORS_ORIGINS": "https://a.example, https://b.example,",
            "PAESHIFT_PUBLIC_BASE_URL": "https://api.example/",
            "PAESHIFT_PAYMENT_PROVIDER": "Paystack",
            "PAESHIFT_LOG_LEVEL": "debug",
            "PAESHIFT_VAR_DIR": "/data",
            "PAESHIFT_COOKIE_SECURE": "true",
            "PAESHIFT_REDIS_URL": "",
        }
    )
    assert not settings.embedded
    assert settings.effective_database_url == "postgresql://db/paeshift"
    assert settings.fee_rate_bp == 750
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.public_base_url == "https://api.example"
    assert settings.payment_provider == "paystack"
    assert settings.log_level == "DEBUG"
    assert settings.var_dir == Path("/data")
    assert settings.media_dir == Path("/data/media")  # uploads follow the var dir by default
    assert settings.cookie_secure is True
    assert settings.redis_url is None


def test_the_media_directory_may_live_elsewhere() -> None:
    settings = load_settings({"PAESHIFT_MEDIA_DIR": "/srv/uploads", "PAESHIFT_VAR_DIR": "/data"})
    assert settings.media_dir == Path("/srv/uploads")
    assert load_settings({}).media_dir == Path("var/media")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PAESHIFT_FEE_RATE_BP", "ten"),
        ("PAESHIFT_FEE_RATE_BP", "10001"),
        ("PAESHIFT_PAYMENT_PROVIDER", "paypal"),
        ("PAESHIFT_LOG_LEVEL", "chatty"),
    ],
)
def test_bad_values_are_refused(name: str, value: str) -> None:
    with pytest.raises(SettingsError):
        load_settings({name: value})


def test_the_spa_directory_is_read_and_must_hold_an_index(tmp_path: Path) -> None:
    assert load_settings({}).spa_dir is None
    with pytest.raises(SettingsError, match="PAESHIFT_SPA_DIR"):
        load_settings({"PAESHIFT_SPA_DIR": str(tmp_path)})
    (tmp_path / "index.html").write_text("<!doctype html>")
    assert load_settings({"PAESHIFT_SPA_DIR": str(tmp_path)}).spa_dir == tmp_path


def test_the_statement_timeout_is_read_and_bounded() -> None:
    """At most 5 minutes: well under the 10 minutes after which an Idempotency-Key still in
    flight is claimed again (``adapters/http/idempotency.IN_FLIGHT_LIMIT``)."""
    assert load_settings({}).statement_timeout_s == 30.0
    chosen = load_settings({"PAESHIFT_STATEMENT_TIMEOUT_MS": "2500"})
    assert chosen.statement_timeout_s == 2.5
    assert IN_FLIGHT_LIMIT.total_seconds() >= 2 * STATEMENT_TIMEOUT_MAX_S
    for value in ("0", "99", "300001", "soon"):
        with pytest.raises(SettingsError, match="STATEMENT_TIMEOUT_MS"):
            load_settings({"PAESHIFT_STATEMENT_TIMEOUT_MS": value})


def test_the_node_id_is_read_and_checked() -> None:
    assert load_settings({}).node_id is None  # leased by each process
    assert load_settings({"PAESHIFT_NODE_ID": "0"}).node_id == 0
    assert load_settings({"PAESHIFT_NODE_ID": "255"}).node_id == 255
    for value in ("256", "-1", "one"):
        with pytest.raises(SettingsError, match="PAESHIFT_NODE_ID must be between 0 and 255"):
            load_settings({"PAESHIFT_NODE_ID": value})


def test_the_worker_niceness_is_read_and_bounded() -> None:
    assert load_settings({}).worker_nice == 10
    assert load_settings({"PAESHIFT_WORKER_NICE": "0"}).worker_nice == 0
    for value in ("20", "-1", "low"):
        with pytest.raises(SettingsError, match="PAESHIFT_WORKER_NICE must be between 0 and 19"):
            load_settings({"PAESHIFT_WORKER_NICE": value})
