"""The double-entry ledger (DOMAIN.md Money: ledger, escrow, wallets).

A :class:`Transaction` moves money between accounts: two or more entries whose amounts sum to
zero, in one currency. A positive entry credits an account (its balance grows), a negative one
debits it. Transactions are append-only and carry an idempotency key: posting the same key
again is a no-op, posting it with other entries is a conflict.

Accounts are named by strings: ``wallet:{user}``, ``escrow:{job}``, ``platform:fees``,
``platform:gateway`` (money between us and the provider: it runs negative while the provider
holds what payers paid us) and ``platform:payouts`` (withdrawals in flight). Every account but
the gateway is *guarded*: a debit that would make it negative is refused.

Each transaction has a ``kind`` and a ``subject`` (the payment reference, seat, job or
withdrawal it is about). :func:`once_groups` says which "posted at most once" groups it belongs
to, so invariant 4 can be checked independently of the idempotency keys.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime

from attrs import field, frozen

from paeshift_core.domain.errors import Conflict, InvalidInput, RuleViolation
from paeshift_core.domain.money import Money

#: Error codes of a refused posting (the Ledger port re-exports them).
INSUFFICIENT_FUNDS = "insufficient_funds"
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"

PLATFORM_FEES = "platform:fees"
PLATFORM_GATEWAY = "platform:gateway"
PLATFORM_PAYOUTS = "platform:payouts"
_PLATFORM = frozenset({PLATFORM_FEES, PLATFORM_GATEWAY, PLATFORM_PAYOUTS})
#: Accounts allowed below zero: only the provider's side of the books.
UNGUARDED = frozenset({PLATFORM_GATEWAY})


def wallet_account(user_id: int) -> str:
    return f"wallet:{user_id}"


def escrow_account(job_id: int) -> str:
    return f"escrow:{job_id}"


def _owner(account: str, prefix: str) -> int | None:
    head, _, tail = account.partition(":")
    return int(tail) if head == prefix and tail.isdigit() else None


def wallet_owner(account: str) -> int | None:
    """The user of a ``wallet:{user}`` account, else ``None``."""
    return _owner(account, "wallet")


def escrow_job(account: str) -> int | None:
    """The job of an ``escrow:{job}`` account, else ``None``."""
    return _owner(account, "escrow")


def check_account(account: str) -> str:
    if account in _PLATFORM or wallet_owner(account) is not None or escrow_job(account) is not None:
        return account
    raise InvalidInput("account", f"unknown ledger account {account!r}")


def is_guarded(account: str) -> bool:
    """True when the account may never go below zero (invariant 2 and its siblings)."""
    return account not in UNGUARDED


class TransactionKind(enum.StrEnum):
    FUND_FROM_GATEWAY = "fund_from_gateway"
    FUND_FROM_WALLET = "fund_from_wallet"
    #: A verified payment that could no longer fund its job (already funded or canceled).
    GATEWAY_TO_WALLET = "gateway_to_wallet"
    SEAT_SETTLEMENT = "seat_settlement"
    UNFILLED_REFUND = "unfilled_refund"
    CANCEL_REFUND = "cancel_refund"
    DISPUTE_RESOLUTION = "dispute_resolution"
    WITHDRAWAL_REQUEST = "withdrawal_request"
    WITHDRAWAL_PAID = "withdrawal_paid"
    WITHDRAWAL_FAILED = "withdrawal_failed"


@frozen
class Entry:
    """One leg of a transaction: ``amount`` credits (positive) or debits ``account``."""

    account: str = field(converter=check_account)
    amount: Money

    def __attrs_post_init__(self) -> None:
        if self.amount.amount == 0:
            raise InvalidInput("amount", "a ledger entry cannot be zero")


def _entries(value: Iterable[Entry]) -> tuple[Entry, ...]:
    return tuple(sorted(value, key=lambda e: (e.account, e.amount.amount)))


@frozen(kw_only=True)
class Transaction:
    """A balanced, append-only movement of money with its idempotency key."""

    key: str
    kind: TransactionKind
    subject: str
    job_id: int | None = None
    entries: tuple[Entry, ...] = field(converter=_entries)
    posted_at: datetime

    def __attrs_post_init__(self) -> None:
        if not self.key:
            raise InvalidInput("key", "an idempotency key is required")
        if len(self.entries) < 2:
            raise InvalidInput("entries", "a transaction needs at least two entries")
        if len({e.amount.currency for e in self.entries}) != 1:
            raise InvalidInput("entries", "a transaction moves one currency")
        if sum(e.amount.amount for e in self.entries) != 0:
            raise InvalidInput("entries", "entries must sum to zero")
        if len({e.account for e in self.entries}) != len(self.entries):
            raise InvalidInput("entries", "each account appears once per transaction")

    @property
    def currency(self) -> str:
        return self.entries[0].amount.currency

    def same_movement(self, other: Transaction) -> bool:
        """True when ``other`` is a repeat of this posting (same key, kind and entries)."""
        return (self.key, self.kind, self.subject, self.job_id, self.entries) == (
            other.key,
            other.kind,
            other.subject,
            other.job_id,
            other.entries,
        )

    def amount_for(self, account: str) -> Money:
        found = (e.amount for e in self.entries if e.account == account)
        return next(found, Money.zero(self.currency))


def repeat_of(posted: Transaction | None, transaction: Transaction) -> Transaction | None:
    """What a posting of ``transaction`` answers when ``posted`` already holds its key.

    ``None``: the key is new, post it. The transaction first posted: a repeat of the same
    movement, nothing to do. Another movement under a used key is refused with
    ``Conflict(code="idempotency_key_reused")`` (the Ledger port's idempotency rule).
    """
    if posted is None:
        return None
    if posted.same_movement(transaction):
        return posted
    raise Conflict(
        f"idempotency key {transaction.key!r} was already used for another movement",
        code=IDEMPOTENCY_KEY_REUSED,
    )


def balances_after(transaction: Transaction, balances: Mapping[str, Money]) -> dict[str, Money]:
    """Each touched account's balance once ``transaction`` is applied to ``balances`` (the
    current balance of every account it touches).

    A guarded account going below zero refuses the whole posting with
    ``RuleViolation(code="insufficient_funds")`` (DOMAIN.md Money, invariant 2).
    """
    after: dict[str, Money] = {}
    for entry in transaction.entries:
        before = balances[entry.account]
        after[entry.account] = before + entry.amount
        if after[entry.account].amount < 0 and is_guarded(entry.account):
            raise RuleViolation(
                f"insufficient funds in {entry.account}: balance {before}, debit {-entry.amount}",
                code=INSUFFICIENT_FUNDS,
            )
    return after


def transfer(
    *,
    key: str,
    kind: TransactionKind,
    subject: str,
    posted_at: datetime,
    source: str,
    credits: Iterable[tuple[str, Money]],
    job_id: int | None = None,
) -> Transaction | None:
    """A transaction debiting ``source`` by the sum of ``credits``; ``None`` if nothing moves.

    Zero credits are dropped and credits to the same account merged, so callers can state
    rules plainly (e.g. "the seat's fee to the platform" when the fee rate is zero).
    """
    merged: dict[str, Money] = {}
    for account, amount in credits:
        if amount.amount < 0:
            raise InvalidInput("amount", "a transfer credit cannot be negative")
        merged[account] = merged[account] + amount if account in merged else amount
    legs = [Entry(account, amount) for account, amount in merged.items() if amount.amount]
    if not legs:
        return None
    total = Money(sum(e.amount.amount for e in legs), legs[0].amount.currency)
    return Transaction(
        key=key,
        kind=kind,
        subject=subject,
        job_id=job_id,
        entries=(Entry(source, -total), *legs),
        posted_at=posted_at,
    )


def once_groups(tx: Transaction) -> tuple[str, ...]:
    """Groups in which at most one transaction may exist (DOMAIN.md invariant 4).

    A gateway reference funds or credits once; a job is funded once, refunded for unfilled
    seats once and for cancellation once; a seat is settled once (by settlement or by a
    dispute's resolution); a payout is requested once and ends (paid or failed) once.
    """
    kind = tx.kind
    if kind in (TransactionKind.FUND_FROM_GATEWAY, TransactionKind.GATEWAY_TO_WALLET):
        groups = [f"payment:{tx.subject}"]
        if kind is TransactionKind.FUND_FROM_GATEWAY:
            groups.append(f"funding:{tx.job_id}")
        return tuple(groups)
    table: dict[TransactionKind, str] = {
        TransactionKind.FUND_FROM_WALLET: f"funding:{tx.job_id}",
        TransactionKind.SEAT_SETTLEMENT: f"seat:{tx.subject}",
        TransactionKind.DISPUTE_RESOLUTION: f"seat:{tx.subject}",
        TransactionKind.UNFILLED_REFUND: f"unfilled:{tx.job_id}",
        TransactionKind.CANCEL_REFUND: f"cancel:{tx.job_id}",
        TransactionKind.WITHDRAWAL_REQUEST: f"payout_request:{tx.subject}",
        TransactionKind.WITHDRAWAL_PAID: f"payout_outcome:{tx.subject}",
        TransactionKind.WITHDRAWAL_FAILED: f"payout_outcome:{tx.subject}",
    }
    return (table[kind],)


@frozen
class PostedEntry:
    """An entry as seen from its account: what a statement line shows."""

    transaction_key: str
    kind: TransactionKind
    subject: str
    amount: Money
    posted_at: datetime


@frozen
class AccountBalance:
    """An account's guarded (cached) balance, kept with each posting."""

    account: str
    balance: Money
