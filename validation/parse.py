"""Explicit parsing of an analyst's CSV into a typed frame, with every failure as a problem row.

Nothing here infers types: every cell is read as text, then dates and numbers are parsed by rule.
A cell that does not parse becomes a problem on its own line (and a null in the frame), never a
crash and never a silent null. Each typed frame carries ``_line``, the cell's line in the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from validation import problems
from validation.tables import TABLES, Table

LINE = "_line"
BOM = b"\xef\xbb\xbf"
# What a file that is not text starts with, and what to tell the person who sent it.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or a zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
)
SAVE_AS_CSV = "Open it in your spreadsheet and use File > Save As > 'CSV UTF-8 (comma delimited)'."
MAX_RAGGED_REPORTED = 100
MAX_HEADER_CHARS = 10_000  # the four headers together are under 400 characters
PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
NOT_FINITE = r"(?i)^[+-]?(nan|inf|infinity|n/a)$"
THOUSANDS_COMMA = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"
DECIMAL_COMMA = r"^[+-]?\d+,\d+$"
THOUSANDS_DOT = r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$"
SPACED = r"^[+-]?\d{1,3}([ \u00a0\u202f']\d{3})+([.,]\d+)?$"
# A cell our CSV exports made inert (headcount.exports): one apostrophe before what a
# spreadsheet would run as a formula. Reading it back drops that apostrophe, so an export
# re-uploads unchanged.
FORMULA_CHARS = "=+\\-@\\t\\r"  # what a spreadsheet runs a cell starting with (OWASP)
NEUTRALISED = rf"^'('*[{FORMULA_CHARS}])"
DAY_FIRST = r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$"
ISO_SHAPE = r"^\d{4}-\d{1,2}-\d{1,2}$"
# The earliest date any table may hold. The data is about companies of the last decades; year
# 0000 or a minus sign is a typo, and such dates crash Python's and pandas' date types on the
# pages (pandas stops at 1677). The latest dates are bounded by rules.dates_in_range.
EARLIEST = dt.date(1900, 1, 1)
# Counts of employees are whole people; "3.422" is 3,422 written with a thousands separator.
# Full-time equivalents may have two decimals (a quarter of a post is 0.25 fte); a third
# decimal is no such fraction and would hide the same thousands-separator typo.
WHOLE_UNITS = ("employees",)
FTE_UNITS = ("fte",)
DOTTED_THOUSANDS = r"^\d{1,3}\.\d{3}$"
FTE_PLACES = 2


@dataclass
class ParsedFile:
    """What one file turned into: its table (if recognised), typed rows, and problems."""

    name: str
    table: Table | None = None
    frame: pl.DataFrame | None = None
    problems: pl.DataFrame = field(default_factory=problems.frame)
    readable: bool = True
    # Per date or number column, which rows held a cell that did not parse (a null in the
    # frame). The report lists only the first few of them, so the gate cannot tell them
    # apart from empty cells by the report alone.
    unparsed: dict[str, pl.Series] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.readable and self.problems.height == 0


def parse(name: str, data: bytes) -> ParsedFile:
    """Parse one uploaded or named file; never raises for anything in ``data``."""
    unreadable = _unreadable(name, data)
    if unreadable is not None:
        return ParsedFile(name, problems=problems.frame([unreadable]), readable=False)
    data = data.removeprefix(BOM)
    end = data.find(b"\n")
    try:
        header_line = data[: end if end >= 0 else len(data)].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as error:  # the header is the start of data: same offsets
        return _not_utf8(name, data, error)
    if not header_line.strip():
        return _failed(name, 1, "", "", "the first line is empty", _header_hint())
    if len(header_line) > MAX_HEADER_CHARS:
        # Not a header at all (the widest is a few hundred characters): say so, rather than
        # what the CSV reader or the header match would make of 50 MB of it.
        return _failed(
            name,
            1,
            "",
            _shorten(header_line),
            f"the first line is {len(header_line):,} characters long; a header of these "
            f"tables is at most {MAX_HEADER_CHARS:,}",
            f"{_header_hint()} If the file's lines end with a carriage return alone (old Mac "
            "files), save it again as 'CSV UTF-8'.",
        )
    separator = _foreign_separator(header_line)
    if separator:
        return _failed(
            name,
            1,
            "",
            _shorten(header_line),
            f"columns are separated by {separator!r}, not by commas",
            "Save the file as comma-separated CSV (in Excel: 'CSV UTF-8 (comma delimited)').",
        )
    try:
        header = [cell.strip() for cell in next(csv.reader([header_line]))]
    except csv.Error:  # e.g. a carriage return alone, as old Mac files end their lines
        return _failed(
            name,
            1,
            "",
            _shorten(header_line),
            "the header line cannot be read as CSV",
            "Save the file as 'CSV UTF-8': each line must end with a line break and the "
            "header must be the column names separated by commas.",
        )
    table, header_problems = _recognise(name, header)
    if table is None or header_problems:
        return ParsedFile(name, table, problems=problems.frame(header_problems))
    rows, refused = _read_rows(name, data, table)
    if rows is None:
        return ParsedFile(name, table, problems=refused)
    if rows.height == 0:
        # Replacing a table with an empty file would empty it: never by accident.
        return _failed(
            name,
            2,
            "",
            "",
            "the file has a header but no rows",
            "Add the rows under the header; to remove rows, upload the rows that should stay "
            "and choose 'Replace'.",
        )
    return _typed(name, table, rows)


def _not_utf8(name: str, data: bytes, error: UnicodeDecodeError) -> ParsedFile:
    """Report the first byte sequence that is not UTF-8, on its line."""
    line = data[: error.start].count(b"\n") + 1
    bad = data[error.start : error.start + 4].hex(" ")
    return _failed(
        name,
        line,
        "",
        f"bytes {bad}",
        "the file is not UTF-8 text",
        "Save it as UTF-8 (in Excel: 'CSV UTF-8'); this looks like another encoding.",
    )


def parse_path(path: str) -> ParsedFile:
    """Parse a file on disk; an unreadable path is a problem of the file as a whole."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        reason = error.strerror or str(error)
        problem = problems.Problem(
            path, 0, "", "", f"cannot read the file: {reason}", "Check the path and permissions."
        )
        return ParsedFile(path, problems=problems.frame([problem]), readable=False)
    return parse(path, data)


