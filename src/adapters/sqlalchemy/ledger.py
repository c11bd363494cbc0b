"""The SQL ledger: postings written in the unit of work's transaction (DOMAIN.md Money).

A posting locks the rows of the accounts it touches (``SELECT … FOR UPDATE`` on PostgreSQL,
in account-name order so two postings never deadlock on each other; on SQLite a write from a
stale snapshot is refused, see ``engine.py``), checks every guarded balance against the
current, committed value, then updates the balances, and appends the transaction and its
entries. The idempotency and balance rules are the domain's (``repeat_of``,
``balances_after``), shared with the memory ledger. The idempotency key is UNIQUE, and
``ledger_accounts`` has a CHECK that no guarded balance is negative: the database refuses a
double posting or an overdraft even if code above is wrong.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.sql import Executable

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.mappers import from_utc, to_utc
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkBase
from paeshift_core.domain.ledger import (
    AccountBalance,
    Entry,
    PostedEntry,
    Transaction,
    TransactionKind,
    balances_after,
    is_guarded,
    repeat_of,
)
from paeshift_core.domain.money import Money
from paeshift_core.ports.ledger import StatementEntry

_TX = t.ledger_transactions
_ENTRY = t.ledger_entries
_ACCOUNT = t.ledger_accounts


def _posted_entry(row: RowMapping) -> PostedEntry:
    """An entry row joined with its transaction's key, kind, subject and currency."""
    return PostedEntry(
        row["key"],
        TransactionKind(row["kind"]),
        row["subject"],
        Money(row["amount"], row["currency"]),
        from_utc(row["posted_at"]),
    )


