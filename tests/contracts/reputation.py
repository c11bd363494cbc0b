"""Contracts of reputation and engagement storage (reviews, rating summaries, awards,
achievements, feedback) and of the ``Leaderboard`` port.

Subclass :class:`ReputationStorageContract` with a ``storage`` fixture (as for the storage
contract), and :class:`LeaderboardContract` with a ``leaderboard`` fixture and a ``lose``
fixture that loses a board the way its backend can (a Redis key deleted, a process restart).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

import pytest

from paeshift_core.application.retries import lost_race
from paeshift_core.domain.errors import ConcurrencyConflict, Conflict, NotFound
from paeshift_core.domain.feedback import Feedback, FeedbackStatus
from paeshift_core.domain.gamification import Achievements, Award, AwardKind
from paeshift_core.domain.reviews import RatingSummary, Review, ReviewReceived
from paeshift_core.ports.gamification import Leaderboard
from paeshift_core.ports.unit_of_work import UnitOfWork
from tests.contracts.builders import NOW, state
from tests.contracts.storage import CLIENT, OTHER, WORKER, Storage, commit, seed

Lose = Callable[[str], Awaitable[None]]


def review(review_id: int, reviewer: int, reviewee: int, job_id: int, minutes: int = 0) -> Review:
    return Review.write(
        review_id=review_id,
        job_id=job_id,
        reviewer_id=reviewer,
        reviewee_id=reviewee,
        rating=4,
        comment="On time and careful.",
        now=NOW + timedelta(minutes=minutes),
    )


def award(award_id: int, user_id: int, key: str, points: int, days: int = 0) -> Award:
    kind = AwardKind.BADGE if key.startswith("badge:") else AwardKind.SHIFT_COMPLETED
    return Award(
        id=award_id,
        user_id=user_id,
        key=key,
        kind=kind,
        points=points,
        event_id=award_id,
        awarded_at=NOW + timedelta(days=days),
    )


async def _add_and_commit(uow: UnitOfWork, summary: RatingSummary) -> None:
    await uow.rating_summaries.add(summary)
    await uow.commit()


class ReputationStorageContract:
    async def test_a_review_reads_back_and_its_event_is_committed(self, storage: Storage) -> None:
        _, job = await seed(storage)
        written = review(900, CLIENT, WORKER, job.id)
        async with storage.uow() as uow:
            await uow.reviews.add(written)
            await uow.commit()
        async with storage.uow() as uow:
            found = await uow.reviews.get(900)
            assert await uow.reviews.find(CLIENT, WORKER, job.id) == found
            assert await uow.reviews.find(WORKER, CLIENT, job.id) is None
            with pytest.raises(NotFound):
                await uow.reviews.get(901)
        assert state(found) == state(written) | {"version": 1}
        events = [e.event for e in await storage.outbox.pending(10)]
        assert [type(e) for e in events] == [ReviewReceived]

    async def test_one_review_per_reviewer_reviewee_and_job(self, storage: Storage) -> None:
        _, job = await seed(storage)
        async with storage.uow() as uow:
            await uow.reviews.add(review(900, CLIENT, WORKER, job.id))
            await uow.commit()
        with pytest.raises(Conflict) as caught:
            await commit(storage, lambda uow: uow.reviews.add(review(901, CLIENT, WORKER, job.id)))
        assert caught.value.code == "duplicate"
        async with storage.uow() as uow:  # the other direction and other pairs are fine
            await uow.reviews.add(review(902, WORKER, CLIENT, job.id))
            await uow.reviews.add(review(903, CLIENT, OTHER, job.id))
            await uow.commit()

    async def test_a_users_reviews_page_newest_first(self, storage: Storage) -> None:
        _, job = await seed(storage)
        async with storage.uow() as uow:
            await uow.reviews.add(review(901, CLIENT, WORKER, job.id, minutes=1))
            await uow.reviews.add(review(902, OTHER, WORKER, job.id, minutes=2))
            await uow.reviews.add(review(903, WORKER, CLIENT, job.id, minutes=3))
            await uow.commit()
        async with storage.uow() as uow:
            first = await uow.reviews.page_for_reviewee(WORKER, after=None, limit=1)
            last = first[-1]
            rest = await uow.reviews.page_for_reviewee(
                WORKER, after=(last.created_at, last.id), limit=5
            )
        assert [r.id for r in first] == [902]
        assert [r.id for r in rest] == [901]

    async def test_rating_summaries_are_version_guarded(self, storage: Storage) -> None:
        await seed(storage)
        async with storage.uow() as uow:
            assert await uow.rating_summaries.find(WORKER) is None
            summary = RatingSummary.empty(WORKER)
            summary.add(5)
            await uow.rating_summaries.add(summary)
            await uow.commit()
        async with storage.uow() as first, storage.uow() as second:
            left = await first.rating_summaries.find(WORKER, for_update=True)
            right = await second.rating_summaries.find(WORKER)
            assert left is not None
            assert right is not None
            left.add(3)
            right.add(1)
            await first.commit()
            with pytest.raises(ConcurrencyConflict):
                await second.commit()
        async with storage.uow() as uow:
            many = await uow.rating_summaries.get_many([WORKER, CLIENT])
        assert many[WORKER].per_star() == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}
        assert many[WORKER].version == 2
        assert (many[CLIENT].count, many[CLIENT].average) == (0, None)

    async def test_two_first_summaries_of_a_user_lose_a_race(self, storage: Storage) -> None:
        await seed(storage)
        async with storage.uow() as first, storage.uow() as second:
            assert await second.rating_summaries.find(WORKER) is None
            await first.rating_summaries.add(RatingSummary.empty(WORKER))
            await first.commit()
            with pytest.raises(Conflict) as caught:
                await _add_and_commit(second, RatingSummary.empty(WORKER))
        # A unique violation (PostgreSQL, memory) or a stale snapshot (SQLite): either way a
        # lost race that the use case re-runs.
        assert lost_race(caught.value)

    async def test_awards_are_unique_per_user_and_key(self, storage: Storage) -> None:
        await seed(storage)
        async with storage.uow() as uow:
            await uow.awards.add(award(1, WORKER, "shift:1", 50))
            await uow.awards.add(award(2, WORKER, "badge:first_shift", 0))
            await uow.awards.add(award(3, OTHER, "shift:1", 50))
            await uow.commit()
        with pytest.raises(Conflict) as caught:
            await commit(storage, lambda uow: uow.awards.add(award(4, WORKER, "shift:1", 50)))
        assert caught.value.code == "duplicate"
        async with storage.uow() as uow:
            keys = await uow.awards.existing_keys(WORKER, ["shift:1", "shift:2", "badge:x"])
            assert await uow.awards.existing_keys(WORKER, []) == set()
            badges = await uow.awards.list_for_user(WORKER, badges_only=True)
            everything = await uow.awards.list_for_user(WORKER)
        assert keys == {"shift:1"}
        assert [a.key for a in badges] == ["badge:first_shift"]
        assert [a.id for a in everything] == [1, 2]
        assert state(everything[0]) == state(award(1, WORKER, "shift:1", 50)) | {"version": 1}

    async def test_points_between_sum_a_window_per_user(self, storage: Storage) -> None:
        await seed(storage)
        async with storage.uow() as uow:
            await uow.awards.add(award(1, WORKER, "a", 50, days=0))
            await uow.awards.add(award(2, WORKER, "b", 30, days=6))
            await uow.awards.add(award(3, WORKER, "c", 70, days=7))  # next window
            await uow.awards.add(award(4, OTHER, "a", 10, days=1))
            await uow.awards.add(award(5, CLIENT, "badge:top_rated", 0, days=1))
            await uow.commit()
        async with storage.uow() as uow:
            totals = await uow.awards.points_between(NOW, NOW + timedelta(days=7))
        assert totals == {WORKER: 80, OTHER: 10}

    async def test_achievements_read_back_and_feed_the_all_time_board(
        self, storage: Storage
    ) -> None:
        await seed(storage)
        mine = Achievements(
            id=WORKER,
            xp=130,
            shifts_completed=2,
            on_time_check_ins=1,
            five_star_reviews=1,
            current_streak=2,
            best_streak=3,
            last_shift_week=date(2026, 1, 5),
        )
        async with storage.uow() as uow:
            await uow.achievements.add(mine)
            await uow.achievements.add(Achievements.empty(OTHER))
            await uow.commit()
        async with storage.uow() as uow:
            found = await uow.achievements.find(WORKER, for_update=True)
            assert found is not None
            found.xp += 20
            await uow.commit()
        async with storage.uow() as uow:
            many = await uow.achievements.get_many([WORKER, CLIENT])
            xp = await uow.achievements.all_xp()
        assert state(many[WORKER]) == state(mine) | {"xp": 150, "version": 2}
        assert many[CLIENT].xp == 0
        assert xp == {WORKER: 150}

    async def test_feedback_pages_by_status_newest_first(self, storage: Storage) -> None:
        await seed(storage)
        sent = [
            Feedback(
                id=700 + i,
                user_id=WORKER,
                category="bug",
                message="The payout screen froze.",
                rating=3,
                created_at=NOW + timedelta(minutes=i),
            )
            for i in range(3)
        ]
        async with storage.uow() as uow:
            for item in sent:
                await uow.feedback.add(item)
            await uow.commit()
        async with storage.uow() as uow:
            resolved = await uow.feedback.get(701, for_update=True)
            resolved.resolve(CLIENT, "thanks", NOW + timedelta(hours=1))
            await uow.commit()
        async with storage.uow() as uow:
            everything = await uow.feedback.page(status=None, after=None, limit=10)
            still_open = await uow.feedback.page(status=FeedbackStatus.OPEN, after=None, limit=10)
            newest = everything[0]
            older = await uow.feedback.page(
                status=None, after=(newest.created_at, newest.id), limit=1
            )
        assert [f.id for f in everything] == [702, 701, 700]
        assert [f.id for f in still_open] == [702, 700]
        assert [f.id for f in older] == [701]
        assert state(everything[1]) == state(resolved)


class LeaderboardContract:
    async def test_a_board_never_built_reads_as_lost(self, leaderboard: Leaderboard) -> None:
        assert await leaderboard.top("all-time", 10) is None
        await leaderboard.add_points("all-time", 1, 50)  # no partial board appears
        assert await leaderboard.top("all-time", 10) is None

    async def test_ranking_is_points_desc_then_user_id(self, leaderboard: Leaderboard) -> None:
        big = 2**53 - 1
        await leaderboard.replace("week:2026-W02", {9: 50, 3: 50, big: 70, 4: 0, 12: 10})
        assert await leaderboard.top("week:2026-W02", 10) == [(big, 70), (3, 50), (9, 50), (12, 10)]
        assert await leaderboard.top("week:2026-W02", 2) == [(big, 70), (3, 50)]
        await leaderboard.add_points("week:2026-W02", 12, 40)
        await leaderboard.add_points("week:2026-W02", 5, 50)
        assert await leaderboard.top("week:2026-W02", 10) == [
            (big, 70),
            (3, 50),
            (5, 50),
            (9, 50),
            (12, 50),
        ]
        assert await leaderboard.top("week:2026-W03", 10) is None  # boards are separate

    async def test_replace_drops_what_was_there(self, leaderboard: Leaderboard) -> None:
        await leaderboard.replace("all-time", {1: 10, 2: 20})
        await leaderboard.replace("all-time", {3: 5})
        assert await leaderboard.top("all-time", 10) == [(3, 5)]
        await leaderboard.replace("all-time", {})
        assert await leaderboard.top("all-time", 10) == []
        await leaderboard.add_points("all-time", 4, 15)
        assert await leaderboard.top("all-time", 10) == [(4, 15)]

    async def test_a_lost_board_reads_as_lost_until_replaced(
        self, leaderboard: Leaderboard, lose: Lose
    ) -> None:
        await leaderboard.replace("all-time", {1: 10})
        await leaderboard.replace("week:2026-W02", {1: 10})
        await lose("all-time")
        assert await leaderboard.top("all-time", 10) is None
        await leaderboard.add_points("all-time", 1, 5)
        assert await leaderboard.top("all-time", 10) is None
        assert await leaderboard.top("week:2026-W02", 10) == [(1, 10)]
        await leaderboard.replace("all-time", {1: 15})
        assert await leaderboard.top("all-time", 10) == [(1, 15)]
