"""SQL repository of saved jobs (table ``saved_jobs``; one row per user and job)."""

from __future__ import annotations

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.mappers import Row, RowIn, from_utc, to_utc
from adapters.sqlalchemy.repositories import SqlRepository
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkBase, one_table
from paeshift_core.domain.saved_jobs import SavedJob
from paeshift_core.ports.repositories import After


def _to_row(saved: SavedJob) -> Row:
    return {
        "id": saved.id,
        "user_id": saved.user_id,
        "job_id": saved.job_id,
        "created_at": to_utc(saved.created_at),
    }


def _from_row(row: RowIn) -> SavedJob:
    return SavedJob(
        id=row["id"],
        version=row["version"],
        user_id=row["user_id"],
        job_id=row["job_id"],
        created_at=from_utc(row["created_at"]),
    )


SAVED_JOBS = one_table(t.saved_jobs, "saved job", _to_row, _from_row)


class SqlSavedJobRepository(SqlRepository[SavedJob]):
    def __init__(self, uow: SqlUnitOfWorkBase) -> None:
        super().__init__(uow, SAVED_JOBS)

    async def find(self, user_id: int, job_id: int) -> SavedJob | None:
        c = t.saved_jobs.c
        return await self._uow.load_first(SAVED_JOBS, c.user_id == user_id, c.job_id == job_id)

    async def list_for_user(
        self, user_id: int, *, after: After | None, limit: int
    ) -> list[SavedJob]:
        return await self.page_newest_first(
            t.saved_jobs.c.user_id == user_id, after=after, limit=limit
        )
