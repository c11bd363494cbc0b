"""Load shedding: at most ``limit`` requests run at once in a server process; the next ones
wait their turn for at most ``max_wait_s``, then get a 503 ``overloaded`` problem with
``Retry-After``.

Why: without it an overloaded process accepts everything and every request gets slow. On
2026-11-29 the mixed benchmark at 500 requests/s on a machine too slow for it (all of its two
cores busy) timed out two thirds of its requests at 10 s, and the served ones took 9.2 s at
the median; the starved event loop also made Redis calls miss their 250 ms timeout (529-627
failed calls), turning cache hits into database loads when there was no time for them. With
32 slots and 250 ms: no time-outs, the median served request took 0.32-0.48 s (p95 0.60-0.93
s), 28 % more requests were served, and the rest (22-57 %) were refused at once; with 64 and
1 s the line held too many, and the time-outs stayed (two alternating rounds,
``bench/results/2026-11-29-shed.md``). A refused request ran nothing: a client may retry it,
writes with their ``Idempotency-Key``.

Per process, not shared: the resource protected is this process's event loop. The middleware
is ``request_limit.limit_requests``; ``/health`` and ``/metrics`` are never shed (monitoring
must see an overloaded service). The line is first come, first served (``asyncio.Semaphore``
is fair, and hands a freed slot to the longest waiter, also when a waiter is cancelled after
being chosen).
"""

from __future__ import annotations

import asyncio

from paeshift_core.domain.errors import Unavailable

OVERLOADED = "overloaded"


class Admission:
    """``limit`` requests at a time; a request that waited ``max_wait_s`` is refused."""

    def __init__(self, limit: int, max_wait_s: float) -> None:
        if limit < 1 or max_wait_s < 0:
            raise ValueError("limit must be at least 1 and max_wait_s not negative")
        self.limit = limit
        self.max_wait_s = max_wait_s
        self._slots = asyncio.Semaphore(limit)

    async def enter(self) -> None:
        """Take a slot, at once if one is free; ``Unavailable`` if none came in time."""
        if not self._slots.locked():  # a free slot and nobody waiting before this request
            await self._slots.acquire()
            return
        try:
            async with asyncio.timeout(self.max_wait_s):
                await self._slots.acquire()
        except TimeoutError:
            raise Unavailable("the server is overloaded; retry shortly", code=OVERLOADED) from None

    def leave(self) -> None:
        """Give the slot back (to the longest waiter, if any)."""
        self._slots.release()
