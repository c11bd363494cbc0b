"""The storage contract: one suite for every adapter of the repositories and unit of work.

Subclass :class:`StorageContract` in a test module and provide a ``storage`` fixture (a
:class:`Storage` over a fresh, empty database): the memory adapter in tests/unit, SQLite and
PostgreSQL in tests/integration (the eventsourcing/cosmic style: the fakes stay honest).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from attrs import evolve, frozen

from paeshift_core.application.ledger_check import every_transaction
from paeshift_core.domain.applications import ApplicationStatus
from paeshift_core.domain.catalog import Industry
from paeshift_core.domain.codes import CodePurpose
from paeshift_core.domain.disputes import DisputeStatus, Resolution, ResolutionKind
from paeshift_core.domain.errors import ConcurrencyConflict, Conflict, NotFound, RuleViolation
from paeshift_core.domain.jobs import Job, JobStatus, JobSummary
from paeshift_core.domain.ledger import (
    IDEMPOTENCY_KEY_REUSED,
    PLATFORM_GATEWAY,
    Transaction,
    TransactionKind,
    escrow_account,
    transfer,
    wallet_account,
)
from paeshift_core.domain.money import Money
from paeshift_core.domain.payments import WithdrawalStatus
from paeshift_core.domain.schedule import JobType, Schedule
from paeshift_core.domain.users import Role, RoleSwitched
from paeshift_core.ports.outbox import OutboxReader
from paeshift_core.ports.unit_of_work import ReadOnlyUnitOfWork, UnitOfWork, UnitOfWorkFactory
from tests.contracts import builders as b
from tests.contracts.builders import NOW, state


@frozen
class Storage:
    uow: UnitOfWorkFactory
    outbox: OutboxReader


CLIENT, WORKER, OTHER = 1, 2, 3
HOSPITALITY = 100


async def seed(storage: Storage) -> tuple[Industry, Job]:
    """Two users, an industry and a job owned by ``CLIENT`` (the foreign keys of most rows)."""
    industry = b.industry(HOSPITALITY)
    job = b.job(500, CLIENT, industry)
    async with storage.uow() as uow:
        await uow.users.add(b.user(CLIENT, role=Role.CLIENT))
        await uow.users.add(b.user(WORKER))
        await uow.users.add(b.user(OTHER))
        await uow.catalog.add(industry)
        await uow.commit()
    async with storage.uow() as uow:
        await uow.jobs.add(job)
        await uow.commit()
    return industry, job


async def commit(storage: Storage, work: Callable[[UnitOfWork], Awaitable[object]]) -> None:
    """One use case: a new unit of work, ``work``, commit."""
    async with storage.uow() as uow:
        await work(uow)
        await uow.commit()


async def commit_in(uow: UnitOfWork, work: Callable[[], Awaitable[object]]) -> None:
    """``work`` then commit, in a unit of work the caller opened."""
    await work()
    await uow.commit()


async def fail_after(step: Awaitable[object]) -> None:
    await step
    raise RuntimeError("use case failed")


async def interleaved_bio_writes(storage: Storage, user_id: int) -> None:
    """Two units of work load the same user; both change it; the second commit is stale."""
    async with storage.uow() as first, storage.uow() as second:
        left = await first.users.get(user_id)
        right = await second.users.get(user_id)
        left.bio = "left"
        right.bio = "right"
        await first.commit()
        await second.commit()


class StorageContract:
    # -- add / get / not found ----------------------------------------------------------
    async def test_an_added_user_reads_back_field_for_field(self, storage: Storage) -> None:
        user = b.user(7)
        async with storage.uow() as uow:
            await uow.users.add(user)
            await uow.commit()
        assert user.version == 1
        async with storage.uow() as uow:
            loaded = await uow.users.get(7)
        assert state(loaded) == state(user)

    async def test_get_of_a_missing_aggregate_raises_not_found(self, storage: Storage) -> None:
        async with storage.uow() as uow:
            with pytest.raises(NotFound):
                await uow.users.get(404)
            with pytest.raises(NotFound):
                await uow.jobs.get(404)

    async def test_users_are_found_by_email_case_insensitively(self, storage: Storage) -> None:
        async with storage.uow() as uow:
            await uow.users.add(b.user(7, "ada@example.com"))
            await uow.users.add(b.user(8))
            await uow.commit()
        async with storage.uow() as uow:
            found = await uow.users.find_by_email(" ADA@example.com ")
            assert found is not None
            assert found.id == 7
            assert await uow.users.find_by_email("nobody@example.com") is None
            assert set(await uow.users.get_many([7, 8, 9])) == {7, 8}
            assert await uow.users.get_many([]) == {}

    async def test_a_duplicate_email_is_a_conflict(self, storage: Storage) -> None:
        async with storage.uow() as uow:
            await uow.users.add(b.user(7, "ada@example.com"))
            await uow.commit()
        with pytest.raises(Conflict) as caught:
            await commit(storage, lambda uow: uow.users.add(b.user(8, "Ada@Example.com")))
        assert caught.value.code == "duplicate"

    # -- unit of work semantics ---------------------------------------------------------
    async def test_nothing_is_saved_without_commit(self, storage: Storage) -> None:
        async with storage.uow() as uow:
            await uow.users.add(b.user(7))
        async with storage.uow() as uow:
            with pytest.raises(NotFound):
                await uow.users.get(7)

    async def test_a_read_only_unit_of_work_reads_committed_state(self, storage: Storage) -> None:
        await seed(storage)
        async with storage.uow(read_only=True) as uow:
            assert (await uow.users.get(WORKER)).id == WORKER
            assert (await uow.jobs.get(500)).client_id == CLIENT

    async def test_a_read_only_unit_of_work_refuses_to_write(self, storage: Storage) -> None:
        """Marking a use case read-only by mistake fails loudly and writes nothing."""
        await seed(storage)
        async with storage.uow(read_only=True) as uow:
            user = await uow.users.get(WORKER)
            user.bio = "changed"
            with pytest.raises(ReadOnlyUnitOfWork):
                await commit_in(uow, lambda: uow.users.add(b.user(7)))
        async with storage.uow(read_only=True) as uow:
            with pytest.raises(ReadOnlyUnitOfWork):
                await uow.commit()
        async with storage.uow() as uow:
            assert await uow.users.get_many([7]) == {}
            assert (await uow.users.get(WORKER)).bio != "changed"

    async def test_an_error_rolls_back_everything(self, storage: Storage) -> None:
        with pytest.raises(RuntimeError):
            await commit(storage, lambda uow: fail_after(uow.users.add(b.user(7))))
        async with storage.uow() as uow:
            assert await uow.users.find_by_email("user7@example.com") is None

    async def test_changes_are_saved_on_commit_and_bump_the_version(self, storage: Storage) -> None:
        async with storage.uow() as uow:
            await uow.users.add(b.user(7))
            await uow.commit()
        async with storage.uow() as uow:
            user = await uow.users.get(7, for_update=True)
            user.switch_role(Role.CLIENT, NOW)
            await uow.commit()
        assert user.version == 2
        async with storage.uow() as uow:
            again = await uow.users.get(7)
        assert again.role is Role.CLIENT
        assert again.version == 2

    async def test_a_stale_write_is_a_concurrency_conflict(self, storage: Storage) -> None:
        async with storage.uow() as uow:
            await uow.users.add(b.user(7))
            await uow.commit()
        with pytest.raises(ConcurrencyConflict):
            await interleaved_bio_writes(storage, 7)
        async with storage.uow() as uow:
            assert (await uow.users.get(7)).bio == "left"

    async def test_unchanged_aggregates_are_not_written(self, storage: Storage) -> None:
        async with storage.uow() as uow:
            await uow.users.add(b.user(7))
            await uow.commit()
        async with storage.uow() as uow:
            user = await uow.users.get(7)
            await uow.commit()
        assert user.version == 1

    async def test_events_reach_the_outbox_only_on_commit(self, storage: Storage) -> None:
        async with storage.uow() as uow:
            await uow.users.add(b.user(7))
            await uow.commit()
        async with storage.uow() as uow:
            user = await uow.users.get(7)
            user.switch_role(Role.CLIENT, NOW)
        assert await storage.outbox.pending(10) == []
        async with storage.uow() as uow:
            user = await uow.users.get(7)
            user.switch_role(Role.CLIENT, NOW)
            await uow.commit()
        pending = await storage.outbox.pending(10)
        assert [e.event.name for e in pending] == ["RoleSwitched"]
        assert pending[0].event == RoleSwitched(occurred_at=NOW, user_id=7, role="client")
        await storage.outbox.mark_delivered([pending[0].event_id])
        assert await storage.outbox.pending(10) == []

    # -- codes and tokens ---------------------------------------------------------------
    async def test_the_current_code_is_the_newest(self, storage: Storage) -> None:
        async with storage.uow() as uow:
            await uow.codes.add(b.code(1, "a@example.com"))
            await uow.codes.add(b.code(2, "a@example.com", NOW + timedelta(minutes=1)))
            await uow.codes.add_attempts(b.attempts(3, "a@example.com"))
            await uow.commit()
        async with storage.uow() as uow:
            current = await uow.codes.find_current("a@example.com", CodePurpose.REGISTRATION)
            assert current is not None
            assert current.id == 2
            assert await uow.codes.find_current("a@example.com", CodePurpose.LOGIN) is None
            found = await uow.codes.find_attempts("a@example.com")
            assert found is not None
            found.record_failure(NOW)
            await uow.commit()
        async with storage.uow() as uow:
            again = await uow.codes.find_attempts("a@example.com")
            assert again is not None
            assert again.failures == 1

    async def test_refresh_tokens_by_hash_family_and_live(self, storage: Storage) -> None:
        await seed(storage)
        async with storage.uow() as uow:
            await uow.refresh_tokens.add(b.token(10, WORKER, family_id=10))
            await uow.refresh_tokens.add(b.token(11, WORKER, family_id=10))
            revoked = b.token(12, WORKER, family_id=12)
            revoked.revoke(NOW)
            await uow.refresh_tokens.add(revoked)
            await uow.commit()
        async with storage.uow() as uow:
            found = await uow.refresh_tokens.find_by_hash("digest-11")
            assert found is not None
            assert found.id == 11
            assert {t.id for t in await uow.refresh_tokens.list_family(10)} == {10, 11}
            live = await uow.refresh_tokens.list_live_for_user(WORKER)
            assert {t.id for t in live} == {10, 11}

    # -- catalog ------------------------------------------------------------------------
    async def test_an_industry_keeps_its_subcategories(self, storage: Storage) -> None:
        industry = b.industry(HOSPITALITY)
        async with storage.uow() as uow:
            await uow.catalog.add(industry)
            await uow.catalog.add(b.industry(200, "Construction"))
            await uow.commit()
        async with storage.uow() as uow:
            loaded = await uow.catalog.get(HOSPITALITY, for_update=True)
            assert [s.name for s in loaded.subcategories] == ["Waiter", "Bartender"]
            loaded.add_subcategory(150, "Cook")
            await uow.commit()
        async with storage.uow() as uow:
            names = [
                (i.name, [s.name for s in i.subcategories]) for i in await uow.catalog.list_all()
            ]
        assert names == [
            ("Construction", ["Waiter", "Bartender"]),
            ("Hospitality", ["Waiter", "Bartender", "Cook"]),
        ]

    async def test_industry_names_are_unique_case_insensitively(self, storage: Storage) -> None:
        async with storage.uow() as uow:
            await uow.catalog.add(b.industry(HOSPITALITY))
            await uow.commit()
        with pytest.raises(Conflict):
            await commit(storage, lambda uow: uow.catalog.add(b.industry(200, "HOSPITALITY")))

    # -- jobs ---------------------------------------------------------------------------
    async def test_a_job_reads_back_with_schedule_and_pricing(self, storage: Storage) -> None:
        _, job = await seed(storage)
        async with storage.uow() as uow:
            loaded = await uow.jobs.get(job.id)
        assert state(loaded) == state(job)
        assert loaded.schedule.starts_at == job.schedule.starts_at

    async def test_a_clients_jobs_page_newest_first(self, storage: Storage) -> None:
        industry, first = await seed(storage)
        async with storage.uow() as uow:
            for n in range(1, 5):
                await uow.jobs.add(
                    b.job(500 + n, CLIENT, industry, created_at=NOW + timedelta(minutes=n))
                )
            await uow.commit()
        async with storage.uow() as uow:
            page = await uow.jobs.list_for_client(CLIENT, statuses=None, after=None, limit=3)
            assert [j.id for j in page] == [504, 503, 502]
            last = page[-1]
            rest = await uow.jobs.list_for_client(
                CLIENT, statuses=None, after=(last.created_at, last.id), limit=3
            )
            assert [j.id for j in rest] == [501, 500]
            upcoming = await uow.jobs.list_for_client(
                CLIENT, statuses=frozenset({JobStatus.UPCOMING}), after=None, limit=10
            )
            assert upcoming == []
            assert set(await uow.jobs.get_many([500, 504, 999])) == {500, 504}
            due = await uow.jobs.list_in_status_before(
                JobStatus.PENDING, starts_before=first.schedule.starts_at + timedelta(1), limit=2
            )
            assert [j.id for j in due] == [500, 501]
            ends_at = first.schedule.ends_at
            assert (
                await uow.jobs.list_in_status_before(
                    JobStatus.PENDING, ends_before=ends_at, limit=10
                )
                == []
            )
            ended = await uow.jobs.list_in_status_before(
                JobStatus.PENDING, ends_before=ends_at + timedelta(seconds=1), limit=10
            )
            assert [j.id for j in ended] == [500, 501, 502, 503, 504]
            none_ongoing = await uow.jobs.list_in_status_before(
                JobStatus.ONGOING, ends_before=ends_at + timedelta(seconds=1), limit=10
            )
            assert none_ongoing == []

    async def test_jobs_with_a_shift_starting_in_a_window(self, storage: Storage) -> None:
        """The shift reminders' finder: every job at work whose day's shift starts in the
        window, in any timezone, on any day of a multi-day job; nothing else."""
        industry, _ = await seed(storage)
        ongoing, upcoming = JobStatus.ONGOING, JobStatus.UPCOMING

        def job(
            job_id: int, status: JobStatus, first: int, last: int, at: time, tz: str, month: int = 1
        ) -> Job:
            schedule = Schedule(
                job_type=JobType.SINGLE_DAY if first == last else JobType.MULTIPLE_DAYS,
                start_date=date(2026, month, first),
                end_date=date(2026, month, last),
                start_time=at,
                end_time=time(23, 59),
                timezone=tz,
            )
            return evolve(b.job(job_id, CLIENT, industry), schedule=schedule, status=status)

        lagos, london = "Africa/Lagos", "Europe/London"  # UTC+1 and UTC+0 in January
        async with storage.uow() as uow:
            for added in (
                job(601, ongoing, 5, 20, time(10, 0), lagos),  # day 12 at 09:00 UTC: due
                job(602, ongoing, 5, 20, time(11, 0), lagos),  # 10:00 UTC: after the window
                job(603, upcoming, 12, 12, time(10, 15), lagos),  # due
                job(604, JobStatus.CANCELED, 12, 12, time(10, 0), lagos),
                job(605, ongoing, 5, 11, time(10, 0), lagos),  # its last day was the 11th
                job(606, upcoming, 12, 12, time(9, 0), london),  # due
                job(607, upcoming, 12, 14, time(9, 30), lagos),  # 08:30 UTC: the open end
                job(608, upcoming, 10, 15, time(0, 30), lagos),  # past local midnight
                # New York springs forward at 02:00 on 8 March: 02:30 that day is 07:30 UTC.
                job(609, upcoming, 7, 9, time(2, 30), "America/New_York", month=3),
            ):
                await uow.jobs.add(added)
            await uow.commit()
        morning = datetime(2026, 1, 12, 8, 30, tzinfo=UTC)
        night = datetime(2026, 1, 12, 23, 0, tzinfo=UTC)  # 00:00 local on the 13th
        async with storage.uow() as uow:
            due = await uow.jobs.list_with_shift_starting(morning, morning + timedelta(hours=1))
            assert [j.id for j in due] == [601, 603, 606]
            late = await uow.jobs.list_with_shift_starting(night - timedelta(minutes=45), night)
            assert [j.id for j in late] == []
            past_midnight = await uow.jobs.list_with_shift_starting(
                night - timedelta(minutes=30), night + timedelta(minutes=30)
            )
            assert [j.id for j in past_midnight] == [608]
            spring = datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
            forward = await uow.jobs.list_with_shift_starting(spring, spring + timedelta(hours=1))
            assert [j.id for j in forward] == [609]

    async def test_a_deleted_job_is_gone(self, storage: Storage) -> None:
        _, job = await seed(storage)
        async with storage.uow() as uow:
            mine = await uow.jobs.get(job.id)
            await uow.jobs.delete(mine)
            await uow.commit()
        async with storage.uow() as uow:
            with pytest.raises(NotFound):
                await uow.jobs.get(job.id)

    # -- applications -------------------------------------------------------------------
    async def test_one_application_per_job_and_applicant(self, storage: Storage) -> None:
        _, job = await seed(storage)
        async with storage.uow() as uow:
            await uow.applications.add(b.application(600, job.id, WORKER))
            await uow.commit()
        with pytest.raises(Conflict):
            await commit(
                storage, lambda uow: uow.applications.add(b.application(601, job.id, WORKER))
            )

    async def test_application_finders_and_counts(self, storage: Storage) -> None:
        _, job = await seed(storage)
        async with storage.uow() as uow:
            mine = b.application(600, job.id, WORKER)
            theirs = b.application(601, job.id, OTHER, NOW + timedelta(minutes=1))
            theirs.reject(NOW)
            await uow.applications.add(mine)
            await uow.applications.add(theirs)
            await uow.commit()
        async with storage.uow() as uow:
            found = await uow.applications.find(job.id, WORKER)
            assert found is not None
            assert state(found) == state(mine)
            assert {a.id for a in await uow.applications.list_for_job(job.id)} == {600, 601}
            page = await uow.applications.page_for_job(job.id, after=None, limit=1)
            assert [a.id for a in page] == [601]
            own = await uow.applications.list_for_applicant(
                WORKER, statuses=frozenset({ApplicationStatus.APPLIED}), after=None, limit=5
            )
            assert [(a.id, j) for a, j in own] == [(600, JobSummary.of(job))]
            counts = await uow.applications.count_by_job([job.id, 999])
            assert counts[job.id].of([ApplicationStatus.REJECTED]) == 1
            assert counts[job.id].awaiting_decision == 1
            assert counts[999].applicants == 0
            reliability = await uow.applications.reliability_of([WORKER])
            assert reliability[WORKER].basis == 0

    async def test_an_applicants_pages_are_newest_first_with_a_keyset(
        self, storage: Storage
    ) -> None:
        industry, job = await seed(storage)
        jobs = [job, *(b.job(501 + i, CLIENT, industry) for i in range(4))]
        async with storage.uow() as uow:
            for extra in jobs[1:]:
                await uow.jobs.add(extra)
            await uow.commit()
        mine = [  # created_at ties: the id decides
            b.application(610 + i, j.id, WORKER, NOW + timedelta(minutes=i % 2))
            for i, j in enumerate(jobs)
        ]
        mine[3].reject(NOW)
        async with storage.uow() as uow:
            for application in [*mine, b.application(620, job.id, OTHER)]:
                await uow.applications.add(application)
            await uow.commit()
        expected = sorted(mine, key=lambda a: (a.created_at, a.id), reverse=True)
        async with storage.uow(read_only=True) as uow:
            pages, after = [], None
            for _ in range(3):
                page = await uow.applications.list_for_applicant(
                    WORKER, statuses=None, after=after, limit=2
                )
                pages.append([a.id for a, _ in page])
                after = (page[-1][0].created_at, page[-1][0].id) if page else None
            applied = await uow.applications.list_for_applicant(
                WORKER,
                statuses=frozenset({ApplicationStatus.APPLIED}),
                after=(expected[1].created_at, expected[1].id),
                limit=5,
            )
        ids = [a.id for a in expected]
        assert pages == [ids[:2], ids[2:4], ids[4:]]
        assert [a.id for a, _ in applied] == [i for i in ids[2:] if i != mine[3].id]

    async def test_a_job_with_its_counts_in_one_read(self, storage: Storage) -> None:
        _, job = await seed(storage)
        async with storage.uow(read_only=True) as uow:
            alone, none = await uow.jobs.get_with_counts(job.id)
            with pytest.raises(NotFound):
                await uow.jobs.get_with_counts(999)
        assert state(alone) == state(job)
        assert none.applicants == 0
        async with storage.uow() as uow:
            rejected = b.application(601, job.id, OTHER)
            rejected.reject(NOW)
            for application in (b.application(600, job.id, WORKER), rejected):
                await uow.applications.add(application)
            await uow.commit()
        async with storage.uow() as uow:
            loaded, counts = await uow.jobs.get_with_counts(job.id)
            assert await uow.jobs.get(job.id) is loaded  # tracked like any loaded job
        assert state(loaded) == state(job)
        assert counts.of([ApplicationStatus.REJECTED]) == 1
        assert counts.awaiting_decision == 1
        assert counts.applicants == 2

    # -- money --------------------------------------------------------------------------
    async def test_payment_references_are_unique(self, storage: Storage) -> None:
        _, job = await seed(storage)
        async with storage.uow() as uow:
            await uow.payment_intents.add(b.payment_intent(700, job, "ref-1"))
            await uow.commit()
        async with storage.uow() as uow:
            found = await uow.payment_intents.find_by_reference("ref-1", for_update=True)
            assert found is not None
            assert found.amount == job.pricing.total_due
            assert [i.id for i in await uow.payment_intents.list_for_job(job.id)] == [700]
        with pytest.raises(Conflict):
            await commit(
                storage, lambda uow: uow.payment_intents.add(b.payment_intent(701, job, "ref-1"))
            )

    async def test_withdrawals_by_reference_and_day(self, storage: Storage) -> None:
        await seed(storage)
        async with storage.uow() as uow:
            await uow.withdrawals.add(b.withdrawal(800, WORKER, "wd-1", hours_ago=30))
            await uow.withdrawals.add(b.withdrawal(801, WORKER, "wd-2"))
            await uow.commit()
        async with storage.uow() as uow:
            found = await uow.withdrawals.find_by_reference("wd-2")
            assert found is not None
            assert state(found) == state(b.withdrawal(801, WORKER, "wd-2")) | {"version": 1}
            today = await uow.withdrawals.list_for_user_since(WORKER, NOW - timedelta(hours=24))
            assert [w.id for w in today] == [801]

    async def test_unfinished_withdrawals_oldest_first(self, storage: Storage) -> None:
        await seed(storage)
        processing = b.withdrawal(801, WORKER, "wd-2", hours_ago=2)
        processing.processing("tr-1", NOW)
        paid = b.withdrawal(802, WORKER, "wd-3", hours_ago=3)
        paid.paid("tr-2", NOW)
        async with storage.uow() as uow:
            await uow.withdrawals.add(processing)
            await uow.withdrawals.add(b.withdrawal(800, OTHER, "wd-1", hours_ago=30))
            await uow.withdrawals.add(paid)
            await uow.withdrawals.add(b.withdrawal(803, WORKER, "wd-4"))
            await uow.commit()
        cutoff = NOW - timedelta(hours=1)
        async with storage.uow() as uow:
            found = await uow.withdrawals.list_unfinished(created_before=cutoff, limit=10)
            assert [(w.id, w.status) for w in found] == [
                (800, WithdrawalStatus.REQUESTED),
                (801, WithdrawalStatus.PROCESSING),
            ]
            first = await uow.withdrawals.list_unfinished(created_before=cutoff, limit=1)
            assert [w.id for w in first] == [800]

    async def test_one_active_dispute_per_application(self, storage: Storage) -> None:
        _, job = await seed(storage)
        application = b.application(600, job.id, WORKER)
        async with storage.uow() as uow:
            await uow.applications.add(application)
            await uow.disputes.add(b.dispute(900, application, CLIENT))
            await uow.commit()
        with pytest.raises(Conflict):
            await commit(storage, lambda uow: uow.disputes.add(b.dispute(901, application, CLIENT)))
        async with storage.uow() as uow:
            active = await uow.disputes.find_active_for_application(600)
            assert active is not None
            active.resolve(Resolution(ResolutionKind.SPLIT, Money(1_000)), 1, "half", NOW)
            await uow.commit()
        async with storage.uow() as uow:
            assert await uow.disputes.find_active_for_application(600) is None
            [resolved] = await uow.disputes.list_for_job(job.id)
            assert resolved.resolution == Resolution(ResolutionKind.SPLIT, Money(1_000))
            await uow.disputes.add(b.dispute(901, application, CLIENT))
            await uow.commit()

    async def test_disputes_of_a_party_and_by_status_page_newest_first(
        self, storage: Storage
    ) -> None:
        industry, job = await seed(storage)
        others_job = b.job(501, OTHER, industry)
        first = b.application(600, job.id, WORKER)
        second = b.application(601, job.id, OTHER)
        third = b.application(602, others_job.id, WORKER)
        later = NOW + timedelta(minutes=1)
        in_review = evolve(b.dispute(901, second, CLIENT), created_at=later)
        in_review.start_review(OTHER + 10, later)
        async with storage.uow() as uow:
            await uow.jobs.add(others_job)
            for application in (first, second, third):
                await uow.applications.add(application)
            await uow.disputes.add(b.dispute(900, first, CLIENT))
            await uow.disputes.add(in_review)
            # Same instant as 901: the keyset orders ties by id.
            await uow.disputes.add(evolve(b.dispute(902, third, OTHER), created_at=later))
            await uow.commit()
        async with storage.uow() as uow:
            disputes = uow.disputes
            mine = await disputes.list_for_party(WORKER, after=None, limit=1)
            assert [d.id for d in mine] == [902]
            rest = await disputes.list_for_party(WORKER, after=(later, 902), limit=5)
            assert [d.id for d in rest] == [900]
            assert [d.id for d in await disputes.list_for_party(CLIENT, after=None, limit=5)] == [
                901,
                900,
            ]
            assert [d.id for d in await disputes.list_for_party(OTHER, after=None, limit=5)] == [
                902,
                901,
            ]
            every = await disputes.list_by_status(None, after=None, limit=5)
            assert [d.id for d in every] == [902, 901, 900]
            tail = await disputes.list_by_status(None, after=(later, 901), limit=5)
            assert [d.id for d in tail] == [900]
            reviewing = frozenset({DisputeStatus.IN_REVIEW})
            assert [
                d.id for d in await disputes.list_by_status(reviewing, after=None, limit=5)
            ] == [901]
            open_ = frozenset({DisputeStatus.OPEN})
            page = await disputes.list_by_status(open_, after=(later, 902), limit=5)
            assert [d.id for d in page] == [900]

    async def test_a_reused_idempotency_key_is_refused(self, storage: Storage) -> None:
        _, job = await seed(storage)

        def funding(amount: int) -> Transaction:
            tx = transfer(
                key=f"fund:{job.id}",
                kind=TransactionKind.FUND_FROM_GATEWAY,
                subject="ref-1",
                posted_at=NOW,
                source=PLATFORM_GATEWAY,
                credits=[(escrow_account(job.id), Money(amount))],
                job_id=job.id,
            )
            assert tx is not None
            return tx

        async with storage.uow() as uow:
            await uow.ledger.post(funding(10_000))
            with pytest.raises(Conflict) as staged:
                await uow.ledger.post(funding(9_000))
            assert staged.value.code == IDEMPOTENCY_KEY_REUSED
            await uow.commit()
        async with storage.uow() as uow:
            with pytest.raises(Conflict) as committed:
                await uow.ledger.post(funding(10_001))
            assert committed.value.code == IDEMPOTENCY_KEY_REUSED
            assert await uow.ledger.post(funding(10_000)) == funding(10_000)
            await uow.commit()
        async with storage.uow() as uow:
            assert await uow.ledger.balance(escrow_account(job.id)) == Money(10_000)
            assert len([tx async for tx in every_transaction(uow)]) == 1

    async def test_transactions_are_read_a_page_at_a_time_in_posting_order(
        self, storage: Storage
    ) -> None:
        await seed(storage)  # the client's wallet
        postings = [
            transfer(
                key=f"gift:{n}",
                kind=TransactionKind.GATEWAY_TO_WALLET,
                subject=f"ref-{n}",
                posted_at=NOW,
                source=PLATFORM_GATEWAY,
                credits=[(wallet_account(CLIENT), Money(100 + n))],
            )
            for n in range(3)
        ]
        async with storage.uow() as uow:
            for tx in postings:
                assert tx is not None
                await uow.ledger.post(tx)
            await uow.commit()
        async with storage.uow(snapshot=True) as uow:
            first = await uow.ledger.transactions_after(0, 2)
            rest = await uow.ledger.transactions_after(first[-1][0], 2)
            assert await uow.ledger.transactions_after(rest[-1][0], 2) == []
        assert [tx for _, tx in first + rest] == postings
        positions = [position for position, _ in first + rest]
        assert positions == sorted(set(positions))

    async def test_ledger_postings_are_idempotent_and_guarded(self, storage: Storage) -> None:
        _, job = await seed(storage)
        funding = transfer(
            key=f"fund:{job.id}",
            kind=TransactionKind.FUND_FROM_GATEWAY,
            subject="ref-1",
            posted_at=NOW,
            source=PLATFORM_GATEWAY,
            credits=[(escrow_account(job.id), Money(10_000))],
            job_id=job.id,
        )
        assert funding is not None
        async with storage.uow() as uow:
            await uow.ledger.post(funding)
            assert await uow.ledger.balance(escrow_account(job.id)) == Money(10_000)
            await uow.commit()
        async with storage.uow() as uow:
            assert await uow.ledger.post(funding) == funding
            await uow.commit()
            overdraft = transfer(
                key="too-much",
                kind=TransactionKind.CANCEL_REFUND,
                subject=str(job.id),
                posted_at=NOW,
                source=escrow_account(job.id),
                credits=[(wallet_account(CLIENT), Money(10_001))],
                job_id=job.id,
            )
            assert overdraft is not None
            with pytest.raises(RuleViolation):
                await uow.ledger.post(overdraft)
        async with storage.uow() as uow:
            assert await uow.ledger.find(funding.key) == funding
            assert [tx.key for tx in await uow.ledger.transactions_for_job(job.id)] == [funding.key]
            entries = await uow.ledger.entries(escrow_account(job.id))
            assert [e.amount for e in entries] == [Money(10_000)]
            balances = {x.account: x.balance for x in await uow.ledger.all_balances()}
            assert balances == {
                PLATFORM_GATEWAY: Money(-10_000),
                escrow_account(job.id): Money(10_000),
            }
            assert len([tx async for tx in every_transaction(uow)]) == 1