def _failed(name: str, line: int, column: str, value: str, what: str, hint: str) -> ParsedFile:
    problem = problems.Problem(name, line, column, value, what, hint)
    return ParsedFile(name, problems=problems.frame([problem]))


def _unreadable(name: str, data: bytes) -> problems.Problem | None:
    if not data:
        return problems.Problem(
            name, 0, "", "", "the file is empty (0 bytes)", "Upload a CSV with a header row."
        )
    for signature, what in BINARY_SIGNATURES:
        if data.startswith(signature):
            return problems.Problem(
                name, 0, "", "", f"this is {what}, not a CSV text file", SAVE_AS_CSV
            )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return problems.Problem(
            name,
            0,
            "",
            "",
            "this is UTF-16 text, not UTF-8",
            "Save it as UTF-8: in Excel use 'CSV UTF-8 (comma delimited)'.",
        )
    if b"\x00" in data[:8192]:
        return problems.Problem(
            name, 0, "", "", "this is a binary file, not a CSV text file", SAVE_AS_CSV
        )
    return None


def _foreign_separator(header_line: str) -> str | None:
    if "," in header_line:
        return None
    for separator in (";", "\t", "|"):
        if separator in header_line:
            return separator
    return None


def _header_hint() -> str:
    headers = "; ".join(f"{t.name}: {','.join(t.column_names)}" for t in TABLES.values())
    return f"The first line must be one of the headers: {headers}."


