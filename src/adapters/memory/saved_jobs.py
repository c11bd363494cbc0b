"""Memory repository of saved jobs (one per user and job: ``UNIQUE`` below)."""

from __future__ import annotations

from collections.abc import Hashable

from adapters.memory.repositories import newest_first
from adapters.memory.store import UniqueKey
from adapters.memory.unit_of_work import MemoryRepository
from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.saved_jobs import SavedJob
from paeshift_core.ports.repositories import After


class MemorySavedJobRepository(MemoryRepository[SavedJob]):
    table = "saved_jobs"
    noun = "saved job"

    async def find(self, user_id: int, job_id: int) -> SavedJob | None:
        return next(self._select(lambda s: s.user_id == user_id and s.job_id == job_id), None)

    async def list_for_user(
        self, user_id: int, *, after: After | None, limit: int
    ) -> list[SavedJob]:
        return newest_first(self._select(lambda s: s.user_id == user_id), after, limit)


def _user_and_job(a: Aggregate) -> Hashable:
    assert isinstance(a, SavedJob)
    return (a.user_id, a.job_id)


UNIQUE: dict[str, dict[str, UniqueKey]] = {"saved_jobs": {"user_and_job": _user_and_job}}
