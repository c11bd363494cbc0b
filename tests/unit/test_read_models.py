"""Which commits invalidate which cached read models (application/read_models.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest

from adapters.memory.cache import MemoryCache
from adapters.memory.clock import FakeClock
from adapters.memory.store import MemoryStore
from paeshift_core.application.context import Deps
from paeshift_core.application.read_models import (
    CATALOG,
    FEED,
    JOBS,
    MY_APPLICATIONS,
    PRINCIPALS,
    PROFILES,
    Stale,
    UncachedReads,
    invalidate_for,
    stale_read_models,
)
from paeshift_core.domain.catalog import CatalogChanged
from paeshift_core.domain.errors import Unavailable
from paeshift_core.domain.events import DomainEvent
from paeshift_core.domain.marketplace_events import (
    ApplicationAccepted,
    ApplicationEvent,
    ApplicationStarted,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    JobCanceled,
    JobEdited,
    JobEvent,
    JobFunded,
    ShiftEnded,
    ShiftStarted,
    ShiftWorked,
    WorkerCheckedIn,
    WorkerMarkedNoShow,
)
from paeshift_core.domain.money import Money
from paeshift_core.domain.reviews import ReviewReceived
from paeshift_core.domain.users import PasswordChanged, ProfileUpdated, RoleSwitched, UserVerified
from tests.unit.accounts import Accounts
from tests.unit.marketplace import Market

AT = datetime(2026, 1, 1, tzinfo=UTC)
J = TypeVar("J", bound=JobEvent)
A = TypeVar("A", bound=ApplicationEvent)


def _job(kind: type[J], **values: Any) -> J:
    return kind(occurred_at=AT, job_id=7, client_id=3, **values)


def _app(kind: type[A], **values: Any) -> A:
    return kind(occurred_at=AT, application_id=9, job_id=7, applicant_id=5, **values)


MINE = (MY_APPLICATIONS, "5")  # the applicant's own applications
TABLE: list[tuple[DomainEvent, set[Stale]]] = [
    (_job(JobEdited, total_due=Money(100)), {(JOBS, "7")}),
    (_job(JobFunded, total_due=Money(100)), {(JOBS, "7"), (FEED, None)}),
    (_job(JobCanceled, canceled_by=3, was_funded=True), {(JOBS, "7"), (FEED, None)}),
    (_job(ShiftStarted), {(JOBS, "7"), (FEED, None)}),
    (_job(ShiftEnded), {(JOBS, "7")}),
    (_app(ApplicationSubmitted, reapplied=False), {(JOBS, "7"), MINE}),
    (_app(WorkerCheckedIn, flagged=False), {(JOBS, "7"), MINE}),
    (_app(ApplicationStarted), {(JOBS, "7"), MINE}),
    (_app(ApplicationAccepted), {(JOBS, "7"), MINE, (FEED, None)}),
    (_app(ApplicationWithdrawn, late=False), {(JOBS, "7"), MINE}),
    (_app(ApplicationWithdrawn, late=True), {(JOBS, "7"), MINE, (FEED, None), (PROFILES, "5")}),
    (_app(WorkerMarkedNoShow), {(JOBS, "7"), MINE, (PROFILES, "5")}),
    (_app(ShiftWorked), {(JOBS, "7"), MINE, (PROFILES, "5")}),
    (
        ReviewReceived(
            occurred_at=AT, review_id=1, job_id=7, reviewer_id=3, reviewee_id=5, rating=5
        ),
        {(PROFILES, "5"), (FEED, None)},
    ),
    (ProfileUpdated(occurred_at=AT, user_id=5), {(PROFILES, "5")}),
    (RoleSwitched(occurred_at=AT, user_id=5, role="client"), {(PROFILES, "5"), (PRINCIPALS, "5")}),
    (UserVerified(occurred_at=AT, user_id=5), {(PRINCIPALS, "5")}),
    (CatalogChanged(occurred_at=AT, industry_id=2), {(CATALOG, None)}),
    (PasswordChanged(occurred_at=AT, user_id=5), set()),
]


@pytest.mark.parametrize(("event", "expected"), TABLE, ids=lambda v: type(v).__name__)
def test_each_event_invalidates_its_read_models(event: DomainEvent, expected: set[Stale]) -> None:
    assert set(stale_read_models(event)) == expected


async def _loads(cache: MemoryCache, namespace: str, key: str) -> int:
    """How many loads one read of ``namespace/key`` caused (0: a hit)."""
    loads = 0

    async def load() -> bytes:
        nonlocal loads
        loads += 1
        return b"{}"

    await cache.get_or_load(namespace, key, load, 60)
    return loads


async def test_invalidate_for_bumps_only_what_went_stale() -> None:
    cache = MemoryCache(FakeClock())
    for namespace, key in [(JOBS, "7"), (JOBS, "8"), (FEED, "a"), (PROFILES, "5")]:
        assert await _loads(cache, namespace, key) == 1
    await invalidate_for(
        cache, [_app(ApplicationAccepted), _app(ApplicationSubmitted, reapplied=True)]
    )
    assert await _loads(cache, JOBS, "7") == 1
    assert await _loads(cache, FEED, "a") == 1
    assert await _loads(cache, JOBS, "8") == 0
    assert await _loads(cache, PROFILES, "5") == 0


async def test_a_committed_write_invalidates_and_a_failed_one_does_not(
    market: Market, accounts: Accounts, deps: Deps, store: MemoryStore
) -> None:
    assert isinstance(deps.cache, MemoryCache)
    cache = deps.cache
    client, worker = await accounts.client(), await accounts.applicant()
    job = await market.funded_job(client)
    assert await _loads(cache, JOBS, str(job.id)) == 1
    store.fail_commits = True
    with pytest.raises(Unavailable):
        await market.use_cases.applications.apply(worker.principal, job.id)
    assert await _loads(cache, JOBS, str(job.id)) == 0  # nothing changed: still cached
    store.fail_commits = False
    await market.use_cases.applications.apply(worker.principal, job.id)
    assert await _loads(cache, JOBS, str(job.id)) == 1


async def test_uncached_reads_load_every_time() -> None:
    reads = UncachedReads()
    calls: list[int] = []

    async def load() -> bytes:
        calls.append(1)
        return b"x"

    assert [await reads.get_or_load(JOBS, "1", load, 60) for _ in range(2)] == [b"x", b"x"]
    await reads.invalidate(JOBS)
    assert len(calls) == 2
