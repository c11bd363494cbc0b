"""Ports of gamification: awards, per-user achievements and the leaderboards
(DOMAIN.md Gamification)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from paeshift_core.domain.gamification import Achievements, Award

#: The all-time board's name; weekly boards are ``week:<ISO week>`` (``week:2026-W02``).
ALL_TIME = "all-time"

#: ``(user_id, points)`` best first: points descending, then user id ascending.
Standings = list[tuple[int, int]]


def weekly_board(week_label: str) -> str:
    return f"week:{week_label}"


def ranked(scores: Mapping[int, int], limit: int) -> Standings:
    """The one ordering of every board (memory, Redis, SQL rebuild): points desc, id asc;
    users without points are not on a board."""
    best = sorted(((u, p) for u, p in scores.items() if p > 0), key=lambda s: (-s[1], s[0]))
    return best[:limit]


class AwardRepository(Protocol):
    """Awards; ``(user_id, key)`` is unique (a database constraint)."""

    async def add(self, award: Award) -> None: ...

    async def existing_keys(self, user_id: int, keys: Collection[str]) -> set[str]:
        """Which of ``keys`` the user was already awarded (one statement)."""
        ...

    async def list_for_user(self, user_id: int, *, badges_only: bool = False) -> list[Award]:
        """A user's awards oldest first (index awards(user_id, awarded_at))."""
        ...

    async def points_between(self, start: datetime, end: datetime) -> dict[int, int]:
        """Points per user of awards in ``[start, end)``: a weekly board's source of truth
        (index awards(awarded_at))."""
        ...


class AchievementsRepository(Protocol):
    """One row per user who earned anything (its ``id`` is the user's id)."""

    async def add(self, achievements: Achievements) -> None: ...

    async def find(self, user_id: int, *, for_update: bool = False) -> Achievements | None: ...

    async def get_many(self, user_ids: Sequence[int]) -> dict[int, Achievements]:
        """Achievements for every id asked for (empty for users without any)."""
        ...

    async def all_xp(self) -> dict[int, int]:
        """XP of every user with some: the all-time board's source of truth."""
        ...


class Leaderboard(Protocol):
    """Ranked boards kept outside the database (Redis sorted sets, or in process).

    A board is a copy of what the database says, so it may be lost at any time (flush,
    eviction, restart): ``top`` then answers None and the caller rebuilds it from SQL with
    ``replace``. ``add_points`` only changes a board that exists (a lost board is rebuilt
    from SQL, which already holds those points). Adapters never raise for infrastructure
    trouble: a board they cannot reach reads as lost and writes are dropped.
    """

    async def top(self, board: str, limit: int) -> Standings | None: ...

    async def replace(self, board: str, scores: Mapping[int, int]) -> None: ...

    async def add_points(self, board: str, user_id: int, points: int) -> None: ...