def _recognise(name: str, header: list[str]) -> tuple[Table | None, list[problems.Problem]]:
    """Which table a header belongs to, and what is wrong with it for that table."""
    scores = {t.name: len(set(header) & set(t.column_names)) for t in TABLES.values()}
    best = max(scores, key=lambda table_name: scores[table_name])
    if scores[best] == 0:
        problem = problems.Problem(
            name,
            1,
            "",
            _shorten(",".join(header)),
            "the header does not match any of the tables",
            _header_hint(),
        )
        return None, [problem]
    table = TABLES[best]
    found: list[problems.Problem] = []
    seen: set[str] = set()
    for column in header:
        if column in seen:
            found.append(
                problems.Problem(
                    name,
                    1,
                    column,
                    column,
                    "the column appears twice in the header",
                    "Remove the second copy of the column.",
                )
            )
        seen.add(column)
        if column not in table.column_names:
            found.append(
                problems.Problem(
                    name,
                    1,
                    column,
                    column,
                    f"unknown column for the {table.name} table",
                    f"Remove it or rename it; allowed columns: {', '.join(table.column_names)}.",
                )
            )
    for column in table.required:
        if column not in header:
            found.append(
                problems.Problem(
                    name,
                    1,
                    column,
                    "",
                    f"required column {column!r} is missing",
                    f"Add the column {column!r} to the header of the {table.name} table.",
                )
            )
    return table, found


def _read_rows(name: str, data: bytes, table: Table) -> tuple[pl.DataFrame | None, pl.DataFrame]:
    """All cells as stripped text (empty means null) and the line each row starts on.

    When the reader refuses the file (a row with too many cells), the rows are None and the
    second item reports the offending lines.
    """
    # Read and stripped in one streaming pass: each batch's unstripped text is freed as soon
    # as it is stripped, so the file's text is never held twice over (peak memory of the
    # whole upload 756 -> ~500 MB for a 121 MB file; also faster than read, then strip).
    reader = pl.scan_csv(
        data,
        infer_schema=False,
        quote_char='"',
        raise_if_empty=False,
        row_index_name=LINE,
        row_index_offset=2,
    )
    try:
        named = {column.strip(): column for column in reader.collect_schema().names()}
        cells = [
            pl.col(named[column]) if column in named else pl.lit(None, dtype=pl.String)
            for column in table.column_names
        ]
        # A quoted cell may hold line breaks; later rows start that many lines further
        # down. Only a quoted cell can hold one: without a quote in the file, none to count.
        breaks = (
            [
                pl.sum_horizontal(
                    cell.str.count_matches("\n").fill_null(0) for cell in cells
                ).alias("_breaks")
            ]
            if b'"' in data
            else []
        )
        raw = reader.select(
            pl.col(LINE).cast(pl.Int64),
            *(
                cell.str.strip_chars().alias(column)
                for cell, column in zip(cells, table.column_names, strict=True)
            ),
            *breaks,
        ).collect(engine="streaming")
    except pl.exceptions.PolarsError:
        # The reader refuses bytes that are not UTF-8 and rows with too many cells; only now
        # is the whole file decoded, to say which.
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            return None, _not_utf8(name, data, error).problems
        return None, _ragged_lines(name, text)
    if breaks:
        spare = pl.col("_breaks").cum_sum().shift(1, fill_value=0)
        raw = raw.with_columns(pl.col(LINE) + spare).drop("_breaks")
    if b"'" in data:
        raw = raw.with_columns(
            pl.col(column).str.replace(NEUTRALISED, "$1") for column in table.column_names
        )
    cleaned = _emptied_to_null(raw, table.column_names)
    blank = pl.all_horizontal(pl.col(column).is_null() for column in table.column_names)
    return cleaned.filter(~blank), problems.frame()


