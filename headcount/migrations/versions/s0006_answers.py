"""The optional `answers` column on events (2026-12-05, issue 23): the day of the earlier claim
of the same company an event answers (a walk-back, a contradiction, rehiring).

Rows published before it hold no value there, and row fingerprints encode a later column only
when it has one (headcount/fingerprint.py), so every earlier revision still verifies. Skipped
where the column exists already.

Revision ID: s0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0006"
down_revision = "s0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("rows_events")}
    if "answers" not in columns:
        op.add_column("rows_events", sa.Column("answers", sa.Date, nullable=True))


def downgrade() -> None:
    raise NotImplementedError("revisions are never deleted; restore a backup instead")
