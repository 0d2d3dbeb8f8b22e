"""Reading revisions: their records, their tables (whole, or one company's), what differs
between two, and the catalog of a revision, each over one open connection."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa

from headcount.diff import TableDiff, diff_table
from headcount.sqltables import PER_COMPANY, SqlTables, in_revision, polars_schema
from validation.problems import count as problem_count
from validation.tables import TABLES


@dataclass(frozen=True)
class Acknowledged:
    """Warnings a publisher saw in the review and published anyway, and who did."""

    by: str
    warnings: tuple[dict[str, object], ...]

    def as_json(self) -> str:
        return json.dumps({"by": self.by, "warnings": list(self.warnings)}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Acknowledged | None:
        if not text:
            return None
        found = json.loads(text)
        return cls(str(found["by"]), tuple(found["warnings"]))

    def summary(self) -> str:
        """'2 warning(s) acknowledged by ana: plausibility.far_from_filed, ...'; a recorded row
        that stands for the unlisted rest of a kind counts them (problems.count)."""
        codes = ", ".join(dict.fromkeys(str(w["code"]) for w in self.warnings))
        said = pl.DataFrame(
            {"problem": [str(w.get("problem") or "") for w in self.warnings]},
            schema={"problem": pl.String},
        )
        return f"{problem_count(said):,} warning(s) acknowledged by {self.by}: {codes}"


@dataclass(frozen=True)
class Revision:
    id: int
    parent_id: int | None
    created_at: dt.datetime
    author: str
    note: str
    counts: dict[str, int]
    hashes: dict[str, str]
    # The warnings its publisher acknowledged: who, and each warning's code, place and words.
    acknowledged: Acknowledged | None = None


def latest_id(connection: sa.Connection, tables: SqlTables) -> int | None:
    return connection.execute(sa.select(sa.func.max(tables.revisions.c.id))).scalar()


def latest_and_first(
    connection: sa.Connection, tables: SqlTables
) -> tuple[int | None, Revision | None]:
    """The latest revision's number and the first revision's record, in one query: each page
    run and API request asks both (which revision, and which store: headcount/site.py)."""
    revisions = tables.revisions
    one = sa.select(sa.literal(1).label("one")).subquery()
    latest = sa.select(sa.func.max(revisions.c.id)).scalar_subquery().label("latest")
    row = (
        connection.execute(
            sa.select(latest, revisions).select_from(
                one.outerjoin(revisions, revisions.c.id == one.c.one)
            )
        )
        .mappings()
        .one()
    )
    return row["latest"], None if row["id"] is None else _revision(row)


def revisions(connection: sa.Connection, tables: SqlTables) -> list[Revision]:
    rows = connection.execute(
        sa.select(tables.revisions).order_by(tables.revisions.c.id)
    ).mappings()
    return [_revision(row) for row in rows]


def revision(connection: sa.Connection, tables: SqlTables, revision_id: int) -> Revision:
    """One revision's record; KeyError when there is none of that number."""
    row = (
        connection.execute(sa.select(tables.revisions).where(tables.revisions.c.id == revision_id))
        .mappings()
        .first()
    )
    if row is None:
        raise KeyError(f"there is no revision {revision_id}")
    return _revision(row)


def read(connection: sa.Connection, tables: SqlTables, revision_id: int) -> dict[str, pl.DataFrame]:
    """The tables as they were in a revision (which must exist)."""
    revision(connection, tables, revision_id)  # a missing revision is an error, not empty tables
    return {name: table(connection, tables, name, revision_id) for name in TABLES}


def read_company(
    connection: sa.Connection, tables: SqlTables, company: str, revision_id: int
) -> dict[str, pl.DataFrame]:
    """One company's observations and events in a revision, with all its sources and
    framings (small tables): what a page about one company needs, read through the key
    index instead of the whole revision."""
    revision(connection, tables, revision_id)
    return {
        name: table(
            connection,
            tables,
            name,
            revision_id,
            tables.rows[name].c.company == company if name in PER_COMPANY else None,
        )
        for name in TABLES
    }


