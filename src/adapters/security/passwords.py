"""Argon2id password hashing (argon2-cffi), off the event loop.

Hashing is deliberately slow, so it runs in a worker thread (``asyncio.to_thread``) and never
blocks other requests. Production uses argon2-cffi's RFC 9106 low-memory profile; tests may
use :meth:`Argon2PasswordHasher.cheap` (tiny cost; never in production).
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2PasswordHasher:
    def __init__(
        self, *, time_cost: int = 3, memory_cost_kib: int = 64 * 1024, parallelism: int = 4
    ) -> None:
        self._argon2 = _Argon2(
            time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism
        )

    @classmethod
    def cheap(cls) -> Argon2PasswordHasher:
        """Minimal cost for tests: same format and checks, microseconds instead of 50 ms."""
        return cls(time_cost=1, memory_cost_kib=8, parallelism=1)

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._argon2.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await asyncio.to_thread(self._verify, password_hash, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
