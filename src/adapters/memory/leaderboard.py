"""In-process leaderboards: the embedded default and the reference for the Redis adapter.

Same semantics as Redis (see the ``Leaderboard`` port): a board exists once replaced, points
are added only to existing boards, and :meth:`MemoryLeaderboard.forget` loses a board the way
a Redis flush would, for tests of the rebuild.
"""

from __future__ import annotations

from collections.abc import Mapping

from paeshift_core.ports.gamification import Standings, ranked


class MemoryLeaderboard:
    def __init__(self) -> None:
        self._boards: dict[str, dict[int, int]] = {}

    async def top(self, board: str, limit: int) -> Standings | None:
        scores = self._boards.get(board)
        return None if scores is None else ranked(scores, limit)

    async def replace(self, board: str, scores: Mapping[int, int]) -> None:
        self._boards[board] = dict(scores)

    async def add_points(self, board: str, user_id: int, points: int) -> None:
        scores = self._boards.get(board)
        if scores is not None:
            scores[user_id] = scores.get(user_id, 0) + points

    def forget(self, board: str | None = None) -> None:
        """Lose one board (or all), as a Redis flush or eviction would."""
        if board is None:
            self._boards.clear()
        else:
            self._boards.pop(board, None)
