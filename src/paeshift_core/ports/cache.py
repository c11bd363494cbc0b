"""A cache for read models (never money state, never per-user private data under shared keys)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol


class Cache(Protocol):
    async def get_or_load(
        self, namespace: str, key: str, load: Callable[[], Awaitable[bytes]], ttl_s: int
    ) -> bytes:
        """Return the cached bytes of ``namespace/key`` at its current generation, or load them."""
        ...

    async def invalidate(self, namespace: str, key: str | None = None) -> None:
        """Bump the generation of one key, or of the whole namespace when ``key`` is None."""
        ...