class SqlLedger:
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        self._uow = uow

    async def post(self, transaction: Transaction) -> Transaction:
        repeated = repeat_of(await self.find(transaction.key), transaction)
        if repeated is not None:
            return repeated
        locked = await self._lock_accounts(transaction)
        current = {name: Money(balance, transaction.currency) for name, balance in locked.items()}
        for name, balance in balances_after(transaction, current).items():
            await self._uow.execute(
                update(_ACCOUNT)
                .where(_ACCOUNT.c.name == name)
                .values(balance=balance.amount, version=_ACCOUNT.c.version + 1)
            )
        posted_at = to_utc(transaction.posted_at)
        result = await self._uow.execute(
            _TX.insert()
            .values(
                key=transaction.key,
                kind=transaction.kind.value,
                subject=transaction.subject,
                job_id=transaction.job_id,
                currency=transaction.currency,
                posted_at=posted_at,
            )
            .returning(_TX.c.id)
        )
        transaction_id = result.scalar_one()
        rows = [
            {
                "transaction_id": transaction_id,
                "account": e.account,
                "amount": e.amount.amount,
                "posted_at": posted_at,
            }
            for e in transaction.entries
        ]
        await self._uow.execute(_ENTRY.insert(), rows)
        return transaction

    async def _lock_accounts(self, transaction: Transaction) -> dict[str, int]:
        """Create missing account rows, then lock all of them and read their balances."""
        names = sorted(e.account for e in transaction.entries)
        rows = [
            {
                "name": name,
                "version": 1,
                "currency": transaction.currency,
                "balance": 0,
                "guarded": is_guarded(name),
            }
            for name in names
        ]
        insert: Any = pg_insert if self._uow.dialect == "postgresql" else sqlite_insert
        await self._uow.execute(insert(_ACCOUNT).on_conflict_do_nothing(), rows)
        query = (
            select(_ACCOUNT.c.name, _ACCOUNT.c.balance)
            .where(_ACCOUNT.c.name.in_(names))
            .order_by(_ACCOUNT.c.name)
            .with_for_update()
        )
        return {str(name): int(balance) for name, balance in await self._uow.rows(query)}

    async def _transactions(self, *where: Any) -> list[Transaction]:
        return list((await self._by_id(_TX.c.posted_at, *where)).values())

    async def _by_id(self, first_order: Any, *where: Any) -> dict[int, Transaction]:
        """The transactions ``where`` holds, by id, in ``first_order`` then id order."""
        query: Executable = (
            select(_TX, _ENTRY.c.account, _ENTRY.c.amount)
            .join(_ENTRY, _ENTRY.c.transaction_id == _TX.c.id)
            .where(*where)
            .order_by(first_order, _TX.c.id, _ENTRY.c.id)
        )
        heads: dict[int, Any] = {}
        legs: dict[int, list[Entry]] = defaultdict(list)
        for row in (await self._uow.execute(query)).mappings():
            heads.setdefault(row["id"], row)
            legs[row["id"]].append(Entry(row["account"], Money(row["amount"], row["currency"])))
        return {
            tx_id: Transaction(
                key=head["key"],
                kind=TransactionKind(head["kind"]),
                subject=head["subject"],
                job_id=head["job_id"],
                entries=tuple(legs[tx_id]),
                posted_at=from_utc(head["posted_at"]),
            )
            for tx_id, head in heads.items()
        }

    async def find(self, key: str) -> Transaction | None:
        found = await self._transactions(_TX.c.key == key)
        return found[0] if found else None

    async def balance(self, account: str) -> Money:
        query = select(_ACCOUNT.c.balance, _ACCOUNT.c.currency).where(_ACCOUNT.c.name == account)
        rows = await self._uow.rows(query)
        return Money(rows[0][0], rows[0][1]) if rows else Money.zero()

    async def entries(self, account: str) -> list[PostedEntry]:
        query = (
            select(_TX, _ENTRY.c.amount)
            .join(_ENTRY, _ENTRY.c.transaction_id == _TX.c.id)
            .where(_ENTRY.c.account == account)
            .order_by(_ENTRY.c.posted_at, _ENTRY.c.id)
        )
        return [_posted_entry(row) for row in (await self._uow.execute(query)).mappings()]

    async def statement(
        self, account: str, *, after: tuple[datetime, int] | None, limit: int
    ) -> list[StatementEntry]:
        """Newest first on ``ix_ledger_entries_account (account, posted_at, id)``; the
        position is the entry's id (increasing with posting order)."""
        where = [_ENTRY.c.account == account]
        if after is not None:
            at, position = to_utc(after[0]), after[1]
            where.append(
                or_(_ENTRY.c.posted_at < at, and_(_ENTRY.c.posted_at == at, _ENTRY.c.id < position))
            )
        query = (
            select(
                _TX.c.key,
                _TX.c.kind,
                _TX.c.subject,
                _TX.c.currency,
                _ENTRY.c.id,
                _ENTRY.c.amount,
                _ENTRY.c.posted_at,
            )
            .join(_TX, _ENTRY.c.transaction_id == _TX.c.id)
            .where(*where)
            .order_by(_ENTRY.c.posted_at.desc(), _ENTRY.c.id.desc())
            .limit(limit)
        )
        return [
            StatementEntry(row["id"], _posted_entry(row))
            for row in (await self._uow.execute(query)).mappings()
        ]

    async def transactions_for_job(self, job_id: int) -> list[Transaction]:
        return await self._transactions(_TX.c.job_id == job_id)

    async def transactions_after(self, position: int, limit: int) -> list[tuple[int, Transaction]]:
        """The position is the transaction's id (ids grow with posting)."""
        page = select(_TX.c.id).where(_TX.c.id > position).order_by(_TX.c.id).limit(limit)
        found = await self._by_id(_TX.c.id, _TX.c.id.in_(page.scalar_subquery()))
        return list(found.items())

    async def all_balances(self) -> list[AccountBalance]:
        query = select(_ACCOUNT.c.name, _ACCOUNT.c.balance, _ACCOUNT.c.currency).order_by(
            _ACCOUNT.c.name
        )
        return [
            AccountBalance(name, Money(balance, currency))
            for name, balance, currency in await self._uow.rows(query)
        ]
