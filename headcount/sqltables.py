"""The store's SQL tables as this code reads and writes them (Alembic's migrations create
them: headcount/schema.py).

Every contract table has a SQL table with the contract's columns plus ``_rev_from`` and
``_rev_to``: a row is part of revisions ``_rev_from <= r < _rev_to`` (``_rev_to`` empty: still
current). Nothing is ever deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa

from validation.tables import TABLES, Table

# Tables whose rows belong to one company and grow with the data; the others are small.
PER_COMPANY = ("observations", "events", "notices")
_SQL_TYPES = {"text": sa.Text, "date": sa.Date, "number": sa.Float}


@dataclass(frozen=True)
class SqlTables:
    metadata: sa.MetaData
    revisions: sa.Table
    rows: dict[str, sa.Table]  # by contract table name


def declare() -> SqlTables:
    metadata = sa.MetaData()
    revisions = sa.Table(
        "revisions",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("parent_id", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("hashes", sa.Text, nullable=False),
        # The warnings the publisher acknowledged (JSON; empty: none), migration s0004.
        sa.Column("acknowledged", sa.Text, nullable=True),
    )
    rows = {}
    for table in TABLES.values():
        columns = [sa.Column(c.name, _SQL_TYPES[c.kind]()) for c in table.columns]
        name = f"rows_{table.name}"
        rows[table.name] = sa.Table(
            name,
            metadata,
            *columns,
            sa.Column("_rev_from", sa.Integer, nullable=False),
            sa.Column("_rev_to", sa.Integer, nullable=True),
            # Both bounds last: "rows of a revision" by key is answered from the index alone.
            sa.Index(f"ix_{name}_revision_key", *table.key, "_rev_to", "_rev_from"),
        )
    return SqlTables(metadata, revisions, rows)


def in_revision(rows: sa.Table, revision_id: int) -> sa.ColumnElement[bool]:
    """Rows that are part of a revision (the key index ends in both bounds, so a query on
    key columns is answered from the index alone)."""
    return sa.and_(
        rows.c._rev_from <= revision_id,
        sa.or_(rows.c._rev_to.is_(None), rows.c._rev_to > revision_id),
    )


def polars_schema(table: Table) -> dict[str, pl.DataType]:
    # The types rows come back as; on SQLite `reads.frame` parses the stored ISO dates into them.
    kinds = {"date": pl.Date(), "number": pl.Float64(), "text": pl.String()}
    return {c.name: kinds[c.kind] for c in table.columns}


def quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
