"""A fast password hasher for unit tests (salted SHA-256). Never use it in production."""

from __future__ import annotations

import hashlib
import hmac
import secrets

_PREFIX = "memory-sha256"


class MemoryPasswordHasher:
    """Same contract as the argon2 adapter, without the deliberate slowness."""

    async def hash(self, password: str) -> str:
        salt = secrets.token_hex(8)
        return f"{_PREFIX}${salt}${self._digest(salt, password)}"

    async def verify(self, password_hash: str, password: str) -> bool:
        prefix, _, rest = password_hash.partition("$")
        salt, _, digest = rest.partition("$")
        if prefix != _PREFIX or not salt or not digest:
            return False
        return hmac.compare_digest(digest, self._digest(salt, password))

    @staticmethod
    def _digest(salt: str, password: str) -> str:
        return hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()
