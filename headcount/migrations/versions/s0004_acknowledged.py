"""The revision records the warnings its publisher acknowledged (2026-12, issue 21): the
evidence check's and plausibility's, as JSON (who acknowledged them, and each warning's code,
place and words). Revisions published before it acknowledged none. Skipped where the column
exists already.

Revision ID: s0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0004"
down_revision = "s0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("revisions")}
    if "acknowledged" not in columns:
        op.add_column("revisions", sa.Column("acknowledged", sa.Text, nullable=True))


def downgrade() -> None:
    raise NotImplementedError("revisions are never deleted; restore a backup instead")
