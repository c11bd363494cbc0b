"""Load shedding (``admission.py``, ``request_limit.limit_requests``): a bounded number of requests
run at once per process, the next wait their turn briefly, the rest get a 503 ``overloaded``
problem at once; health and metrics are never shed."""

from __future__ import annotations

import asyncio
import time

import attrs
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.http.admission import OVERLOADED, Admission
from adapters.http.services import ApiServices
from entrypoints.settings import SettingsError, load_settings
from paeshift_core.domain.errors import Unavailable

CATALOG = "/api/v1/catalog/industries"


@pytest.fixture
def admission() -> Admission:
    return Admission(limit=1, max_wait_s=0.2)


@pytest.fixture
def services(services: ApiServices, admission: Admission) -> ApiServices:
    return attrs.evolve(services, admission=admission)


async def test_a_request_that_finds_no_free_slot_in_time_is_a_503_problem(
    api: AsyncTestClient[Litestar], admission: Admission
) -> None:
    await admission.enter()  # the one slot is busy with a long request
    refused = await api.get(CATALOG)
    assert (await api.get("/health/live")).status_code == 200
    assert (await api.get("/metrics")).status_code == 200
    admission.leave()
    assert refused.status_code == 503
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "5"
    assert refused.json()["code"] == OVERLOADED
    assert "x-request-id" in refused.headers
    assert (await api.get(CATALOG)).status_code == 200  # the slot is free again


async def test_waiting_requests_get_the_slots_in_arrival_order_and_none_leaks() -> None:
    admission = Admission(limit=2, max_wait_s=1.0)
    order: list[int] = []
    release = asyncio.Event()

    async def request(n: int) -> None:
        await admission.enter()
        order.append(n)
        await release.wait()
        admission.leave()

    tasks = [asyncio.ensure_future(request(n)) for n in range(5)]
    await asyncio.sleep(0.01)
    assert order == [0, 1]  # two run, three wait
    tasks[3].cancel()  # a client that went away while waiting gives up its place
    release.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert order == [0, 1, 2, 4]
    async with asyncio.timeout(0.1):  # both slots are free again
        await admission.enter()
        await admission.enter()


@pytest.mark.parametrize(("waited_s", "served"), [(0.01, [0, 1, 2]), (0.1, [2, 1, 0])])
async def test_a_standing_line_serves_the_newest_waiter_first(
    waited_s: float, served: list[int]
) -> None:
    """Adaptive LIFO: a short line is first come, first served; once its oldest waiter has
    waited ``standing_after_s`` the newest goes first."""
    now = 0.0
    admission = Admission(limit=1, max_wait_s=10, standing_after_s=0.05, clock=lambda: now)
    await admission.enter()
    order: list[int] = []

    async def request(n: int) -> None:
        await admission.enter()
        order.append(n)
        admission.leave()

    tasks = [asyncio.ensure_future(request(n)) for n in range(3)]
    await asyncio.sleep(0)  # all three in line
    now = waited_s
    admission.leave()
    await asyncio.gather(*tasks)
    assert order == served


async def test_a_slot_handed_over_as_the_wait_runs_out_is_kept() -> None:
    """The hand-over and the time-out land in the same step of the event loop: the waiter
    was given the slot, so it keeps it; refusing it would lose the slot for good."""
    admission = Admission(limit=1, max_wait_s=0.2)
    await admission.enter()
    waiting = asyncio.ensure_future(admission.enter())
    await asyncio.sleep(0)  # in line; its time-out is due 0.2 s from now
    asyncio.get_running_loop().call_later(0.05, admission.leave)
    # A busy loop: both are due now, the hand-over first, then the time-out.
    time.sleep(0.25)  # noqa: ASYNC251 - blocking the loop is the point
    async with asyncio.timeout(1):
        await waiting  # no 503: the slot is this request's
    admission.leave()
    await _holds_exactly_one_free_slot(admission)


async def test_a_waiter_cancelled_with_the_slot_in_hand_passes_it_on() -> None:
    """A client gone between being handed the slot and running: the next waiter gets it."""
    admission = Admission(limit=1, max_wait_s=1.0)
    await admission.enter()
    gone, next_in_line = (asyncio.ensure_future(admission.enter()) for _ in range(2))
    await asyncio.sleep(0)  # both in line
    admission.leave()  # the slot goes to the first waiter ...
    gone.cancel()  # ... which is cancelled before it runs
    async with asyncio.timeout(0.5):
        await next_in_line
    assert gone.cancelled()
    admission.leave()
    await _holds_exactly_one_free_slot(admission)


async def _holds_exactly_one_free_slot(admission: Admission) -> None:
    async with asyncio.timeout(0.05):  # one is free at once: not lost ...
        await admission.enter()
    with pytest.raises(TimeoutError):  # ... and only one: not doubled
        async with asyncio.timeout(0.05):
            await admission.enter()


async def test_without_a_wait_a_busy_process_refuses_at_once() -> None:
    admission = Admission(limit=1, max_wait_s=0)
    await admission.enter()
    with pytest.raises(Unavailable) as refused:
        await admission.enter()
    assert refused.value.code == OVERLOADED


def test_the_admission_settings_are_read_and_checked() -> None:
    default = load_settings({})
    assert (default.max_concurrent_requests, default.admission_wait_s) == (32, 0.25)
    chosen = load_settings(
        {"PAESHIFT_MAX_CONCURRENT_REQUESTS": "0", "PAESHIFT_ADMISSION_WAIT_MS": "250"}
    )
    assert (chosen.max_concurrent_requests, chosen.admission_wait_s) == (0, 0.25)
    for name, value in (("MAX_CONCURRENT_REQUESTS", "-1"), ("ADMISSION_WAIT_MS", "soon")):
        with pytest.raises(SettingsError, match=name):
            load_settings({f"PAESHIFT_{name}": value})
