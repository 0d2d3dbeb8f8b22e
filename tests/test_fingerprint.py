"""Revision fingerprints: independent of row order, updated by a change to exactly what
hashing the whole result gives, stable across library versions, and the older kind of
revision hash is still verified."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import struct

import polars as pl
import pytest

from headcount import bootstrap, diff, fingerprint
from headcount.outcomes import Published
from headcount.store import Store
from tests.csvtools import CURATED
from validation import parse
from validation.tables import OBSERVATIONS, TABLES, Column, Table

ROWS = pl.DataFrame(
    {
        "company": ["A", "A", "B"],
        "metric": ["headcount", "headcount", "valuation"],
        "date": [dt.date(2022, 12, 31), dt.date(2024, 12, 31), dt.date(2024, 1, 1)],
        "period": ["instant"] * 3,
        "value": [5527.0, 3422.0, None],
        "unit": ["employees", "employees", "USD"],
        "basis": ["b", "b", "c"],
        "claim_type": ["reported"] * 3,
        "source_id": ["s1", "s2", "s3"],
        "note": [None, "", "x"],
        "attribution": [None, None, None],
    }
)
# The observation columns when rows-v1 was defined, written out here (not taken from the code)
# so that a change to the frozen list in fingerprint.py is caught.
V1_OBSERVATION_COLUMNS = (
    "company", "metric", "date", "period", "value", "unit", "basis", "claim_type", "source_id",
    "note",
)  # fmt: skip


def curated(name: str) -> pl.DataFrame:
    frame = parse.parse_path(str(CURATED / TABLES[name].filename)).frame
    assert frame is not None
    return frame.drop(parse.LINE)


def test_row_order_does_not_matter_and_every_cell_does():
    assert fingerprint.of(OBSERVATIONS, ROWS) == fingerprint.of(OBSERVATIONS, ROWS.reverse())
    variants = [
        ROWS.with_columns(pl.col("note").fill_null("")),  # null is not empty text
        ROWS.with_columns(pl.col("value") + 0.001),
        ROWS.with_columns(pl.col("date").dt.offset_by("1d")),
        ROWS.head(2),
        pl.concat([ROWS, ROWS.head(1)]),  # a doubled row is seen
        ROWS.with_columns(company=pl.col("basis"), basis=pl.col("company")),  # cells swapped
        ROWS.with_columns(pl.lit("forecast").alias("attribution")),  # a later column's value
        ROWS.with_columns(pl.lit("").alias("attribution")),  # empty is not null there either
        ROWS.with_columns(pl.lit("forecast").alias("note")),  # nor the same text elsewhere
    ]
    seen = {fingerprint.of(OBSERVATIONS, frame) for frame in [ROWS, *variants]}
    assert len(seen) == len(variants) + 1


def by_the_definition(rows: list[dict]) -> str:
    """The documented encoding in plain Python (struct, hashlib): no Polars, no NumPy. The
    rows-v1 columns always; a later column (attribution) as "name=value" only when set."""
    kinds = {column.name: column.kind for column in OBSERVATIONS.columns}
    total = 0
    for row in rows:
        cells = []
        for name in V1_OBSERVATION_COLUMNS:
            value = row[name]
            if value is None:
                cells.append("\x1e")
            elif kinds[name] == "number":
                cells.append(str(struct.unpack(">Q", struct.pack(">d", value))[0]))
            elif kinds[name] == "date":
                cells.append(value.isoformat())
            else:
                cells.append(value)
        if row.get("attribution") is not None:
            cells.append(f"attribution={row['attribution']}")
        line = "\x1f".join(cells).encode("utf-8")
        total += int.from_bytes(hashlib.blake2b(line, digest_size=32).digest(), "big")
    return f"rows-v1:{total % 2**256:064x}"


def test_a_fingerprint_is_what_its_definition_says_whatever_the_library_versions():
    # Recorded fingerprints are checked again years later (`check-store`): if an upgrade of
    # Polars or NumPy changed how cells are turned into text, every revision would fail.
    assert fingerprint.of(OBSERVATIONS, ROWS) == by_the_definition(ROWS.to_dicts())
    attributed = ROWS.with_columns(pl.Series("attribution", [None, "ai_does_work", "forecast"]))
    assert fingerprint.of(OBSERVATIONS, attributed) == by_the_definition(attributed.to_dicts())


def test_a_column_added_later_leaves_the_fingerprint_of_rows_without_it_unchanged():
    # Revisions published before `attribution` existed must still verify once it does: rows
    # read from them (null there) or given without the column hash as under rows-v1.
    without = ROWS.drop("attribution")
    assert fingerprint.of(OBSERVATIONS, without) == fingerprint.of(OBSERVATIONS, ROWS)
    assert fingerprint.of(OBSERVATIONS, ROWS) == by_the_definition(without.to_dicts())


@pytest.mark.parametrize("mode", ["upsert", "replace"])
def test_updating_by_a_change_equals_hashing_the_result(mode):
    before = curated("observations")
    edited = before.slice(5, 20).with_columns(pl.col("value") * 2)
    added = before.slice(0, 3).with_columns(pl.lit("Newco").alias("company"))
    upload = pl.concat([edited, added])
    after = diff.apply({"observations": before}, {"observations": upload}, mode)["observations"]
    change = diff.diff_table(OBSERVATIONS, before, after)
    assert change.changed.height == 20 and change.added.height == 3
    opened = pl.concat([change.added, change.changed])
    closed = pl.concat([change.removed, change.replaced])
    previous = fingerprint.of(OBSERVATIONS, before)
    assert fingerprint.updated(previous, OBSERVATIONS, opened, closed) == fingerprint.of(
        OBSERVATIONS, after
    )


def test_publishing_records_the_fingerprint_of_what_the_revision_holds(store_url):
    bootstrap.initialise(store_url)
    store = Store(store_url)
    current = store.read()
    upload = current["observations"].head(4).with_columns(pl.col("value") + 1)
    proposed = diff.apply(current, {"observations": upload}, "upsert")
    outcome = store.publish(proposed, diff.diff(current, proposed), 1, "ana", "four values")
    assert isinstance(outcome, Published), outcome
    revision = outcome.revision
    for name, frame in store.read(revision.id).items():
        assert revision.hashes[name] == fingerprint.of(TABLES[name], frame)
    assert store.check() == []
    store.engine.dispose()


def test_revisions_hashed_the_older_way_are_still_verified(tmp_path):
    bootstrap.initialise(f"sqlite:///{tmp_path / 'old.sqlite'}")
    store = Store(f"sqlite:///{tmp_path / 'old.sqlite'}")
    old = {name: fingerprint.legacy(TABLES[name], frame) for name, frame in store.read().items()}
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE revisions SET hashes = ? WHERE id = 1", (json.dumps(old, sort_keys=True),)
        )
    assert store.check() == []
    # A publish on top of an old revision records fingerprints of the current kind.
    current = store.read()
    proposed = {**current, "observations": current["observations"].head(3)}
    outcome = store.publish(proposed, diff.diff(current, proposed), 1, "ana", "three rows")
    assert isinstance(outcome, Published), outcome
    revision = outcome.revision
    assert all(fingerprint.is_current(h) for h in revision.hashes.values())
    assert store.check() == []
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE rows_sources SET title = 'altered' WHERE rowid = 1")
    found = store.check()
    assert "revision 1: sources rows differ from their hash" in found
    assert "revision 2: sources rows differ from their hash" in found
    store.engine.dispose()


def test_a_table_added_later_can_gain_a_column_without_changing_its_fingerprints():
    # Without frozen columns for it, a new table's rows must hash the same before and after
    # it gains an optional column (null in the rows it already holds).
    before = Table("ledger", (Column("id"), Column("amount", "number")), key=("id",))
    after = Table("ledger", (*before.columns, Column("memo", required=False)), key=("id",))
    rows = pl.DataFrame({"id": ["a", "b"], "amount": [1.5, None]})
    assert fingerprint.of(before, rows) == fingerprint.of(
        after, rows.with_columns(pl.lit(None, pl.String).alias("memo"))
    )
    assert fingerprint.of(before, rows) != fingerprint.of(
        before, rows.with_columns(pl.col("amount").fill_null(0.0))
    )
