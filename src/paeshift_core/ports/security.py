"""Password hashing and access tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from attrs import frozen

from paeshift_core.domain.users import Role


class PasswordHasher(Protocol):
    """Slow, salted password hashing (argon2 in production). Async so it can leave the loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...


@frozen
class AccessClaims:
    """What a verified access token says about its bearer."""

    user_id: int
    role: Role
    expires_at: datetime


class TokenService(Protocol):
    """Short-lived signed access tokens (JWT in production)."""

    def issue_access(self, user_id: int, role: Role, now: datetime) -> tuple[str, datetime]:
        """Return the token and its expiry."""
        ...

    def verify_access(self, token: str, now: datetime) -> AccessClaims:
        """Return the claims, or raise ``Unauthenticated``."""
        ...
