"""Platform feedback: users send it, admins list and resolve it (issue 8, item 6).

Any signed-in user may send feedback, at most :data:`FEEDBACK_PER_HOUR` a user per hour (a
rate limit, so a script cannot flood the admins' queue). Only admins list and resolve it.
"""

from __future__ import annotations

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.marketplace_access import require_admin
from paeshift_core.application.pagination import Page, PageRequest, by_created, page_of
from paeshift_core.domain.feedback import Feedback, FeedbackCategory, FeedbackStatus
from paeshift_core.ports.rate_limit import Limit

FEEDBACK_PER_HOUR = Limit("feedback:user", 5, 3600)


class FeedbackUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def send(
        self,
        principal: Principal,
        category: FeedbackCategory | str,
        message: str,
        rating: int,
    ) -> Feedback:
        feedback = Feedback(
            id=self._deps.ids.next_id(),
            user_id=principal.user_id,
            category=category,
            message=message,
            rating=rating,
            created_at=self._deps.clock.now(),
        )
        await self._deps.rate_limiter.hit(FEEDBACK_PER_HOUR, str(principal.user_id))
        async with self._deps.uow() as uow:
            await uow.feedback.add(feedback)
            await uow.commit()
        return feedback

    async def list(
        self, principal: Principal, request: PageRequest, *, status: FeedbackStatus | None = None
    ) -> Page[Feedback]:
        require_admin(principal, "handle feedback")
        async with self._deps.uow(read_only=True) as uow:
            rows = await uow.feedback.page(
                status=status, after=request.after_key, limit=request.fetch
            )
        return page_of(rows, request, by_created)

    async def resolve(self, principal: Principal, feedback_id: int, note: str = "") -> Feedback:
        require_admin(principal, "handle feedback")
        async with self._deps.uow() as uow:
            feedback = await uow.feedback.get(feedback_id, for_update=True)
            feedback.resolve(principal.user_id, note, self._deps.clock.now())
            await uow.commit()
            return feedback
