"""SQL unit of work: one connection and transaction per use case (ARCHITECTURE.md Persistence).

- A unit of work takes a connection from the pool on first use and begins a transaction
  (see ``engine.py`` for SQLite); leaving the block without ``commit``
  rolls back, and so does an error. The connection goes back to the pool on exit.
- Aggregates loaded or added are tracked in an identity map with the version they were
  loaded at and the rows last seen. New aggregates are INSERTed when added (so finders in the
  same unit of work see them and unique violations surface early); on commit each changed
  aggregate is written with ``UPDATE … WHERE id = :id AND version = :loaded`` and a row count
  of 0 means someone else committed first: ``ConcurrencyConflict``. Deletes are checked the
  same way.
- Events recorded by tracked aggregates are written to the outbox table in the same
  transaction, so they exist exactly when the change does.
- A read-only unit of work (``read_only=True``) on PostgreSQL runs each statement on its own
  (autocommit): no ``BEGIN``/``ROLLBACK`` round trips, which were a third of a one-statement
  read's trips to the database. Nothing is lost: at READ COMMITTED each statement of a
  transaction reads its own snapshot anyway. It refuses INSERT/UPDATE/DELETE and ``commit``
  (``ReadOnlyUnitOfWork``), so a use case marked read-only by mistake fails loudly instead of
  writing outside a transaction. SQLite keeps its transaction (one snapshot, no round trips).
- A snapshot unit of work (``snapshot=True``) is read-only and runs in one REPEATABLE READ
  transaction on PostgreSQL: every statement sees the data as of the first. It is for
  reports over the whole data (the ledger check), so it tracks nothing it loads: the identity
  map would hold every aggregate read until the end (the check's 86,000 jobs).
- Driver errors never escape: see ``driver_errors.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from attrs import define
from sqlalchemy import (
    ColumnElement,
    Delete,
    Insert,
    Select,
    Table,
    Update,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql import Executable

from adapters.sqlalchemy import tables as t
from adapters.sqlalchemy.driver_errors import database_errors
from adapters.sqlalchemy.engine import for_reads_only, one_snapshot
from adapters.sqlalchemy.event_codec import encode_event
from adapters.sqlalchemy.mappers import Row, RowIn, to_utc
from paeshift_core.domain.aggregate import Aggregate
from paeshift_core.domain.errors import ConcurrencyConflict, Conflict, NotFound
from paeshift_core.domain.events import DomainEvent
from paeshift_core.ports.clock import Clock
from paeshift_core.ports.unit_of_work import ReadOnlyUnitOfWork

A = TypeVar("A", bound=Aggregate)


@define(frozen=True)
class Children(Generic[A]):
    """Rows of a child table owned by the aggregate (e.g. an industry's subcategories)."""

    table: Table
    parent_column: str
    rows: Callable[[A], list[Row]]


@define(frozen=True)
class AggregateMapping(Generic[A]):
    """How one aggregate type is stored: its table, mappers and owned child rows."""

    table: Table
    noun: str
    to_row: Callable[[A], Row]
    from_rows: Callable[[RowIn, list[RowIn]], A]
    children: Children[A] | None = None

    def rows_of(self, aggregate: A) -> tuple[Row, list[Row]]:
        children = [] if self.children is None else self.children.rows(aggregate)
        return self.to_row(aggregate), children


def one_table(
    table: Table, noun: str, to_row: Callable[[A], Row], from_row: Callable[[RowIn], A]
) -> AggregateMapping[A]:
    """The mapping of an aggregate stored as a single row."""
    return AggregateMapping(
        table=table, noun=noun, to_row=to_row, from_rows=lambda row, _: from_row(row)
    )


@define(frozen=True)
class TableStatements:
    """The statements of one table that every unit of work runs, built once.

    A statement built per call (``select(table).where(table.c.id == 42)``, ``insert(table)
    .values(**row)``) is a new object whose cache key SQLAlchemy derives again on every
    execution, walking each bound value; a statement kept and run with its values as
    parameters has its key memoized. Client CPU per statement this way: 0.63 × for a load by
    id or by ids, 0.41-0.46 × an insert, 0.26-0.30 × the optimistic update
    (``python -m bench.statements``, bench/results/2026-11-30-statements.md)."""

    by_id: Select[Any]
    by_id_for_update: Select[Any]
    #: ``WHERE id IN :_ids`` (a list: expanding).
    by_ids: Select[Any]
    insert: Insert
    #: ``WHERE id = :_id AND version = :_version``; the SET clause is the parameters' columns.
    update: Update
    delete: Delete


@cache
def table_statements(table: Table) -> TableStatements:
    c = table.c
    by_id = select(table).where(c.id == bindparam("_id"))
    current = (c.id == bindparam("_id"), c.version == bindparam("_version"))
    return TableStatements(
        by_id=by_id,
        by_id_for_update=by_id.with_for_update(),
        by_ids=select(table).where(c.id.in_(bindparam("_ids", expanding=True))).order_by(c.id),
        insert=insert(table),
        update=update(table).where(*current),
        delete=delete(table).where(*current),
    )


def update_values(row: Row, version: int, row_id: int, current_version: int) -> Row:
    """The parameters of :attr:`TableStatements.update`: SET every column of ``row`` but its
    id, and ``version``, where the row is ``row_id`` at ``current_version``."""
    values = {k: v for k, v in row.items() if k != "id"}
    values.update(version=version, _id=row_id, _version=current_version)
    return values


@define
class _Entry:
    mapping: AggregateMapping[Any]
    aggregate: Aggregate
    #: The aggregate's version when loaded (committed version; 0 for a new aggregate).
    loaded_version: int
    #: The row's version inside this transaction (loaded + 1 once INSERTed here).
    db_version: int
    #: Rows as last read or written; ``None`` when nothing was stored yet.
    snapshot: tuple[Row, list[Row]] | None
    deleted: bool = False


def _by_id(rows: list[Row]) -> dict[Any, Row]:
    return {r["id"]: r for r in rows}


class SqlUnitOfWorkBase:
    """Connection, identity map, optimistic writes and the outbox; repositories attach below."""

    def __init__(
        self, engine: AsyncEngine, clock: Clock, *, read_only: bool = False, snapshot: bool = False
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._read_only = read_only or snapshot
        self._snapshot = snapshot
        self._conn: AsyncConnection | None = None
        self._entries: dict[tuple[str, int], _Entry] = {}
        self.committed_events: tuple[DomainEvent, ...] = ()

    # -- connection ---------------------------------------------------------------------
    @property
    def dialect(self) -> str:
        """``postgresql`` or ``sqlite``: for the few statements that differ."""
        return self._engine.dialect.name

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        self._entries.clear()
        if conn is None:
            return
        async with database_errors():
            try:
                if conn.in_transaction():
                    await conn.rollback()
            finally:
                await conn.close()

    async def _connection(self) -> AsyncConnection:
        if self._conn is None:
            async with database_errors():
                conn = await self._engine.connect()
                if self._snapshot:
                    await one_snapshot(conn)
                elif self._read_only:
                    await for_reads_only(conn)
                self._conn = conn
        return self._conn

    async def execute(
        self, statement: Executable, parameters: Row | list[Row] | None = None
    ) -> Result[Any]:
        """Run one statement (``parameters``: bound values, or a list for executemany) in this
        transaction, begun on use."""
        if self._read_only and getattr(statement, "is_dml", False):
            raise ReadOnlyUnitOfWork("this unit of work was opened read-only")
        conn = await self._connection()
        async with database_errors():
            return await conn.execute(statement, parameters)

    async def rows(self, query: Executable, parameters: Row | None = None) -> list[tuple[Any, ...]]:
        """Plain result tuples of a read-model query (aggregates go through :meth:`load`)."""
        return [tuple(r) for r in (await self.execute(query, parameters)).all()]

    async def execute_count(self, statement: Executable, parameters: Row | None = None) -> int:
        """Run a bulk UPDATE/DELETE in this transaction; the number of rows it touched."""
        result = await self.execute(statement, parameters)
        assert isinstance(result, CursorResult)
        return result.rowcount

    # -- identity map -------------------------------------------------------------------
    async def load(
        self,
        mapping: AggregateMapping[A],
        *where: ColumnElement[bool],
        for_update: bool = False,
        order_by: Sequence[ColumnElement[Any]] = (),
        limit: int | None = None,
    ) -> list[A]:
        """Aggregates whose rows match ``where``, tracked; already tracked ones are reused."""
        table = mapping.table
        query = select(table).where(*where).order_by(*(order_by or (table.c.id,)))
        if limit is not None:
            query = query.limit(limit)
        if for_update:
            query = query.with_for_update()
        return await self.adopt(mapping, [dict(r) for r in (await self.execute(query)).mappings()])

    async def get_many(self, mapping: AggregateMapping[A], ids: Sequence[int]) -> dict[int, A]:
        """The aggregates of those ``ids`` that exist, by id, in one statement."""
        if not ids:
            return {}
        query = table_statements(mapping.table).by_ids
        found = await self.load_kept(mapping, query, {"_ids": sorted(set(ids))})
        return {a.id: a for a in found}

    async def load_kept(
        self, mapping: AggregateMapping[A], query: Select[Any], parameters: Row
    ) -> list[A]:
        """The aggregates of a query built once (its values bound as ``parameters``, see
        :class:`TableStatements`), tracked like :meth:`load`'s."""
        rows = [dict(r) for r in (await self.execute(query, parameters)).mappings()]
        return await self.adopt(mapping, rows)

    async def adopt(self, mapping: AggregateMapping[A], rows: list[Row]) -> list[A]:
        """The aggregates of rows read by a repository's own query, tracked like ``load``'s."""
        table = mapping.table
        fresh = [r for r in rows if (table.name, r["id"]) not in self._entries]
        children = await self._load_children(mapping, [r["id"] for r in fresh])
        if self._snapshot:  # a report over the data: keeps nothing it read (module docstring)
            return [mapping.from_rows(row, list(children.get(row["id"], []))) for row in rows]
        found: list[A] = []
        for row in rows:
            key = (table.name, row["id"])
            entry = self._entries.get(key)
            if entry is None:
                mine = children.get(row["id"], [])
                aggregate = mapping.from_rows(row, list(mine))
                entry = _Entry(
                    mapping=mapping,
                    aggregate=aggregate,
                    loaded_version=row["version"],
                    db_version=row["version"],
                    # What commit compares against; a read-only unit of work never commits.
                    snapshot=None if self._read_only else mapping.rows_of(aggregate),
                )
                self._entries[key] = entry
            if not entry.deleted:
                found.append(entry.aggregate)  # type: ignore[arg-type]
        return found

    async def load_first(
        self, mapping: AggregateMapping[A], *where: ColumnElement[bool], **options: Any
    ) -> A | None:
        """The first aggregate matching ``where`` (same options as :meth:`load`), or None."""
        found = await self.load(mapping, *where, **options)
        return found[0] if found else None

    async def _load_children(
        self, mapping: AggregateMapping[Any], parent_ids: list[int]
    ) -> dict[int, list[Row]]:
        spec = mapping.children
        if spec is None or not parent_ids:
            return {}
        column = spec.table.c[spec.parent_column]
        query = select(spec.table).where(column.in_(parent_ids)).order_by(spec.table.c.id)
        grouped: dict[int, list[Row]] = {}
        for row in (await self.execute(query)).mappings():
            grouped.setdefault(row[spec.parent_column], []).append(dict(row))
        return grouped

    async def get_one(
        self, mapping: AggregateMapping[A], aggregate_id: int, *, for_update: bool = False
    ) -> A:
        entry = self._entries.get((mapping.table.name, aggregate_id))
        if entry is not None and not for_update:
            if entry.deleted:
                raise NotFound(f"{mapping.noun} {aggregate_id} not found")
            return entry.aggregate  # type: ignore[return-value]
        statements = table_statements(mapping.table)
        query = statements.by_id_for_update if for_update else statements.by_id
        found = await self.load_kept(mapping, query, {"_id": aggregate_id})
        if not found:
            raise NotFound(f"{mapping.noun} {aggregate_id} not found")
        return found[0]

    async def add(self, mapping: AggregateMapping[A], aggregate: A) -> None:
        """INSERT now (in this transaction); the version becomes ``version + 1`` on commit."""
        key = (mapping.table.name, aggregate.id)
        if key in self._entries:
            raise Conflict(f"{mapping.noun} {aggregate.id} already exists", code="duplicate")
        row, children = mapping.rows_of(aggregate)
        await self.execute(
            table_statements(mapping.table).insert, {**row, "version": aggregate.version + 1}
        )
        if mapping.children is not None and children:
            await self.execute(insert(mapping.children.table), children)
        self._entries[key] = _Entry(
            mapping=mapping,
            aggregate=aggregate,
            loaded_version=aggregate.version,
            db_version=aggregate.version + 1,
            snapshot=(row, children),
        )

    def remove(self, mapping: AggregateMapping[A], aggregate: A) -> None:
        """Delete on commit, if nobody changed the row since it was loaded."""
        key = (mapping.table.name, aggregate.id)
        entry = self._entries.get(key)
        if entry is None:
            entry = _Entry(
                mapping=mapping,
                aggregate=aggregate,
                loaded_version=aggregate.version,
                db_version=aggregate.version,
                snapshot=None,
            )
            self._entries[key] = entry
        entry.deleted = True

    # -- transaction --------------------------------------------------------------------
    async def commit(self) -> None:
        if self._read_only:
            raise ReadOnlyUnitOfWork("this unit of work was opened read-only")
        # Versions are bumped in memory only once the database commit has succeeded.
        written: list[_Entry] = []
        for entry in list(self._entries.values()):
            if entry.deleted:
                await self._delete(entry)
            elif await self._save(entry):
                written.append(entry)
        events = [event for e in self._entries.values() for event in e.aggregate.pull_events()]
        if events:
            now = to_utc(self._clock.now())
            rows = []
            for event in events:
                event_type, payload = encode_event(event)
                rows.append({"event_type": event_type, "payload": payload, "recorded_at": now})
            await self.execute(insert(t.outbox), rows)
        conn = self._conn
        if conn is not None and conn.in_transaction():
            async with database_errors():
                await conn.commit()
        self.committed_events = tuple(events)
        for entry in written:
            entry.aggregate.version = entry.loaded_version + 1
            entry.loaded_version = entry.db_version = entry.aggregate.version
        for key in [k for k, e in self._entries.items() if e.deleted]:
            del self._entries[key]

    async def _save(self, entry: _Entry) -> bool:
        """Write the entry's changes; True when its row was inserted or updated here."""
        mapping = entry.mapping
        rows = mapping.rows_of(entry.aggregate)
        inserted_here = entry.db_version != entry.loaded_version
        if rows == entry.snapshot:
            return inserted_here
        row, children = rows
        values = update_values(row, entry.loaded_version + 1, entry.aggregate.id, entry.db_version)
        if await self.execute_count(table_statements(mapping.table).update, values) != 1:
            raise ConcurrencyConflict(
                f"{mapping.noun} {entry.aggregate.id} was changed by someone else; try again"
            )
        assert entry.snapshot is not None
        await self._save_children(mapping, entry.snapshot[1], children)
        entry.snapshot = rows
        entry.db_version = entry.loaded_version + 1
        return True

    async def _save_children(
        self, mapping: AggregateMapping[Any], before: list[Row], after: list[Row]
    ) -> None:
        spec = mapping.children
        if spec is None:
            return
        old, new = _by_id(before), _by_id(after)
        gone = [i for i in old if i not in new]
        if gone:
            await self.execute(delete(spec.table).where(spec.table.c.id.in_(gone)))
        added = [r for i, r in new.items() if i not in old]
        if added:
            await self.execute(insert(spec.table), added)
        for i, r in new.items():
            if i in old and old[i] != r:
                await self.execute(update(spec.table).where(spec.table.c.id == i).values(**r))

    async def _delete(self, entry: _Entry) -> None:
        mapping, table = entry.mapping, entry.mapping.table
        if mapping.children is not None:
            spec = mapping.children
            parent = spec.table.c[spec.parent_column]
            await self.execute(delete(spec.table).where(parent == entry.aggregate.id))
        current = {"_id": entry.aggregate.id, "_version": entry.db_version}
        if await self.execute_count(table_statements(table).delete, current) != 1:
            raise ConcurrencyConflict(
                f"{mapping.noun} {entry.aggregate.id} was changed by someone else; try again"
            )

    async def rollback(self) -> None:
        self._entries.clear()
        conn = self._conn
        if conn is not None and conn.in_transaction():
            async with database_errors():
                await conn.rollback()
