"""``PAESHIFT_CACHE``, ``PAESHIFT_CACHE_PREFIX``, ``PAESHIFT_REDIS_TIMEOUT_MS``,
``PAESHIFT_REDIS_RETRY_MS`` and ``PAESHIFT_REQUESTS_PER_MINUTE`` (entrypoints/settings.py; the
benchmark switches the cache off)."""

from __future__ import annotations

import pytest

from entrypoints.settings import SettingsError, load_settings


def test_the_cache_is_on_by_default_with_short_redis_timeouts() -> None:
    settings = load_settings({})
    assert settings.cache_enabled
    assert settings.cache_prefix == "psh"
    assert (settings.redis_timeout_s, settings.redis_retry_s) == (0.25, 5.0)
    assert settings.requests_per_minute == 1_200


def test_the_cache_settings_are_read() -> None:
    settings = load_settings(
        {
            "PAESHIFT_CACHE": "OFF",
            "PAESHIFT_CACHE_PREFIX": "bench-1",
            "PAESHIFT_REDIS_TIMEOUT_MS": "50",
            "PAESHIFT_REDIS_RETRY_MS": "250",
            "PAESHIFT_REQUESTS_PER_MINUTE": "90",
        }
    )
    assert not settings.cache_enabled
    assert settings.cache_prefix == "bench-1"
    assert (settings.redis_timeout_s, settings.redis_retry_s) == (0.05, 0.25)
    assert settings.requests_per_minute == 90


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CACHE", "sometimes"),
        ("CACHE_PREFIX", "Has:Colon"),
        ("REDIS_TIMEOUT_MS", "0"),
        ("REDIS_RETRY_MS", "1.5"),
        ("REQUESTS_PER_MINUTE", "0"),
    ],
)
def test_bad_cache_settings_are_refused_by_name(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"PAESHIFT_{name}"):
        load_settings({f"PAESHIFT_{name}": value})
