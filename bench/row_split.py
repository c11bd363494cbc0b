"""Splitting a joined row into its tables' columns: by label (before) or by position (now).

``python -m bench.row_split`` reads one applicant's page of 21 applications with their jobs
(``select(applications, jobs)``, as ``SqlApplicationRepository.list_for_applicant`` does) from
the benchmark's seeded database, then times both ways of turning the rows into per-table
column dicts, alternately; the best of five repeats of 2,000 pages each.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from sqlalchemy import LABEL_STYLE_TABLENAME_PLUS_COL, Table, func, select
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.repositories import split_columns
from bench.alternate import time_alternately


def by_label(table: Table, row: Any) -> dict[str, Any]:
    """The way it was: each column looked up by its ``<table>_<column>`` label."""
    return {col.name: row[f"{table.name}_{col.name}"] for col in table.c}


async def main(url: str) -> None:
    a, j = t.applications, t.jobs
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        busiest = select(a.c.applicant_id).group_by(a.c.applicant_id)
        busiest = busiest.order_by(func.count().desc()).limit(1)
        applicant = (await conn.execute(busiest)).scalar_one()
        page = select(a, j).join(j, j.c.id == a.c.job_id).where(a.c.applicant_id == applicant)
        page = page.order_by(a.c.id).limit(21)
        labeled = (await conn.execute(page.set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL))).all()
        plain = (await conn.execute(page)).all()
    await engine.dispose()
    mappings = [row._mapping for row in labeled]

    def before() -> list[list[dict[str, Any]]]:
        return [[by_label(table, row) for row in mappings] for table in (a, j)]

    def after() -> list[list[dict[str, Any]]]:
        return split_columns(plain, a, j)

    assert before() == after(), "both ways must give the same columns"
    ways = [("by label", before), ("by position", after)]
    time_alternately(ways, number=2_000, what=f"page of {len(plain)} rows")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.row_split")
    parser.add_argument(
        "--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/paeshift_bench"
    )
    asyncio.run(main(parser.parse_args().url))
