"""The optional `scope` column on observations (2026-12, issue 21): the part of a company a
figure counts; empty means the whole company.

Rows published before it hold no value there, and row fingerprints encode a later column only
when it has one (headcount/fingerprint.py), so every earlier revision still verifies. Skipped
where the column exists already (a store altered by hand).

Revision ID: s0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0003"
down_revision = "s0002"
branch_labels = None
depends_on = None

ADDED = {"rows_observations": "scope"}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, column in ADDED.items():
        if column not in {c["name"] for c in inspector.get_columns(table)}:
            op.add_column(table, sa.Column(column, sa.Text, nullable=True))


def downgrade() -> None:
    raise NotImplementedError("revisions are never deleted; restore a backup instead")
