"""Writing a revision: one transaction that first takes the store's write lock and checks that
the revision the change was based on is still the latest; otherwise nothing is written and the
caller learns who published what in between.

A revision writes only the rows it adds or changes and closes the rows it removes or changes,
so storage grows with the change, not with the dataset, and nothing is ever deleted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace

import polars as pl
import sqlalchemy as sa

from headcount import fingerprint, revisiontext, sqlite
from headcount.diff import TableDiff
from headcount.outcomes import Outcome, Published, Refused
from headcount.reads import Acknowledged, Revision
from headcount.revisiontext import MAX_AUTHOR, MAX_NOTE
from headcount.sqltables import SqlTables, quoted
from validation.tables import TABLES, Table

LOCK_KEY = 7_347_001  # PostgreSQL advisory lock id of the store's write lock
NOTHING = "Nothing changes: the upload equals the current revision."


@contextmanager
def locked(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction that holds the store's write lock until it ends: on SQLite it begins
    IMMEDIATE (headcount/sqlite.py); PostgreSQL takes an advisory lock. Reads never take it."""
    with sqlite.write_transaction(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        yield connection


def publish(
    engine: sa.Engine,
    tables: SqlTables,
    frames: Mapping[str, pl.DataFrame],
    changes: Mapping[str, TableDiff],
    base: int | None,
    author: str,
    note: str,
    acknowledged: Acknowledged | None = None,
) -> Outcome:
    """Write ``changes`` (the diff from revision ``base`` to ``frames``) as a new revision.

    Refused, with nothing written, when the note or author cannot be shown or is too long
    (headcount/revisiontext.py), the change is empty or another revision was published after
    ``base``."""
    for what, text, limit in (("note", note, MAX_NOTE), ("author", author, MAX_AUTHOR)):
        why = revisiontext.problem(what, text, limit)
        if why is not None:  # the feed, the terminal and every revisions response carry it
            return Refused(why, "words")
    if all(change.empty for change in changes.values()):
        return Refused(NOTHING, "nothing_to_publish")
    frames = {name: _canonical(TABLES[name], frame) for name, frame in frames.items()}
    changes = {name: _canonical_change(change) for name, change in changes.items()}
    with locked(engine) as connection:
        head = connection.execute(sa.select(sa.func.max(tables.revisions.c.id))).scalar()
        if head != base:
            return Refused(_conflict_message(connection, tables, base, head), "conflict")
        revision_id = (head or 0) + 1
        now = dt.datetime.now(dt.UTC)
        counts = {name: frame.height for name, frame in frames.items()}
        parent = _recorded_hashes(connection, tables, head)
        if connection.dialect.name == "postgresql":
            # The server does the writing while the client waits on its socket (the GIL
            # released), so the change is hashed meanwhile on the other core. On SQLite
            # the writes run in this process and would fight the hashing for the GIL.
            with ThreadPoolExecutor(max_workers=1) as pool:
                hashing = pool.submit(_fingerprints, parent, frames, changes)
                for name, change in changes.items():
                    _write_change(connection, tables, name, change, revision_id)
                hashes = hashing.result()
        else:
            hashes = _fingerprints(parent, frames, changes)
            for name, change in changes.items():
                _write_change(connection, tables, name, change, revision_id)
        connection.execute(
            sa.insert(tables.revisions).values(
                id=revision_id,
                parent_id=head,
                created_at=now,
                author=author,
                note=note,
                counts=json.dumps(counts, sort_keys=True),
                hashes=json.dumps(hashes, sort_keys=True),
                acknowledged=acknowledged.as_json() if acknowledged else None,
            )
        )
    return Published(Revision(revision_id, head, now, author, note, counts, hashes, acknowledged))


def _recorded_hashes(
    connection: sa.Connection, tables: SqlTables, head: int | None
) -> dict[str, str]:
    if head is None:
        return {}
    recorded = connection.execute(
        sa.select(tables.revisions.c.hashes).where(tables.revisions.c.id == head)
    ).scalar()
    return dict(json.loads(str(recorded)))


def _conflict_message(
    connection: sa.Connection, tables: SqlTables, base: int | None, head: int | None
) -> str:
    newer = (
        connection.execute(
            sa.select(tables.revisions)
            .where(tables.revisions.c.id > (base or 0))
            .order_by(tables.revisions.c.id)
        )
        .mappings()
        .all()
    )
    told = "; ".join(
        f"revision {r['id']} by {r['author']} at {r['created_at']:%Y-%m-%d %H:%M} ({r['note']})"
        for r in newer
    )
    return (
        f"Refused: this change was prepared against revision {base}, but the latest is "
        f"revision {head}. Published since: {told}. Nothing was written; review the upload "
        "against the latest revision and publish again."
    )


def _write_change(
    connection: sa.Connection, tables: SqlTables, name: str, change: TableDiff, revision_id: int
) -> None:
    key = list(change.table.key)
    if change.closed.height:
        _close(connection, tables.rows[name].name, change.closed.select(key), revision_id)
    if change.opened.height:
        columns = [*change.table.column_names, "_rev_from"]
        # In index order, each index page is visited once instead of once per row.
        rows = (
            change.opened.select(change.table.column_names)
            .sort(key)
            .with_columns(pl.lit(revision_id, dtype=pl.Int64).alias("_rev_from"))
        )
        bulk_insert(connection, tables.rows[name].name, columns, rows)


def _close(connection: sa.Connection, rows: str, keys: pl.DataFrame, revision_id: int) -> None:
    """End the current version of each keyed row: the keys go into a temporary table in
    bulk, then one UPDATE joins on them, instead of one UPDATE statement per key."""
    key = list(keys.columns)
    columns = ", ".join(quoted(k) for k in key)
    connection.exec_driver_sql("DROP TABLE IF EXISTS _closing")
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE _closing AS SELECT {columns} FROM {rows} WHERE 1 = 0"
    )
    bulk_insert(connection, "_closing", key, keys)
    match = " AND ".join(f"{rows}.{quoted(k)} = _closing.{quoted(k)}" for k in key)
    connection.exec_driver_sql(
        f"UPDATE {rows} SET _rev_to = {int(revision_id)} FROM _closing "
        f"WHERE {rows}._rev_to IS NULL AND {match}"
    )
    connection.exec_driver_sql("DROP TABLE _closing")


