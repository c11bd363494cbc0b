"""The operator's ledger check finds each kind of violation precisely (DOMAIN.md invariants).

The ledger's own guards make these states unreachable through the use cases, so the tests
write corrupt rows straight into the memory store, as a faulty migration or a hand edit on a
live database would.
"""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.memory.ledger import ACCOUNTS, TRANSACTIONS, AccountRow, TransactionRow, row_id
from adapters.memory.store import MemoryStore
from entrypoints.bootstrap import UseCases
from paeshift_core.application.ledger_check import LedgerReport
from paeshift_core.domain.jobs import JobStatus
from paeshift_core.domain.ledger import (
    PLATFORM_GATEWAY,
    Transaction,
    TransactionKind,
    escrow_account,
    transfer,
    wallet_account,
)
from paeshift_core.domain.money import Money
from tests.unit.accounts import Accounts
from tests.unit.marketplace import Market

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def smuggle(store: MemoryStore, tx: Transaction, *, balances: bool = True) -> None:
    """Write a transaction (and, unless told not to, its balance changes) with no guard."""
    store.table(TRANSACTIONS)[row_id(tx.key)] = TransactionRow(
        id=row_id(tx.key), transaction=tx, seq=10**9
    )
    if not balances:
        return
    table = store.table(ACCOUNTS)
    for entry in tx.entries:
        row = table.get(row_id(entry.account))
        if row is None:
            row = AccountRow(id=row_id(entry.account), name=entry.account, balance=Money(0))
            table[row.id] = row
        assert isinstance(row, AccountRow)
        row.balance = row.balance + entry.amount


def gateway_to(key: str, account: str, amount: int, job_id: int | None = None) -> Transaction:
    tx = transfer(
        key=key,
        kind=TransactionKind.FUND_FROM_GATEWAY if job_id else TransactionKind.GATEWAY_TO_WALLET,
        subject=key,
        job_id=job_id,
        posted_at=NOW,
        source=PLATFORM_GATEWAY,
        credits=[(account, Money(amount))],
    )
    assert tx is not None
    return tx


def invariants(report: LedgerReport) -> list[tuple[int, str]]:
    return [(v.invariant, v.subject) for v in report.violations]


async def test_a_healthy_ledger_reports_nothing(
    accounts: Accounts, market: Market, use_cases: UseCases
) -> None:
    client = await accounts.client()
    await market.funded_job(client)
    report = await use_cases.ledger_check.run()
    assert report.ok
    assert report.transactions == 1
    assert report.accounts == 2


async def test_a_cached_balance_that_disagrees_with_the_entries(
    use_cases: UseCases, store: MemoryStore
) -> None:
    smuggle(store, gateway_to("t1", wallet_account(5), 700))
    row = store.table(ACCOUNTS)[row_id(wallet_account(5))]
    assert isinstance(row, AccountRow)
    row.balance = Money(800)
    report = await use_cases.ledger_check.run()
    assert invariants(report) == [(1, wallet_account(5)), (1, "all accounts")]
    assert "balance 800 but entries sum to 700" in str(report.violations[0])


async def test_an_unbalanced_transaction_is_named(use_cases: UseCases, store: MemoryStore) -> None:
    good = gateway_to("t1", wallet_account(5), 700)
    broken = Transaction.__new__(Transaction)
    for name in ("key", "kind", "subject", "job_id", "posted_at"):
        object.__setattr__(broken, name, getattr(good, name))
    object.__setattr__(broken, "entries", good.entries[1:])
    smuggle(store, broken)
    report = await use_cases.ledger_check.run()
    assert (1, "t1") in invariants(report)


async def test_a_negative_wallet(use_cases: UseCases, store: MemoryStore) -> None:
    smuggle(store, gateway_to("t1", wallet_account(5), 700))
    spend = transfer(
        key="t2",
        kind=TransactionKind.FUND_FROM_WALLET,
        subject="9",
        job_id=9,
        posted_at=NOW,
        source=wallet_account(5),
        credits=[(escrow_account(9), Money(900))],
    )
    assert spend is not None
    smuggle(store, spend)
    report = await use_cases.ledger_check.run()
    assert (2, wallet_account(5)) in invariants(report)
    assert (3, escrow_account(9)) in invariants(report)  # job 9 does not exist


async def test_escrow_left_on_a_completed_job(
    accounts: Accounts, market: Market, use_cases: UseCases, store: MemoryStore
) -> None:
    client = await accounts.client()
    job = await market.funded_job(client)
    stored = store.table("jobs")[job.id]
    stored.status = JobStatus.COMPLETED  # type: ignore[attr-defined]
    report = await use_cases.ledger_check.run()
    assert invariants(report) == [(3, escrow_account(job.id))]
    assert "completed job must hold only disputed seats (0)" in report.violations[0].detail


async def test_a_pending_job_with_money_in_escrow(
    accounts: Accounts, market: Market, use_cases: UseCases, store: MemoryStore
) -> None:
    client = await accounts.client()
    job = await market.pending_job(client)
    smuggle(store, gateway_to("t1", escrow_account(job.id), 5, job.id))
    assert invariants(await use_cases.ledger_check.run()) == [(3, escrow_account(job.id))]


async def test_a_job_funded_twice(
    accounts: Accounts, market: Market, use_cases: UseCases, store: MemoryStore
) -> None:
    client = await accounts.client()
    job = await market.funded_job(client)
    smuggle(store, gateway_to("other-ref", wallet_account(client.user_id), 5, job.id))
    report = await use_cases.ledger_check.run()
    assert (4, f"funding:{job.id}") in invariants(report)
