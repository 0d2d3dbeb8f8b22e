"""No value of any cell changes what the store writes, on SQLite and PostgreSQL.

Every text column of every table is given each hostile value (COPY's end-of-data marker `\\.`
alone on a line and followed by more rows, quotes, separators, line breaks of every kind,
backslash escapes, NULL markers, very long and unicode text, spaces at either end, empty text
as opposed to no value); then the tables are published, changed twice (keys closed, rows added
and removed) and rolled back. Every revision must read back exactly what was published and
`check-store` must find nothing.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from headcount import bootstrap, diff, ingest
from headcount.outcomes import Published
from headcount.store import Store
from tests.csvtools import read_rows, to_csv
from validation import parse
from validation.tables import TABLES, Table

HOSTILE_TEXT = (
    "\\.",  # COPY ... FORMAT csv/text: end of data when alone on a line
    "\\.\nKlarna,headcount,2024-01-01",  # the marker, then what looks like more rows
    "\n\\.\n",
    '"',
    '"quoted", with, commas',
    "a,b",
    "line\nbreak",
    "carriage\rreturn",
    "windows\r\nline",
    "\r\n",
    "tab\there",
    "\t",
    "back\\slash\\",
    "\\",
    "\\N",  # COPY text format's NULL
    "NULL",
    "\\t\\n\\r",  # escapes spelled out, not the characters
    "'); DROP TABLE revisions; --",
    '=HYPERLINK("http://x.example")',
    " leading and trailing spaces ",
    " ",
    "",  # empty text, which is not the same as no value
    "ünïcödé — 中文 🙂 עברית",
    "x" * 5_000,  # the longest cell validation allows
)
HOSTILE_NUMBERS = (-0.0, 0.1 + 0.2, 5e-324, 1e15, 123_456_789.123_456_79, 0.0, 1 / 3, 2.0**53 + 2)
DATES = (dt.date(1900, 1, 1), dt.date(2024, 2, 29), dt.date(9999, 12, 31), dt.date(1970, 1, 1))


def _column(table: Table, position: int, rows: int, turn: int) -> pl.Series:
    """Values for one column: each hostile value in turn, shifted per column and per turn so
    every row differs in every text column (keys stay unique) and a value meets every other."""
    column = table.columns[position]
    shift = position + turn
    if column.kind == "number":
        values: list[object] = [
            HOSTILE_NUMBERS[(i + shift) % len(HOSTILE_NUMBERS)] for i in range(rows)
        ]
        return pl.Series(column.name, values, dtype=pl.Float64)
    if column.kind == "date":
        values = [DATES[(i + shift) % len(DATES)] for i in range(rows)]
        return pl.Series(column.name, values, dtype=pl.Date)
    choices: tuple[object, ...] = HOSTILE_TEXT if column.required else (*HOSTILE_TEXT, None)
    values = [choices[(i + shift) % len(choices)] for i in range(rows)]
    return pl.Series(column.name, values, dtype=pl.String)


def hostile(table: Table, turn: int = 0) -> pl.DataFrame:
    rows = len(HOSTILE_TEXT)  # one more would repeat the first row's key
    return pl.DataFrame([_column(table, i, rows, turn) for i in range(len(table.columns))])


def changed(tables: dict[str, pl.DataFrame], turn: int) -> dict[str, pl.DataFrame]:
    """A new version: every non-key cell of the first half rotated to other hostile values
    (keys closed and reopened), the last rows dropped and new hostile rows added."""
    result = {}
    for name, frame in tables.items():
        table = TABLES[name]
        values = [c for c in table.column_names if c not in table.key]
        other = hostile(table, turn).select(values)
        half = frame.height // 2
        edited = frame.head(half).with_columns(other.head(half))
        first = table.columns[0].name  # a required text column in every key
        added = hostile(table, turn + 7).with_columns(pl.col(first) + f" new {turn}")
        kept = frame.slice(half, frame.height - half - 3)
        result[name] = pl.concat([edited, kept, added.head(5)])
    return result


def assert_same_rows(found: pl.DataFrame, published: pl.DataFrame, table: Table) -> None:
    columns = list(table.column_names)
    assert_frame_equal(
        found.select(columns).sort(columns, nulls_last=True),
        published.select(columns).sort(columns, nulls_last=True),
        check_exact=True,
    )


def test_hostile_values_in_every_cell_are_written_exactly_through_publish_and_rollback(store_url):
    bootstrap.initialise(store_url, seed=False)  # the first revision is the hostile one
    store = Store(store_url)
    first = {name: hostile(table) for name, table in TABLES.items()}
    assert all(not f.select(TABLES[n].key).is_duplicated().any() for n, f in first.items())
    published = {1: first}
    store.publish(first, diff.diff({}, first), None, "ana", "hostile values")
    for turn in (1, 2):
        current = published[turn]
        proposed = changed(current, turn)
        changes = diff.diff(current, proposed)
        assert all(changes[name].changed.height for name in TABLES)  # keys are closed
        store.publish(proposed, changes, turn, "ana", f"change {turn}")
        published[turn + 1] = proposed
    ingest.rollback(store, 1, "ana", "back to the first")
    published[4] = first
    assert store.check() == []
    for revision, tables in published.items():
        found = store.read(revision)
        for name, table in TABLES.items():
            assert_same_rows(found[name], tables[name], table)
    store.engine.dispose()


def test_the_reported_case_source_id_backslash_dot_published_twice_then_rolled_back(store_url):
    # Issue 12.1 as reported, through validation and the upsert a person runs: on PostgreSQL
    # revision 3 held two current rows for two keys and the wrong row count.
    bootstrap.initialise(store_url)
    store = Store(store_url)
    rows = read_rows("sources")
    keys = ["\\.", "after-the-marker"]
    for revision, title in ((2, "first"), (3, "second")):
        changed_rows = [
            {**row, "source_id": key, "title": f"{title} {key}"}
            for row, key in zip(rows, keys, strict=False)
        ]
        proposal = ingest.prepare(
            [parse.parse("sources.csv", to_csv(changed_rows))], store, "upsert"
        )
        assert proposal.ok, proposal.problems
        outcome = ingest.publish(proposal, store, "ana", title, acknowledge=True)
        assert isinstance(outcome, Published) and outcome.revision.id == revision
    ingest.rollback(store, 2, "ana", "back to the first titles")
    assert store.check() == []
    for revision, title in ((2, "first"), (3, "second"), (4, "first")):
        sources = store.read(revision)["sources"].filter(pl.col("source_id").is_in(keys))
        assert sorted(sources.get_column("title").to_list()) == sorted(f"{title} {k}" for k in keys)
    assert store.read(4)["sources"].height == len(rows) + 2
    store.engine.dispose()