def changes(
    connection: sa.Connection, tables: SqlTables, older: int, newer: int
) -> dict[str, TableDiff]:
    """What differs between two revisions (in either order), equal to diffing the two
    whole revisions but read as the rows one holds and the other does not: the cost of
    the change, not of the revisions. A row version both hold is on neither side; a key
    closed and reopened with the same values (a rollback) is on both and diffs to equal.
    """
    revision(connection, tables, older)  # a missing revision is an error, not an empty change
    revision(connection, tables, newer)
    found = {}
    for name, contract in TABLES.items():
        rows = tables.rows[name]
        only_older = table(connection, tables, name, older, sa.not_(in_revision(rows, newer)))
        only_newer = table(connection, tables, name, newer, sa.not_(in_revision(rows, older)))
        found[name] = diff_table(contract, only_older, only_newer)
    return found


def catalog(connection: sa.Connection, tables: SqlTables, revision_id: int) -> pl.DataFrame:
    """Observation rows per company and basis in a revision, with their first and last
    dates: what every page must know about the whole revision (the company list, the
    bases, the date span), computed by the database without reading the rows out."""
    rows = tables.rows["observations"]
    query = (
        sa.select(
            rows.c.company,
            rows.c.basis,
            sa.func.count().label("rows"),
            sa.func.min(rows.c.date).label("first"),
            sa.func.max(rows.c.date).label("last"),
        )
        .where(in_revision(rows, revision_id))
        .group_by(rows.c.company, rows.c.basis)
    )
    found = connection.execute(query).fetchall()
    schema = {
        "company": pl.String,
        "basis": pl.String,
        "rows": pl.Int64,
        "first": pl.Date,
        "last": pl.Date,
    }
    return pl.DataFrame(found, schema=schema, orient="row")


def table(
    connection: sa.Connection,
    tables: SqlTables,
    name: str,
    revision_id: int,
    where: sa.ColumnElement[bool] | None = None,
) -> pl.DataFrame:
    """One table's rows in a revision, optionally narrowed by ``where``."""
    contract = TABLES[name]
    rows = tables.rows[name]
    query = sa.select(*(rows.c[c] for c in contract.column_names)).where(
        in_revision(rows, revision_id)
    )
    if where is not None:
        query = query.where(where)
    return frame(connection, query, polars_schema(contract))


def frame(
    connection: sa.Connection, query: sa.Select, schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    """Rows of a query straight from the driver's cursor into Polars: SQLAlchemy's
    per-row result processing cost as much as the fetch itself. SQLite keeps dates as
    ISO text (as SQLAlchemy's Date type writes them); Polars parses them in bulk."""
    compiled = query.compile(dialect=connection.dialect)
    params: object = compiled.params
    if compiled.positiontup is not None:
        params = tuple(compiled.params[name] for name in compiled.positiontup)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        found = cursor.fetchall()
    finally:
        cursor.close()
    if connection.dialect.name != "sqlite":
        return pl.DataFrame(found, schema=schema, orient="row")
    as_text = {name: pl.String() if kind == pl.Date() else kind for name, kind in schema.items()}
    loaded = pl.DataFrame(found, schema=as_text, orient="row")
    dates = [name for name, kind in schema.items() if kind == pl.Date()]
    return loaded.with_columns(pl.col(dates).str.to_date("%Y-%m-%d"))


def _revision(row: sa.RowMapping) -> Revision:
    created = row["created_at"]
    return Revision(
        id=int(row["id"]),
        parent_id=row["parent_id"],
        created_at=created,
        author=str(row["author"]),
        note=str(row["note"]),
        counts=json.loads(str(row["counts"])),
        hashes=json.loads(str(row["hashes"])),
        acknowledged=Acknowledged.from_json(row.get("acknowledged")),
    )
