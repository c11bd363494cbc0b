"""One-time codes (DOMAIN.md Identity: sign-up and codes).

Six digits from a CSPRNG, stored hashed, valid 5 minutes; a new code replaces the previous one
of the same e-mail and purpose; the purpose must match on verification; 5 wrong attempts lock
that e-mail out for 15 minutes (the lock outlives new codes, so asking for another code does
not reset the count).
"""

from __future__ import annotations

import enum
import math
import secrets
from datetime import datetime, timedelta

from attrs import define

from paeshift_core.domain.aggregate import Aggregate

CODE_TTL = timedelta(minutes=5)
MAX_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)


CODE_DIGITS = 6


def new_code() -> str:
    """Six decimal digits from the operating system's CSPRNG (leading zeros kept)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


class CodePurpose(enum.StrEnum):
    REGISTRATION = "registration"
    PASSWORD_RESET = "password_reset"
    LOGIN = "login"


@define(eq=False, kw_only=True)
class OneTimeCode(Aggregate):
    """The current code of one (e-mail, purpose); at most one is live at a time."""

    email: str
    purpose: CodePurpose
    code_hash: str
    created_at: datetime
    expires_at: datetime
    consumed_at: datetime | None = None

    def is_live(self, now: datetime) -> bool:
        return self.consumed_at is None and now < self.expires_at

    def consume(self, now: datetime) -> None:
        """A code works once; a consumed code is no longer live."""
        self.consumed_at = now


@define(eq=False, kw_only=True)
class CodeAttempts(Aggregate):
    """Wrong attempts per e-mail, across purposes and codes, with the lockout they cause."""

    email: str
    failures: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def record_failure(self, now: datetime) -> None:
        self.failures += 1
        if self.failures >= MAX_ATTEMPTS:
            self.locked_until = now + LOCKOUT
            self.failures = 0

    def retry_after_s(self, now: datetime) -> int:
        """Whole seconds until the lockout ends (a retry hint: at least 1)."""
        until = self.locked_until or now
        return max(1, math.ceil((until - now).total_seconds()))

    def clear(self) -> None:
        self.failures = 0
        self.locked_until = None
