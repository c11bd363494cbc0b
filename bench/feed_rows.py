"""Mapping feed rows: through the whole ``Job`` aggregate (before) or directly (now)::

    .venv/bin/python -m bench.feed_rows

Reads 300 upcoming jobs with their subcategory names and distances from the benchmark's
seeded database (the columns of a best-match candidates statement, which a cache miss runs
through ``SqlFeedQuery.page``), then times both ways of turning its rows into ``FeedJob``
values, alternately; the best of five repeats of 20 pages each. Both ways must give equal
jobs.
"""

from __future__ import annotations

import argparse
import asyncio

from sqlalchemy import RowMapping, select
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sqlalchemy import mappers as m
from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.feed import distance_km
from bench.alternate import time_alternately
from paeshift_core.application.best_match import BEST_MATCH_CANDIDATES
from paeshift_core.domain.geo import GeoPoint
from paeshift_core.domain.jobs import JobStatus
from paeshift_core.ports.feed import FeedJob

LAGOS = GeoPoint(6.5244, 3.3792)


def _distance(row: RowMapping) -> float | None:
    return None if row["distance_km"] is None else float(row["distance_km"])


async def main(url: str) -> None:
    engine = create_async_engine(url)
    j, sub = t.jobs, t.subcategories
    query = (
        select(j, sub.c.name.label("subcategory_name"), distance_km(LAGOS).label("distance_km"))
        .join(sub, sub.c.id == j.c.subcategory_id)
        .where(j.c.status == JobStatus.UPCOMING.value)
        .limit(BEST_MATCH_CANDIDATES)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).mappings().all()
    await engine.dispose()

    def before() -> list[FeedJob]:
        return [
            FeedJob.of(m.row_to_job(dict(r)), r["subcategory_name"], _distance(r)) for r in rows
        ]

    def now() -> list[FeedJob]:
        return [m.row_to_feed_job(r, r["subcategory_name"], _distance(r)) for r in rows]

    assert before() == now(), "both ways must give equal jobs"
    ways = [("through Job", before), ("directly", now)]
    time_alternately(ways, number=20, what=f"page of {len(rows)} rows", unit="ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.feed_rows")
    parser.add_argument(
        "--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/paeshift_bench"
    )
    asyncio.run(main(parser.parse_args().url))
