"""In-process rate limiter: a sliding-window log per (limit, key), on the ``Clock`` port.

Exact (no approximation): a hit is allowed when fewer than ``count`` hits were allowed in the
last ``period_s`` seconds. Refused hits are not recorded, so hammering a closed window does not
extend it. Per process only: with several processes the Redis limiter is the shared one.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from adapters.observability.metrics import RATE_LIMIT_REJECTIONS
from paeshift_core.domain.errors import RateLimited
from paeshift_core.ports.clock import Clock
from paeshift_core.ports.rate_limit import Limit

_SWEEP_EVERY = 1024


def refusal(limit: Limit, retry_after_s: float) -> RateLimited:
    """A hit ``limit`` refused, counted in the rejections metric: how every limiter refuses."""
    RATE_LIMIT_REJECTIONS.labels(limit.name).inc()
    return limit.refused(retry_after_s)


class MemoryRateLimiter:
    """Windows whose hits all expired are swept every ``_SWEEP_EVERY`` hits (bounded memory)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._hits: dict[tuple[str, str], deque[datetime]] = {}
        self._periods: dict[str, timedelta] = {}
        self._until_sweep = _SWEEP_EVERY

    def _sweep(self, now: datetime) -> None:
        for slot, window in list(self._hits.items()):
            if not window or window[-1] <= now - self._periods[slot[0]]:
                del self._hits[slot]

    async def hit(self, limit: Limit, key: str) -> None:
        now = self._clock.now()
        self._periods[limit.name] = timedelta(seconds=limit.period_s)
        self._until_sweep -= 1
        if self._until_sweep <= 0:
            self._until_sweep = _SWEEP_EVERY
            self._sweep(now)
        slot = (limit.name, key)
        window = self._hits.setdefault(slot, deque())
        horizon = now - timedelta(seconds=limit.period_s)
        while window and window[0] <= horizon:
            window.popleft()
        if len(window) >= limit.count:
            wait = (window[0] - horizon).total_seconds()
            raise refusal(limit, wait)
        window.append(now)

    async def reset(self, limit: Limit, key: str) -> None:
        self._hits.pop((limit.name, key), None)
