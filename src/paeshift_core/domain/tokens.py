"""Refresh tokens (DOMAIN.md Identity: login).

Rotating, 30 days, stored hashed, revocable. Each login starts a *family*; refreshing rotates
the token within its family. Presenting a token that was already rotated means it leaked:
the whole family is revoked.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from attrs import define

from paeshift_core.domain.aggregate import Aggregate

REFRESH_TTL = timedelta(days=30)
ACCESS_TTL = timedelta(minutes=15)


def new_refresh_token() -> str:
    """256 bits from the CSPRNG, URL-safe; only its digest is stored."""
    return secrets.token_urlsafe(32)


def digest_token(token: str) -> str:
    """SHA-256 hex digest: enough for high-entropy random tokens (no salt or stretching needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


@define(eq=False, kw_only=True)
class RefreshToken(Aggregate):
    user_id: int
    family_id: int
    token_hash: str
    created_at: datetime
    expires_at: datetime
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None

    def is_usable(self, now: datetime) -> bool:
        return self.rotated_at is None and self.revoked_at is None and now < self.expires_at

    @property
    def was_rotated(self) -> bool:
        return self.rotated_at is not None

    def rotate(self, now: datetime) -> None:
        """Mark this token used; its successor carries the same family."""
        self.rotated_at = now

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
