"""the feed's location index covers what the nearest sort reads

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 04:55:00

On PostgreSQL ``ix_jobs_feed_location`` includes ``id``, ``accepted_count`` and ``seats``: the
nearest sort ranks every job in the bounding box by distance from the index alone, then reads
the rows of the page (adapters/sqlalchemy/feed.py). SQLite keeps the plain index.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["status", "latitude", "longitude"]


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_feed_location")
        batch_op.create_index(
            "ix_jobs_feed_location",
            COLUMNS,
            unique=False,
            postgresql_include=["id", "accepted_count", "seats"],
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_feed_location")
        batch_op.create_index("ix_jobs_feed_location", COLUMNS, unique=False)
