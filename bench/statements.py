"""The unit of work's own statements: built per call (before) or built once (now).

``python -m bench.statements`` runs, on one connection to the benchmark's seeded database
and inside a transaction it rolls back (nothing is kept), each statement every unit of work
runs — a job loaded by id, three by their ids, a notification inserted, a job's optimistic
update — both ways, alternately: as the unit of work built them before (a new statement per
call, the values inline) and as ``unit_of_work.table_statements`` keeps them (one statement
per table, the values as parameters). Client CPU time (``time.process_time``: SQLAlchemy,
psycopg and the system calls, not the wait for PostgreSQL) per statement, the best of five
repeats of ``--number`` statements. Both ways are checked to read the same rows and to update
one row.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.unit_of_work import table_statements, update_values

AsyncWay = tuple[str, Callable[[int], Awaitable[object]]]


async def best_cpu(way: Callable[[int], Awaitable[object]], number: int) -> float:
    """Seconds of this process's CPU per call of ``way``, the best of five repeats."""
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        for i in range(number):
            await way(i)
        best = min(best, (time.process_time() - started) / number)
    return best


async def alternately(ways: Sequence[AsyncWay], number: int, what: str) -> None:
    for name, way in [*ways, *ways]:
        print(f"{what}, {name}: {await best_cpu(way, number) * 1e6:.0f} µs CPU per statement")


async def compare(conn: AsyncConnection, number: int) -> None:
    j, n = t.jobs, t.notifications
    job_ids = list((await conn.execute(select(j.c.id).order_by(j.c.id).limit(number))).scalars())
    job = dict((await conn.execute(select(j).where(j.c.id == job_ids[0]))).mappings().one())
    version = itertools.count(job.pop("version"))  # a row as ``job_to_row`` makes it
    user_id = (await conn.execute(select(t.users.c.id).limit(1))).scalar_one()
    now = job["created_at"]
    ids = itertools.count(9_000_000_000_000_000)
    kept = table_statements(j), table_statements(n)

    def note() -> dict[str, object]:
        return {
            "id": next(ids),
            "user_id": user_id,
            "category": "application_received",
            "title": "New application",
            "body": "Someone applied to your job.",
            "link_kind": "job",
            "link_id": job["id"],
            "source": "event:1",
            "created_at": now,
            "read_at": None,
        }

    async def load_built(i: int) -> object:
        return (await conn.execute(select(j).where(j.c.id == job_ids[i]))).mappings().all()

    async def load_kept(i: int) -> object:
        return (await conn.execute(kept[0].by_id, {"_id": job_ids[i]})).mappings().all()

    def three(i: int) -> list[int]:
        return sorted({job_ids[i], job_ids[(i + 1) % number], job_ids[(i + 7) % number]})

    async def many_built(i: int) -> object:
        query = select(j).where(j.c.id.in_(three(i))).order_by(j.c.id)
        return (await conn.execute(query)).mappings().all()

    async def many_kept(i: int) -> object:
        return (await conn.execute(kept[0].by_ids, {"_ids": three(i)})).mappings().all()

    async def insert_built(_: int) -> object:
        return await conn.execute(insert(n).values(**note(), version=1))

    async def insert_kept(_: int) -> object:
        return await conn.execute(kept[1].insert, {**note(), "version": 1})

    async def update_built(_: int) -> object:
        current = next(version)
        where = (j.c.id == job["id"], j.c.version == current)
        return await conn.execute(update(j).where(*where).values(**job, version=current + 1))

    async def update_kept(_: int) -> object:
        current = next(version)
        values = update_values(job, current + 1, job["id"], current)
        return await conn.execute(kept[0].update, values)

    assert await load_built(0) == await load_kept(0), "both ways must read the same row"
    assert await many_built(0) == await many_kept(0), "both ways must read the same rows"
    for way in (update_built, update_kept):
        assert getattr(await way(0), "rowcount", None) == 1, "each update must match its row"
    await alternately([("built", load_built), ("kept", load_kept)], number, "job by id")
    await alternately([("built", many_built), ("kept", many_kept)], number, "3 jobs by ids")
    await alternately([("built", insert_built), ("kept", insert_kept)], number, "insert")
    await alternately([("built", update_built), ("kept", update_kept)], number, "update")


async def main(url: str, number: int) -> None:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        await conn.begin()
        try:
            await compare(conn, number)
        finally:
            await conn.rollback()
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.statements")
    parser.add_argument(
        "--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/paeshift_bench"
    )
    parser.add_argument("--number", type=int, default=500, help="statements per repeat")
    options = parser.parse_args()
    asyncio.run(main(options.url, options.number))
