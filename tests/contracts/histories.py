"""Contract of the history lists: a job's and a payer's payment intents, the reviews a user
wrote, and the reviewee's read flag on a review.

Subclass :class:`HistoryStorageContract` with a ``storage`` fixture (as for the storage
contract): memory in tests/unit, SQLite and PostgreSQL in tests/integration.
"""

from __future__ import annotations

from datetime import timedelta

from paeshift_core.domain.jobs import Job
from paeshift_core.domain.payments import FundingOutcome, PaymentIntent
from paeshift_core.domain.reviews import ReviewReceived
from tests.contracts import builders as b
from tests.contracts.builders import NOW, state
from tests.contracts.reputation import review
from tests.contracts.storage import CLIENT, OTHER, WORKER, Storage, seed


def intent(intent_id: int, job: Job, payer: int, minutes: int) -> PaymentIntent:
    moment = NOW + timedelta(minutes=minutes)
    return PaymentIntent(
        id=intent_id,
        job_id=job.id,
        payer_id=payer,
        amount=job.pricing.total_due,
        reference=f"psh-pay-{job.id}-{intent_id}",
        provider="sandbox",
        created_at=moment,
        updated_at=moment,
    )


async def _two_jobs(storage: Storage) -> tuple[Job, Job]:
    """``CLIENT``'s job 500 (from ``seed``) and ``OTHER``'s job 501."""
    industry, job = await seed(storage)
    other_job = b.job(501, OTHER, industry)
    async with storage.uow() as uow:
        await uow.jobs.add(other_job)
        await uow.commit()
    return job, other_job


class HistoryStorageContract:
    async def test_a_jobs_payments_page_newest_first(self, storage: Storage) -> None:
        job, other_job = await _two_jobs(storage)
        async with storage.uow() as uow:
            await uow.payment_intents.add(intent(701, job, CLIENT, minutes=1))
            await uow.payment_intents.add(intent(702, job, CLIENT, minutes=3))
            await uow.payment_intents.add(intent(703, job, CLIENT, minutes=3))
            await uow.payment_intents.add(intent(704, other_job, OTHER, minutes=5))
            await uow.commit()
        async with storage.uow() as uow:
            first = await uow.payment_intents.page_for_job(job.id, after=None, limit=2)
            last = first[-1]
            rest = await uow.payment_intents.page_for_job(
                job.id, after=(last.created_at, last.id), limit=5
            )
            none = await uow.payment_intents.page_for_job(999, after=None, limit=5)
        assert [i.id for i in first] == [703, 702]
        assert [i.id for i in rest] == [701]
        assert none == []
        assert state(rest[0]) == state(intent(701, job, CLIENT, minutes=1)) | {"version": 1}

    async def test_a_payers_payments_page_newest_first(self, storage: Storage) -> None:
        job, other_job = await _two_jobs(storage)
        async with storage.uow() as uow:
            await uow.payment_intents.add(intent(711, job, CLIENT, minutes=2))
            await uow.payment_intents.add(intent(712, other_job, OTHER, minutes=4))
            await uow.payment_intents.add(intent(713, job, CLIENT, minutes=6))
            await uow.payment_intents.add(intent(714, job, CLIENT, minutes=6))
            await uow.commit()
        async with storage.uow() as uow:
            paid = await uow.payment_intents.get(713, for_update=True)
            paid.succeed(FundingOutcome.ESCROW, "provider-713", NOW + timedelta(minutes=7))
            await uow.commit()
        async with storage.uow() as uow:
            first = await uow.payment_intents.page_for_payer(CLIENT, after=None, limit=1)
            last = first[-1]
            rest = await uow.payment_intents.page_for_payer(
                CLIENT, after=(last.created_at, last.id), limit=5
            )
            others = await uow.payment_intents.page_for_payer(OTHER, after=None, limit=5)
            nobody = await uow.payment_intents.page_for_payer(WORKER, after=None, limit=5)
        assert [i.id for i in first] == [714]
        assert [i.id for i in rest] == [713, 711]
        assert rest[0].outcome is FundingOutcome.ESCROW
        assert rest[0].provider_reference == "provider-713"
        assert [i.id for i in others] == [712]
        assert nobody == []

    async def test_the_reviews_a_user_wrote_page_newest_first(self, storage: Storage) -> None:
        _, job = await seed(storage)
        async with storage.uow() as uow:
            await uow.reviews.add(review(921, CLIENT, WORKER, job.id, minutes=1))
            await uow.reviews.add(review(922, CLIENT, OTHER, job.id, minutes=2))
            await uow.reviews.add(review(923, WORKER, CLIENT, job.id, minutes=3))
            await uow.commit()
        async with storage.uow() as uow:
            first = await uow.reviews.page_for_reviewer(CLIENT, after=None, limit=1)
            last = first[-1]
            rest = await uow.reviews.page_for_reviewer(
                CLIENT, after=(last.created_at, last.id), limit=5
            )
            by_worker = await uow.reviews.page_for_reviewer(WORKER, after=None, limit=5)
            by_other = await uow.reviews.page_for_reviewer(OTHER, after=None, limit=5)
        assert [r.id for r in first] == [922]
        assert [r.id for r in rest] == [921]
        assert [r.id for r in by_worker] == [923]
        assert by_other == []

    async def test_a_reviews_read_flag_round_trips_without_an_event(self, storage: Storage) -> None:
        _, job = await seed(storage)
        async with storage.uow() as uow:
            await uow.reviews.add(review(931, CLIENT, WORKER, job.id))
            await uow.commit()
        async with storage.uow() as uow:
            unread = await uow.reviews.get(931, for_update=True)
            assert unread.read_at is None
            read_at = NOW + timedelta(hours=2, microseconds=123)
            assert unread.mark_read(WORKER, read_at)
            await uow.commit()
        async with storage.uow() as uow:
            found = await uow.reviews.get(931)
        assert found.read_at == read_at
        assert found.version == 2
        events = [e.event for e in await storage.outbox.pending(10)]
        assert [type(e) for e in events] == [ReviewReceived]
