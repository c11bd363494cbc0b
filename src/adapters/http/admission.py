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
must see an overloaded service). The line is adaptive LIFO (:class:`Admission`): served median
0.38-0.43 → 0.22-0.24 s and 12-33 % fewer refusals in the same overload than first come,
first served (same file, second part).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

from paeshift_core.domain.errors import Unavailable

OVERLOADED = "overloaded"
#: When the longest waiter has waited this long, the line is standing (overload, not a burst).
STANDING_AFTER_S = 0.05

_Waiter = tuple[float, asyncio.Future[None]]  # when it joined the line, what wakes it


class Admission:
    """``limit`` requests at a time; a request that waited ``max_wait_s`` is refused.

    The line is first come, first served while it is short; once its longest waiter has
    waited ``standing_after_s``, a freed slot goes to the newest waiter instead (adaptive
    LIFO): under a standing overload the requests served are those that just arrived,
    and those that would have waited longest are the ones refused.
    """

    def __init__(
        self,
        limit: int,
        max_wait_s: float,
        *,
        standing_after_s: float = STANDING_AFTER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or max_wait_s < 0:
            raise ValueError("limit must be at least 1 and max_wait_s not negative")
        self._max_wait_s = max_wait_s
        self._standing_after_s = standing_after_s
        self._clock = clock
        self._free = limit
        self._line: deque[_Waiter] = deque()  # oldest first

    async def enter(self) -> None:
        """Take a slot, at once if one is free; ``Unavailable`` if none came in time."""
        if self._free and not self._line:
            self._free -= 1
            return
        waiter = (self._clock(), asyncio.get_running_loop().create_future())
        self._line.append(waiter)
        try:
            async with asyncio.timeout(self._max_wait_s):
                await waiter[1]
        except (TimeoutError, asyncio.CancelledError) as exc:
            handed = waiter[1].done() and not waiter[1].cancelled()
            if handed and isinstance(exc, TimeoutError):
                return  # the slot came just as the wait ran out: keep it
            if handed:
                self.leave()  # cancelled with a slot in hand: pass it on
            elif waiter in self._line:
                self._line.remove(waiter)
            if isinstance(exc, TimeoutError):
                raise Unavailable(
                    "the server is overloaded; retry shortly", code=OVERLOADED
                ) from None
            raise

    def leave(self) -> None:
        """Give the slot back: to a waiter (the oldest, or the newest if the line is
        standing), else to the free ones."""
        while self._line:
            standing = self._clock() - self._line[0][0] >= self._standing_after_s
            _, woken = self._line.pop() if standing else self._line.popleft()
            if not woken.done():  # a cancelled waiter is skipped
                woken.set_result(None)
                return
        self._free += 1
