"""Reading payments back: a job's payment intents and a user's own (DOMAIN.md Payments).

Who may read what:

- a job's payments: its client, or an admin. The job must be visible to the caller (a
  ``pending`` job exists only for its client: anyone else gets ``NotFound``); a public job's
  payments are still its client's business (``PermissionDenied``, ``not_owner``);
- a user's payments: only that user, always the principal (no user id is taken from the
  request).

Pages are newest first by ``(created_at, id)``, one indexed statement each.
"""

from __future__ import annotations

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.marketplace_access import owned_job
from paeshift_core.application.pagination import (
    MAX_LIMIT,
    Page,
    PageRequest,
    by_created,
    page_of,
)
from paeshift_core.domain.payments import FundingOutcome, PaymentIntent


class PaymentHistoryUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def for_job(
        self, principal: Principal, job_id: int, request: PageRequest
    ) -> Page[PaymentIntent]:
        """A job's payment attempts, newest first (its client or an admin)."""
        async with self._deps.uow(read_only=True) as uow:
            await owned_job(uow, principal, job_id, or_admin=True)
            rows = await uow.payment_intents.page_for_job(
                job_id, after=request.after_key, limit=request.fetch
            )
        return page_of(rows, request, by_created)

    async def job_payment(self, principal: Principal, job_id: int) -> PaymentIntent | None:
        """The payment a job's client sees on the job (None before any checkout): the one
        that funded the escrow if there is one, else the newest attempt.

        Every intent of a job is created while the job is ``pending`` (``start_checkout``
        refuses a funded job), so the funding one is among the newest :data:`MAX_LIMIT`
        unless a client abandoned more checkouts than that, when the newest is shown."""
        page = await self.for_job(principal, job_id, PageRequest(limit=MAX_LIMIT))
        funded = [i for i in page.items if i.outcome is FundingOutcome.ESCROW]
        shown = funded or page.items
        return shown[0] if shown else None

    async def mine(self, principal: Principal, request: PageRequest) -> Page[PaymentIntent]:
        """The caller's own payments (as payer), newest first."""
        async with self._deps.uow(read_only=True) as uow:
            rows = await uow.payment_intents.page_for_payer(
                principal.user_id, after=request.after_key, limit=request.fetch
            )
        return page_of(rows, request, by_created)
