"""Alembic environment: the schema is ``adapters.sqlalchemy.tables.metadata``.

Run through :mod:`adapters.sqlalchemy.migrate`, which hands over an open connection in
``config.attributes["connection"]`` (no alembic.ini at runtime). Scripts are rendered in batch
mode so every migration also works on SQLite, which cannot ALTER most things in place.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from adapters.sqlalchemy.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("run migrations with `paeshift migrate` (adapters.sqlalchemy.migrate)")
    _run(connection)


_main()
