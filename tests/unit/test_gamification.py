"""Gamification: awards from events, never twice; levels, badges, streaks and leaderboards
that come back in the same order after being lost (DOMAIN.md Gamification)."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.memory.clock import FakeClock
from adapters.memory.leaderboard import MemoryLeaderboard
from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases, build_use_cases, memory_deps
from paeshift_core.application.context import Deps
from paeshift_core.application.gamification import GamificationHandlers
from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.gamification import (
    POINTS,
    Achievements,
    AwardKind,
    Badge,
    Level,
    level_cost,
    week_label,
    week_start,
)
from paeshift_core.domain.reviews import RatingSummary, ReviewReceived
from paeshift_core.ports.gamification import ALL_TIME
from paeshift_core.ports.outbox import OutboxEvent
from tests.unit.accounts import Accounts
from tests.unit.marketplace import DAY, Market
from tests.unit.reputation_support import completed_shifts, finished_shift, started_shift

SHIFT = POINTS[AwardKind.SHIFT_COMPLETED]
ON_TIME = POINTS[AwardKind.ON_TIME_CHECK_IN]
FIVE_STARS = POINTS[AwardKind.FIVE_STAR_REVIEW]
STREAK = POINTS[AwardKind.STREAK]


@pytest.fixture
def boards() -> MemoryLeaderboard:
    return MemoryLeaderboard()


@pytest.fixture
def use_cases(deps: Deps, boards: MemoryLeaderboard) -> UseCases:
    """The production wiring with a leaderboard the tests can lose on purpose."""
    return build_use_cases(deps, leaderboard=boards)


class Relay:
    """Delivers committed outbox events to the gamification handlers, like the worker."""

    def __init__(self, store: MemoryStore, handlers: GamificationHandlers) -> None:
        self._store = store
        self._handlers = handlers
        self._done = 0

    async def deliver(self, *, again: bool = False) -> int:
        """Deliver new events (or every event again); returns the awards paid."""
        events: list[OutboxEvent] = list(self._store.outbox)
        start = 0 if again else self._done
        paid = 0
        for item in events[start:]:
            paid += len(await self._handlers.handle(item.event_id, item.event))
        self._done = len(events)
        return paid


@pytest.fixture
def relay(store: MemoryStore, use_cases: UseCases) -> Relay:
    return Relay(store, use_cases.gamification_handlers)


async def test_a_worked_shift_pays_points_and_the_first_badge_once(
    accounts: Accounts, market: Market, use_cases: UseCases, relay: Relay, clock: FakeClock
) -> None:
    client, worker, late, job, worked, missed = await started_shift(accounts, market, use_cases)
    # The shift started at 09:00 UTC (10:00 Lagos) and the clock is 08:00 UTC at the start.
    await use_cases.applications.check_in(worker.principal, worked.id)
    clock.advance(timedelta(hours=2))
    await use_cases.applications.check_in(late.principal, missed.id)
    await use_cases.jobs.end_shift(client.principal, job.id)
    assert await relay.deliver() > 0
    assert await relay.deliver(again=True) == 0  # every event delivered twice: nothing new
    mine = await use_cases.gamification.my_achievements(worker.principal)
    assert mine.achievements.xp == SHIFT + ON_TIME
    assert (mine.achievements.shifts_completed, mine.achievements.on_time_check_ins) == (1, 1)
    assert [b.badge for b in mine.badges] == [Badge.FIRST_SHIFT]
    late_one = await use_cases.gamification.my_achievements(late.principal)
    assert late_one.achievements.xp == SHIFT  # checked in after the start: no on-time points
    nobody = await use_cases.gamification.my_achievements(client.principal)
    assert (nobody.achievements.xp, nobody.level.level, nobody.badges) == (0, 1, ())


async def test_no_show_earns_nothing_and_five_stars_pay_the_reviewee_once(
    accounts: Accounts, market: Market, use_cases: UseCases, relay: Relay
) -> None:
    done = await finished_shift(accounts, market, use_cases)
    review = await use_cases.reviews.write(
        done.client.principal, done.job.id, done.worker.user_id, 4
    )
    await use_cases.reviews.write(done.worker.principal, done.job.id, done.client.user_id, 5)
    await relay.deliver()
    await use_cases.reviews.edit(done.client.principal, review.id, rating=5)
    await use_cases.reviews.edit(done.client.principal, review.id, rating=3)
    await use_cases.reviews.edit(done.client.principal, review.id, rating=5)
    await relay.deliver()
    await relay.deliver(again=True)
    worker = await use_cases.gamification.my_achievements(done.worker.principal)
    client = await use_cases.gamification.my_achievements(done.client.principal)
    no_show = await use_cases.gamification.my_achievements(done.no_show.principal)
    assert worker.achievements.xp == SHIFT + FIVE_STARS
    assert worker.achievements.five_star_reviews == 1
    assert client.achievements.xp == FIVE_STARS
    assert no_show.achievements.xp == 0


async def test_consecutive_weeks_make_a_streak(
    accounts: Accounts, market: Market, use_cases: UseCases, relay: Relay, clock: FakeClock
) -> None:
    client, worker = await accounts.client(), await accounts.applicant()
    for week in range(3):
        day = DAY + timedelta(weeks=week)
        clock.set(datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC))
        job = await market.funded_job(client, start_date=day, end_date=day)
        application = await use_cases.applications.apply(worker.principal, job.id)
        await use_cases.applications.accept(client.principal, application.id)
        await use_cases.jobs.start_shift(client.principal, job.id)
        await use_cases.jobs.end_shift(client.principal, job.id)
    await relay.deliver()
    await relay.deliver(again=True)
    mine = (await use_cases.gamification.my_achievements(worker.principal)).achievements
    assert (mine.current_streak, mine.best_streak) == (3, 3)
    assert mine.xp == 3 * SHIFT + 2 * STREAK


async def test_shift_count_and_perfect_reliability_badges(deps: Deps, use_cases: UseCases) -> None:
    handlers = use_cases.gamification_handlers
    for event_id in range(1, 51):  # one shift after another, as they happen
        [event] = await completed_shifts(deps, 7, 1)
        await handlers.handle(event_id, event)
    async with deps.uow() as uow:
        badges = [a.badge for a in await uow.awards.list_for_user(7, badges_only=True)]
        achievements = await uow.achievements.find(7)
    assert badges == [
        Badge.FIRST_SHIFT,
        Badge.TEN_SHIFTS,
        Badge.PERFECT_RELIABILITY,
        Badge.FIFTY_SHIFTS,
    ]
    assert achievements is not None
    assert achievements.shifts_completed == 50


async def test_top_rated_needs_ten_reviews_averaging_four_point_eight(
    deps: Deps, use_cases: UseCases
) -> None:
    async with deps.uow() as uow:
        await uow.rating_summaries.add(RatingSummary(id=8, stars=(0, 0, 0, 2, 7)))
        await uow.rating_summaries.add(RatingSummary(id=9, stars=(0, 0, 0, 2, 8)))
        await uow.commit()
    now = deps.clock.now()
    for event_id, user_id in ((1, 8), (2, 9)):
        event = ReviewReceived(
            occurred_at=now,
            review_id=50 + user_id,
            job_id=1,
            reviewer_id=3,
            reviewee_id=user_id,
            rating=4,
        )
        await use_cases.gamification_handlers.handle(event_id, event)
    async with deps.uow() as uow:
        nine = await uow.awards.list_for_user(8, badges_only=True)
        ten = await uow.awards.list_for_user(9, badges_only=True)
    assert nine == []  # 9 reviews: not yet
    assert [a.badge for a in ten] == [Badge.TOP_RATED]  # 10 reviews averaging 4.8


async def test_leaderboards_rank_and_come_back_in_the_same_order_when_lost(
    deps: Deps, use_cases: UseCases, boards: MemoryLeaderboard, clock: FakeClock
) -> None:
    handlers = use_cases.gamification_handlers
    shifts = {11: 3, 12: 1, 13: 3, 14: 2}
    event_id = 1
    for worker_id, count in shifts.items():
        for event in await completed_shifts(deps, worker_id, count):
            await handlers.handle(event_id, event)
            event_id += 1
    week = use_cases.gamification.weekly
    weekly = await week()
    all_time = await use_cases.gamification.all_time()
    expected = [(1, 11, 3 * SHIFT), (2, 13, 3 * SHIFT), (3, 14, 2 * SHIFT), (4, 12, SHIFT)]
    assert [(r, u, p) for r, u, p, _ in all_time.entries] == expected
    assert [(r, u, p) for r, u, p, _ in weekly.entries] == expected
    assert weekly.board == f"week:{week_label(week_start(clock.now(), 'Africa/Lagos'))}"
    # Points committed after the boards were built are added to them.
    for event in await completed_shifts(deps, 12, 3):
        await handlers.handle(event_id, event)
        event_id += 1
    top = (await use_cases.gamification.all_time(limit=2)).entries
    assert [(u, p) for _, u, p, _ in top] == [(12, 4 * SHIFT), (11, 3 * SHIFT)]
    before = await use_cases.gamification.all_time()
    boards.forget()  # Redis flushed, evicted or restarted
    assert await boards.top(ALL_TIME, 10) is None
    assert await use_cases.gamification.all_time() == before
    assert (await week()).entries == before.entries
    clock.advance(timedelta(days=7))
    assert (await week()).entries == ()  # a new week starts empty
    assert (await week(week_of=date(2026, 1, 7))).entries == before.entries
    with pytest.raises(InvalidInput):
        await use_cases.gamification.all_time(limit=0)


def test_level_curve() -> None:
    assert [level_cost(n) for n in (1, 2, 3, 4)] == [100, 120, 144, 173]
    assert Level.of(0) == Level(level=1, xp_into_level=0, xp_for_next=100)
    assert Level.of(99).level == 1
    assert Level.of(100) == Level(level=2, xp_into_level=0, xp_for_next=120)
    assert Level.of(219) == Level(level=2, xp_into_level=119, xp_for_next=120)
    assert Level.of(220).level == 3
    with pytest.raises(InvalidInput):
        level_cost(0)


@given(st.integers(min_value=0, max_value=10**7))
def test_a_level_starts_at_the_sum_of_the_costs_before_it(xp: int) -> None:
    level = Level.of(xp)
    start = sum(level_cost(n) for n in range(1, level.level))
    assert xp - level.xp_into_level == start
    assert 0 <= level.xp_into_level < level.xp_for_next == level_cost(level.level)
    assert level_cost(level.level) == round(100 * 1.2 ** (level.level - 1) + 1e-9)


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=20))
def test_streak_counts_runs_of_consecutive_weeks(weeks: list[int]) -> None:
    achievements = Achievements.empty(1)
    monday = date(2026, 1, 5)
    seen: list[int] = []
    for week in weeks:
        achievements.worked_in_week(monday + timedelta(weeks=week))
        if not seen or week > seen[-1]:
            seen.append(week)
    run = 1
    for a, b in itertools.pairwise(seen):
        run = run + 1 if b == a + 1 else 1
    assert achievements.current_streak == run
    assert achievements.best_streak >= achievements.current_streak


@given(st.lists(st.integers(min_value=0, max_value=5), max_size=15))
def test_any_order_of_deliveries_with_repeats_pays_each_fact_once(deliveries: list[int]) -> None:
    """Redelivered, reordered events (an at-least-once relay) pay each shift exactly once."""

    async def play() -> tuple[int, int, int]:
        deps = memory_deps()
        handlers = build_use_cases(deps).gamification_handlers
        events = await completed_shifts(deps, 5, 6)
        for index in deliveries:
            await handlers.handle(100 + index, events[index])
        async with deps.uow() as uow:
            achievements = (await uow.achievements.get_many([5]))[5]
            awards = await uow.awards.list_for_user(5)
        return achievements.xp, achievements.shifts_completed, len(awards)

    xp, shifts, awards = asyncio.run(play())
    worked = len(set(deliveries))
    assert (xp, shifts) == (worked * SHIFT, worked)
    assert awards == worked + (1 if worked else 0)  # and the first-shift badge, once
