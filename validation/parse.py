"""Explicit parsing of an analyst's CSV into a typed frame, with every failure as a problem row.

Nothing here infers types: every cell is read as text, then dates and numbers are parsed by rule.
A cell that does not parse becomes a problem on its own line (and a null in the frame), never a
crash and never a silent null. Each typed frame carries ``_line``, the cell's line in the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from validation import catalogue, problems
from validation.tables import TABLES, Table

LINE = "_line"
BOM = b"\xef\xbb\xbf"
# What a file that is not text starts with, and what to tell the person who sent it.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or a zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
)
MAX_RAGGED_REPORTED = 100
# What parse_path reads of a file before it leaves the rest to Polars: the header and the
# signatures are in it (a file no larger is read whole, as an upload is).
HEAD_BYTES = 1 << 20
MAX_HEADER_CHARS = 10_000  # the four headers together are under 400 characters
PLAIN_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"
# Digits are ASCII: Unicode's \d (which Polars' regex uses) also matches Arabic-Indic and
# full-width digits, which no float parser reads (issue 25.11: reported as an empty value).
OTHER_DIGITS = r"[\d&&[^0-9]]"
NOT_FINITE = r"(?i)^[+-]?(nan|inf|infinity|n/a)$"
THOUSANDS_COMMA = r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$"
DECIMAL_COMMA = r"^[+-]?[0-9]+,[0-9]+$"
THOUSANDS_DOT = r"^[+-]?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$"
SPACED = r"^[+-]?[0-9]{1,3}([ \u00a0\u202f'][0-9]{3})+([.,][0-9]+)?$"
# A cell our CSV exports made inert (headcount.exports): one apostrophe before what a
# spreadsheet would run as a formula. Reading it back drops that apostrophe, so an export
# re-uploads unchanged.
FORMULA_CHARS = "=+\\-@\\t\\r"  # what a spreadsheet runs a cell starting with (OWASP)
NEUTRALISED = rf"^'('*[{FORMULA_CHARS}])"
DAY_FIRST = r"^[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4}$"
ISO_SHAPE = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"
# The earliest date any table may hold. The data is about companies of the last decades; year
# 0000 or a minus sign is a typo, and such dates crash Python's and pandas' date types on the
# pages (pandas stops at 1677). The latest dates are bounded by rules.dates_in_range.
EARLIEST = dt.date(1900, 1, 1)
# Counts of employees are whole people; "3.422" is 3,422 written with a thousands separator.
# Full-time equivalents may have two decimals (a quarter of a post is 0.25 fte); a third
# decimal is no such fraction and would hide the same thousands-separator typo.
WHOLE_UNITS = ("employees",)
FTE_UNITS = ("fte",)
DOTTED_THOUSANDS = r"^[0-9]{1,3}\.[0-9]{3}$"
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
    # Per text or date column, its distinct values as parsed (a null among them where a cell
    # is empty), where the parse found them: the gate's column checks read them, not the
    # column again. Possibly more than the rows hold (a blank row's nulls), never fewer.
    distinct: dict[str, pl.Series] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.readable and self.problems.height == 0


def parse(name: str, data: bytes, source: str | None = None) -> ParsedFile:
    """Parse one uploaded or named file; never raises for anything in ``data``.

    ``source``: the path of a file on disk of which ``data`` is only the start (parse_path);
    Polars then reads the rows from the file itself, and the whole file is read into memory
    only to say what is wrong with a file the reader refuses."""
    unreadable = _unreadable(name, data)
    if unreadable is not None:
        return ParsedFile(name, problems=problems.frame([unreadable]), readable=False)
    data = data.removeprefix(BOM)
    end = data.find(b"\n")
    if end < 0 and source is not None:  # a header longer than the start read: all of it
        return parse(name, _whole(source))
    try:
        header_line = data[: end if end >= 0 else len(data)].decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as error:  # the header is the start of data: same offsets
        return _not_utf8(name, data, error)
    if not header_line.strip():
        return _failed(name, "header.empty", 1, headers=_headers())
    if len(header_line) > MAX_HEADER_CHARS:
        # Not a header at all (the widest is a few hundred characters): say so, rather than
        # what the CSV reader or the header match would make of 50 MB of it.
        return _failed(
            name,
            "header.too_long",
            1,
            value=_shorten(header_line),
            length=len(header_line),
            limit=MAX_HEADER_CHARS,
            headers=_headers(),
        )
    separator = _foreign_separator(header_line)
    if separator:
        return _failed(
            name, "header.wrong_separator", 1, value=_shorten(header_line), separator=separator
        )
    try:
        header = [cell.strip() for cell in next(csv.reader([header_line]))]
    except csv.Error:  # e.g. a carriage return alone, as old Mac files end their lines
        return _failed(name, "header.not_csv", 1, value=_shorten(header_line))
    table, header_problems = _recognise(name, header)
    if table is None or header_problems:
        return ParsedFile(name, table, problems=problems.frame(header_problems))
    rows, refused, distinct = _read_rows(name, data, table, source)
    if rows is None:
        return ParsedFile(name, table, problems=refused)
    if rows.height == 0:
        # Replacing a table with an empty file would empty it: never by accident.
        return _failed(name, "file.no_rows", 2)
    return _typed(name, table, rows, distinct, untidy=table.columns_of_kind("number"))


def _not_utf8(name: str, data: bytes, error: UnicodeDecodeError) -> ParsedFile:
    """Report the first byte sequence that is not UTF-8, on its line."""
    line = data[: error.start].count(b"\n") + 1
    bad = data[error.start : error.start + 4].hex(" ")
    return _failed(name, "file.not_utf8", line, value=f"bytes {bad}")


def parse_path(path: str) -> ParsedFile:
    """Parse a file on disk; an unreadable path is a problem of the file as a whole.

    A file larger than HEAD_BYTES is not read into memory: its start says what it is, and
    Polars reads its rows from the path (for a million rows, reading 121 MB into Python and
    handing the copy to Polars was ~0.1 s and the file's size in memory)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES + 1)
    except OSError as error:
        return _unreadable_path(path, error)
    if len(head) <= HEAD_BYTES:
        return parse(path, head)
    try:
        return parse(path, head, source=path)
    except OSError as error:  # gone or changed to unreadable since its start was read
        return _unreadable_path(path, error)


def _unreadable_path(path: str, error: OSError) -> ParsedFile:
    reason = error.strerror or str(error)
    problem = problems.of("file.unreadable", path, 0, reason=reason)
    return ParsedFile(path, problems=problems.frame([problem]), readable=False)


def _whole(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _failed(name: str, code: str, line: int, value: str = "", **fields: object) -> ParsedFile:
    """A file that stops at one problem of the whole file or its header."""
    problem = problems.of(code, name, line, "", value, **fields)
    return ParsedFile(name, problems=problems.frame([problem]))


def _unreadable(name: str, data: bytes) -> problems.Problem | None:
    if not data:
        return problems.of("file.empty", name, 0)
    for signature, what in BINARY_SIGNATURES:
        if data.startswith(signature):
            return problems.of("file.not_text", name, 0, what=what)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return problems.of("file.utf16", name, 0)
    if b"\x00" in data[:8192]:
        return problems.of("file.not_text", name, 0, what="a binary file")
    return None


def _foreign_separator(header_line: str) -> str | None:
    if "," in header_line:
        return None
    for separator in (";", "\t", "|"):
        if separator in header_line:
            return separator
    return None


def _headers() -> str:
    """Every table's header, for the hint of a header that is none of them."""
    return "; ".join(f"{t.name}: {','.join(t.column_names)}" for t in TABLES.values())


def _recognise(name: str, header: list[str]) -> tuple[Table | None, list[problems.Problem]]:
    """Which table a header belongs to, and what is wrong with it for that table."""
    scores = {t.name: len(set(header) & set(t.column_names)) for t in TABLES.values()}
    best = max(scores, key=lambda table_name: scores[table_name])
    if scores[best] == 0:
        problem = problems.of(
            "header.unknown_table", name, 1, "", _shorten(",".join(header)), headers=_headers()
        )
        return None, [problem]
    table = TABLES[best]
    found: list[problems.Problem] = []
    seen: set[str] = set()
    for column in header:
        if column in seen:
            found.append(problems.of("header.duplicate_column", name, 1, column, column))
        seen.add(column)
        if column not in table.column_names:
            found.append(
                problems.of(
                    "header.unknown_column",
                    name,
                    1,
                    column,
                    column,
                    table=table.name,
                    allowed=", ".join(table.column_names),
                )
            )
    for column in table.required:
        if column not in header:
            found.append(
                problems.of(
                    "header.missing_column", name, 1, column, column=column, table=table.name
                )
            )
    return table, found


def _read_rows(
    name: str, data: bytes, table: Table, source: str | None = None
) -> tuple[pl.DataFrame | None, pl.DataFrame, dict[str, pl.Series]]:
    """All cells as text and the line each row starts on, the text and date columns tidied
    (_tidied: stripped, empty means null) with their distinct values; read from ``source``
    when given (a path whose start is ``data``), else from ``data``.

    When the reader refuses the file (a row with too many cells), the rows are None and the
    second item reports the offending lines.
    """
    reader = pl.scan_csv(
        data if source is None else source,
        infer_schema=False,
        quote_char='"',
        raise_if_empty=False,
        row_index_name=LINE,
        row_index_offset=2,
    )
    try:
        named = {column.strip(): column for column in reader.collect_schema().names()}
        raw = reader.select(
            pl.col(LINE).cast(pl.Int64),
            *(
                pl.col(named[column]).alias(column)
                if column in named
                else pl.lit(None, dtype=pl.String).alias(column)
                for column in table.column_names
            ),
        ).collect(engine="streaming")
    except pl.exceptions.PolarsError:
        # The reader refuses bytes that are not UTF-8 and rows with too many cells; only now
        # is the whole file decoded, to say which.
        if source is not None:
            data = _whole(source).removeprefix(BOM)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            return None, _not_utf8(name, data, error).problems, {}
        return None, _ragged_lines(name, text), {}
    # One piece per column instead of the streaming reader's batches (54 for a million rows):
    # every rule after this ran up to ten times slower on the pieces.
    raw = raw.rechunk()
    numbers = table.columns_of_kind("number")
    texts = [column for column in table.column_names if column not in numbers]
    # A column with no cell at all (an optional one left out, or left empty) has one value,
    # null: hashing a million nulls to find it took 4-5 ms a column.
    empty = [column for column in texts if raw.get_column(column).null_count() == raw.height]
    # The text columns' distinct values, and whether a number cell holds a line break, in
    # one query that Polars computes side by side.
    listed = [column for column in texts if column not in empty]
    found = raw.select(
        *(pl.col(c).unique().implode() for c in listed),
        pl.any_horizontal(
            False, *(pl.col(c).str.contains("\n", literal=True).any() for c in numbers)
        ).alias(_BROKEN),
    )
    # What the distinct values tell, in one more query for all the columns: which ones
    # tidying would change, and whether a text cell holds a line break. (Asked column by
    # column, the dozens of small queries took a 200-row upload 4 ms more to parse.)
    told = found.select(
        *(
            pl.col(c).list.eval(_tidy_expr(pl.element()).eq_missing(pl.element())).list.all()
            for c in listed
        ),
        pl.any_horizontal(
            pl.col(_BROKEN),
            *(
                pl.col(c).list.eval(pl.element().str.contains("\n", literal=True)).list.any()
                for c in listed
            ),
        ),
    ).row(0)
    untidy = [column for column, same in zip(listed, told[:-1], strict=True) if not same]
    distinct = {column: found.get_column(column).explode() for column in listed}
    distinct |= {column: pl.Series(column, [None], dtype=pl.String) for column in empty}
    if told[-1]:
        raw = _after_line_breaks(raw, table)
    raw, distinct = _tidied(raw, distinct, untidy)
    # A blank row (every cell empty or whitespace) is dropped; the number columns are not
    # tidied yet, so theirs are asked only of the rows whose other cells are all empty.
    others = pl.all_horizontal(pl.col(column).is_null() for column in texts)
    if raw.select(others.any()).item():
        emptied = [_tidy(raw.get_column(column)).is_null() for column in numbers]
        blank = others & pl.all_horizontal(pl.lit(True), *emptied)
        raw = raw.filter(~blank)
    return raw, problems.frame(), distinct


def _tidy_expr(cell: pl.Expr) -> pl.Expr:
    """_tidy as an expression, for a few values (each step on every value)."""
    kept = cell.str.strip_chars().str.replace(NEUTRALISED, "$1")
    return pl.when(kept != "").then(kept)


def _tidy(cells: pl.Series) -> pl.Series:
    """Cells as the tables hold them: without the whitespace around them, without the
    apostrophe that made a formula inert (NEUTRALISED), and null where nothing is left.
    Each step is paid only by cells that need it: the regular expression on a million cells
    alone took 80 ms, and as one expression the strip was computed twice (0.2 s)."""
    cells = cells.str.strip_chars()
    if cells.str.starts_with("'").any():
        cells = cells.str.replace(NEUTRALISED, "$1")
    if (cells == "").any():
        kept = pl.col(cells.name)
        return cells.to_frame().select(pl.when(kept != "").then(kept)).to_series()
    return cells


_BROKEN = "_broken"  # (a name no table's column has)


def _after_line_breaks(raw: pl.DataFrame, table: Table) -> pl.DataFrame:
    """The rows with the line each starts on, when quoted cells hold line breaks (the reader
    numbers rows, not lines). Asked only when a cell holds one (_read_rows): counting the
    breaks in every cell took a million rows 0.1 s, and a quote in the file (a "5,527")
    makes none."""
    breaks = pl.sum_horizontal(
        pl.col(column).str.count_matches("\n", literal=True).fill_null(0)
        for column in table.column_names
    )
    return raw.with_columns(pl.col(LINE) + breaks.cum_sum().shift(1, fill_value=0))


def _tidied(
    raw: pl.DataFrame, distinct: Mapping[str, pl.Series], untidy: Sequence[str]
) -> tuple[pl.DataFrame, dict[str, pl.Series]]:
    """The ``untidy`` columns tidied (_tidy), and the distinct values of the text and date
    columns (``distinct``) after it (a null among them where a cell is empty, or was, in a
    blank row dropped later).

    Whether a column needs tidying is asked of its distinct values (_read_rows): a column is
    rewritten only when one of them changes, so a file without stray spaces, inert formulas
    or blank cells copies none of its text (stripping every cell was 0.1 s of a million
    rows). The distinct values are what the date parse and the gate's column checks read,
    once. The number columns are tidied by _typed, only when a cell fails to parse: the
    float parser reads no cell that tidying would change."""
    tidy = dict(distinct)
    for column in untidy:
        tidy[column] = _tidy(distinct[column]).unique()
    if untidy:
        raw = raw.with_columns(_tidy(raw.get_column(column)) for column in untidy)
    return raw, tidy


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
                    problems.of(
                        "row.too_many_cells",
                        name,
                        start,
                        "",
                        _shorten(",".join(row)),
                        cells=len(row),
                        header=len(header),
                    )
                )
                if len(found) >= MAX_RAGGED_REPORTED:
                    break
            start = reader.line_num + 1
    except csv.Error:
        line = _line_text(text, start)
        found.append(problems.of("row.unclosed_quote", name, start, "", _shorten(line)))
    if not found:
        found.append(problems.of("file.not_csv", name, 0))
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


def _typed(
    name: str,
    table: Table,
    raw: pl.DataFrame,
    distinct: Mapping[str, pl.Series] | None = None,
    untidy: Sequence[str] = (),
) -> ParsedFile:
    """Parse date and number columns; a cell that fails is a problem and a null.

    ``distinct``: the distinct values of the date and text columns, where the caller has
    them (_tidied). ``untidy``: number columns whose cells are not tidied yet (_tidy), which
    is done only when a cell fails to parse as it is."""
    distinct = distinct or {}
    reports: list[pl.DataFrame] = []
    unparsed: dict[str, pl.Series] = {}
    typed = raw
    for column in table.columns_of_kind("date"):
        accepted, failed = _dates(raw.get_column(column), distinct.get(column))
        reports.append(_date_problems(name, column, raw.select(LINE, column).filter(failed)))
        typed = typed.with_columns(accepted)
        unparsed[column] = failed
    for column in table.columns_of_kind("number"):
        number, failed = _numbers(table, column, raw)
        # Only the columns a report reads: a filter copies every column it keeps.
        bad = raw.select(LINE, column, *(["unit"] if "unit" in raw.columns else [])).filter(failed)
        if column in untidy and bad.height:
            # Only the failed cells are tidied and read again: tidying the whole column and
            # reading it twice took a file with 1% bad rows 0.2 s more than a clean one.
            again = bad.with_columns(_tidy(bad.get_column(column)))
            retyped, still = _numbers(table, column, again)
            where = failed.arg_true()
            number, failed = number.scatter(where, retyped), failed.scatter(where, still)
            bad = again.filter(still)
        shaped = pl.col(column).str.contains(PLAIN_NUMBER)
        reports.append(_number_problems(name, column, bad.filter(~shaped)))
        reports.append(_count_problems(name, table, column, bad.filter(shaped)))
        typed = typed.with_columns(number)
        unparsed[column] = failed
    return ParsedFile(
        name, table, typed, problems.combine(reports), unparsed=unparsed, distinct=dict(distinct)
    )


def _dates(text: pl.Series, known: pl.Series | None = None) -> tuple[pl.Series, pl.Series]:
    """A date column parsed, and which of its cells failed. Parsed on the column's distinct
    values (``known``, else found here) and mapped back: a date repeats on thousands of rows,
    and the shape check and the parse on every row were a third of the typing of a million
    rows (160 -> 25 ms)."""
    distinct = (text.unique() if known is None else known).drop_nulls().to_frame()
    parsed = _date(pl.col(text.name))
    accepted = distinct.select(pl.when(parsed >= EARLIEST).then(parsed)).to_series()
    typed = text.replace_strict(
        distinct.to_series(), accepted, default=None, return_dtype=pl.Date
    ).alias(text.name)
    if accepted.null_count() == 0:
        return typed, pl.repeat(False, text.len(), eager=True)
    # A cell failed where a date was written and none was read.
    return typed, typed.is_null() & text.is_not_null()


def _numbers(table: Table, column: str, raw: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
    """A number column parsed (null where the cell failed), and which of its cells failed.
    Each expression is computed once: the number, its shape and its fit to the unit were
    each computed twice, for the failures and for the typed column."""
    text = pl.col(column)
    checked = raw.select(
        text.cast(pl.Float64, strict=False).alias("number"),
        text.str.contains(DOTTED_THOUSANDS).alias("dotted"),
        *([pl.col("unit")] if "unit" in table.column_names else []),
    )
    # -0 is 0: the same value must be written (and fingerprinted) the same way. (On the
    # numbers read, not on the expression reading them: that read every cell twice.)
    read = pl.col("number")
    checked = checked.with_columns(pl.when(read == 0).then(0.0).otherwise(read).alias("number"))
    plain = _plain(raw.get_column(column), checked.get_column("number"))
    checked = checked.with_columns(plain)
    # A whole number without a thousands separator fits every unit: when every plain number
    # is one (most uploads), the fit is not asked row by row (the units' comparisons on a
    # million rows were half the typing of their numbers).
    whole = (read == read.floor()) & ~pl.col("dotted")
    if checked.select((whole | ~pl.col("plain")).all()).item():
        ok = plain
    else:
        fits = _countable(table, column, read, pl.col("dotted"))
        ok = checked.select(pl.col("plain") & fits).to_series()
    # Nulls kept as they come: a null (neither passed nor failed) is not reported, as before.
    failed = raw.get_column(column).is_not_null() & ~ok
    if not failed.any():  # every cell empty or a number: the numbers as they were read
        return checked.get_column("number").alias(column), failed
    typed = checked.select(pl.when(ok).then(read).alias(column)).to_series()
    return typed, failed


def _plain(text: pl.Series, number: pl.Series) -> pl.Series:
    """Whether each cell has the shape of PLAIN_NUMBER, given ``number``, the cells as the
    float parser read them. It reads exactly those shapes and, in any case and with a sign,
    the words inf, infinity and nan (tried on about 610,000 strings of digits, signs, points,
    exponents and letters; a property test in tests/test_properties.py holds the parse to the
    shape). A finite number was
    therefore plain, and only a file with a non-finite one pays a look at its letters: every
    word holds an n, no plain number does (the regular expression on every cell was 35-55 ms
    of typing a million rows)."""
    finite = number.is_finite()  # null where the parser read nothing
    if not (~finite).any():
        return number.is_not_null().alias("plain")
    return (number.is_not_null() & (finite | ~text.str.contains("(?i)n"))).alias("plain")


def _date(text: pl.Expr) -> pl.Expr:
    """An ISO date (YYYY-MM-DD); no sign or other shape, though the parser would take one."""
    return pl.when(text.str.contains(ISO_SHAPE)).then(text.str.to_date("%Y-%m-%d", strict=False))


def _countable(table: Table, column: str, number: pl.Expr, dotted: pl.Expr) -> pl.Expr:
    """Whether a value fits its unit: whole for employees (and for a column of whole people
    whatever the unit), at most two decimals for fte. ``dotted``: the text has the shape of
    DOTTED_THOUSANDS."""
    # "3.000" is whole, and still 3,000 written with a thousands separator.
    whole = (number == number.floor()) & ~dotted
    if table.column(column).whole:
        return whole
    if "unit" not in table.column_names:
        return pl.lit(True)
    unit = pl.col("unit")
    # Arithmetic, not a regex on the text: this runs on every row of every upload.
    scaled = number * 10**FTE_PLACES
    in_places = (scaled - scaled.round()).abs() < 1e-6
    return (
        pl.when(unit.is_in(WHOLE_UNITS))
        .then(whole)
        .when(unit.is_in(FTE_UNITS))
        .then(in_places & ~dotted)
        .otherwise(pl.lit(True))
        .fill_null(True)
    )


def _count_problems(name: str, table: Table, column: str, bad: pl.DataFrame) -> pl.DataFrame:
    """Plain numbers that do not fit their unit: fractions of people."""
    value = pl.col(column)
    thousands = value.str.contains(DOTTED_THOUSANDS)
    cases: list[catalogue.Case]
    if table.column(column).whole:
        cases = [
            (thousands, "value.not_whole_count", "thousands"),
            (None, "value.not_whole_count", None),
        ]
    else:
        fte = pl.col("unit").is_in(FTE_UNITS)
        cases = [
            (thousands & fte, "value.fte_too_precise", "thousands"),
            (thousands, "value.not_whole", "thousands"),
            (fte, "value.fte_too_precise", None),
            (None, "value.not_whole", None),
        ]
    fields = {
        "column": column,
        "places": FTE_PLACES,
        "value": value,
        "comma": value.str.replace(".", ",", literal=True),
        "plain": value.str.replace(".", "", literal=True),
    }
    return _report(name, column, bad, catalogue.worded(cases, fields))


def _date_problems(name: str, column: str, bad: pl.DataFrame) -> pl.DataFrame:
    value = pl.col(column)
    cases: list[catalogue.Case] = [
        (_date(value) < EARLIEST, "date.too_early", None),
        (value.str.contains(DAY_FIRST), "date.invalid", "day_first"),
        (value.str.contains(ISO_SHAPE), "date.invalid", "no_such_day"),
        (None, "date.invalid", None),
    ]
    fields = {"earliest": EARLIEST.isoformat(), "year": EARLIEST.year}
    return _report(name, column, bad, catalogue.worded(cases, fields))


def _number_problems(name: str, column: str, bad: pl.DataFrame) -> pl.DataFrame:
    value = pl.col(column)
    cases: list[catalogue.Case] = [
        (value.str.contains(NOT_FINITE), "value.not_finite", None),
        (value.str.contains(OTHER_DIGITS), "value.not_a_number", "other_digits"),
        (value.str.contains(THOUSANDS_COMMA), "value.not_a_number", "thousands_comma"),
        (value.str.contains(DECIMAL_COMMA), "value.not_a_number", "decimal_comma"),
        (
            value.str.contains(THOUSANDS_DOT) | value.str.contains(SPACED),
            "value.not_a_number",
            "thousands_dot",
        ),
        (None, "value.not_a_number", None),
    ]
    return _report(name, column, bad, catalogue.worded(cases, {}))


def _report(name: str, column: str, bad: pl.DataFrame, worded: tuple[pl.Expr, ...]) -> pl.DataFrame:
    """The problems of the ``bad`` cells of a column; ``worded`` gives each its code, problem
    and hint (catalogue.worded)."""
    if bad.height == 0:
        # The usual case: nothing to word. Building and capping an empty report took a
        # dozen Polars queries per column, each planned afresh (0.1 s of a cold start).
        return problems.frame()
    code, what, hint = worded
    # Worded only for the rows a report lists: each kind's first few (the rest are counted).
    kind = pl.int_range(pl.len()).over(what)
    listed = bad.filter(kind <= problems.per_kind())
    counted = (
        bad.select(pl.col(LINE), what)  # the line makes a literal one per row
        .group_by("problem")
        .agg(pl.len().cast(pl.Int64).alias("len"))
    )
    report = listed.select(
        code,
        pl.lit(name).alias("file"),
        pl.col(LINE).alias("line"),
        pl.lit(column).alias("column"),
        pl.col(column).alias("value"),
        what,
        hint,
    )
    return problems.capped(report, totals=counted)


def _shorten(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
