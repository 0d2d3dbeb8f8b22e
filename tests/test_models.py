"""The gate runs the contract's column checks itself (validation/models.py `failing`) instead of
through Pandera, which would import pandas into every `headcount validate`. The same checks as
a Pandera schema (`models.schema`) must find exactly the same cells, in the same order, on
every bad file of the corpus and on cells no parser lets through (NaN, infinities, nulls)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandera.polars as pa
import polars as pl
import pytest

from validation import excel, gate, models
from validation.tables import OBSERVATIONS, SOURCES, Table

BAD = Path(__file__).parent / "data" / "bad"
CASE = ("column", "check", "failure_case", "index")


def by_pandera(table: Table, frame: pl.DataFrame) -> list[tuple[object, ...]]:
    """Pandera's failing cells (those of a row; a column's wrong type has none)."""
    try:
        models.schema(table).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases.filter(pl.col("index").is_not_null())
        return list(cases.select(*CASE).cast({"index": pl.Int64}).iter_rows())
    return []


def by_gate(table: Table, frame: pl.DataFrame) -> list[tuple[object, ...]]:
    found, _ = gate._failures(table, frame, frame.height)
    # Pandera reports an empty cell's value as null; the gate writes it as "".
    cases = found.with_columns(pl.col("failure_case").replace("", None))
    return list(cases.select(*CASE).iter_rows())


@pytest.mark.parametrize("path", sorted(BAD.glob("*.csv")), ids=lambda path: path.name)
def test_the_gate_and_pandera_fail_the_same_cells_of_each_bad_file(path: Path):
    for parsed in excel.parse_any_path(str(path)):
        if parsed.table is None or parsed.frame is None:
            continue
        frame = gate._model_frame(parsed)
        assert by_gate(parsed.table, frame) == by_pandera(parsed.table, frame)


def test_the_gate_and_pandera_fail_the_same_cells_no_parser_lets_through():
    observations = pl.DataFrame(
        {
            "company": ["Klarna", None, "<b>K</b>", "Kl\u200barna", "Klarna"],
            "metric": ["headcount", "head count", None, "headcount", "headcount"],
            "date": [dt.date(2024, 1, 1), None, dt.date(2024, 1, 1), None, dt.date(2024, 1, 1)],
            "period": ["instant"] * 5,
            "value": [float("nan"), float("inf"), -1.0, None, 1e300],
            "unit": ["employees", "emp", None, "employees", "employees"],
            "basis": ["b", "b\u202e", "x" * 6_000, None, "![a](b)"],
            "claim_type": ["filing"] * 5,
            "source_id": ["s", "s", None, "s", "s"],
            "note": [None, "javascript:x", "ok", "\x07", None],
        }
    )
    sources = pl.DataFrame({"source_id": [None, "s\u00a0"], "url": ["ftp://example.org", None]})
    for table, given in ((OBSERVATIONS, observations), (SOURCES, sources)):
        # Columns not given are empty; each column of the type the parser gives it.
        frame = given.select(
            (pl.col(c.name) if c.name in given.columns else pl.lit(None))
            .cast(models.DTYPES[c.kind], strict=False)
            .alias(c.name)
            for c in table.columns
        )
        found = by_gate(table, frame)
        assert len(found) > 5  # (the frame is built to fail many ways)
        assert found == by_pandera(table, frame)
