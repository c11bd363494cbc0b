"""Cache reads asked for in the same event-loop step go to Redis in one round trip.

Why: on the benchmark machine a cached read's largest cost was not Redis but the system calls
of its round trip (redis-py's send alone was 15.7 % of a server process's samples under the
job detail scenario). Requests that arrive together (a burst of HTTP requests read in one step of
the event loop) reach their cache read in the same step; here the first of them opens a batch,
the others add their keys to it, and one task sends the batch once they have all run: one
send, one reply, however many requests (as ioredis's auto-pipelining does): cached job detail
+22-24 % requests/s (bench/results/2026-11-29-batched-reads.md). A request alone pays one more
step of the loop (microseconds) and nothing else.

One request's reads started together share a round trip too: a route that reads its page
while the caller's principal is looked up (``adapters/http/auth.py``, ``Viewing``) pays one.
The keys are grouped by hash tag (the cache's namespace): one MGET per tag, so each is valid
on Redis Cluster, and the MGETs of a batch go in one pipeline.
The batch runs through ``RedisGuard.run`` (timeout, breaker): when it fails, each of its
requests gets ``RedisUnavailable`` and serves without Redis, as after a failed call of its own.
Each request counts the time it waited in its own ``Server-Timing`` (the batch's task runs
outside any request's context).
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from typing import Any

from attrs import define, field
from redis.asyncio import Redis

from adapters.observability.request_context import record_cache
from adapters.redis.resilience import RedisGuard, RedisUnavailable


@define
class _Batch:
    #: The keys to read, by hash tag.
    keys: dict[str, list[str]] = field(factory=dict)
    #: Per read: its tag, where its keys start in that tag's list, how many, and its answer.
    waiters: list[tuple[str, int, int, asyncio.Future[list[Any]]]] = field(factory=list)

    def add(self, tag: str, keys: list[str]) -> asyncio.Future[list[Any]]:
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        tagged = self.keys.setdefault(tag, [])
        self.waiters.append((tag, len(tagged), len(keys), future))
        tagged.extend(keys)
        return future

    async def read(self, client: Redis) -> dict[str, list[Any]]:
        """Each tag's values, in one round trip (one MGET per tag, pipelined)."""
        tags = list(self.keys)
        if len(tags) == 1:
            return {tags[0]: await client.mget(self.keys[tags[0]])}
        pipe = client.pipeline(transaction=False)
        for tag in tags:
            pipe.mget(self.keys[tag])
        return dict(zip(tags, await pipe.execute(), strict=True))

    def deliver(self, values: dict[str, list[Any]]) -> None:
        for tag, start, count, future in self.waiters:
            if not future.done():  # done: its request was cancelled
                future.set_result(values[tag][start : start + count])

    def fail(self, what: str) -> None:
        for _, _, _, future in self.waiters:
            if not future.done():
                future.set_exception(RedisUnavailable(what))


class BatchedMget:
    def __init__(self, guard: RedisGuard, what: str) -> None:
        self._guard = guard
        self._what = what
        self._open: _Batch | None = None
        self._sending: set[asyncio.Task[None]] = set()

    async def get(self, tag: str, keys: list[str]) -> list[Any]:
        """The values of ``keys`` (all under hash tag ``tag``), in order; ``RedisUnavailable``
        when Redis could not answer."""
        batch = self._open
        if batch is None:
            batch = self._open = _Batch()
            task = asyncio.get_running_loop().create_task(
                self._send(batch), context=contextvars.Context()
            )
            self._sending.add(task)  # a task nobody references may be collected mid-way
            task.add_done_callback(self._sending.discard)
        answer = batch.add(tag, keys)
        started = time.perf_counter()
        try:
            return await answer
        finally:
            record_cache(time.perf_counter() - started)

    async def _send(self, batch: _Batch) -> None:
        """Runs one step after the batch opened: every request of that step has joined."""
        self._open = None
        try:
            values = await self._guard.run(self._what, batch.read)
        except RedisUnavailable:
            batch.fail(self._what)
            return
        except BaseException:
            batch.fail(self._what)  # cancelled (shutdown): no request waits forever
            raise
        batch.deliver(values)
