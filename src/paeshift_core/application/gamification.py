"""Gamification: awards from domain events, achievements and leaderboards
(DOMAIN.md Gamification; the rules and point values are in ``domain/gamification.py``).

Event handlers: the outbox relay calls :meth:`GamificationHandlers.handle` with
``(event_id, event)`` for every committed event after the transaction that recorded it
(events it does not know are ignored). Each handling runs in a new unit of work; awards are
keyed by the fact they pay for and unique per user, so an event delivered twice (or two
deliveries racing) never pays twice: the second finds the keys taken, or loses the unique
INSERT and is re-run, then finds them. Handled events: ``ShiftWorked`` (shift points, weekly
streak, shift-count and perfect-reliability badges), ``WorkerCheckedIn`` (on-time points),
``ReviewReceived`` / ``ReviewEdited`` (five-star points, top-rated badge).

Leaderboards: the database holds the truth (awards and achievements); the :class:`Leaderboard`
port holds ranked copies (Redis sorted sets in production, in process otherwise). After a
handler commits, its points are added to the all-time board and to the board of the award's
week (ISO week in the platform's timezone). A board that is missing (never built, flushed,
evicted) is rebuilt from SQL when read, in the same order. Points committed while a board is
being rebuilt, or by a process that died before updating Redis, may be missing from the copy
until it is rebuilt; the Redis adapter lets every board's copy expire so it is rebuilt
regularly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, timedelta

from attrs import frozen

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.retries import retry_on_race
from paeshift_core.domain.applications import ApplicationStatus
from paeshift_core.domain.errors import InvalidInput
from paeshift_core.domain.events import DomainEvent
from paeshift_core.domain.gamification import (
    CHECK_IN_GRACE,
    PERFECT_RELIABILITY_MIN_SHIFTS,
    POINTS,
    SHIFT_BADGES,
    TOP_RATED_MIN_REVIEWS,
    TOP_RATED_MIN_TENTHS,
    Achievements,
    Award,
    AwardKind,
    Badge,
    Level,
    badge_key,
    week_bounds,
    week_label,
    week_start,
)
from paeshift_core.domain.marketplace_events import ShiftWorked, WorkerCheckedIn
from paeshift_core.domain.reviews import ReviewEdited, ReviewEvent, ReviewReceived
from paeshift_core.ports.gamification import (
    ALL_TIME,
    Leaderboard,
    Standings,
    ranked,
    weekly_board,
)
from paeshift_core.ports.outbox import OutboxEvent
from paeshift_core.ports.unit_of_work import UnitOfWork

#: The events :meth:`GamificationHandlers.handle` acts on (others are ignored).
HANDLED_EVENTS: tuple[type[DomainEvent], ...] = (
    ShiftWorked,
    WorkerCheckedIn,
    ReviewReceived,
    ReviewEdited,
)


@frozen
class Candidate:
    """An award a handler would pay, unless the user already has its key."""

    key: str
    kind: AwardKind
    points: int


def _points(key: str, kind: AwardKind) -> Candidate:
    return Candidate(key=key, kind=kind, points=POINTS[kind])


def _badge(badge: Badge) -> Candidate:
    return _points(badge_key(badge), AwardKind.BADGE)


class _Awarding:
    """One handling's unit of work: the user's achievements and taken keys, new awards."""

    def __init__(
        self, uow: UnitOfWork, deps: Deps, event_id: int, event: DomainEvent, user_id: int
    ) -> None:
        self.uow = uow
        self._deps = deps
        self._event_id = event_id
        self.event = event
        self.user_id = user_id
        self.taken: set[str] = set()
        self.new: list[Award] = []
        self.achievements = Achievements.empty(user_id)

    async def load(self, keys: Sequence[str]) -> None:
        found = await self.uow.achievements.find(self.user_id, for_update=True)
        if found is None:
            await self.uow.achievements.add(self.achievements)
        else:
            self.achievements = found
        self.taken = await self.uow.awards.existing_keys(self.user_id, keys)

    async def pay(self, candidate: Candidate) -> bool:
        """Pay the candidate unless its key is taken; True when paid now."""
        if candidate.key in self.taken:
            return False
        award = Award(
            id=self._deps.ids.next_id(),
            user_id=self.user_id,
            key=candidate.key,
            kind=candidate.kind,
            points=candidate.points,
            event_id=self._event_id,
            awarded_at=self.event.occurred_at,
        )
        await self.uow.awards.add(award)
        self.achievements.gain(award)
        self.taken.add(candidate.key)
        self.new.append(award)
        return True


def _top_rated(count: int, total: int) -> bool:
    return count >= TOP_RATED_MIN_REVIEWS and total * 10 >= TOP_RATED_MIN_TENTHS * count


class GamificationHandlers:
    """Event handlers the outbox relay calls with ``(event_id, event)``."""

    def __init__(self, deps: Deps, leaderboard: Leaderboard) -> None:
        self._deps = deps
        self._leaderboard = leaderboard

    async def handle(self, event_id: int, event: DomainEvent) -> list[Award]:
        """Award what ``event`` earns; returns the awards paid now (none on a redelivery)."""
        if isinstance(event, ShiftWorked):
            return await self._run(event_id, event, event.applicant_id, self._shift_worked)
        if isinstance(event, WorkerCheckedIn):
            return await self._run(event_id, event, event.applicant_id, self._checked_in)
        if isinstance(event, ReviewEvent):
            return await self._run(event_id, event, event.reviewee_id, self._reviewed)
        return []

    async def _run(
        self,
        event_id: int,
        event: DomainEvent,
        user_id: int,
        rule: Callable[[_Awarding], Awaitable[None]],
    ) -> list[Award]:
        async def attempt() -> list[Award]:
            async with self._deps.uow() as uow:
                awarding = _Awarding(uow, self._deps, event_id, event, user_id)
                await rule(awarding)
                if not awarding.new:
                    return []
                await uow.commit()
                return awarding.new

        paid = await retry_on_race(attempt)
        await self._publish(paid)
        return paid

    async def _publish(self, awards: list[Award]) -> None:
        """Add committed points to the boards (a lost update is healed by a rebuild)."""
        timezone = self._deps.policy.timezone
        for award in awards:
            if award.points <= 0:
                continue
            week = weekly_board(week_label(week_start(award.awarded_at, timezone)))
            await self._leaderboard.add_points(ALL_TIME, award.user_id, award.points)
            await self._leaderboard.add_points(week, award.user_id, award.points)

    async def _shift_worked(self, awarding: _Awarding) -> None:
        event = awarding.event
        assert isinstance(event, ShiftWorked)
        uow = awarding.uow
        application = await uow.applications.get(event.application_id)
        if application.status is not ApplicationStatus.COMPLETED:
            return
        monday = week_start(event.occurred_at, self._deps.policy.timezone)
        shift = _points(f"shift:{event.application_id}", AwardKind.SHIFT_COMPLETED)
        streak = _points(f"streak:{week_label(monday)}", AwardKind.STREAK)
        badges = [_badge(b) for b, _ in SHIFT_BADGES] + [_badge(Badge.PERFECT_RELIABILITY)]
        await awarding.load([shift.key, streak.key, *(b.key for b in badges)])
        if not await awarding.pay(shift):
            return  # this shift was counted before: a redelivery
        achievements = awarding.achievements
        if achievements.worked_in_week(monday):
            await awarding.pay(streak)
        for badge, shifts in SHIFT_BADGES:
            if achievements.shifts_completed >= shifts:
                await awarding.pay(_badge(badge))
        reliability = (await uow.applications.reliability_of([awarding.user_id]))[awarding.user_id]
        if (
            reliability.completed >= PERFECT_RELIABILITY_MIN_SHIFTS
            and reliability.basis == reliability.completed
        ):
            await awarding.pay(_badge(Badge.PERFECT_RELIABILITY))

    async def _checked_in(self, awarding: _Awarding) -> None:
        event = awarding.event
        assert isinstance(event, WorkerCheckedIn)
        if event.flagged:
            return
        job = await awarding.uow.jobs.get(event.job_id)
        starts_at = job.schedule.starts_at
        earliest = starts_at - self._deps.policy.start_lead
        if not earliest <= event.occurred_at <= starts_at + CHECK_IN_GRACE:
            return
        on_time = _points(f"check_in:{event.application_id}", AwardKind.ON_TIME_CHECK_IN)
        await awarding.load([on_time.key])
        await awarding.pay(on_time)

    async def _reviewed(self, awarding: _Awarding) -> None:
        event = awarding.event
        assert isinstance(event, ReviewEvent)
        five_star = _points(f"five_star:{event.review_id}", AwardKind.FIVE_STAR_REVIEW)
        top_rated = _badge(Badge.TOP_RATED)
        await awarding.load([five_star.key, top_rated.key])
        if event.rating == 5:
            await awarding.pay(five_star)
        summary = (await awarding.uow.rating_summaries.get_many([awarding.user_id]))[
            awarding.user_id
        ]
        if _top_rated(summary.count, summary.total):
            await awarding.pay(top_rated)


class GamificationOutboxHandler:
    """:class:`GamificationHandlers` in the shape the outbox relay registers
    (``name`` + ``handle(OutboxEvent)``, see ``outbox_relay.EventHandler``)."""

    name = "gamification"

    def __init__(self, handlers: GamificationHandlers) -> None:
        self._handlers = handlers

    async def handle(self, delivered: OutboxEvent) -> None:
        await self._handlers.handle(delivered.event_id, delivered.event)


@frozen
class MyAchievements:
    """What ``GET /me/achievements`` shows."""

    achievements: Achievements
    level: Level
    badges: tuple[Award, ...]


@frozen
class Ranking:
    """One leaderboard's top: ``(rank, user_id, points, display name)``."""

    board: str
    entries: tuple[tuple[int, int, int, str | None], ...]


