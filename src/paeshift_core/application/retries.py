"""Bounded retries of a whole use case after losing an optimistic-concurrency race.

ARCHITECTURE.md Persistence: conflicts are retried a bounded number of times, then surface as
``Conflict``. The operation must open its own **new** unit of work on every attempt so each
retry re-reads the current state (e.g. the seat another accept just took).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from paeshift_core.domain.errors import ConcurrencyConflict, Conflict

T = TypeVar("T")

DEFAULT_ATTEMPTS = 3


async def retry_on_conflict(
    operation: Callable[[], Awaitable[T]], *, attempts: int = DEFAULT_ATTEMPTS
) -> T:
    """Run ``operation``; on :class:`ConcurrencyConflict` run it again, at most ``attempts``
    times in all, then let the last conflict propagate."""
    return await _retry(operation, attempts, lambda error: isinstance(error, ConcurrencyConflict))


def lost_race(error: Conflict) -> bool:
    """A conflict that a re-run resolves: a stale version, or an INSERT that lost to a
    concurrent INSERT of the same unique key (the re-run then finds the other's row)."""
    return isinstance(error, ConcurrencyConflict) or error.code == "duplicate"


async def retry_on_race(
    operation: Callable[[], Awaitable[T]], *, attempts: int = DEFAULT_ATTEMPTS
) -> T:
    """Like :func:`retry_on_conflict`, also re-running after a lost unique INSERT race
    (e.g. two first reviews of a user both creating the rating summary row)."""
    return await _retry(operation, attempts, lost_race)


async def _retry(
    operation: Callable[[], Awaitable[T]], attempts: int, retryable: Callable[[Conflict], bool]
) -> T:
    """Run ``operation`` up to ``attempts`` times while it fails with a ``retryable``
    conflict; the last attempt's error (or any other) propagates."""
    for _ in range(attempts - 1):
        try:
            return await operation()
        except Conflict as error:
            if not retryable(error):
                raise
    return await operation()
