"""Immutable revisions of the tables in SQLite (default) or PostgreSQL, through SQLAlchemy.

Every contract table has a SQL table with the contract's columns plus ``_rev_from`` and
``_rev_to``: a row is part of revisions ``_rev_from <= r < _rev_to`` (``_rev_to`` empty: still
current). A revision writes only the rows it adds or changes and closes the rows it removes or
changes, so storage grows with the change, not with the dataset, and nothing is ever deleted.

Publishing is one transaction that first takes the store's write lock and checks that the
revision the change was based on is still the latest; otherwise nothing is written and the
caller learns who published what in between.

The schema is Alembic's (headcount/schema.py, headcount/migrations): opening a store never
changes it, except that an empty database is created at the latest version.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from headcount import fingerprint, schema
from headcount.config import ROOT
from headcount.diff import TableDiff, diff_table
from validation.tables import TABLES, Table

STORE_ENV = "HEADCOUNT_STORE_URL"
DEFAULT_PATH = ROOT / "var" / "headcount.sqlite"
LOCK_KEY = 7_347_001  # PostgreSQL advisory lock id of the publish lock
SQLITE_CACHE_KIB = 262_144  # per connection, at most
# Tables whose rows belong to one company and grow with the data; the others are small.
PER_COMPANY = ("observations", "events")

_SQL_TYPES = {"text": sa.Text, "date": sa.Date, "number": sa.Float}


def default_url() -> str:
    """The store URL: $HEADCOUNT_STORE_URL, else a SQLite file kept out of git in var/."""
    return os.environ.get(STORE_ENV) or f"sqlite:///{DEFAULT_PATH}"


class StoreError(Exception):
    """A publish that was refused; nothing was written."""


class Conflict(StoreError):
    """Another revision was published after the one the change was based on."""


class NothingToPublish(StoreError):
    """The change is empty."""


@dataclass(frozen=True)
class Revision:
    id: int
    parent_id: int | None
    created_at: dt.datetime
    author: str
    note: str
    counts: dict[str, int]
    hashes: dict[str, str]


def _schema(metadata: sa.MetaData) -> tuple[sa.Table, dict[str, sa.Table]]:
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
    return revisions, rows


class Store:
    def __init__(self, url: str | None = None, *, as_is: bool = False) -> None:
        """Open a store whose schema is current (an empty database is created); any other is
        refused with `schema.SchemaMismatch`, unless ``as_is`` (only to `upgrade` it)."""
        self.url = url or default_url()
        if self.url.startswith("sqlite:///"):
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(self.url, **self._engine_options())
        if self.dialect == "sqlite":
            self._serialise_sqlite_writes()
        self.metadata = sa.MetaData()
        self.revisions_table, self.rows = _schema(self.metadata)
        if not as_is:
            try:
                schema.ensure(self.engine, self._lock)
            except schema.SchemaMismatch:
                self.engine.dispose()
                raise

    def upgrade(self) -> tuple[str | None, str]:
        """Migrate the schema to this code's (under the write lock; one transaction on
        PostgreSQL). Returns the versions before and after."""
        with self.engine.begin() as connection:
            self._lock(connection)
            return schema.upgrade(connection)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _engine_options(self) -> dict[str, object]:
        if self.url.startswith("sqlite"):
            return {"connect_args": {"timeout": 60}}
        return {"pool_pre_ping": True}

    def _serialise_sqlite_writes(self) -> None:
        """Make every SQLite transaction BEGIN IMMEDIATE: the write lock is taken before the
        base revision is checked, so two publishers cannot both pass the check."""

        @sa.event.listens_for(self.engine, "connect")
        def _connect(connection, _record):  # type: ignore[no-untyped-def]
            connection.isolation_level = None
            # A bigger page cache keeps index pages of millions of rows in memory while a
            # publish inserts, and spares readers the lock a spilling writer takes early; it
            # is allocated only as pages are read. (Write-ahead logging was tried: the next
            # write paid for checkpointing the last big publish, a 10-row publish took 10 s.)
            connection.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")

        @sa.event.listens_for(self.engine, "begin")
        def _begin(connection):  # type: ignore[no-untyped-def]
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    # Reading -----------------------------------------------------------------------------

    def latest_id(self) -> int | None:
        with self.engine.connect() as connection:
            return connection.execute(sa.select(sa.func.max(self.revisions_table.c.id))).scalar()

    def revisions(self) -> list[Revision]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(self.revisions_table).order_by(self.revisions_table.c.id)
            ).mappings()
            return [_revision(row) for row in rows]

    def revision(self, revision_id: int) -> Revision:
        with self.engine.connect() as connection:
            row = (
                connection.execute(
                    sa.select(self.revisions_table).where(self.revisions_table.c.id == revision_id)
                )
                .mappings()
                .first()
            )
        if row is None:
            raise KeyError(f"there is no revision {revision_id}")
        return _revision(row)

    def read(self, revision_id: int | None = None) -> dict[str, pl.DataFrame]:
        """The tables as they were in a revision (default: the latest)."""
        if revision_id is None:  # 0 is a revision that does not exist, not "the latest"
            revision_id = self.latest_id()
        if revision_id is None:
            return {}
        self.revision(revision_id)  # a missing revision is an error, not empty tables
        with self.engine.connect() as connection:
            return {name: self._read_table(connection, name, revision_id) for name in TABLES}

    def read_company(self, company: str, revision_id: int) -> dict[str, pl.DataFrame]:
        """One company's observations and events in a revision, with all its sources and
        framings (small tables): what a page about one company needs, read through the key
        index instead of the whole revision."""
        self.revision(revision_id)
        with self.engine.connect() as connection:
            return {
                name: self._read_table(
                    connection,
                    name,
                    revision_id,
                    self.rows[name].c.company == company if name in PER_COMPANY else None,
                )
                for name in TABLES
            }

    def changes(self, older: int, newer: int) -> dict[str, TableDiff]:
        """What differs between two revisions (in either order), equal to diffing the two
        whole revisions but read as the rows one holds and the other does not: the cost of
        the change, not of the revisions. A row version both hold is on neither side; a key
        closed and reopened with the same values (a rollback) is on both and diffs to equal.
        """
        self.revision(older)  # a missing revision is an error, not an empty change
        self.revision(newer)
        with self.engine.connect() as connection:
            found = {}
            for name, table in TABLES.items():
                rows = self.rows[name]
                only_older = self._read_table(
                    connection, name, older, sa.not_(self._in_revision(rows, newer))
                )
                only_newer = self._read_table(
                    connection, name, newer, sa.not_(self._in_revision(rows, older))
                )
                found[name] = diff_table(table, only_older, only_newer)
            return found

    def catalog(self, revision_id: int) -> pl.DataFrame:
        """Observation rows per company and basis in a revision, with their first and last
        dates: what every page must know about the whole revision (the company list, the
        bases, the date span), computed by the database without reading the rows out."""
        rows = self.rows["observations"]
        query = (
            sa.select(
                rows.c.company,
                rows.c.basis,
                sa.func.count().label("rows"),
                sa.func.min(rows.c.date).label("first"),
                sa.func.max(rows.c.date).label("last"),
            )
            .where(self._in_revision(rows, revision_id))
            .group_by(rows.c.company, rows.c.basis)
        )
        with self.engine.connect() as connection:
            found = connection.execute(query).fetchall()
        schema = {
            "company": pl.String,
            "basis": pl.String,
            "rows": pl.Int64,
            "first": pl.Date,
            "last": pl.Date,
        }
        return pl.DataFrame(found, schema=schema, orient="row")

    @staticmethod
    def _in_revision(rows: sa.Table, revision_id: int) -> sa.ColumnElement:
        """Rows that are part of a revision (the key index ends in both bounds, so a query on
        key columns is answered from the index alone)."""
        return sa.and_(
            rows.c._rev_from <= revision_id,
            sa.or_(rows.c._rev_to.is_(None), rows.c._rev_to > revision_id),
        )

    def _read_table(
        self,
        connection: sa.Connection,
        name: str,
        revision_id: int,
        where: sa.ColumnElement | None = None,
    ) -> pl.DataFrame:
        table = TABLES[name]
        rows = self.rows[name]
        query = sa.select(*(rows.c[c] for c in table.column_names)).where(
            self._in_revision(rows, revision_id)
        )
        if where is not None:
            query = query.where(where)
        return self._frame(connection, query, _polars_schema(table))

    def _frame(
        self, connection: sa.Connection, query: sa.Select, schema: dict[str, pl.DataType]
    ) -> pl.DataFrame:
        """Rows of a query straight from the driver's cursor into Polars: SQLAlchemy's
        per-row result processing cost as much as the fetch itself. SQLite keeps dates as
        ISO text (as SQLAlchemy's Date type writes them); Polars parses them in bulk."""
        compiled = query.compile(dialect=self.engine.dialect)
        params: object = compiled.params
        if compiled.positiontup is not None:
            params = tuple(compiled.params[name] for name in compiled.positiontup)
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(str(compiled), params)
            found = cursor.fetchall()
        finally:
            cursor.close()
        if self.dialect != "sqlite":
            return pl.DataFrame(found, schema=schema, orient="row")
        as_text = {
            name: pl.String() if kind == pl.Date() else kind for name, kind in schema.items()
        }
        frame = pl.DataFrame(found, schema=as_text, orient="row")
        dates = [name for name, kind in schema.items() if kind == pl.Date()]
        return frame.with_columns(pl.col(dates).str.to_date("%Y-%m-%d"))

    def check(self) -> list[str]:
        """Inconsistencies, in words (none: the store is consistent).

        Every revision must be complete: numbered 1..N, each the child of the one before, its
        rows equal in number and content hash to what was recorded when it was published; no
        row may belong to a revision that does not exist; every key has at most one current
        row. A publish interrupted at any moment must leave all of this true."""
        found: list[str] = []
        revisions = self.revisions()
        ids = [revision.id for revision in revisions]
        if ids != list(range(1, len(ids) + 1)):
            found.append(f"revision numbers are not 1..{len(ids)}: {ids}")
        for revision in revisions:
            expected_parent = revision.id - 1 if revision.id > 1 else None
            if revision.parent_id != expected_parent:
                found.append(f"revision {revision.id} has parent {revision.parent_id}")
        with self.engine.connect() as connection:
            for name in TABLES:
                found += self._check_table(connection, name, revisions)
        latest = max(ids, default=0)
        with self.engine.connect() as connection:
            for name, rows in self.rows.items():
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
        self, connection: sa.Connection, name: str, revisions: list[Revision]
    ) -> list[str]:
        """Each revision's rows of one table against its recorded count and fingerprint.
        Every stored row is read and hashed once; a revision's fingerprint is the sum over
        the rows alive in it."""
        table, rows = TABLES[name], self.rows[name]
        columns = [rows.c[c] for c in table.column_names]
        stored = self._frame(
            connection,
            sa.select(*columns, rows.c._rev_from, rows.c._rev_to),
            {**_polars_schema(table), "_rev_from": pl.Int64(), "_rev_to": pl.Int64()},
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

    # Writing -----------------------------------------------------------------------------

    def publish(
        self,
        tables: Mapping[str, pl.DataFrame],
        changes: Mapping[str, TableDiff],
        base: int | None,
        author: str,
        note: str,
    ) -> Revision:
        """Write ``changes`` (the diff from revision ``base`` to ``tables``) as a new revision.

        Refused, with nothing written, when another revision was published after ``base``."""
        if all(change.empty for change in changes.values()):
            raise NothingToPublish("Nothing changes: the upload equals the current revision.")
        tables = {name: _canonical(TABLES[name], frame) for name, frame in tables.items()}
        changes = {name: _canonical_change(change) for name, change in changes.items()}
        with self.engine.begin() as connection:
            self._lock(connection)
            head = connection.execute(sa.select(sa.func.max(self.revisions_table.c.id))).scalar()
            if head != base:
                raise Conflict(self._conflict_message(connection, base, head))
            revision_id = (head or 0) + 1
            now = dt.datetime.now(dt.UTC)
            counts = {name: frame.height for name, frame in tables.items()}
            parent = self._recorded_hashes(connection, head)
            if self.dialect == "postgresql":
                # The server does the writing while the client waits on its socket (the GIL
                # released), so the change is hashed meanwhile on the other core. On SQLite
                # the writes run in this process and would fight the hashing for the GIL.
                with ThreadPoolExecutor(max_workers=1) as pool:
                    hashing = pool.submit(_fingerprints, parent, tables, changes)
                    for name, change in changes.items():
                        self._write_change(connection, name, change, revision_id)
                    hashes = hashing.result()
            else:
                hashes = _fingerprints(parent, tables, changes)
                for name, change in changes.items():
                    self._write_change(connection, name, change, revision_id)
            connection.execute(
                sa.insert(self.revisions_table).values(
                    id=revision_id,
                    parent_id=head,
                    created_at=now,
                    author=author,
                    note=note,
                    counts=json.dumps(counts, sort_keys=True),
                    hashes=json.dumps(hashes, sort_keys=True),
                )
            )
        return Revision(revision_id, head, now, author, note, counts, hashes)

    def _recorded_hashes(self, connection: sa.Connection, head: int | None) -> dict[str, str]:
        if head is None:
            return {}
        recorded = connection.execute(
            sa.select(self.revisions_table.c.hashes).where(self.revisions_table.c.id == head)
        ).scalar()
        return json.loads(str(recorded))

    def _lock(self, connection: sa.Connection) -> None:
        if self.dialect == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        # SQLite: the transaction began with BEGIN IMMEDIATE, which is the lock.

    def _conflict_message(
        self, connection: sa.Connection, base: int | None, head: int | None
    ) -> str:
        newer = (
            connection.execute(
                sa.select(self.revisions_table)
                .where(self.revisions_table.c.id > (base or 0))
                .order_by(self.revisions_table.c.id)
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
        self, connection: sa.Connection, name: str, change: TableDiff, revision_id: int
    ) -> None:
        key = list(change.table.key)
        if change.closed.height:
            self._close(connection, name, change.closed.select(key), revision_id)
        if change.opened.height:
            columns = [*change.table.column_names, "_rev_from"]
            # In index order, each index page is visited once instead of once per row.
            rows = (
                change.opened.select(change.table.column_names)
                .sort(key)
                .with_columns(pl.lit(revision_id, dtype=pl.Int64).alias("_rev_from"))
            )
            self.bulk_insert(connection, self.rows[name].name, columns, rows)

    def _close(
        self, connection: sa.Connection, name: str, keys: pl.DataFrame, revision_id: int
    ) -> None:
        """End the current version of each keyed row: the keys go into a temporary table in
        bulk, then one UPDATE joins on them, instead of one UPDATE statement per key."""
        rows = self.rows[name].name
        key = list(keys.columns)
        columns = ", ".join(_quoted(k) for k in key)
        connection.exec_driver_sql("DROP TABLE IF EXISTS _closing")
        connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE _closing AS SELECT {columns} FROM {rows} WHERE 1 = 0"
        )
        self.bulk_insert(connection, "_closing", key, keys)
        match = " AND ".join(f"{rows}.{_quoted(k)} = _closing.{_quoted(k)}" for k in key)
        connection.exec_driver_sql(
            f"UPDATE {rows} SET _rev_to = {int(revision_id)} FROM _closing "
            f"WHERE {rows}._rev_to IS NULL AND {match}"
        )
        connection.exec_driver_sql("DROP TABLE _closing")

    def bulk_insert(
        self, connection: sa.Connection, table: str, columns: list[str], rows: pl.DataFrame
    ) -> None:
        """Rows into a table the fastest way each database offers: COPY on PostgreSQL, one
        prepared statement over plain tuples on SQLite. Identifiers come from the contract
        (never from data); values travel as data, never inside SQL text.

        COPY gets each row as values through psycopg's `write_row`, which escapes them for
        the format it speaks; never as text composed here. As CSV, a cell `\\.` alone on a
        line ended the data and silently dropped the rows after it (issue 12.1); quoting
        every cell would keep the marker but turn nulls into empty text."""
        names = ", ".join(_quoted(c) for c in columns)
        raw = connection.connection.driver_connection
        if self.dialect == "postgresql":
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
    tables: Mapping[str, pl.DataFrame],
    changes: Mapping[str, TableDiff],
) -> dict[str, str]:
    """Each table's fingerprint: the parent's updated by the change (the cost of the change,
    not of the revision), or computed from the rows where the parent has none of the current
    kind."""
    found = {}
    for name, frame in tables.items():
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


def _polars_schema(table: Table) -> dict[str, pl.DataType]:
    # The types rows come back as; on SQLite `_frame` parses the stored ISO dates into them.
    kinds = {"date": pl.Date(), "number": pl.Float64(), "text": pl.String()}
    return {c.name: kinds[c.kind] for c in table.columns}


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _revision(row: Mapping[str, object]) -> Revision:
    created = row["created_at"]
    return Revision(
        id=int(row["id"]),  # type: ignore[arg-type]
        parent_id=row["parent_id"],  # type: ignore[arg-type]
        created_at=created,  # type: ignore[arg-type]
        author=str(row["author"]),
        note=str(row["note"]),
        counts=json.loads(str(row["counts"])),
        hashes=json.loads(str(row["hashes"])),
    )