class GamificationUseCases:
    """Reads: my achievements, the weekly and all-time leaderboards."""

    def __init__(self, deps: Deps, leaderboard: Leaderboard) -> None:
        self._deps = deps
        self._leaderboard = leaderboard

    async def my_achievements(self, principal: Principal) -> MyAchievements:
        async with self._deps.uow(read_only=True) as uow:
            found = await uow.achievements.get_many([principal.user_id])
            badges = await uow.awards.list_for_user(principal.user_id, badges_only=True)
        achievements = found[principal.user_id]
        return MyAchievements(
            achievements=achievements, level=achievements.level, badges=tuple(badges)
        )

    async def weekly(self, limit: int = 20, *, week_of: date | None = None) -> Ranking:
        """The board of the current ISO week (or of the week holding ``week_of``)."""
        timezone = self._deps.policy.timezone
        if week_of is None:
            monday = week_start(self._deps.clock.now(), timezone)
        else:
            monday = week_of - timedelta(days=week_of.weekday())
        start, end = week_bounds(monday, timezone)

        async def source(uow: UnitOfWork) -> dict[int, int]:
            return await uow.awards.points_between(start, end)

        return await self._board(weekly_board(week_label(monday)), limit, source)

    async def all_time(self, limit: int = 20) -> Ranking:
        async def source(uow: UnitOfWork) -> dict[int, int]:
            return await uow.achievements.all_xp()

        return await self._board(ALL_TIME, limit, source)

    async def _board(
        self,
        board: str,
        limit: int,
        source: Callable[[UnitOfWork], Awaitable[dict[int, int]]],
    ) -> Ranking:
        if not 1 <= limit <= 100:
            raise InvalidInput("limit", "must be between 1 and 100")
        standings: Standings | None = await self._leaderboard.top(board, limit)
        async with self._deps.uow(read_only=True) as uow:
            if standings is None:
                scores = await source(uow)
                await self._leaderboard.replace(board, scores)
                standings = ranked(scores, limit)
            users = await uow.users.get_many([user_id for user_id, _ in standings])
        entries = tuple(
            (
                rank,
                user_id,
                points,
                users[user_id].full_name if user_id in users else None,
            )
            for rank, (user_id, points) in enumerate(standings, start=1)
        )
        return Ranking(board=board, entries=entries)
