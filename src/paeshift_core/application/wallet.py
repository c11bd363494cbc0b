"""The caller's wallet: balance and statement (DOMAIN.md Money: ledger, escrow, wallets).

Read-only: balances come from the ledger (the guarded balance kept with each posting), the
statement from the account's append-only entries, newest first. An entry's position in its
account's history never changes (append-only), so ``(posted_at, sequence)`` is a stable
keyset for cursor pagination, read in SQL one page at a time (``Ledger.statement``).
"""

from __future__ import annotations

from attrs import frozen

from paeshift_core.application.context import Deps, Principal
from paeshift_core.application.pagination import Keyset, Page, PageRequest, page_of
from paeshift_core.domain.ledger import PostedEntry, wallet_account
from paeshift_core.domain.money import Money


@frozen
class WalletSummary:
    user_id: int
    balance: Money


@frozen
class StatementLine:
    """One wallet entry with its position in the account's history (``sequence``: grows
    with posting order and never changes, though not contiguous)."""

    sequence: int
    entry: PostedEntry


class WalletUseCases:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def summary(self, principal: Principal) -> WalletSummary:
        """The caller's own available balance (never anyone else's)."""
        async with self._deps.uow(read_only=True) as uow:
            balance = await uow.ledger.balance(wallet_account(principal.user_id))
        return WalletSummary(user_id=principal.user_id, balance=balance)

    async def statement(self, principal: Principal, page: PageRequest) -> Page[StatementLine]:
        """The caller's wallet entries, newest first: one keyset statement per page."""
        async with self._deps.uow(read_only=True) as uow:
            entries = await uow.ledger.statement(
                wallet_account(principal.user_id), after=page.after_key, limit=page.fetch
            )
        lines = [StatementLine(e.position, e.entry) for e in entries]
        return page_of(lines, page, _position)


def _position(line: StatementLine) -> Keyset:
    return Keyset(line.entry.posted_at, line.sequence)
