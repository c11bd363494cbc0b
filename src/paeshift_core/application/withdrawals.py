"""Withdrawals from a wallet to the saved payout account (DOMAIN.md Payments: Withdrawals).

A request moves the amount ``wallet → payouts`` and records the withdrawal in one unit of
work; only then is the provider asked to transfer (no network inside a unit of work). The
provider's answer — at once, by a later check or by webhook — ends it once: paid moves
``payouts → gateway``, failed returns ``payouts → wallet``. Limits: at least
``withdrawal_minimum``, at most ``withdrawals_per_day`` requests and
``withdrawal_daily_amount`` per day (the platform's local day), failed ones not counted; and
a rate limit, :data:`WITHDRAWALS_PER_USER` requests an hour whatever their outcome.
Two concurrent requests both debit the wallet's balance row, so they cannot both spend it,
and a request locks its user's row before counting the day's requests, so concurrent requests
of one user cannot together exceed the daily limits.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.funding import require_gateway
from paeshift_core.application.retries import retry_on_conflict
from paeshift_core.domain.errors import InvalidInput, NotFound, RuleViolation, Unavailable
from paeshift_core.domain.ledger import (
    PLATFORM_GATEWAY,
    PLATFORM_PAYOUTS,
    TransactionKind,
    transfer,
    wallet_account,
)
from paeshift_core.domain.money import Money
from paeshift_core.domain.payments import Withdrawal, WithdrawalStatus
from paeshift_core.domain.users import Role
from paeshift_core.ports.payments import TransferResult, TransferStatus
from paeshift_core.ports.rate_limit import Limit

#: Withdrawal requests per user per hour, whatever their outcome: failed transfers do not
#: count against ``withdrawals_per_day``, so this bounds the provider calls a script can cause.
WITHDRAWALS_PER_USER = Limit("withdraw:user", 10, 60 * 60)
#: How many in-flight payouts one run of the periodic check asks about.
PAYOUT_BATCH = 100


def withdrawal_reference(withdrawal_id: int) -> str:
    return f"psh-out-{withdrawal_id}"


class WithdrawalUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    def _start_of_day(self, now: datetime) -> datetime:
        zone = ZoneInfo(self._deps.policy.timezone)
        return datetime.combine(now.astimezone(zone).date(), time(0), zone)

    async def request(self, principal: Principal, amount: Money) -> Withdrawal:
        """Request a payout of ``amount``; returns the withdrawal after the provider's answer
        (``paid``/``failed``), or ``requested``/``processing`` while it is pending.

        Requests past the amount checks count against :data:`WITHDRAWALS_PER_USER` before the
        unit of work. This takes no idempotency key: an HTTP ``Idempotency-Key`` replay gets
        the stored response without calling it, so replays are not counted."""
        policy = self._deps.policy
        gateway = require_gateway(self._deps)
        if amount.amount <= 0:
            raise InvalidInput("amount", "must be positive")
        if amount < policy.withdrawal_minimum:
            raise RuleViolation(
                f"the minimum withdrawal is {policy.withdrawal_minimum}", code="below_minimum"
            )
        await self._deps.rate_limiter.hit(WITHDRAWALS_PER_USER, str(principal.user_id))
        async with self._deps.uow() as uow:
            # The user's row is locked before the daily limits are counted, so one user's
            # concurrent requests take turns and each counts the ones committed before it.
            user = await uow.users.get(principal.user_id, for_update=True)
            if user.payout_account is None:
                raise RuleViolation(
                    "save a payout bank account before withdrawing", code="no_payout_account"
                )
            now = self._deps.clock.now()
            today = [
                w
                for w in await uow.withdrawals.list_for_user_since(user.id, self._start_of_day(now))
                if w.status is not WithdrawalStatus.FAILED
            ]
            if len(today) >= policy.withdrawals_per_day:
                raise RuleViolation(
                    f"at most {policy.withdrawals_per_day} withdrawals a day",
                    code="daily_count_limit",
                )
            spent = sum((w.amount for w in today), Money.zero(amount.currency))
            if policy.withdrawal_daily_amount < spent + amount:
                raise RuleViolation(
                    f"at most {policy.withdrawal_daily_amount} a day; {spent} already requested",
                    code="daily_amount_limit",
                )
            withdrawal_id = self._deps.ids.next_id()
            withdrawal = Withdrawal(
                id=withdrawal_id,
                user_id=user.id,
                amount=amount,
                payout_account=user.payout_account,
                reference=withdrawal_reference(withdrawal_id),
                created_at=now,
                updated_at=now,
            )
            tx = transfer(
                key=f"withdrawal:{withdrawal_id}:request",
                kind=TransactionKind.WITHDRAWAL_REQUEST,
                subject=str(withdrawal_id),
                posted_at=now,
                source=wallet_account(user.id),
                credits=[(PLATFORM_PAYOUTS, amount)],
            )
            assert tx is not None
            await uow.ledger.post(tx)
            withdrawal.requested(now)
            await uow.withdrawals.add(withdrawal)
            await uow.commit()
        try:
            result = await gateway.transfer(
                withdrawal.reference, amount, withdrawal.payout_account, "Paeshift withdrawal"
            )
        except Unavailable:
            # The money waits safely in payouts; the periodic check asks the provider later
            # (the transfer may or may not have been created: only the provider knows).
            return withdrawal
        return await retry_on_conflict(partial(self._apply, withdrawal.id, result))

    async def refresh_unfinished(self, older_than: timedelta = timedelta(minutes=5)) -> int:
        """Periodic task: ask the provider about payouts still in flight; returns how many
        ended. A payout the provider cannot be asked about now stays for the next run."""
        cutoff = self._deps.clock.now() - older_than
        async with self._deps.uow() as uow:
            pending = await uow.withdrawals.list_unfinished(
                created_before=cutoff, limit=PAYOUT_BATCH
            )
        ended = 0
        for withdrawal in pending:
            try:
                if (await self.refresh(withdrawal.reference)).is_final:
                    ended += 1
            except Unavailable:
                continue
        return ended

    async def refresh(self, reference: str) -> Withdrawal:
        """Ask the provider about a pending payout (webhook hint or periodic check)."""
        gateway = require_gateway(self._deps)
        async with self._deps.uow() as uow:
            withdrawal = await uow.withdrawals.find_by_reference(reference)
        if withdrawal is None:
            raise NotFound(f"withdrawal {reference} not found", code="unknown_reference")
        if withdrawal.is_final:
            return withdrawal
        result = await gateway.verify_transfer(reference)
        return await retry_on_conflict(partial(self._apply, withdrawal.id, result))

    async def _apply(self, withdrawal_id: int, result: TransferResult) -> Withdrawal:
        """Record the provider's answer once: paid, failed (money back) or processing."""
        async with self._deps.uow() as uow:
            withdrawal = await uow.withdrawals.get(withdrawal_id, for_update=True)
            if withdrawal.is_final:
                return withdrawal
            now = self._deps.clock.now()
            if result.status is TransferStatus.PROCESSING:
                if withdrawal.status is WithdrawalStatus.PROCESSING:
                    return withdrawal
                withdrawal.processing(result.provider_reference, now)
            else:
                paid = result.status is TransferStatus.PAID
                destination = PLATFORM_GATEWAY if paid else wallet_account(withdrawal.user_id)
                tx = transfer(
                    key=f"withdrawal:{withdrawal.id}:outcome",
                    kind=(
                        TransactionKind.WITHDRAWAL_PAID
                        if paid
                        else TransactionKind.WITHDRAWAL_FAILED
                    ),
                    subject=str(withdrawal.id),
                    posted_at=now,
                    source=PLATFORM_PAYOUTS,
                    credits=[(destination, withdrawal.amount)],
                )
                assert tx is not None
                await uow.ledger.post(tx)
                if paid:
                    withdrawal.paid(result.provider_reference, now)
                else:
                    withdrawal.failed(result.summary or "the transfer failed", now)
            await uow.commit()
            return withdrawal

    async def list_mine(self, principal: Principal) -> list[Withdrawal]:
        async with self._deps.uow(read_only=True) as uow:
            found = await uow.withdrawals.list_for_user_since(
                principal.user_id, datetime.min.replace(tzinfo=ZoneInfo("UTC"))
            )
        return sorted(found, key=lambda w: (w.created_at, w.id), reverse=True)

    async def get(self, principal: Principal, withdrawal_id: int) -> Withdrawal:
        async with self._deps.uow(read_only=True) as uow:
            withdrawal = await uow.withdrawals.get(withdrawal_id)
        if withdrawal.user_id != principal.user_id and principal.role is not Role.ADMIN:
            raise NotFound(f"withdrawal {withdrawal_id} not found")
        return withdrawal
