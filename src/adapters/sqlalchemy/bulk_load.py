"""Fast bulk loading of generated rows (``paeshift seed``): COPY on PostgreSQL, batched
``executemany`` INSERTs on SQLite (meant for small sizes there).

Rows are tuples in the table's column order. Everything runs on the caller's connection and
transaction, so a seed is loaded entirely or not at all. Explicit ids go into the
autoincrementing tables too; :func:`after_load` moves their sequences past them and refreshes
the planner's statistics.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Table, text
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy import tables as t

SQLITE_BATCH = 1_000

#: Tables whose ``id`` a sequence gives out (rows loaded with explicit ids).
SEQUENCED = (t.ledger_transactions, t.ledger_entries, t.outbox, t.ledger_checks)


async def load_rows(conn: AsyncConnection, table: Table, rows: Sequence[tuple[Any, ...]]) -> int:
    """Append ``rows`` to ``table``; returns how many."""
    if not rows:
        return 0
    names = [c.name for c in table.columns]
    width = len(names)
    if any(len(row) != width for row in rows):
        raise ValueError(f"{table.name}: every row needs {width} values ({', '.join(names)})")
    if conn.dialect.name == "postgresql":
        await _copy(conn, table, names, rows)
    else:
        for start in range(0, len(rows), SQLITE_BATCH):
            batch = rows[start : start + SQLITE_BATCH]
            await conn.execute(
                table.insert(), [dict(zip(names, row, strict=True)) for row in batch]
            )
    return len(rows)


async def _copy(
    conn: AsyncConnection, table: Table, names: list[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    json_at = [i for i, c in enumerate(table.columns) if isinstance(c.type, JSON)]
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection  # psycopg.AsyncConnection, in our transaction
    quoted = ", ".join(f'"{name}"' for name in names)
    statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
    async with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            if json_at:  # JSON columns go as text
                values = list(row)
                for i in json_at:
                    values[i] = json.dumps(values[i])
                await copy.write_row(values)
            else:
                await copy.write_row(row)


async def is_empty(conn: AsyncConnection, table: Table) -> bool:
    found = await conn.execute(text(f'SELECT 1 FROM "{table.name}" LIMIT 1'))  # noqa: S608
    return found.first() is None


async def truncate(conn: AsyncConnection, tables: Sequence[Table]) -> None:
    """Empty ``tables`` (children first on SQLite, where there is no TRUNCATE)."""
    if conn.dialect.name == "postgresql":
        listed = ", ".join(f'"{table.name}"' for table in tables)
        await conn.execute(text(f"TRUNCATE {listed} RESTART IDENTITY CASCADE"))
        return
    for table in reversed(tables):
        await conn.execute(table.delete())


async def after_load(conn: AsyncConnection) -> None:
    """PostgreSQL: sequences past the loaded ids, then fresh planner statistics."""
    if conn.dialect.name != "postgresql":
        return
    for table in SEQUENCED:
        await conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f'COALESCE((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
            )
        )
    await conn.execute(text("ANALYZE"))