def bulk_insert(
    connection: sa.Connection, table: str, columns: list[str], rows: pl.DataFrame
) -> None:
    """Rows into a table the fastest way each database offers: COPY on PostgreSQL, one
    prepared statement over plain tuples on SQLite. Identifiers come from the contract
    (never from data); values travel as data, never inside SQL text.

    COPY gets each row as values through psycopg's `write_row`, which escapes them for
    the format it speaks; never as text composed here. As CSV, a cell `\\.` alone on a
    line ended the data and silently dropped the rows after it (issue 12.1); quoting
    every cell would keep the marker but turn nulls into empty text."""
    names = ", ".join(quoted(c) for c in columns)
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        statement = f"COPY {table} ({names}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows.select(columns).iter_rows():
                copy.write_row(row)
        return
    # SQLite keeps dates as ISO text (as SQLAlchemy's Date type writes them).
    plain = rows.select(columns).with_columns(
        pl.col(c).dt.to_string("%Y-%m-%d") for c in columns if rows.schema[c] == pl.Date
    )
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", plain.iter_rows())
    finally:
        cursor.close()


def _fingerprints(
    parent: Mapping[str, str],
    frames: Mapping[str, pl.DataFrame],
    changes: Mapping[str, TableDiff],
) -> dict[str, str]:
    """Each table's fingerprint: the parent's updated by the change (the cost of the change,
    not of the revision), or computed from the rows where the parent has none of the current
    kind."""
    found = {}
    for name, frame in frames.items():
        table, change, previous = TABLES[name], changes.get(name), parent.get(name, "")
        if not fingerprint.is_current(previous):
            found[name] = fingerprint.of(table, frame)
        elif change is None:
            found[name] = previous
        else:
            found[name] = fingerprint.updated(previous, table, change.opened, change.closed)
    return found


def _canonical(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Numbers as every database keeps them: SQLite stores -0.0 as 0.0, so a -0.0 hashed as
    given would make its revision fail `check-store` (issue 12.5)."""
    numbers = [c for c in table.columns_of_kind("number") if frame.schema.get(c) == pl.Float64]
    return frame.with_columns(
        pl.when(pl.col(c) == 0).then(pl.lit(0.0)).otherwise(pl.col(c)).alias(c) for c in numbers
    )


def _canonical_change(change: TableDiff) -> TableDiff:
    """A change with canonical numbers in the rows it opens and in those it closes (whose
    fingerprints are taken away as they were added: canonical since this was written)."""
    table = change.table
    return replace(
        change,
        added=_canonical(table, change.added),
        removed=_canonical(table, change.removed),
        changed=_canonical(table, change.changed),
        replaced=_canonical(table, change.replaced),
    )
