"""The rate-limit contract: one suite for every ``RateLimiter`` adapter (memory, Redis).

Subclass :class:`RateLimiterContract` and provide a ``limiter`` fixture with no recorded
hits. The window's sliding over time is tested per adapter (fake clock vs server clock).
"""

from __future__ import annotations

import pytest

from paeshift_core.domain.errors import RateLimited
from paeshift_core.ports.rate_limit import Limit, RateLimiter

FIVE_PER_MINUTE = Limit("login:email", 5, 60)


class RateLimiterContract:
    async def test_allows_the_count_then_refuses_with_retry_after(
        self, limiter: RateLimiter
    ) -> None:
        for _ in range(5):
            await limiter.hit(FIVE_PER_MINUTE, "ada@example.com")
        for _ in range(3):
            with pytest.raises(RateLimited) as refused:
                await limiter.hit(FIVE_PER_MINUTE, "ada@example.com")
            assert refused.value.retry_after == 60  # the oldest hit leaves the window in 60 s
            assert refused.value.code == "rate_limited"

    async def test_keys_and_limits_are_counted_apart(self, limiter: RateLimiter) -> None:
        one = Limit("codes:email", 1, 60)
        await limiter.hit(one, "ada@example.com")
        await limiter.hit(one, "bola@example.com")
        await limiter.hit(Limit("signup:address", 1, 60), "ada@example.com")
        with pytest.raises(RateLimited):
            await limiter.hit(one, "ada@example.com")

    async def test_reset_forgets_the_key(self, limiter: RateLimiter) -> None:
        one = Limit("login:email", 1, 60)
        await limiter.hit(one, "ada@example.com")
        await limiter.hit(one, "bola@example.com")
        await limiter.reset(one, "ada@example.com")
        await limiter.reset(one, "never-seen@example.com")
        await limiter.hit(one, "ada@example.com")
        with pytest.raises(RateLimited):
            await limiter.hit(one, "bola@example.com")
