"""Bench mode (``PAESHIFT_BENCH_MODE``) is off unless asked for; its Redis defaults to the
service's (project issue 6: reference endpoints only in benchmark mode)."""

from __future__ import annotations

from entrypoints.settings import load_settings


def test_bench_mode_is_off_by_default() -> None:
    settings = load_settings({})
    assert settings.bench_mode is False
    assert settings.bench_redis_url is None


def test_bench_mode_and_its_redis() -> None:
    settings = load_settings({"PAESHIFT_BENCH_MODE": "1", "PAESHIFT_REDIS_URL": "redis://r:6379/0"})
    assert settings.bench_mode is True
    assert settings.bench_redis_url == "redis://r:6379/0"
    own = load_settings({"PAESHIFT_BENCH_MODE": "yes", "PAESHIFT_BENCH_REDIS_URL": "redis://b/9"})
    assert own.bench_redis_url == "redis://b/9"
