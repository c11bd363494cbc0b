"""The one error hierarchy of Paeshift.

Every error carries a stable, machine-readable ``code`` that HTTP adapters put in problem
responses and that clients may branch on. Codes never change once published; messages may.
"""

from __future__ import annotations


class PaeshiftError(Exception):
    """Root of every error the core raises on purpose."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotFound(PaeshiftError):
    """The thing does not exist, or the principal may not know that it exists."""

    code = "not_found"


class PermissionDenied(PaeshiftError):
    """The principal is known but may not do this (wrong role, not the owner)."""

    code = "permission_denied"


class Unauthenticated(PaeshiftError):
    """No valid principal: bad credentials, expired or revoked token, unverified account."""

    code = "unauthenticated"


class Conflict(PaeshiftError):
    """The request clashes with the current state: invalid transition, duplicate, race lost."""

    code = "conflict"


class ConcurrencyConflict(Conflict):
    """Another writer changed the aggregate first (optimistic version check failed)."""

    code = "concurrency_conflict"


class RuleViolation(PaeshiftError):
    """A business rule forbids it: insufficient funds, job full, profile incomplete, ..."""

    code = "rule_violation"


class InvalidInput(PaeshiftError):
    """A value is malformed or out of range; ``field`` names it for the client."""

    code = "invalid_input"

    def __init__(self, field: str, message: str, *, code: str | None = None) -> None:
        super().__init__(f"{field}: {message}", code=code)
        self.field = field
        self.reason = message


class RateLimited(PaeshiftError):
    """Too many attempts; the client may retry after ``retry_after`` seconds.

    ``policy`` names the quota that refused (``quota`` per ``window_s`` seconds) when there
    is one, for the HTTP ``RateLimit-Policy``/``RateLimit`` headers; a lockout (wrong codes)
    has none."""

    code = "rate_limited"

    def __init__(
        self,
        message: str,
        *,
        retry_after: int,
        code: str | None = None,
        policy: str | None = None,
        quota: int = 0,
        window_s: int = 0,
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = max(1, retry_after)
        self.policy = policy
        self.quota = quota
        self.window_s = window_s


class Unavailable(PaeshiftError):
    """Infrastructure behind a port could not be reached (database, cache, gateway)."""

    code = "unavailable"
