"""Points, levels, badges and streaks (DOMAIN.md Gamification).

Points (XP) are awarded from domain events after commit:

- a completed shift (``ShiftWorked``): :data:`POINTS` ``shift_completed``;
- an on-time check-in: checked in within ``start_lead`` (2 h) before the shift's scheduled
  start and at most :data:`CHECK_IN_GRACE` after it, and not flagged as far from the job;
- a five-star review received (once per review, also when an edit makes it five stars; points
  are never taken back);
- a streak week: a completed shift in an ISO week right after another week with one (weeks
  in the platform's timezone); the streak is the run of such consecutive weeks.

Badges: first shift, 10 shifts, 50 shifts, top rated (≥ 10 reviews averaging ≥ 4.8), perfect
reliability (≥ 20 completed shifts with no no-show and no late withdrawal). A badge, once
earned, is kept.

Every award is an :class:`Award` row whose ``key`` names the fact it pays for (``shift:<app>``,
``five_star:<review>``, ``streak:<week>``, ``badge:<name>``) and is unique per user, so an event
delivered twice, or two events about the same fact, never pays twice. :class:`Achievements` is
the per-user summary (XP, counters, streak), updated in the same transaction as the awards.

Levels: level 1 starts at 0 XP and level ``n`` needs ``100 × 1.2^(n−1)`` XP (rounded half-up
to a whole point) to complete, so level 2 starts at 100 XP, level 3 at 220, level 4 at 364.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from attrs import define, field, frozen

from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.errors import InvalidInput


class AwardKind(enum.StrEnum):
    SHIFT_COMPLETED = "shift_completed"
    ON_TIME_CHECK_IN = "on_time_check_in"
    FIVE_STAR_REVIEW = "five_star_review"
    STREAK = "streak"
    BADGE = "badge"


POINTS: dict[AwardKind, int] = {
    AwardKind.SHIFT_COMPLETED: 50,
    AwardKind.ON_TIME_CHECK_IN: 10,
    AwardKind.FIVE_STAR_REVIEW: 20,
    AwardKind.STREAK: 30,
    AwardKind.BADGE: 0,
}

#: A check-in this long after the scheduled start still counts as on time.
CHECK_IN_GRACE = timedelta(minutes=5)


class Badge(enum.StrEnum):
    FIRST_SHIFT = "first_shift"
    TEN_SHIFTS = "ten_shifts"
    FIFTY_SHIFTS = "fifty_shifts"
    TOP_RATED = "top_rated"
    PERFECT_RELIABILITY = "perfect_reliability"


#: Shift-count badges and the completed shifts they need.
SHIFT_BADGES: tuple[tuple[Badge, int], ...] = (
    (Badge.FIRST_SHIFT, 1),
    (Badge.TEN_SHIFTS, 10),
    (Badge.FIFTY_SHIFTS, 50),
)
TOP_RATED_MIN_REVIEWS = 10
#: 4.8 stars as tenths: ``total × 10 ≥ 48 × count``.
TOP_RATED_MIN_TENTHS = 48
PERFECT_RELIABILITY_MIN_SHIFTS = 20


def level_cost(level: int) -> int:
    """XP needed to complete ``level``: ``100 × 1.2^(level−1)`` = ``100 × 6^(n−1) / 5^(n−1)``,
    rounded half-up in integer arithmetic (no float drift at high levels)."""
    if level < 1:
        raise InvalidInput("level", "must be at least 1")
    numerator: int = 100 * 6 ** (level - 1)
    denominator: int = 5 ** (level - 1)
    return (2 * numerator + denominator) // (2 * denominator)


@frozen
class Level:
    """Where ``xp`` puts a user: the level, XP earned within it and the XP it needs."""

    level: int
    xp_into_level: int
    xp_for_next: int

    @classmethod
    def of(cls, xp: int) -> Level:
        if xp < 0:
            raise InvalidInput("xp", "cannot be negative")
        level, remaining = 1, xp
        while remaining >= level_cost(level):
            remaining -= level_cost(level)
            level += 1
        return cls(level=level, xp_into_level=remaining, xp_for_next=level_cost(level))


def week_start(moment: datetime, timezone: str) -> date:
    """The Monday of the ISO week ``moment`` falls in, in the platform's timezone."""
    local = moment.astimezone(ZoneInfo(timezone)).date()
    return local - timedelta(days=local.weekday())


def week_label(monday: date) -> str:
    """``2026-W02``: the weekly leaderboard's name."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(monday: date, timezone: str) -> tuple[datetime, datetime]:
    """The instants ``[start, end)`` of the local ISO week starting on ``monday``."""
    zone = ZoneInfo(timezone)
    start = datetime(monday.year, monday.month, monday.day, tzinfo=zone)
    following = monday + timedelta(days=7)
    end = datetime(following.year, following.month, following.day, tzinfo=zone)
    return start, end


def _kind(value: AwardKind | str) -> AwardKind:
    return AwardKind(value)


@define(eq=False, kw_only=True)
class Award(Aggregate):
    """Points (or a badge) paid to a user once for one fact; ``(user_id, key)`` is unique."""

    user_id: int
    key: str
    kind: AwardKind = field(converter=_kind)
    points: int
    #: The outbox event that produced it (for tracing; idempotency is by ``key``).
    event_id: int
    awarded_at: datetime

    @property
    def badge(self) -> Badge | None:
        if self.kind is not AwardKind.BADGE:
            return None
        return Badge(self.key.removeprefix("badge:"))


def badge_key(badge: Badge) -> str:
    return f"badge:{badge.value}"


@define(eq=False, kw_only=True)
class Achievements(Aggregate):
    """One user's totals; ``id`` is the user's id."""

    xp: int = 0
    shifts_completed: int = 0
    on_time_check_ins: int = 0
    five_star_reviews: int = 0
    current_streak: int = 0
    best_streak: int = 0
    #: Monday of the last week with a completed shift (the streak's end).
    last_shift_week: date | None = None

    @classmethod
    def empty(cls, user_id: int) -> Achievements:
        return cls(id=user_id)

    @property
    def level(self) -> Level:
        return Level.of(self.xp)

    def gain(self, award: Award) -> None:
        self.xp += award.points
        if award.kind is AwardKind.SHIFT_COMPLETED:
            self.shifts_completed += 1
        elif award.kind is AwardKind.ON_TIME_CHECK_IN:
            self.on_time_check_ins += 1
        elif award.kind is AwardKind.FIVE_STAR_REVIEW:
            self.five_star_reviews += 1

    def worked_in_week(self, monday: date) -> bool:
        """Extend the weekly streak with a completed shift in the week of ``monday``; True
        when that makes a streak of two or more weeks new this week (a streak award)."""
        last = self.last_shift_week
        if last is not None and monday <= last:
            return False  # same week, or a late event about an earlier week
        if last is not None and monday - last == timedelta(days=7):
            self.current_streak += 1
        else:
            self.current_streak = 1
        self.last_shift_week = monday
        self.best_streak = max(self.best_streak, self.current_streak)
        return self.current_streak >= 2
