"""Port of platform feedback (issue 8, item 6)."""

from __future__ import annotations

from typing import Protocol

from paeshift_core.domain.feedback import Feedback, FeedbackStatus
from paeshift_core.ports.repositories import After


class FeedbackRepository(Protocol):
    async def add(self, feedback: Feedback) -> None: ...

    async def get(self, feedback_id: int, *, for_update: bool = False) -> Feedback: ...

    async def page(
        self, *, status: FeedbackStatus | None, after: After | None, limit: int
    ) -> list[Feedback]:
        """Feedback newest first by ``(created_at, id)`` after ``after``, optionally in one
        status (index feedback(status, created_at, id))."""
        ...
