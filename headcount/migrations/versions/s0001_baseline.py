"""The schema of the 2026-11-21 release (commit eb70d08), before stores had a version table.

Written to skip what exists: a store made by that release (or an earlier one) has no version
table, so every store without one runs this first; the tables and the index it lacks are made,
the rest is left as it is. The columns are written out here, not taken from the data contract,
because this revision must always describe the same schema.

Revision ID: s0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0001"
down_revision = None
branch_labels = None
depends_on = None

TEXT, DATE, NUMBER = sa.Text, sa.Date, sa.Float
COLUMNS: dict[str, tuple[tuple[str, type[sa.types.TypeEngine]], ...]] = {
    "observations": (
        ("company", TEXT), ("metric", TEXT), ("date", DATE), ("period", TEXT),
        ("value", NUMBER), ("unit", TEXT), ("basis", TEXT), ("claim_type", TEXT),
        ("source_id", TEXT), ("note", TEXT),
    ),
    "events": (
        ("company", TEXT), ("date", DATE), ("kind", TEXT), ("title", TEXT),
        ("source_id", TEXT), ("detail", TEXT),
    ),
    "sources": (
        ("source_id", TEXT), ("publisher", TEXT), ("title", TEXT), ("url", TEXT),
        ("accessed", DATE), ("published", DATE), ("via", TEXT), ("reliability", TEXT),
        ("quote", TEXT), ("language", TEXT),
    ),
    "framings": (
        ("company", TEXT), ("claim", TEXT), ("source_id", TEXT), ("shows", TEXT),
        ("evidence_id", TEXT),
    ),
}  # fmt: skip
KEYS = {
    "observations": ("company", "metric", "date", "basis", "source_id"),
    "events": ("company", "date", "kind", "title"),
    "sources": ("source_id",),
    "framings": ("company", "claim"),
}


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "revisions" not in existing:
        op.create_table(
            "revisions",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("parent_id", sa.Integer, nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("author", sa.Text, nullable=False),
            sa.Column("note", sa.Text, nullable=False),
            sa.Column("counts", sa.Text, nullable=False),
            sa.Column("hashes", sa.Text, nullable=False),
        )
    for name, columns in COLUMNS.items():
        table = f"rows_{name}"
        if table not in existing:
            op.create_table(
                table,
                *(sa.Column(column, kind()) for column, kind in columns),
                sa.Column("_rev_from", sa.Integer, nullable=False),
                sa.Column("_rev_to", sa.Integer, nullable=True),
            )
        indexes = {i["name"] for i in sa.inspect(op.get_bind()).get_indexes(table)}
        if f"ix_{table}_revision_key" not in indexes:
            # Both bounds last: "rows of a revision" by key is answered from the index alone.
            op.create_index(
                f"ix_{table}_revision_key", table, [*KEYS[name], "_rev_to", "_rev_from"]
            )
        for old in ("key", "from", "to"):  # replaced by the one above in 2026-11
            if f"ix_{table}_{old}" in indexes:
                op.drop_index(f"ix_{table}_{old}", table_name=table)


def downgrade() -> None:
    raise NotImplementedError("revisions are never deleted; restore a backup instead")
