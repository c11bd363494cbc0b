"""Provider webhooks (DOMAIN.md Payments): authenticate, then treat as a hint.

The gateway adapter authenticates the raw request (``Unauthenticated`` on a missing or wrong
signature, before anything is read or changed). An authentic event only names a reference:
a checkout is confirmed through :meth:`FundingUseCases.confirm` and a payout through
:meth:`WithdrawalUseCases.refresh`, both of which ask the provider again and apply the
answer at most once, so the same event delivered many times, or racing the browser's return,
moves money once. A reference we do not know is acknowledged and ignored (the provider would
otherwise retry it for days).
"""

from __future__ import annotations

from collections.abc import Mapping

from paeshift_core.application.context import Deps
from paeshift_core.application.funding import FundingUseCases, require_gateway
from paeshift_core.application.withdrawals import WithdrawalUseCases
from paeshift_core.domain.errors import NotFound
from paeshift_core.domain.payments import PaymentIntent, Withdrawal
from paeshift_core.ports.payments import WebhookKind


class PaymentWebhooks:
    def __init__(
        self, deps: Deps, funding: FundingUseCases, withdrawals: WithdrawalUseCases
    ) -> None:
        self._deps = deps
        self._funding = funding
        self._withdrawals = withdrawals

    async def handle(
        self, headers: Mapping[str, str], raw_body: bytes
    ) -> PaymentIntent | Withdrawal | None:
        """What the event changed (or found already final); ``None`` when there was nothing
        for us in it."""
        event = require_gateway(self._deps).parse_webhook(headers, raw_body)
        if event is None:
            return None
        try:
            if event.kind is WebhookKind.PAYMENT:
                return await self._funding.confirm(event.reference)
            return await self._withdrawals.refresh(event.reference)
        except NotFound:
            return None
