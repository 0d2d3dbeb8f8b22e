"""`check-store`: whether every revision is complete and as it was published.

Every revision must be complete: numbered 1..N, each the child of the one before, its rows
equal in number and content hash to what was recorded when it was published; no row may belong
to a revision that does not exist; every key has at most one current row. A publish
interrupted at any moment must leave all of this true.
"""

from __future__ import annotations

import polars as pl
import sqlalchemy as sa

from headcount import fingerprint, reads
from headcount.reads import Revision
from headcount.sqltables import SqlTables, polars_schema
from validation.tables import TABLES


def check(engine: sa.Engine, tables: SqlTables) -> list[str]:
    """Inconsistencies, in words (none: the store is consistent)."""
    found: list[str] = []
    with engine.connect() as connection:
        revisions = reads.revisions(connection, tables)
    ids = [revision.id for revision in revisions]
    if ids != list(range(1, len(ids) + 1)):
        found.append(f"revision numbers are not 1..{len(ids)}: {ids}")
    for revision in revisions:
        expected_parent = revision.id - 1 if revision.id > 1 else None
        if revision.parent_id != expected_parent:
            found.append(f"revision {revision.id} has parent {revision.parent_id}")
    with engine.connect() as connection:
        for name in TABLES:
            found += _check_table(connection, tables, name, revisions)
    latest = max(ids, default=0)
    with engine.connect() as connection:
        for name, rows in tables.rows.items():
            found += _check_rows(connection, name, rows, latest)
    return found


def _check_rows(connection: sa.Connection, name: str, rows: sa.Table, latest: int) -> list[str]:
    """Rows outside every revision, and keys with more than one current row."""
    found = []
    stray = connection.execute(
        sa.select(sa.func.count())
        .select_from(rows)
        .where(
            sa.or_(
                rows.c._rev_from > latest,
                rows.c._rev_to > latest,
                rows.c._rev_to <= rows.c._rev_from,
            )
        )
    ).scalar()
    if stray:
        found.append(f"{name}: {stray} rows point at revisions that do not exist")
    key = [rows.c[k] for k in TABLES[name].key]
    doubled = connection.execute(
        sa.select(sa.func.count()).select_from(
            sa.select(*key)
            .where(rows.c._rev_to.is_(None))
            .group_by(*key)
            .having(sa.func.count() > 1)
            .subquery()
        )
    ).scalar()
    if doubled:
        found.append(f"{name}: {doubled} keys have more than one current row")
    return found


def _check_table(
    connection: sa.Connection, tables: SqlTables, name: str, revisions: list[Revision]
) -> list[str]:
    """Each revision's rows of one table against its recorded count and fingerprint.
    Every stored row is read and hashed once; a revision's fingerprint is the sum over
    the rows alive in it."""
    table, rows = TABLES[name], tables.rows[name]
    columns = [rows.c[c] for c in table.column_names]
    stored = reads.frame(
        connection,
        sa.select(*columns, rows.c._rev_from, rows.c._rev_to),
        {**polars_schema(table), "_rev_from": pl.Int64(), "_rev_to": pl.Int64()},
    )
    spans = stored.select("_rev_from", "_rev_to").hstack(fingerprint.row_limbs(table, stored))
    found = []
    for revision in revisions:
        alive = (pl.col("_rev_from") <= revision.id) & (
            pl.col("_rev_to").is_null() | (pl.col("_rev_to") > revision.id)
        )
        mine = spans.filter(alive)
        count = revision.counts.get(name, 0)
        if mine.height != count:
            found.append(
                f"revision {revision.id}: {name} has {mine.height} rows, {count} were published"
            )
        recorded = revision.hashes.get(name)
        if recorded is None:
            continue
        if fingerprint.is_current(recorded):
            same = fingerprint.summed(mine.select(fingerprint.LIMBS)) == recorded
        else:
            same = fingerprint.legacy(table, stored.filter(alive)) == recorded
        if not same:
            found.append(f"revision {revision.id}: {name} rows differ from their hash")
    return found