def _emptied_to_null(frame: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """A cell that was only whitespace is empty (null), as an empty cell is.

    The reader already gives null for empty cells, so the replacement of "" is paid only in
    columns where some cell was whitespace alone.
    """
    emptied = frame.select((pl.col(column) == "").any() for column in columns).row(0)
    return frame.with_columns(
        pl.col(column).replace("", None)
        for column, has_empty in zip(columns, emptied, strict=True)
        if has_empty
    )


def _ragged_lines(name: str, text: str) -> pl.DataFrame:
    """Find why the reader refused the file: rows with more cells than the header, or a
    double quote that opens a cell and is never closed."""
    # Python's reader refuses a cell over 131,072 characters as if its quote never closed;
    # a long cell is the model's finding (text longer than ...), not a quoting problem.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text), strict=True)
    header = next(reader)
    found: list[problems.Problem] = []
    start = reader.line_num + 1
    try:
        for row in reader:
            if len(row) > len(header):
                found.append(
                    problems.Problem(
                        name,
                        start,
                        "",
                        _shorten(",".join(row)),
                        f"the row has {len(row)} cells but the header has {len(header)}",
                        "Remove the extra commas, or put text that contains commas in double "
                        "quotes.",
                    )
                )
                if len(found) >= MAX_RAGGED_REPORTED:
                    break
            start = reader.line_num + 1
    except csv.Error:
        line = _line_text(text, start)
        found.append(
            problems.Problem(
                name,
                start,
                "",
                _shorten(line),
                "a double quote opens a cell here and is never closed",
                'Close the quoted cell with a double quote; write a quote inside a cell as "".',
            )
        )
    if not found:
        found.append(
            problems.Problem(
                name,
                0,
                "",
                "",
                "the file could not be read as CSV",
                "Check quoting: every opening double quote needs a closing one.",
            )
        )
    return problems.frame(found)


def _line_text(text: str, number: int) -> str:
    """The start of line ``number`` (1-based) of a text, without splitting all of it."""
    offset = 0
    for _ in range(number - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return ""
    end = text.find("\n", offset)
    return _shorten(text[offset : end if end >= 0 else len(text)])


def _typed(name: str, table: Table, raw: pl.DataFrame) -> ParsedFile:
    """Parse date and number columns; a cell that fails is a problem and a null."""
    reports: list[pl.DataFrame] = []
    unparsed: dict[str, pl.Series] = {}
    typed = raw
    for column in table.columns_of_kind("date"):
        parsed = _date(pl.col(column))
        accepted = pl.when(parsed >= EARLIEST).then(parsed)
        failed = raw.select(pl.col(column).is_not_null() & accepted.is_null()).to_series()
        reports.append(_date_problems(name, column, raw.select(LINE, column).filter(failed)))
        typed = typed.with_columns(accepted.alias(column))
        unparsed[column] = failed
    for column in table.columns_of_kind("number"):
        text = pl.col(column)
        number = text.cast(pl.Float64, strict=False)
        # -0 is 0: the same value must be written (and fingerprinted) the same way.
        number = pl.when(number == 0).then(pl.lit(0.0)).otherwise(number)
        plain = text.str.contains(PLAIN_NUMBER)
        counted = _countable(table, text, number)
        failed = raw.select(text.is_not_null() & ~(plain & counted)).to_series()
        # Only the columns a report reads: a filter copies every column it keeps.
        bad = raw.select(LINE, column, *(["unit"] if "unit" in raw.columns else [])).filter(failed)
        shaped = pl.col(column).str.contains(PLAIN_NUMBER)
        reports.append(_number_problems(name, column, bad.filter(~shaped)))
        reports.append(_count_problems(name, column, bad.filter(shaped)))
        typed = typed.with_columns(pl.when(plain & counted).then(number).alias(column))
        unparsed[column] = failed
    return ParsedFile(name, table, typed, problems.combine(reports), unparsed=unparsed)


def _date(text: pl.Expr) -> pl.Expr:
    """An ISO date (YYYY-MM-DD); no sign or other shape, though the parser would take one."""
    return pl.when(text.str.contains(ISO_SHAPE)).then(text.str.to_date("%Y-%m-%d", strict=False))


def _countable(table: Table, text: pl.Expr, number: pl.Expr) -> pl.Expr:
    """Whether a value fits its unit: whole for employees, at most two decimals for fte."""
    if "unit" not in table.column_names:
        return pl.lit(True)
    unit = pl.col("unit")
    # "3.000" is whole, and still 3,000 written with a thousands separator.
    whole = (number == number.floor()) & ~text.str.contains(DOTTED_THOUSANDS)
    # Arithmetic, not a regex on the text: this runs on every row of every upload.
    scaled = number * 10**FTE_PLACES
    in_places = (scaled - scaled.round()).abs() < 1e-6
    return (
        pl.when(unit.is_in(WHOLE_UNITS))
        .then(whole)
        .when(unit.is_in(FTE_UNITS))
        .then(in_places & ~text.str.contains(DOTTED_THOUSANDS))
        .otherwise(pl.lit(True))
        .fill_null(True)
    )


def _count_problems(name: str, column: str, bad: pl.DataFrame) -> pl.DataFrame:
    """Plain numbers that do not fit their unit: fractions of people."""
    value = pl.col(column)
    thousands = value.str.contains(DOTTED_THOUSANDS)
    what = (
        pl.when(pl.col("unit").is_in(FTE_UNITS))
        .then(pl.lit(f"fte with more than {FTE_PLACES} decimals"))
        .otherwise(pl.lit("a count of employees must be a whole number"))
    )
    hint = (
        pl.when(thousands)
        .then(
            pl.format(
                "{} looks like {} written with a thousands separator; write {}.",
                value,
                value.str.replace(".", ",", literal=True),
                value.str.replace(".", "", literal=True),
            )
        )
        .when(pl.col("unit").is_in(FTE_UNITS))
        .then(pl.lit(f"Round full-time equivalents to {FTE_PLACES} decimals, e.g. 12.25."))
        .otherwise(pl.lit("Give whole people; for full-time equivalents use the unit fte instead."))
    )
    return _report(name, column, bad, what, hint)


def _date_problems(name: str, column: str, bad: pl.DataFrame) -> pl.DataFrame:
    value = pl.col(column)
    early = _date(value) < EARLIEST
    what = (
        pl.when(early)
        .then(pl.lit(f"date before {EARLIEST.isoformat()}"))
        .otherwise(pl.lit("not a valid date"))
    )
    hint = (
        pl.when(early)
        .then(pl.lit(f"Dates before {EARLIEST.year} are refused: check the year (0000 is a typo)."))
        .when(value.str.contains(DAY_FIRST))
        .then(pl.lit("Looks like a day/month/year date: write it as YYYY-MM-DD, e.g. 2024-12-31."))
        .when(value.str.contains(ISO_SHAPE))
        .then(pl.lit("That day does not exist in the calendar: check the month and day."))
        .otherwise(pl.lit("Write the date as YYYY-MM-DD, e.g. 2024-12-31."))
    )
    return _report(name, column, bad, what, hint)


def _number_problems(name: str, column: str, bad: pl.DataFrame) -> pl.DataFrame:
    value = pl.col(column)
    what = (
        pl.when(value.str.contains(NOT_FINITE))
        .then(pl.lit("not a finite number"))
        .otherwise(pl.lit("not a plain number"))
    )
    hint = (
        pl.when(value.str.contains(NOT_FINITE))
        .then(pl.lit("Give a real number; leave the row out if the value is unknown."))
        .when(value.str.contains(THOUSANDS_COMMA))
        .then(pl.lit("Remove the thousands separators: write 5527, not 5,527."))
        .when(value.str.contains(DECIMAL_COMMA))
        .then(pl.lit("Use a dot for decimals: write 45.6, not 45,6."))
        .when(value.str.contains(THOUSANDS_DOT) | value.str.contains(SPACED))
        .then(pl.lit("Remove the thousands separators and use a dot for decimals: 5527.5."))
        .otherwise(
            pl.lit(
                "Write a plain number in base units without signs, words or ranges: "
                "45.6 billion is 45600000000."
            )
        )
    )
    return _report(name, column, bad, what, hint)


def _report(
    name: str, column: str, bad: pl.DataFrame, what: pl.Expr, hint: pl.Expr
) -> pl.DataFrame:
    # Worded only for the rows a report lists: each kind's first few (the rest are counted).
    kind = pl.int_range(pl.len()).over(what)
    listed = bad.filter(kind <= problems.per_kind())
    counted = (
        bad.select(pl.col(LINE), what.alias("problem"))  # the line makes a literal one per row
        .group_by("problem")
        .agg(pl.len().cast(pl.Int64).alias("len"))
    )
    report = listed.select(
        pl.lit(name).alias("file"),
        pl.col(LINE).alias("line"),
        pl.lit(column).alias("column"),
        pl.col(column).alias("value"),
        what.alias("problem"),
        hint.alias("hint"),
    )
    return problems.capped(report, totals=counted)


def _shorten(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
