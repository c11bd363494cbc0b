"""A worker stops when its node-id lease is lost (``entrypoints/worker.py`` ``watch_lease``)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from adapters.sqlalchemy.node_lease import NodeLeaseLost
from entrypoints.worker import watch_lease

TICK = timedelta(milliseconds=1)


async def test_a_lost_lease_stops_the_worker_and_raises() -> None:
    checks: list[int] = []
    stopped: list[bool] = []

    async def check() -> None:
        checks.append(1)
        if len(checks) == 3:
            raise NodeLeaseLost("node id 7 is held by another process now")

    async def stop() -> None:
        stopped.append(True)

    with pytest.raises(NodeLeaseLost, match="node id 7"):
        await asyncio.wait_for(watch_lease(check, stop, TICK), timeout=5)
    assert (len(checks), stopped) == (3, [True])


async def test_while_the_lease_holds_the_worker_goes_on() -> None:
    stopped: list[bool] = []

    async def check() -> None:
        return None

    async def stop() -> None:
        stopped.append(True)

    watch = asyncio.create_task(watch_lease(check, stop, TICK))
    await asyncio.sleep(0.05)
    assert not watch.done()
    watch.cancel()
    with pytest.raises(asyncio.CancelledError):
        await watch
    assert stopped == []
