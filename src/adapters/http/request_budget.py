"""The general per-client request limit (issue 7): ``count`` requests per ``period_s`` window
for each client, counted across every server process.

Why not the sliding-window limiter of logins: that costs one Redis round trip per call, as much
as a cached read itself. Here each process counts in memory and adds its counts to the shared
store (Redis) in one round trip per ``sync_s`` for all clients at once; the reply is each
client's total over every process, so while a client's requests keep arriving a process learns
what the others admitted at most ``sync_s`` late. From ``exact_from`` of the limit on, a
request is counted in the shared store *before* it is admitted and the total decides, so the
end of a budget is enforced across processes. Below that point a process decides on what it
last heard: it may admit the requests that reach it within one sync interval before it hears of
the others' counts, so over a window a client gets at most the limit plus what it sends each
process in ``sync_s``; the price of not paying a round trip per request.

Windows are fixed (``now // period_s``): one counter per client and window in the shared store,
at the cost of a client spending up to two budgets around a window's end.
Without a shared store (the embedded service), or while it is unreachable, each process
enforces the limit on its own counts, as the other limiters' fallback does. The middleware
that spends it is ``request_limit.py``.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Callable, Mapping
from typing import Protocol

from attrs import define

from adapters.memory.rate_limit import refusal
from paeshift_core.ports.rate_limit import Limit

#: The name of the general limit (metrics, ``RateLimit-Policy``).
REQUESTS_PER_CLIENT = "requests:client"


class SharedCounts(Protocol):
    """Counters every process adds to (Redis in production)."""

    async def add(self, increments: Mapping[str, int], ttl_s: int) -> Mapping[str, int] | None:
        """Add each increment to its counter (kept ``ttl_s``); the new totals, or None when
        the store could not be reached (nothing was added)."""
        ...


@define
class _Tally:
    shared: int = 0  # the client's total in the shared store, as last heard
    local: int = 0  # admitted here and not yet added to the shared store


class RequestBudget:
    def __init__(
        self,
        limit: Limit,
        *,
        shared: SharedCounts | None = None,
        sync_s: float = 0.1,
        exact_from: float = 0.9,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limit = limit
        self._shared = shared
        self._sync_s = sync_s
        self._exact_at = max(1, int(limit.count * exact_from))
        self._clock = clock
        self._window = -1
        self._tallies: dict[str, _Tally] = {}
        self._unsynced: set[str] = set()  # clients with a local count (a sync visits only them)
        self._syncing: asyncio.Task[None] | None = None

    async def admit(self, client: str) -> None:
        """Count one request of ``client``; raise ``RateLimited`` when its budget is spent."""
        now = self._clock()
        window = int(now // self.limit.period_s)
        if window != self._window:
            self._window, self._tallies, self._unsynced = window, {}, set()
        tally = self._tallies.get(client)
        if tally is None:
            tally = self._tallies[client] = _Tally()
        if tally.shared + tally.local >= self.limit.count:
            self._refuse(window, now)
        shared = self._shared
        if shared is None:
            tally.local += 1
        elif tally.shared + tally.local + 1 >= self._exact_at:
            await self._admit_exactly(shared, client, tally, window, now)
        else:
            tally.local += 1
            self._unsynced.add(client)
            if self._syncing is None:
                # A context of its own: the sync is no request's work (Server-Timing, logs).
                self._syncing = asyncio.get_running_loop().create_task(
                    self._sync_later(shared), context=contextvars.Context()
                )

    async def _admit_exactly(
        self, shared: SharedCounts, client: str, tally: _Tally, window: int, now: float
    ) -> None:
        """Near the limit: add this request (and unsynced ones) to the shared total first."""
        pending, tally.local = tally.local + 1, 0
        totals = await self._add(shared, {client: pending}, window)
        if totals is None:
            tally.local += pending  # store unreachable: this process's own count decides
            self._unsynced.add(client)
            return
        tally.shared = max(tally.shared, totals[client])
        if tally.shared > self.limit.count:
            self._refuse(window, now)

    async def _sync_later(self, shared: SharedCounts) -> None:
        """After ``sync_s``, add every client's unsynced count in one call."""
        try:
            await asyncio.sleep(self._sync_s)
            window, tallies, unsynced = self._window, self._tallies, self._unsynced
            self._unsynced = set()
            pending = {client: tallies[client].local for client in unsynced}
            for client in unsynced:
                tallies[client].local = 0
            totals = await self._add(shared, pending, window) if pending else {}
            for client, count in pending.items():
                tally = tallies[client]
                if totals is None:
                    tally.local += count  # counted again with the next sync
                    if tallies is self._tallies:  # (a new window dropped the old counts)
                        self._unsynced.add(client)
                else:
                    tally.shared = max(tally.shared, totals[client])
        finally:
            self._syncing = None

    async def _add(
        self, shared: SharedCounts, pending: Mapping[str, int], window: int
    ) -> Mapping[str, int] | None:
        keyed = {f"{client}:{window}": count for client, count in pending.items()}
        totals = await shared.add(keyed, ttl_s=2 * self.limit.period_s)
        if totals is None:
            return None
        return {client: totals[f"{client}:{window}"] for client in pending}

    def _refuse(self, window: int, now: float) -> None:
        """Refuse until ``window`` ends."""
        raise refusal(self.limit, (window + 1) * self.limit.period_s - now)

    async def aclose(self) -> None:
        """Stop a pending sync (at shutdown); its counts are dropped with the process."""
        if self._syncing is not None:
            self._syncing.cancel()
