"""Rate limiting: a named limit per key (e-mail, client address, user)."""

from __future__ import annotations

from typing import Protocol

from attrs import frozen


@frozen
class Limit:
    """``count`` events per ``period_s`` seconds."""

    name: str
    count: int
    period_s: int


class RateLimiter(Protocol):
    async def hit(self, limit: Limit, key: str) -> None:
        """Count one event; raise ``RateLimited`` (with retry_after) when over the limit."""
        ...

    async def reset(self, limit: Limit, key: str) -> None:
        """Forget the events of ``key`` (e.g. after a successful login)."""
        ...
