"""Immutable revisions of the tables in SQLite (default) or PostgreSQL, through SQLAlchemy: the
facade the rest of the app opens. Each job lives in its own module:

    site.py        which store a process uses (its settings), opened once per process
    schema.py      the schema's version; refusing a store that is empty, behind or ahead
    sqlite.py      engines; SQLite's write transactions, deferred reads and cache
    sqltables.py   the SQL tables (contract columns plus `_rev_from`/`_rev_to`)
    reads.py       revisions, their tables, a company's rows, changes, the catalog
    integrity.py   `check-store`
    publishing.py  a new revision in one locked transaction, the bulk writes
    bootstrap.py   `headcount init`: create and seed an empty store

Opening a store never changes it: an empty database is refused with `StoreNotInitialised`
(run `headcount init`), one behind or ahead with `SchemaMismatch` (run `headcount upgrade`).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
import sqlalchemy as sa

from headcount import integrity, publishing, reads, schema, settings, sqlite, sqltables
from headcount.diff import TableDiff
from headcount.outcomes import Outcome, Published, Refused
from headcount.reads import Acknowledged, Revision
from headcount.schema import SchemaMismatch, StoreError, StoreNotInitialised
from headcount.settings import DEFAULT_STORE_PATH, STORE_ENV

__all__ = [
    "DEFAULT_STORE_PATH",
    "STORE_ENV",
    "Outcome",
    "Published",
    "Refused",
    "Revision",
    "SchemaMismatch",
    "Store",
    "StoreError",
    "StoreNotInitialised",
]


class Store:
    def __init__(self, url: str, *, as_is: bool = False) -> None:
        """Open the store at ``url`` (which store a process uses is its site's setting:
        headcount/site.py) whose schema is current; an empty database is refused with
        `StoreNotInitialised`, any other with `SchemaMismatch`, unless ``as_is`` (only to
        initialise or upgrade it). Nothing is created: not even a missing SQLite file."""
        self.url = url
        self.default = self.url == settings.DEFAULT_STORE_URL
        self._path = settings.sqlite_path(self.url)
        if not as_is:
            self._refuse_missing_file()
        self.engine = sqlite.create_engine(self.url)
        if self._path is not None and self._path.exists():
            sqlite.watch_file(self.engine, self._path)  # deleted under us: refused, not read
        self.tables = sqltables.declare()
        self.metadata = self.tables.metadata
        self.revisions_table, self.rows = self.tables.revisions, self.tables.rows
        if not as_is:
            try:
                with self.engine.connect() as connection:
                    schema.require_current(connection, self.default)
            except BaseException:
                self.engine.dispose()
                raise

    def _refuse_missing_file(self) -> None:
        """A SQLite file that does not exist is an empty store: refused before connecting,
        which would create it."""
        if settings.missing_sqlite_file(self.url):
            raise StoreNotInitialised(self.default)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # The schema ---------------------------------------------------------------------------

    def state(self) -> schema.State:
        with self.engine.connect() as connection:
            return schema.state(connection)

    def has_no_tables(self) -> bool:
        """True for a database without any table (or a SQLite file not made yet)."""
        if self._path is not None and not self._path.exists():
            return True
        with self.engine.connect() as connection:
            return not sa.inspect(connection).get_table_names()

    def create(self) -> bool:
        """Create the schema if the database is empty (under the write lock, so two first
        starts do not both create it). False: it was not empty; nothing was changed."""
        if self._path is not None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        with publishing.locked(self.engine) as connection:
            if schema.state(connection) != "empty":
                return False
            schema.create(connection)
            return True

    def upgrade(self) -> tuple[str | None, str]:
        """Migrate the schema to this code's (under the write lock; one transaction on
        PostgreSQL). Returns the versions before and after."""
        self._refuse_missing_file()
        with publishing.locked(self.engine) as connection:
            return schema.upgrade(connection, self.default)

    # Reading ------------------------------------------------------------------------------

    def latest_id(self) -> int | None:
        with self.engine.connect() as connection:
            return reads.latest_id(connection, self.tables)

    def latest_and_first(self) -> tuple[int | None, Revision | None]:
        """The latest revision's number and the first revision (None, None: no revisions)."""
        with self.engine.connect() as connection:
            return reads.latest_and_first(connection, self.tables)

    def revisions(self) -> list[Revision]:
        with self.engine.connect() as connection:
            return reads.revisions(connection, self.tables)

    def revision(self, revision_id: int) -> Revision:
        """One revision's record; KeyError when there is none of that number."""
        with self.engine.connect() as connection:
            return reads.revision(connection, self.tables, revision_id)

    def read(self, revision_id: int | None = None) -> dict[str, pl.DataFrame]:
        """The tables as they were in a revision (default: the latest; none: no tables)."""
        with self.engine.connect() as connection:
            if revision_id is None:  # 0 is a revision that does not exist, not "the latest"
                revision_id = reads.latest_id(connection, self.tables)
            if revision_id is None:
                return {}
            return reads.read(connection, self.tables, revision_id)

    def read_company(self, company: str, revision_id: int) -> dict[str, pl.DataFrame]:
        with self.engine.connect() as connection:
            return reads.read_company(connection, self.tables, company, revision_id)

    def changes(self, older: int, newer: int) -> dict[str, TableDiff]:
        with self.engine.connect() as connection:
            return reads.changes(connection, self.tables, older, newer)

    def catalog(self, revision_id: int) -> pl.DataFrame:
        with self.engine.connect() as connection:
            return reads.catalog(connection, self.tables, revision_id)

    def check(self) -> list[str]:
        """Inconsistencies, in words (none: the store is consistent)."""
        return integrity.check(self.engine, self.tables)

    # Writing ------------------------------------------------------------------------------

    def publish(
        self,
        tables: Mapping[str, pl.DataFrame],
        changes: Mapping[str, TableDiff],
        base: int | None,
        author: str,
        note: str,
        acknowledged: Acknowledged | None = None,
    ) -> Outcome:
        """Write ``changes`` (the diff from revision ``base`` to ``tables``) as a new revision,
        with the warnings its publisher ``acknowledged``: `Published`, or `Refused` with
        nothing written (an empty change, or another revision was published after ``base``)."""
        return publishing.publish(
            self.engine, self.tables, tables, changes, base, author, note, acknowledged
        )

    def bulk_insert(
        self, connection: sa.Connection, table: str, columns: list[str], rows: pl.DataFrame
    ) -> None:
        publishing.bulk_insert(connection, table, columns, rows)
