"""The Ledger port (DOMAIN.md Money; ARCHITECTURE.md Ports).

A ledger belongs to a unit of work (``uow.ledger``): postings become visible and durable only
when that unit of work commits, atomically with the aggregates it changed.

Rules every adapter keeps:

- ``post`` is idempotent by key: the same key with the same movement returns the transaction
  first posted and changes nothing; the same key with another movement raises
  ``Conflict(code="idempotency_key_reused")`` (one rule for every adapter:
  ``domain.ledger.repeat_of``). Two units of work posting the same key race to a unique
  constraint: one commits, the other's commit raises ``Conflict``.
- Every guarded account (all but ``platform:gateway``) is checked against its balance
  including what this unit of work already staged; a debit that would make it negative raises
  ``RuleViolation(code="insufficient_funds")`` and posts nothing
  (``domain.ledger.balances_after``). Each posting updates the balances of the accounts it
  touches under a lock or version, so concurrent units of work that debit the same account
  never both succeed on a stale balance (``ConcurrencyConflict``).
- ``balance`` is the guarded balance kept with each posting; ``entries`` derives the account's
  history from the append-only transactions (the operator check compares the two).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from attrs import frozen

from paeshift_core.domain.ledger import IDEMPOTENCY_KEY_REUSED as IDEMPOTENCY_KEY_REUSED
from paeshift_core.domain.ledger import INSUFFICIENT_FUNDS as INSUFFICIENT_FUNDS
from paeshift_core.domain.ledger import AccountBalance, PostedEntry, Transaction
from paeshift_core.domain.money import Money


@frozen
class StatementEntry:
    """An entry with its position in the account's history: a number that only grows with
    posting order and never changes (append-only), though not contiguous."""

    position: int
    entry: PostedEntry


class Ledger(Protocol):
    async def post(self, transaction: Transaction) -> Transaction:
        """Post ``transaction`` once; return it (or the original with the same key)."""
        ...

    async def find(self, key: str) -> Transaction | None:
        """The transaction posted (or staged here) under ``key``, if any."""
        ...

    async def balance(self, account: str) -> Money:
        """The account's balance including this unit of work's staged postings."""
        ...

    async def entries(self, account: str) -> list[PostedEntry]:
        """The account's entries, oldest first."""
        ...

    async def statement(
        self, account: str, *, after: tuple[datetime, int] | None, limit: int
    ) -> list[StatementEntry]:
        """At most ``limit`` of the account's entries newest first by ``(posted_at,
        position)``, strictly after ``after`` (a keyset: one indexed statement however long
        the history is)."""
        ...

    async def transactions_for_job(self, job_id: int) -> list[Transaction]:
        """Transactions about one job (funding, settlement, refunds, dispute resolutions)."""
        ...

    async def transactions_after(self, position: int, limit: int) -> list[tuple[int, Transaction]]:
        """At most ``limit`` transactions in posting order after ``position`` (0: from the
        first), each with its position: the operator's ledger check reads every transaction
        a page at a time (``ledger_check.every_transaction``)."""
        ...

    async def all_balances(self) -> list[AccountBalance]:
        """The guarded balance of every account that has ever been posted to."""
        ...
