"""Property tests: whatever bytes arrive, parsing and validation answer "valid" or a problem
list that points into the file; they never raise."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headcount.settings import ROOT
from validation import gate, parse
from validation.problems import PROBLEM_SCHEMA

TODAY = dt.date(2026, 11, 21)
CURATED = ROOT / "data" / "curated"
with (CURATED / "observations.csv").open(encoding="utf-8", newline="") as handle:
    HEADER, *ROWS = list(csv.reader(handle))
CONTEXT = gate.combined_tables(
    [parse.parse_path(str(CURATED / f"{name}.csv")) for name in ("sources", "events", "framings")]
)
# 60 new examples a run keep the suite quick (each run draws new ones); a thorough hunt sets
# HEADCOUNT_PROPERTY_EXAMPLES=1000.
EXAMPLES = int(os.environ.get("HEADCOUNT_PROPERTY_EXAMPLES") or 60)
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Cells an analyst's spreadsheet might hold: numbers in many shapes, dates, text with quotes,
# separators, line breaks, markup, unicode and control characters.
awkward_cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "5,527", "45,6", "1e400", "-0", "NaN", "inf", "2024-02-30", "31/12/2024",
         '"', '""', "a\nb", "<b>x</b>", "=1+1", "\x00", "\ufeff", "Malmö", "中文", "\r\n"]
    ),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(str),
)  # fmt: skip


def answer(name: str, data: bytes) -> pl.DataFrame:
    parsed = parse.parse(name, data)
    if not parsed.readable or parsed.table is None:
        assert parsed.problems.height > 0
        return parsed.problems
    given = {parsed.table.name}
    verdict = gate.validate([parsed], {k: v for k, v in CONTEXT.items() if k not in given}, TODAY)
    return verdict.problems


def check_report(report: pl.DataFrame, data: bytes) -> None:
    assert report.schema == pl.Schema(PROBLEM_SCHEMA)
    lines = data.count(b"\n") + 1
    for problem in report.iter_rows(named=True):
        assert 0 <= problem["line"] <= lines, problem
        assert problem["problem"] and problem["hint"], problem


@SETTINGS
@given(st.binary(max_size=2_000))
def test_random_bytes_get_an_answer_never_an_exception(data):
    check_report(answer("upload.csv", data), data)


@SETTINGS
@given(
    row=st.integers(min_value=0, max_value=len(ROWS) - 1),
    column=st.integers(min_value=0, max_value=len(HEADER) - 1),
    value=awkward_cell,
)
def test_one_changed_cell_is_valid_or_reported_on_its_row(row, column, value):
    body = [r[:] for r in ROWS]
    body[row][column] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([HEADER, *body])
    data = out.getvalue().encode("utf-8", errors="surrogatepass")
    report = answer("observations.csv", data)
    check_report(report, data)
    original = answer("observations.csv", _csv([HEADER, *ROWS]))
    assert original.height == 0
    # Whatever is reported is about the edit: its row, the file as a whole, or (a duplicate
    # key) another row whose problem names the edited line.
    edited = row + 2
    for problem in report.iter_rows(named=True):
        assert problem["line"] in (0, edited) or f"line {edited}" in problem["problem"], problem


@SETTINGS
@given(
    keep=st.lists(st.integers(min_value=0, max_value=len(ROWS) - 1), min_size=1, max_size=8),
    extra=st.lists(awkward_cell, max_size=3),
    separator=st.sampled_from([",", ";", "\t"]),
    line_end=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_near_valid_files_are_valid_or_get_problems(keep, extra, separator, line_end, bom):
    body = [ROWS[i][:] + extra for i in keep]
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator=line_end).writerows([HEADER, *body])
    data = (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8", "surrogatepass")
    report = answer("observations.csv", data)
    check_report(report, data)
    duplicated = len(set(keep)) < len(keep)
    if separator == "," and not extra and not duplicated:
        assert report.height == 0, report.to_dicts()
    else:
        assert report.height > 0


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


# What a number cell may hold: digits, signs, points, exponents, and the letters of the words
# a float parser reads (inf, infinity, nan) in any case.
number_like = st.one_of(
    st.text(alphabet="0123456789.eE+-", max_size=8),
    st.text(alphabet="0123456789.eE+-infatyINFATY", max_size=9),
    st.sampled_from(["inf", "-Infinity", "+NaN", "nan", "INF", "1e999", "-1E400", ".5", "5."]),
)


@SETTINGS
@given(st.lists(number_like, min_size=1, max_size=40))
def test_a_number_is_read_exactly_when_its_cell_has_the_plain_shape(cells):
    # The shape is the contract's (PLAIN_NUMBER); the parse decides it from the float parser's
    # reading, which also reads the words: "inf" and "nan" must stay outside it.
    text = pl.Series("value", cells, dtype=pl.String)
    number = text.cast(pl.Float64, strict=False)
    expected = text.str.contains(parse.PLAIN_NUMBER)
    assert parse._plain(text, number).to_list() == expected.to_list()


# What a spreadsheet or a hand may leave around a cell: Unicode whitespace (the strip's), and
# the apostrophe our exports put before a formula-like cell (parse.NEUTRALISED).
padding = st.text(alphabet=" \t\x0b\x0c\u0085\u00a0\u2003\u202f\u3000", max_size=3)


@SETTINGS
@given(
    st.integers(0, len(ROWS) - 1),
    st.integers(0, len(HEADER) - 1),
    padding,
    padding,
    st.sampled_from(["", "=", "+", "-", "@"]),
    st.booleans(),
)
def test_a_cell_reads_the_same_with_whitespace_around_it_or_made_inert(
    row, column, before, after, sign, inert
):
    # Each column's cells are tidied only when one needs it (parse._tidied; the numbers only
    # when one fails to parse): whatever the column, the padded file must read as the plain.
    # A cell starting with a formula character (a negative value, say) may come back from
    # our export with the apostrophe that made it inert.
    plain, padded = list(ROWS[row]), list(ROWS[row])
    plain[column] = sign + plain[column]
    padded[column] = before + ("'" if sign and inert else "") + plain[column] + after
    expected = parse.parse("observations.csv", _csv([HEADER, plain]))
    read = parse.parse("observations.csv", _csv([HEADER, padded]))
    assert read.problems.to_dicts() == expected.problems.to_dicts()
    assert read.frame is not None and expected.frame is not None
    assert read.frame.to_dicts() == expected.frame.to_dicts()
