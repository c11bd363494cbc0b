"""Rate limiting: a named limit per key (e-mail, client address, user)."""

from __future__ import annotations

import math
import re
from typing import Protocol

from attrs import frozen

from paeshift_core.domain.errors import InvalidInput, RateLimited

_LIMIT_NAME = re.compile(r"[a-z0-9_.:-]{1,64}")


@frozen
class Limit:
    """``count`` events per ``period_s`` seconds.

    Limits are code constants; the name goes into shared-store keys and metric labels, so it
    is short lower-case ASCII (``login:email``).
    """

    name: str
    count: int
    period_s: int

    def __attrs_post_init__(self) -> None:
        if not _LIMIT_NAME.fullmatch(self.name):
            raise InvalidInput("name", f"must match {_LIMIT_NAME.pattern}")
        if self.count < 1:
            raise InvalidInput("count", "must be at least 1")
        if self.period_s < 1:
            raise InvalidInput("period_s", "must be at least 1 second")

    def refused(self, retry_after_s: float) -> RateLimited:
        """The error of a hit this limit refused; it names the limit as the quota policy."""
        return RateLimited(
            f"too many attempts ({self.name}); try again later",
            retry_after=math.ceil(retry_after_s),
            policy=self.name,
            quota=self.count,
            window_s=self.period_s,
        )


class RateLimiter(Protocol):
    """Every adapter implements the same rule (a sliding window over ``period_s``), so the
    memory and Redis limiters pass one contract; the Redis one shares it across processes."""

    async def hit(self, limit: Limit, key: str) -> None:
        """Count one event; raise ``RateLimited`` (with retry_after) when over the limit.

        A refused event is not counted, so hammering a closed window does not extend it.
        """
        ...

    async def reset(self, limit: Limit, key: str) -> None:
        """Forget the events of ``key`` (e.g. after a successful login)."""
        ...
