"""The notices table (2026-12-05, issue 23): layoff notices filed under the US WARN Act and its
state versions, the claim check's third number. Revisions published before it hold no notices
(their recorded counts and fingerprints name no such table, and check-store expects none).

The columns are written out here, not taken from the data contract, because this revision must
always describe the same schema. Skipped where the table exists already.

Revision ID: s0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0005"
down_revision = "s0004"
branch_labels = None
depends_on = None

TABLE = "rows_notices"
COLUMNS: tuple[tuple[str, type[sa.types.TypeEngine]], ...] = (
    ("company", sa.Text), ("state", sa.Text), ("filed", sa.Date), ("workers", sa.Float),
    ("site", sa.Text), ("cause", sa.Text), ("source_id", sa.Text), ("note", sa.Text),
)  # fmt: skip
KEY = ("company", "state", "filed", "workers", "source_id")


def upgrade() -> None:
    if TABLE in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        TABLE,
        *(sa.Column(column, kind()) for column, kind in COLUMNS),
        sa.Column("_rev_from", sa.Integer, nullable=False),
        sa.Column("_rev_to", sa.Integer, nullable=True),
    )
    # Both bounds last, as every table's: "rows of a revision" by key from the index alone.
    op.create_index(f"ix_{TABLE}_revision_key", TABLE, [*KEY, "_rev_to", "_rev_from"])


def downgrade() -> None:
    raise NotImplementedError("revisions are never deleted; restore a backup instead")
