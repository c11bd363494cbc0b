"""The reputation storage and leaderboard contracts on the memory adapters."""

from __future__ import annotations

import pytest

from adapters.memory.clock import FakeClock
from adapters.memory.leaderboard import MemoryLeaderboard
from adapters.memory.outbox import MemoryOutboxReader
from adapters.memory.wiring import MemoryUnitOfWorkFactory, new_memory_store
from tests.contracts.reputation import LeaderboardContract, Lose, ReputationStorageContract
from tests.contracts.storage import Storage


@pytest.fixture
def storage() -> Storage:
    store = new_memory_store()
    return Storage(
        uow=MemoryUnitOfWorkFactory(store, FakeClock()), outbox=MemoryOutboxReader(store)
    )


@pytest.fixture
def leaderboard() -> MemoryLeaderboard:
    return MemoryLeaderboard()


@pytest.fixture
def lose(leaderboard: MemoryLeaderboard) -> Lose:
    async def forget(board: str) -> None:
        leaderboard.forget(board)

    return forget


class TestMemoryReputationStorage(ReputationStorageContract):
    pass


class TestMemoryLeaderboard(LeaderboardContract):
    pass
