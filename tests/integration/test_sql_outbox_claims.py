"""The SQL outbox reader's claims (ARCHITECTURE.md Persistence: transactional outbox).

Concurrent relays must not read the same pending events: ``pending`` claims what it returns
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL), and a claim that runs out without the event being
marked delivered offers it again (at least once).
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import FakeClock
from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.wiring import CLAIM_FOR, SqlOutboxReader, SqlUnitOfWorkFactory
from paeshift_core.domain.users import Role
from tests.contracts import builders as b
from tests.contracts.builders import NOW

EVENTS = 12


async def commit_events(engine: AsyncEngine, clock: FakeClock) -> None:
    """EVENTS users, then one commit recording a role switch for each (one event apiece)."""
    uow_factory = SqlUnitOfWorkFactory(engine, clock)
    async with uow_factory() as uow:
        for user_id in range(1, EVENTS + 1):
            await uow.users.add(b.user(user_id))
        await uow.commit()
    async with uow_factory() as uow:
        for user_id in range(1, EVENTS + 1):
            (await uow.users.get(user_id)).switch_role(Role.CLIENT, NOW)
        await uow.commit()


async def test_a_claim_hides_events_until_it_runs_out(sql_engine: AsyncEngine) -> None:
    clock = FakeClock()
    await commit_events(sql_engine, clock)
    reader = SqlOutboxReader(sql_engine, clock)

    first = await reader.pending(5)
    assert len(first) == 5
    second = await reader.pending(100)
    assert len(second) == EVENTS - 5
    assert [e.event_id for e in first + second] == sorted(e.event_id for e in first + second)
    assert await reader.pending(100) == []  # every event is claimed

    await reader.mark_delivered([e.event_id for e in first])
    clock.advance(CLAIM_FOR)
    again = await reader.pending(100)
    # Delivered events never come back; undelivered ones do once their claim ran out.
    assert [e.event_id for e in again] == [e.event_id for e in second]


async def test_racing_relays_claim_disjoint_events(postgres_engine: AsyncEngine) -> None:
    clock = FakeClock()
    await commit_events(postgres_engine, clock)
    readers = [SqlOutboxReader(postgres_engine, clock) for _ in range(6)]

    batches = await asyncio.gather(*(reader.pending(3) for reader in readers))

    claimed = [e.event_id for batch in batches for e in batch]
    assert len(claimed) == len(set(claimed))  # nobody got an event twice
    assert len(claimed) == EVENTS  # and together they took them all


async def test_rows_locked_by_another_relay_are_skipped_without_waiting(
    postgres_engine: AsyncEngine,
) -> None:
    clock = FakeClock()
    await commit_events(postgres_engine, clock)
    reader = SqlOutboxReader(postgres_engine, clock)
    oldest = select(t.outbox.c.id).order_by(t.outbox.c.id).limit(2).with_for_update()

    async with postgres_engine.connect() as other:
        locked = list((await other.execute(oldest)).scalars())
        found = await asyncio.wait_for(reader.pending(100), timeout=5)
        await other.rollback()

    assert len(locked) == 2
    assert {e.event_id for e in found}.isdisjoint(locked)
    assert len(found) == EVENTS - 2
