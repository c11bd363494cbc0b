"""``paeshift worker``: the background worker on Redis with SAQ (ARCHITECTURE.md Entry points).

- The **relay poller** reads pending outbox events about once a second and enqueues one SAQ
  job per event, keyed ``<queue>.outbox-<event id>`` (SAQ skips a key that is already queued
  or running, so several workers may poll; the queue name is in the key because SAQ's abort
  marks, ``saq:abort:<key>``, are shared by every queue on a Redis). The job runs every
  outbox handler on the event and only then marks it delivered; SAQ retries a failed job
  with exponential backoff. An event whose jobs all failed stays pending and is enqueued
  again by a later poll. A worker killed between a commit and the delivery loses nothing:
  the event is still pending (or its job is still queued, or requeued by SAQ's sweep) and
  the handlers, idempotent by event id, make the second delivery change nothing.
- **Cron jobs** run the periodic use cases of ``background.periodic_tasks`` (UTC cron lines;
  SAQ's cron keys make each run happen once per queue even with several workers).

Scale out by running more workers on the same queue. Like a server process, a worker holds a
node-id lease for its life (``app.runtime``); having no readiness probe, it checks the lease
itself (:func:`watch_lease`) and exits when it is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from saq import CronJob, Job, Queue, Worker
from saq.types import Context as SaqContext

from adapters.sqlalchemy.event_codec import decode_event, encode_event
from entrypoints.background import (
    RELAY_INTERVAL,
    PeriodicTask,
    outbox_relay,
    periodic_tasks,
    run_logged,
)
from entrypoints.settings import Settings
from paeshift_core.application.outbox_relay import RELAY_BATCH, OutboxRelay
from paeshift_core.ports.outbox import OutboxEvent, OutboxReader

logger = logging.getLogger("paeshift.worker")

QUEUE_NAME = "paeshift"
DELIVER = "deliver_event"
#: Attempts per enqueued delivery, with backoff 1 s, 2 s, 4 s, ... (jittered) up to 5 minutes.
DELIVERY_RETRIES = 10
RETRY_DELAY_S = 1.0
MAX_RETRY_DELAY_S = 300.0
DELIVERY_TIMEOUT_S = 60
#: On SIGTERM running deliveries get this long to finish before they are cancelled (and
#: requeued by SAQ); a delivery cut short is simply delivered again.
SHUTDOWN_GRACE_S = 10
#: How often a worker checks its node-id lease (a server's readiness probe checks it when
#: asked).
LEASE_CHECK_INTERVAL = timedelta(seconds=30)


class Context(SaqContext, total=False):
    """SAQ's task context plus this worker's relay and poller task."""

    relay: OutboxRelay
    poller: asyncio.Task[None]


SaqFunction = tuple[str, Callable[..., Awaitable[Any]]]


def event_job(event: OutboxEvent, queue_name: str) -> Job:
    """The SAQ job delivering one outbox event (the event travels encoded in the job).

    The key names the queue: SAQ refuses to enqueue a key while ``saq:abort:<key>`` exists,
    and that mark is not per queue, so another queue's sweep of its event 3 (a second
    deployment, or a test, on the same Redis) would otherwise hold back this queue's event 3.
    """
    event_type, payload = encode_event(event.event)
    return Job(
        function=DELIVER,
        kwargs={
            "event_id": event.event_id,
            "event_type": event_type,
            "payload": payload,
            "recorded_at": event.recorded_at.isoformat(),
        },
        key=f"{queue_name}.outbox-{event.event_id}",
        retries=DELIVERY_RETRIES,
        retry_delay=RETRY_DELAY_S,
        retry_backoff=MAX_RETRY_DELAY_S,
        timeout=DELIVERY_TIMEOUT_S,
    )


class OutboxPoller:
    """Enqueues a delivery job per pending outbox event (the relay's half on the queue)."""

    def __init__(
        self,
        reader: OutboxReader,
        queue: Queue,
        *,
        interval: timedelta = RELAY_INTERVAL,
        limit: int = RELAY_BATCH,
    ) -> None:
        self._reader = reader
        self._queue = queue
        self._interval = interval.total_seconds()
        self._limit = limit

    async def poll_once(self) -> int:
        """Enqueue the pending events; returns how many jobs were new."""
        enqueued = 0
        for event in await self._reader.pending(self._limit):
            if await self._queue.enqueue(event_job(event, self._queue.name)) is not None:
                enqueued += 1
        return enqueued

    async def run(self) -> None:
        while True:
            await run_logged("outbox_poller", self.poll_once)
            await asyncio.sleep(self._interval)


async def deliver_event(
    ctx: Context, *, event_id: int, event_type: str, payload: str, recorded_at: str
) -> None:
    """SAQ task: run the handlers on one event, then mark it delivered (raises to retry)."""
    relay = ctx["relay"]
    event = OutboxEvent(
        event_id=event_id,
        event=decode_event(event_type, payload),
        recorded_at=datetime.fromisoformat(recorded_at).astimezone(UTC),
    )
    await relay.deliver_and_mark(event)


def _cron_function(task: PeriodicTask) -> SaqFunction:
    async def run(ctx: Context) -> None:
        await task.run()

    run.__qualname__ = task.name
    return task.name, run


def build_worker(
    queue: Queue,
    relay: OutboxRelay,
    periodic: Sequence[PeriodicTask],
    *,
    poll_interval: timedelta = RELAY_INTERVAL,
    concurrency: int = 10,
    timers: dict[str, int] | None = None,
    handle_signals: bool = True,
    shutdown_grace_s: int = SHUTDOWN_GRACE_S,
) -> Worker[Context]:
    """A SAQ worker running the delivery task, the cron jobs and the relay poller."""
    poller = OutboxPoller(relay.reader, queue, interval=poll_interval)
    cron = [_cron_function(task) for task in periodic]

    async def startup(ctx: Context) -> None:
        ctx["relay"] = relay
        ctx["poller"] = asyncio.create_task(poller.run(), name="outbox-poller")

    async def shutdown(ctx: Context) -> None:
        task = ctx.pop("poller", None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    worker = Worker(
        queue,
        functions=[(DELIVER, deliver_event), *cron],
        cron_jobs=[
            CronJob(function, cron=task.cron, timeout=600)
            for (_, function), task in zip(cron, periodic, strict=True)
        ],
        concurrency=concurrency,
        startup=startup,
        shutdown=shutdown,
        timers=timers,  # type: ignore[arg-type]
        shutdown_grace_period_s=shutdown_grace_s,
    )
    if not handle_signals:
        worker.SIGNALS = []
    return worker


@asynccontextmanager
async def redis_queue(url: str, name: str = QUEUE_NAME) -> AsyncIterator[Queue]:
    queue = Queue.from_url(url, name=name)
    await queue.connect()
    try:
        yield queue
    finally:
        await queue.disconnect()


async def watch_lease(
    check: Callable[[], Awaitable[None]],
    stop: Callable[[], Awaitable[None]],
    interval: timedelta = LEASE_CHECK_INTERVAL,
) -> None:
    """Check the node-id lease every ``interval``; when the check fails, ``stop`` the worker
    and raise what it raised.

    A worker makes ids (notifications, achievements) and nothing outside it asks whether its
    lease still holds, as a readiness probe does for a server. Rather than go on with a node
    id another process may hold now (``PostgresNodeLease``), it stops, and ``paeshift worker``
    exits with the error, so its supervisor starts a new one, which leases a free id.
    """
    while True:
        await asyncio.sleep(interval.total_seconds())
        try:
            await check()
        except Exception:
            logger.exception("node-id lease lost: stopping the worker")
            await stop()
            raise


def lower_priority(niceness: int) -> int:
    """Run this process at least ``niceness`` nice (``PAESHIFT_WORKER_NICE``); returns the
    niceness it now has. A process started nicer stays as nice: making it less nice would
    need privileges.

    Why: the worker's work (notifications, e-mail, periodic tasks) can wait a few hundred
    milliseconds, a request cannot. Where the worker shares cores with server processes, a
    nicer worker leaves the CPU to a server process that wakes. Mixed workload at 500
    requests/s on two cores, four alternating pairs of runs with the worker at niceness 10
    and 0: p95 lower at 10 in three pairs, medians 51.9 against 71.7 ms, p99 100.9 against
    150.3 ms (``bench/results/2026-11-30-worker-nice.md``). Where the worker has cores (or a
    container) of its own, nothing changes.
    """
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if niceness > current:
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
    return os.getpriority(os.PRIO_PROCESS, 0)


async def run_worker(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM: the composition of ``paeshift worker``."""
    from entrypoints.app import runtime

    if settings.redis_url is None:
        raise ValueError(
            "the worker needs PAESHIFT_REDIS_URL (the embedded server runs tasks itself)"
        )
    async with runtime(settings) as wired, redis_queue(settings.redis_url) as queue:
        worker = build_worker(queue, outbox_relay(wired), periodic_tasks(wired))
        lease = wired.node_lease
        watch = None if lease is None else asyncio.create_task(watch_lease(lease, worker.stop))
        logger.info("worker started on queue %s", QUEUE_NAME)
        try:
            await worker.start()
        finally:
            if watch is not None:
                watch.cancel()  # does nothing to a watch that has failed
                with contextlib.suppress(asyncio.CancelledError):
                    await watch  # raises the lease's error when that stopped the worker
