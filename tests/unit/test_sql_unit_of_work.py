"""The SQL unit of work's shape, without a database (no statement runs here)."""

from __future__ import annotations

import gc

from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sqlalchemy.repositories import SqlJobRepository
from adapters.sqlalchemy.wiring import SqlUnitOfWork, SqlUnitOfWorkFactory
from adapters.system.clock import SystemClock
from paeshift_core.ports.unit_of_work import UnitOfWork

REPOSITORIES = sorted(
    name for name, member in vars(UnitOfWork).items() if isinstance(member, property)
)


def test_a_unit_of_work_and_its_repositories_leave_no_cyclic_garbage() -> None:
    """Reference counting frees them all: the garbage collector's pauses stay short under
    load (``wiring._Repository``)."""
    engine = create_async_engine("sqlite+aiosqlite://")
    factory = SqlUnitOfWorkFactory(engine, SystemClock())
    gc.collect()
    gc.disable()
    try:
        uow = factory()
        repositories = [getattr(uow, name) for name in REPOSITORIES]
        del uow, repositories
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_a_repository_read_on_the_class_is_its_descriptor_not_a_repository() -> None:
    assert not isinstance(SqlUnitOfWork.jobs, SqlJobRepository)  # e.g. help(), introspection
