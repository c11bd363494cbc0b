"""The cache and rate-limit contracts on the memory adapters (the reference implementations)."""

from __future__ import annotations

import pytest

from adapters.memory.cache import MemoryCache
from adapters.memory.clock import FakeClock
from adapters.memory.rate_limit import MemoryRateLimiter
from tests.contracts.cache import CacheContract
from tests.contracts.rate_limit import RateLimiterContract


@pytest.fixture
def cache() -> MemoryCache:
    return MemoryCache(FakeClock())


@pytest.fixture
def limiter() -> MemoryRateLimiter:
    return MemoryRateLimiter(FakeClock())


class TestMemoryCache(CacheContract):
    pass


class TestMemoryRateLimiter(RateLimiterContract):
    pass
