"""The memory ledger: postings staged in the memory unit of work, applied on its commit.

Accounts and transactions are stored as rows of the memory store, so the unit of work's
machinery gives the ledger what the SQL adapter gets from PostgreSQL: a posting is applied
with the rest of the unit of work or not at all; every account a posting touches has its
balance row updated, so two units of work debiting one account conflict on its version
instead of both spending the same money; a transaction's row id is derived from its
idempotency key, so two units of work posting the same key cannot both commit.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from attrs import define

from adapters.memory.unit_of_work import MemoryUnitOfWorkBase
from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.ledger import (
    AccountBalance,
    PostedEntry,
    Transaction,
    balances_after,
    repeat_of,
)
from paeshift_core.domain.money import Money
from paeshift_core.ports.ledger import StatementEntry

ACCOUNTS = "ledger_accounts"
TRANSACTIONS = "ledger_transactions"


def row_id(name: str) -> int:
    """An injective integer id for a string key (account name or idempotency key)."""
    return int.from_bytes(name.encode("utf-8"), "big")


@define(eq=False, kw_only=True)
class AccountRow(Aggregate):
    """An account's guarded balance: updated by every posting that touches the account."""

    name: str
    balance: Money

    def __deepcopy__(self, memo: dict[int, object]) -> AccountRow:
        return AccountRow(id=self.id, version=self.version, name=self.name, balance=self.balance)


#: Posting order across every store of the process (only relative order matters).
_SEQUENCE = itertools.count(1)


@define(eq=False, kw_only=True)
class TransactionRow(Aggregate):
    """An append-only posting; its transaction is immutable, so copies share it."""

    transaction: Transaction
    seq: int

    def __deepcopy__(self, memo: dict[int, object]) -> TransactionRow:
        return TransactionRow(
            id=self.id, version=self.version, transaction=self.transaction, seq=self.seq
        )


class MemoryLedger:
    def __init__(self, uow: MemoryUnitOfWorkBase) -> None:
        self._uow = uow

    async def find(self, key: str) -> Transaction | None:
        row = self._uow.load(TRANSACTIONS, row_id(key))
        return row.transaction if isinstance(row, TransactionRow) else None

    async def post(self, transaction: Transaction) -> Transaction:
        repeated = repeat_of(await self.find(transaction.key), transaction)
        if repeated is not None:
            return repeated
        rows = [self._account(e.account, e.amount.currency) for e in transaction.entries]
        after = balances_after(transaction, {row.name: row.balance for row in rows})
        for row in rows:
            row.balance = after[row.name]
        self._uow.stage_new(
            TRANSACTIONS,
            TransactionRow(
                id=row_id(transaction.key), transaction=transaction, seq=next(_SEQUENCE)
            ),
        )
        return transaction

    def _account(self, name: str, currency: str) -> AccountRow:
        found = self._uow.load(ACCOUNTS, row_id(name))
        if isinstance(found, AccountRow):
            return found
        row = AccountRow(id=row_id(name), name=name, balance=Money.zero(currency))
        self._uow.stage_new(ACCOUNTS, row)
        return row

    async def balance(self, account: str) -> Money:
        found = self._uow.load(ACCOUNTS, row_id(account))
        return found.balance if isinstance(found, AccountRow) else Money.zero()

    def _rows(self, after: int = 0) -> list[TransactionRow]:
        """The rows of the transactions posted after sequence ``after``, in posting order."""
        rows = self._uow.scan(TRANSACTIONS)
        found = [r for r in rows if isinstance(r, TransactionRow) and r.seq > after]
        return sorted(found, key=lambda r: r.seq)

    def _transactions(self) -> list[Transaction]:
        return [r.transaction for r in self._rows()]

    async def entries(self, account: str) -> list[PostedEntry]:
        return [
            PostedEntry(tx.key, tx.kind, tx.subject, e.amount, tx.posted_at)
            for tx in self._transactions()
            for e in tx.entries
            if e.account == account
        ]

    async def statement(
        self, account: str, *, after: tuple[datetime, int] | None, limit: int
    ) -> list[StatementEntry]:
        """The position is the transaction's posting sequence (an account appears once per
        transaction, so it identifies the entry)."""
        rows = sorted(
            (r for r in self._uow.scan(TRANSACTIONS) if isinstance(r, TransactionRow)),
            key=lambda r: (r.transaction.posted_at, r.seq),
            reverse=True,
        )
        found: list[StatementEntry] = []
        for row in rows:
            tx = row.transaction
            if after is not None and (tx.posted_at, row.seq) >= after:
                continue
            amount = tx.amount_for(account)
            if amount.amount == 0:
                continue
            entry = PostedEntry(tx.key, tx.kind, tx.subject, amount, tx.posted_at)
            found.append(StatementEntry(row.seq, entry))
            if len(found) == limit:
                break
        return found

    async def transactions_for_job(self, job_id: int) -> list[Transaction]:
        return [tx for tx in self._transactions() if tx.job_id == job_id]

    async def transactions_after(self, position: int, limit: int) -> list[tuple[int, Transaction]]:
        """The position is the posting sequence."""
        return [(r.seq, r.transaction) for r in self._rows(after=position)[:limit]]

    async def all_balances(self) -> list[AccountBalance]:
        rows = (r for r in self._uow.scan(ACCOUNTS) if isinstance(r, AccountRow))
        return sorted((AccountBalance(r.name, r.balance) for r in rows), key=lambda b: b.account)
