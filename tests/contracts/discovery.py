"""The discovery contract: the feed query, saved jobs and dispute lists behave alike on every
adapter (memory in tests/unit; SQLite and PostgreSQL in tests/integration)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from paeshift_core.domain.applications import ApplicationStatus
from paeshift_core.domain.disputes import DisputeStatus
from paeshift_core.domain.errors import Conflict
from paeshift_core.domain.feed import FeedCriteria, FeedSort, search_terms
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.jobs import Job, JobStatus, ShiftType
from paeshift_core.domain.ledger import (
    PLATFORM_GATEWAY,
    TransactionKind,
    transfer,
    wallet_account,
)
from paeshift_core.domain.money import Money
from paeshift_core.domain.pricing import Pricing
from paeshift_core.domain.saved_jobs import SavedJob
from paeshift_core.domain.schedule import JobType, Schedule
from paeshift_core.ports.feed import FeedJob
from tests.contracts import builders as b
from tests.contracts.builders import NOW
from tests.contracts.storage import CLIENT, OTHER, WORKER, Storage, commit, seed

LAGOS = GeoPoint(6.45, 3.40)
IKEJA = GeoPoint(6.60, 3.35)
ABUJA = GeoPoint(9.07, 7.49)


def _job(
    job_id: int,
    template: Job,
    *,
    start: date,
    rate: int,
    title: str,
    description: str = "",
    location: GeoPoint | None = LAGOS,
    subcategory: int | None = None,
    shift: ShiftType = ShiftType.NIGHT,
    status: JobStatus = JobStatus.UPCOMING,
    seats: int = 3,
    accepted: int = 0,
    days: int = 1,
) -> Job:
    schedule = Schedule(
        job_type=JobType.SINGLE_DAY if days == 1 else JobType.MULTIPLE_DAYS,
        start_date=start,
        end_date=start + timedelta(days=days - 1),
        start_time=template.schedule.start_time,
        end_time=template.schedule.end_time,
    )
    job = b.job(job_id, CLIENT, b.industry(100), seats=seats, start=start)
    job.schedule = schedule
    job.pricing = Pricing.compute(Money(rate), schedule.billable_minutes, seats, 1_000)
    job.title = title
    job.description = description
    job.location = location
    job.shift_type = shift
    job.status = status
    job.accepted_count = accepted
    if subcategory is not None:
        job.subcategory_id = subcategory
    return job


async def market(storage: Storage) -> None:
    """Six feed-worthy jobs around the pending job 500 of ``seed``."""
    _, template = await seed(storage)
    jobs = [
        _job(
            501,
            template,
            start=date(2026, 1, 10),
            rate=150_050,
            title="Night waiters",
            description="Serve guests at a hotel party.",
        ),
        _job(
            502,
            template,
            start=date(2026, 1, 12),
            rate=300_000,
            title="Bartender for a wedding",
            description="Mix drinks at a wedding party.",
            location=IKEJA,
            subcategory=102,
            shift=ShiftType.EVENING,
        ),
        _job(
            503,
            template,
            start=date(2026, 1, 11),
            rate=200_000,
            title="Kitchen helpers",
            location=None,
            days=2,
        ),
        _job(
            504,
            template,
            start=date(2026, 1, 10),
            rate=500_000,
            title="Full already",
            seats=1,
            accepted=1,
        ),
        _job(
            505,
            template,
            start=date(2026, 1, 10),
            rate=500_000,
            title="Still pending",
            status=JobStatus.PENDING,
        ),
        _job(
            506,
            template,
            start=date(2026, 1, 15),
            rate=120_000,
            title="Event ushers",
            location=ABUJA,
        ),
    ]
    async with storage.uow() as uow:
        for job in jobs:
            await uow.jobs.add(job)
        await uow.commit()


async def feed(
    storage: Storage, sort: FeedSort = FeedSort.SOONEST, limit: int = 20, **options: Any
) -> list[FeedJob]:
    after = options.pop("after", None)
    offset = options.pop("offset", 0)
    async with storage.uow() as uow:
        return await uow.feed.page(
            FeedCriteria(**options), sort, after=after, offset=offset, limit=limit
        )


def ids(jobs: list[FeedJob]) -> list[int]:
    return [j.id for j in jobs]


class DiscoveryContract:
    async def test_the_feed_lists_upcoming_jobs_with_free_seats_soonest_first(
        self, storage: Storage
    ) -> None:
        await market(storage)
        found = await feed(storage)
        assert ids(found) == [501, 503, 502, 506]
        first = found[0]
        assert (first.subcategory_name, first.free_seats, first.seats) == ("Waiter", 3, 3)
        assert first.hourly_rate == Money(150_050)
        assert first.distance_km is None
        after = (found[1].starts_at, found[1].id)
        assert ids(await feed(storage, limit=2)) == [501, 503]
        assert ids(await feed(storage, limit=2, after=after)) == [502, 506]

    async def test_a_feed_job_is_the_stored_job_as_the_feed_shows_it(
        self, storage: Storage
    ) -> None:
        """Adapters may map feed rows directly (SQL does): the result is ``FeedJob.of`` the
        stored job, derived start, end and free seats included."""
        await market(storage)
        found = await feed(storage, FeedSort.NEAREST, near=LAGOS)
        async with storage.uow() as uow:
            for item in found:
                stored = await uow.jobs.get(item.id)
                assert item == FeedJob.of(stored, item.subcategory_name, item.distance_km)
        assert ids(found) == [501, 502, 506, 503]

    async def test_highest_pay_pages_by_rate_then_id(self, storage: Storage) -> None:
        await market(storage)
        assert ids(await feed(storage, FeedSort.HIGHEST_PAY)) == [502, 503, 501, 506]
        after = (200_000, 503)
        assert ids(await feed(storage, FeedSort.HIGHEST_PAY, after=after)) == [501, 506]

    async def test_filters_combine(self, storage: Storage) -> None:
        await market(storage)
        assert ids(await feed(storage, subcategory_id=102)) == [502]
        assert ids(await feed(storage, industry_id=100, shift_type=ShiftType.EVENING)) == [502]
        assert ids(await feed(storage, job_type=JobType.MULTIPLE_DAYS)) == [503]
        assert ids(await feed(storage, min_hourly_rate=Money(200_000))) == [503, 502]
        window = await feed(storage, starts_from=date(2026, 1, 11), starts_until=date(2026, 1, 12))
        assert ids(window) == [503, 502]
        assert ids(await feed(storage, industry_id=999)) == []

    async def test_text_query_matches_word_starts_in_title_and_description(
        self, storage: Storage
    ) -> None:
        await market(storage)
        assert ids(await feed(storage, terms=search_terms("Wedd"))) == [502]
        assert ids(await feed(storage, terms=search_terms("serve hotel"))) == [501]
        assert ids(await feed(storage, terms=search_terms("party"))) == [501, 502]
        assert ids(await feed(storage, terms=search_terms("party bartender"))) == [502]
        assert ids(await feed(storage, terms=search_terms("arty"))) == []

    async def test_distance_filter_is_exact_and_reports_km(self, storage: Storage) -> None:
        await market(storage)
        found = await feed(storage, near=LAGOS, radius_km=30)
        assert ids(found) == [501, 502]
        by_id = {j.id: j for j in found}
        assert by_id[501].distance_km == pytest.approx(0.0, abs=1e-6)
        expected = LAGOS.distance_m(IKEJA) / 1000
        assert by_id[502].distance_km == pytest.approx(expected, rel=1e-9)
        just_short = expected - 0.01
        assert ids(await feed(storage, near=LAGOS, radius_km=just_short)) == [501]

    async def test_nearest_orders_by_distance_with_offset(self, storage: Storage) -> None:
        await market(storage)
        assert ids(await feed(storage, FeedSort.NEAREST, near=LAGOS)) == [501, 502, 506, 503]
        assert ids(await feed(storage, FeedSort.NEAREST, near=LAGOS, offset=1, limit=2)) == [
            502,
            506,
        ]
        within = await feed(storage, FeedSort.NEAREST, near=LAGOS, radius_km=30)
        assert ids(within) == [501, 502]
        assert within[1].distance_km == pytest.approx(LAGOS.distance_m(IKEJA) / 1000, rel=1e-9)
        assert ids(await feed(storage, FeedSort.NEAREST, near=LAGOS, radius_km=30, offset=1)) == [
            502
        ]

    async def test_the_viewers_applications_come_in_one_lookup(self, storage: Storage) -> None:
        await market(storage)
        async with storage.uow() as uow:
            await uow.applications.add(b.application(600, 501, WORKER))
            await uow.applications.add(b.application(601, 502, OTHER))
            await uow.applications.add(b.application(602, 503, WORKER))
            await uow.commit()
        async with storage.uow() as uow:
            mine = await uow.feed.applications_of(WORKER)
            nobodys = await uow.feed.applications_of(9999)
        assert {job: (ref.id, ref.status) for job, ref in mine.items()} == {
            501: (600, ApplicationStatus.APPLIED),
            503: (602, ApplicationStatus.APPLIED),
        }
        assert nobodys == {}

    async def test_saved_jobs_are_unique_and_listed_newest_first(self, storage: Storage) -> None:
        await market(storage)
        saves = [
            SavedJob(id=700 + i, user_id=WORKER, job_id=job, created_at=NOW + timedelta(hours=i))
            for i, job in enumerate([501, 502, 503])
        ]
        async with storage.uow() as uow:
            for saved in saves:
                await uow.saved_jobs.add(saved)
            await uow.saved_jobs.add(SavedJob(id=710, user_id=OTHER, job_id=501, created_at=NOW))
            await uow.commit()
        twice = SavedJob(id=711, user_id=WORKER, job_id=501, created_at=NOW)
        with pytest.raises(Conflict):
            await commit(storage, lambda uow: uow.saved_jobs.add(twice))
        async with storage.uow() as uow:
            page = await uow.saved_jobs.list_for_user(WORKER, after=None, limit=2)
            assert [s.job_id for s in page] == [503, 502]
            rest = await uow.saved_jobs.list_for_user(
                WORKER, after=(page[-1].created_at, page[-1].id), limit=2
            )
            assert [s.job_id for s in rest] == [501]
            found = await uow.saved_jobs.find(WORKER, 502)
            assert found is not None
            assert found.created_at == NOW + timedelta(hours=1)
            await uow.saved_jobs.delete(found)
            await uow.commit()
        async with storage.uow() as uow:
            assert await uow.saved_jobs.find(WORKER, 502) is None
            assert await uow.saved_jobs.find(OTHER, 501) is not None

    async def test_disputes_are_listed_by_party_and_by_status(self, storage: Storage) -> None:
        _, job = await seed(storage)
        apps = [
            b.application(600 + i, job.id, applicant) for i, applicant in enumerate([WORKER, OTHER])
        ]
        disputes = []
        for i, application in enumerate(apps):
            dispute = b.dispute(900 + i, application, CLIENT)
            dispute.created_at = dispute.updated_at = NOW + timedelta(minutes=i)
            disputes.append(dispute)
        async with storage.uow() as uow:
            for application in apps:
                await uow.applications.add(application)
            for dispute in disputes:
                await uow.disputes.add(dispute)
            await uow.commit()
        async with storage.uow() as uow:
            theirs = await uow.disputes.list_for_party(CLIENT, after=None, limit=10)
            assert [d.id for d in theirs] == [901, 900]
            worker = await uow.disputes.list_for_party(WORKER, after=None, limit=10)
            assert [d.id for d in worker] == [900]
            after = (theirs[0].created_at, theirs[0].id)
            assert [
                d.id for d in await uow.disputes.list_for_party(CLIENT, after=after, limit=10)
            ] == [900]
            reviewing = await uow.disputes.get(901)
            reviewing.start_review(1, NOW)
            await uow.commit()
        async with storage.uow() as uow:
            everything = await uow.disputes.list_by_status(None, after=None, limit=10)
            assert [d.id for d in everything] == [901, 900]
            open_only = frozenset({DisputeStatus.OPEN})
            assert [
                d.id for d in await uow.disputes.list_by_status(open_only, after=None, limit=10)
            ] == [900]

    async def test_a_wallet_statement_pages_newest_first_by_keyset(self, storage: Storage) -> None:
        await seed(storage)
        wallet = wallet_account(WORKER)
        async with storage.uow() as uow:
            for n in range(4):
                # Two postings share an instant: the position breaks the tie.
                moment = NOW + timedelta(minutes=min(n, 2))
                posting = transfer(
                    key=f"pay-{n}",
                    kind=TransactionKind.GATEWAY_TO_WALLET,
                    subject=f"ref-{n}",
                    posted_at=moment,
                    source=PLATFORM_GATEWAY,
                    credits=[(wallet, Money(1_000 * (n + 1)))],
                )
                assert posting is not None
                await uow.ledger.post(posting)
            await uow.commit()
        async with storage.uow() as uow:
            first = await uow.ledger.statement(wallet, after=None, limit=3)
            assert [e.entry.transaction_key for e in first] == ["pay-3", "pay-2", "pay-1"]
            last = first[-1]
            rest = await uow.ledger.statement(
                wallet, after=(last.entry.posted_at, last.position), limit=3
            )
            assert [e.entry.transaction_key for e in rest] == ["pay-0"]
            assert rest[0].entry.amount == Money(1_000)
            assert await uow.ledger.statement(wallet_account(OTHER), after=None, limit=3) == []
