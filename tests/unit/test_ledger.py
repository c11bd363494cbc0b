"""The ledger: balanced transactions, idempotency keys, guarded balances (DOMAIN.md Money)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.memory.clock import FakeClock
from adapters.memory.wiring import MemoryUnitOfWorkFactory, new_memory_store
from paeshift_core.application.ledger_check import every_transaction
from paeshift_core.domain.errors import ConcurrencyConflict, Conflict, InvalidInput, RuleViolation
from paeshift_core.domain.ledger import (
    PLATFORM_FEES,
    PLATFORM_GATEWAY,
    Entry,
    Transaction,
    TransactionKind,
    escrow_account,
    escrow_job,
    is_guarded,
    once_groups,
    transfer,
    wallet_account,
    wallet_owner,
)
from paeshift_core.domain.money import Money
from paeshift_core.ports.ledger import IDEMPOTENCY_KEY_REUSED, INSUFFICIENT_FUNDS

NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def move(key: str, source: str, target: str, amount: int) -> Transaction:
    tx = transfer(
        key=key,
        kind=TransactionKind.FUND_FROM_WALLET,
        subject=key,
        job_id=1,
        posted_at=NOW,
        source=source,
        credits=[(target, Money(amount))],
    )
    assert tx is not None
    return tx


def topup(key: str, user: int, amount: int) -> Transaction:
    tx = transfer(
        key=key,
        kind=TransactionKind.GATEWAY_TO_WALLET,
        subject=key,
        posted_at=NOW,
        source=PLATFORM_GATEWAY,
        credits=[(wallet_account(user), Money(amount))],
    )
    assert tx is not None
    return tx


@pytest.fixture
def factory() -> MemoryUnitOfWorkFactory:
    return MemoryUnitOfWorkFactory(new_memory_store(), FakeClock())


# -- domain -----------------------------------------------------------------------------


def test_account_names_round_trip_and_unknown_names_are_refused() -> None:
    assert wallet_owner(wallet_account(7)) == 7
    assert escrow_job(escrow_account(9)) == 9
    assert wallet_owner(escrow_account(9)) is None
    assert escrow_job("platform:fees") is None
    with pytest.raises(InvalidInput, match="account"):
        Entry("bank:1", Money(5))
    assert is_guarded(wallet_account(1))
    assert is_guarded(PLATFORM_FEES)
    assert not is_guarded(PLATFORM_GATEWAY)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ((Entry("wallet:1", Money(-5)),), "at least two"),
        ((Entry("wallet:1", Money(-5)), Entry("escrow:1", Money(4))), "sum to zero"),
        ((Entry("wallet:1", Money(-5)), Entry("wallet:1", Money(5))), "once per"),
    ],
)
def test_unbalanced_or_malformed_transactions_are_refused(
    entries: tuple[Entry, ...], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        Transaction(
            key="k",
            kind=TransactionKind.FUND_FROM_WALLET,
            subject="1",
            entries=entries,
            posted_at=NOW,
        )


def test_zero_entries_and_missing_keys_are_refused() -> None:
    with pytest.raises(InvalidInput, match="zero"):
        Entry("wallet:1", Money(0))
    with pytest.raises(InvalidInput, match="key"):
        move("", "wallet:1", "escrow:1", 5)
    with pytest.raises(InvalidInput, match="negative"):
        transfer(
            key="k",
            kind=TransactionKind.CANCEL_REFUND,
            subject="1",
            posted_at=NOW,
            source="escrow:1",
            credits=[("wallet:1", Money(-1))],
        )


def test_transfer_merges_credits_and_drops_zeros() -> None:
    tx = transfer(
        key="k",
        kind=TransactionKind.SEAT_SETTLEMENT,
        subject="3",
        job_id=1,
        posted_at=NOW,
        source="escrow:1",
        credits=[("wallet:2", Money(10)), (PLATFORM_FEES, Money(0)), ("wallet:2", Money(5))],
    )
    assert tx is not None
    assert tx.amount_for("wallet:2") == Money(15)
    assert tx.amount_for("escrow:1") == Money(-15)
    assert tx.amount_for(PLATFORM_FEES) == Money(0)
    nothing = transfer(
        key="k",
        kind=TransactionKind.CANCEL_REFUND,
        subject="1",
        posted_at=NOW,
        source="escrow:1",
        credits=[("wallet:1", Money(0))],
    )
    assert nothing is None


def test_once_groups_tie_a_gateway_funding_to_its_reference_and_its_job() -> None:
    funded = transfer(
        key="payment:r",
        kind=TransactionKind.FUND_FROM_GATEWAY,
        subject="r",
        job_id=4,
        posted_at=NOW,
        source=PLATFORM_GATEWAY,
        credits=[("escrow:4", Money(10))],
    )
    assert funded is not None
    assert once_groups(funded) == ("payment:r", "funding:4")
    assert once_groups(topup("payment:s", 1, 5)) == ("payment:payment:s",)
    assert once_groups(move("fund:4", "wallet:1", "escrow:4", 5)) == ("funding:1",)


# -- memory adapter ---------------------------------------------------------------------


async def test_posting_commits_with_the_unit_of_work_and_balances_follow(
    factory: MemoryUnitOfWorkFactory,
) -> None:
    async with factory() as uow:
        await uow.ledger.post(topup("t1", 1, 1_000))
        await uow.ledger.post(move("m1", "wallet:1", "escrow:1", 400))
        assert await uow.ledger.balance("wallet:1") == Money(600)
        await uow.commit()
    async with factory() as uow:
        assert await uow.ledger.balance("wallet:1") == Money(600)
        assert await uow.ledger.balance("escrow:1") == Money(400)
        assert await uow.ledger.balance(PLATFORM_GATEWAY) == Money(-1_000)
        assert await uow.ledger.balance("wallet:99") == Money(0)
        lines = await uow.ledger.entries("wallet:1")
        assert [e.amount for e in lines] == [Money(1_000), Money(-400)]
        assert [t.key for t in await uow.ledger.transactions_for_job(1)] == ["m1"]
        assert {b.account: b.balance.amount for b in await uow.ledger.all_balances()} == {
            "escrow:1": 400,
            PLATFORM_GATEWAY: -1_000,
            "wallet:1": 600,
        }


async def test_nothing_is_posted_without_commit(factory: MemoryUnitOfWorkFactory) -> None:
    async with factory() as uow:
        await uow.ledger.post(topup("t1", 1, 1_000))
    async with factory() as uow:
        assert await uow.ledger.find("t1") is None
        assert [tx async for tx in every_transaction(uow)] == []


async def test_same_key_same_movement_is_a_no_op_returning_the_original(
    factory: MemoryUnitOfWorkFactory,
) -> None:
    first = topup("t1", 1, 1_000)
    async with factory() as uow:
        await uow.ledger.post(first)
        await uow.commit()
    later = topup("t1", 1, 1_000)
    async with factory() as uow:
        assert await uow.ledger.post(later) is not later
        assert (await uow.ledger.post(later)).same_movement(first)
        await uow.commit()
    async with factory() as uow:
        assert await uow.ledger.balance("wallet:1") == Money(1_000)
        assert len([tx async for tx in every_transaction(uow)]) == 1


async def test_same_key_other_movement_is_a_conflict(factory: MemoryUnitOfWorkFactory) -> None:
    async with factory() as uow:
        await uow.ledger.post(topup("t1", 1, 1_000))
        with pytest.raises(Conflict) as caught:
            await uow.ledger.post(topup("t1", 1, 999))
    assert caught.value.code == IDEMPOTENCY_KEY_REUSED


async def test_a_debit_beyond_the_balance_is_refused_and_posts_nothing(
    factory: MemoryUnitOfWorkFactory,
) -> None:
    async with factory() as uow:
        await uow.ledger.post(topup("t1", 1, 500))
        with pytest.raises(RuleViolation) as caught:
            await uow.ledger.post(move("m1", "wallet:1", "escrow:1", 501))
        assert caught.value.code == INSUFFICIENT_FUNDS
        assert await uow.ledger.balance("wallet:1") == Money(500)
        assert await uow.ledger.find("m1") is None
        await uow.ledger.post(move("m2", "wallet:1", "escrow:1", 500))
        assert await uow.ledger.balance("wallet:1") == Money(0)


async def test_two_units_of_work_cannot_both_spend_one_balance(
    factory: MemoryUnitOfWorkFactory,
) -> None:
    async with factory() as uow:
        await uow.ledger.post(topup("t1", 1, 500))
        await uow.commit()
    first, second = factory(), factory()
    async with first, second:
        await first.ledger.post(move("a", "wallet:1", "escrow:1", 400))
        await second.ledger.post(move("b", "wallet:1", "escrow:2", 400))
        await first.commit()
        with pytest.raises(ConcurrencyConflict):
            await second.commit()
    async with factory() as uow:
        assert await uow.ledger.balance("wallet:1") == Money(100)


async def test_two_units_of_work_cannot_both_post_one_key(
    factory: MemoryUnitOfWorkFactory,
) -> None:
    first, second = factory(), factory()
    async with first, second:
        await first.ledger.post(topup("same", 1, 500))
        await second.ledger.post(topup("same", 1, 500))
        await first.commit()
        with pytest.raises(Conflict):
            await second.commit()
    async with factory() as uow:
        assert await uow.ledger.balance("wallet:1") == Money(500)
