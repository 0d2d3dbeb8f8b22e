"""Excel workbooks (.xlsx) as uploads: every sheet becomes the same parsed input as a CSV file.

calamine (through fastexcel, the reader behind ``pl.read_excel(engine="calamine")``) reads each
cell as text: a formula as its saved value, a number as Excel writes it, an Excel date as its
ISO date. From there on a sheet goes through validation.parse's own header recognition and
typing, so a workbook meets the same rules and gets the same problems as a CSV file. fastexcel
is called directly rather than through polars because only it says which Excel column each
column came from (an error cell is named by it) and keeps row numbers as Excel shows them.

Nothing in a workbook reaches calamine before validation.xlsx_parts has read every part it
will read against the bounds of what a workbook may cost (sheets, cells, strings, elements,
depth); calamine then runs in a child process with a memory limit (validation.sheet_reader),
so a workbook that costs more than foreseen is a problem, never the end of the server.

A problem names the sheet in its file column (SEPARATOR: "book.xlsx, observations" with an
angle quote for the comma) and its line is the Excel row (the header is row 1). A sheet is a
table when it is named after one or when its row 1 is one's header; empty sheets that are not
named after a table are ignored.

Reused from validation.parse, so the rules are one implementation: _recognise (which table a
header is, and what is wrong with it), _typed (dates and numbers, and their problems) and
_shorten.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import polars as pl

from validation import parse, problems, sheet_reader, xlsx_parts
from validation.parse import LINE, ParsedFile
from validation.tables import TABLES, Table

SUFFIXES = (".xlsx",)
SEPARATOR = " \u203a "  # a right-pointing angle quote
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0"  # the container of .xls files and of password-protected .xlsx
ENCRYPTED = "EncryptionInfo".encode("utf-16-le")
# An Excel date or date-time cell as calamine writes it as text: the date the analyst sees,
# followed by a time that is midnight for a date.
MIDNIGHT = r"^(\d{4}-\d{2}-\d{2}) 00:00:00$"
ERROR_MEANING = {
    "#DIV/0!": "the formula divides by zero",
    "#N/A": "a lookup found no match",
    "#REF!": "the formula refers to cells that were deleted",
    "#VALUE!": "the formula got text where it needed a number",
    "#NAME?": "the formula uses a name Excel does not know",
    "#NUM!": "the formula's result is not a valid number",
    "#NULL!": "the formula's ranges do not meet",
    "#SPILL!": "the formula's result has no room to spill",
    "#CALC!": "the formula could not be calculated",
}
T = TypeVar("T")


class Unreadable(Exception):
    """The workbook cannot be read at all: the catalogue's code for why, and its fields."""

    def __init__(self, code: str, **fields: object) -> None:
        super().__init__(code)
        self.code, self.fields = code, fields


def place(label: str) -> str:
    """Where a file or sheet is, in words: a sheet's label names the sheet and its workbook
    ("the sheet 'sources' of book.xlsx"); a file's name is itself."""
    book, separator, sheet = label.rpartition(SEPARATOR)
    return f"the sheet '{sheet}' of {book}" if separator else label


def sheets_table(label: str, table: str, labels: list[str]) -> str:
    """Where a row of the sheet ``label`` would go in its workbook's ``table``: the sheets of
    that workbook among ``labels`` (the table's), or a sheet to add named after the table."""
    book, separator, _ = label.rpartition(SEPARATOR)
    if not separator:
        return TABLES[table].filename
    own = [place(other) for other in labels if other.rpartition(SEPARATOR)[0] == book]
    return " or ".join(own) if own else f"a sheet named '{table}' in {book}"


def is_workbook(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


def parse_any(name: str, data: bytes) -> list[ParsedFile]:
    """A workbook's sheets, or the one CSV file: where uploads are dispatched by name."""
    return parse_workbook(name, data) if is_workbook(name) else [parse.parse(name, data)]


def parse_any_path(path: str) -> list[ParsedFile]:
    """A file on disk, as parse_any; an unreadable path is a problem of the file."""
    if not is_workbook(path):
        return [parse.parse_path(path)]
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return [parse.parse_path(path)]  # the same problem for the same unreadable path
    return parse_workbook(path, data)


def parse_workbook(name: str, data: bytes) -> list[ParsedFile]:
    """One parsed file per table sheet, plus one per sheet that is not a table (its problem);
    never raises for anything in ``data``."""
    try:
        return _sheets(name, data)
    except Unreadable as why:
        problem = problems.of(why.code, name, 0, "", "", None, **why.fields)
        return [ParsedFile(name, problems=problems.frame([problem]), readable=False)]


def _guarded(call: Callable[[], T], what: str) -> T:
    """Run a step of reading the zip or its XML; a bound passed is a workbook too complex,
    any other failure a damaged file."""
    try:
        return call()
    except (KeyboardInterrupt, SystemExit):
        raise
    except xlsx_parts.NotAWorkbook as why:
        raise Unreadable("workbook.damaged", where=what, detail=f": {why}") from why
    except xlsx_parts.TooComplex as why:
        raise Unreadable("workbook.too_complex", reason=str(why)) from why
    except BaseException as error:  # zipfile, zlib and XML errors alike
        raise Unreadable("workbook.damaged", where=what, detail="") from error


def _sheets(name: str, data: bytes) -> list[ParsedFile]:
    _refuse_other_formats(data)
    archive = _guarded(lambda: zipfile.ZipFile(io.BytesIO(data)), "this is not a readable .xlsx")
    unpacked = xlsx_parts.unpacked_size(archive)
    if unpacked > xlsx_parts.MAX_UNPACKED_BYTES:
        raise Unreadable(
            "workbook.too_large",
            size=unpacked / 2**30,
            limit=xlsx_parts.MAX_UNPACKED_BYTES / 2**30,
        )
    # Every part the reader will read, read first against the workbook's bounds.
    budget = xlsx_parts.Budget()
    parts = _guarded(
        lambda: xlsx_parts.sheet_parts(archive, budget), "this is not a readable .xlsx"
    )
    scans = {
        sheet: _guarded(
            partial(xlsx_parts.scan_sheet, archive, part, budget),
            f"the sheet {sheet!r} cannot be read",
        )
        for sheet, part in parts.items()
    }
    # Only sheets whose XML was read: one the reader finds by another way is never loaded.
    load = {sheet for sheet, scan in scans.items() if not scan.too_large}
    found: list[ParsedFile | _Unknown] = []
    for sheet in _read(data, load):
        label = f"{name}{SEPARATOR}{sheet.name}"
        scan = scans.get(sheet.name)
        if scan is None:
            found.append(_problem("sheet.no_cells", label, 0))
            continue
        parsed = _sheet(sheet, label, scan)
        if parsed is not None:
            found.append(parsed)
    return _with_unknown_sheets(name, found)


def _read(data: bytes, load: set[str]) -> list[sheet_reader.Sheet]:
    """The sheets as calamine reads them, in its child process."""
    try:
        return sheet_reader.read(data, load)
    except sheet_reader.TooCostly as why:
        raise Unreadable("workbook.too_costly", reason=str(why)) from why
    except sheet_reader.Damaged as why:
        where = "this is not a readable .xlsx"
        if why.sheet is not None:
            where = f"the sheet {why.sheet!r} cannot be read"
        raise Unreadable("workbook.damaged", where=where, detail="") from why


def _refuse_other_formats(data: bytes) -> None:
    if not data:
        raise Unreadable("workbook.empty")
    if data.startswith(OLE):
        if ENCRYPTED in data:
            raise Unreadable("workbook.encrypted")
        raise Unreadable("workbook.xls")
    if not data.startswith(ZIP):
        raise Unreadable("workbook.not_zip")


def _problem(code: str, file: str, line: int, value: str = "", **fields: object) -> ParsedFile:
    """A sheet that is only its one problem."""
    problem = problems.of(code, file, line, "", value, None, **fields)
    return ParsedFile(file, problems=problems.frame([problem]))


@dataclass(frozen=True)
class _Unknown:
    """A sheet that is no table; its problem lists the sheets that are, once all are read."""

    label: str
    row_one: str


def _sheet(
    sheet: sheet_reader.Sheet, label: str, scan: xlsx_parts.SheetScan
) -> ParsedFile | _Unknown | None:
    named = TABLES.get(sheet.name.strip().lower())
    if scan.too_large or sheet.cells is None:
        return _problem("sheet.too_large", label, 0, reason=scan.too_large)
    cells = sheet.cells
    # Columns named by their Excel position (0 is A): calamine starts at the first used one.
    positions = [str(position) for position in sheet.positions]
    text = cells.rename(dict(zip(cells.columns, positions, strict=True))).select(
        pl.all().str.strip_chars().replace("", None).str.replace(MIDNIGHT, "$1")
    )
    if text.height == 0 or text.select(pl.all_horizontal(pl.all().is_null()).all()).item():
        if named is None:
            return None  # Excel's spare Sheet2: nothing in it to lose
        return _problem("sheet.empty", label, 1, table=named.name)
    if sheet.visible != "visible":
        return _problem("sheet.hidden", label, 0, state=sheet.visible)
    row_one = [value or "" for value in text.row(0)]
    body = text.slice(1)
    # Columns with neither a name nor a value (spaces, say) are trailing columns: ignored.
    kept = [
        (position, title)
        for position, title in zip(positions, row_one, strict=True)
        if title or body[position].null_count() < body.height
    ]
    header = [title for _, title in kept]
    if not any(header):
        return _problem("sheet.no_header", label, 1)
    table, header_problems = parse._recognise(label, header)
    if named is not None and (table is None or table.name != named.name):
        return _problem(
            "sheet.wrong_header",
            label,
            1,
            parse._shorten(",".join(header)),
            table=named.name,
            columns=", ".join(named.column_names),
        )
    if table is None:
        return _Unknown(label, parse._shorten(",".join(header)))
    errors = _error_report(label, scan, dict(kept))
    if header_problems:
        found = problems.frame(header_problems)
        return ParsedFile(label, table, problems=problems.combine([errors, found]))
    return _rows(label, table, body, kept, errors)


def _rows(
    label: str,
    table: Table,
    body: pl.DataFrame,
    kept: list[tuple[str, str]],
    errors: pl.DataFrame,
) -> ParsedFile:
    """The table's rows as the CSV path has them: text cells, blank rows dropped, each with
    its Excel row number; then typed by the CSV path's own rules."""
    where = {title: position for position, title in reversed(kept)}  # the first copy counts
    raw = body.with_row_index(LINE, offset=2).select(
        pl.col(LINE).cast(pl.Int64),
        *(
            pl.col(where[column]).alias(column)
            if column in where
            else pl.lit(None, dtype=pl.String).alias(column)
            for column in table.column_names
        ),
    )
    raw = raw.filter(~pl.all_horizontal(pl.col(c).is_null() for c in table.column_names))
    if raw.height == 0:
        return _problem("sheet.no_rows", label, 2)
    # A row with an error cell is reported once, by its error, not again as empty cells.
    raw = raw.filter(~pl.col(LINE).is_in(errors["line"].to_list()))
    parsed = parse._typed(label, table, raw)
    parsed.problems = problems.combine([errors, parsed.problems])
    return parsed


def _error_report(label: str, scan: xlsx_parts.SheetScan, titles: dict[str, str]) -> pl.DataFrame:
    """One problem per cell holding an error value, named by its column's header."""
    found = []
    for cell in scan.errors:
        column = titles.get(str(cell.column)) or xlsx_parts.column_letters(cell.column)
        meaning = ERROR_MEANING.get(cell.value, "the formula failed")
        found.append(
            problems.of(
                "cell.error_value",
                label,
                cell.row,
                column,
                cell.value,
                None,
                value=cell.value,
                meaning=meaning,
                cell=cell.reference,
            )
        )
    return problems.combine([problems.frame(found)])


def _with_unknown_sheets(name: str, sheets: list[ParsedFile | _Unknown]) -> list[ParsedFile]:
    tables = [
        f"{parsed.name.rsplit(SEPARATOR, 1)[-1]} ({parsed.table.name})"
        for parsed in sheets
        if isinstance(parsed, ParsedFile) and parsed.table is not None
    ]
    recognised = (
        f"Recognised in this workbook: {', '.join(tables)}."
        if tables
        else "No sheet of this workbook was recognised."
    )
    found = [
        parsed
        if isinstance(parsed, ParsedFile)
        else _problem("sheet.unknown", parsed.label, 1, parsed.row_one, recognised=recognised)
        for parsed in sheets
    ]
    if not found:
        problem = problems.of("workbook.no_table", name, 0)
        return [ParsedFile(name, problems=problems.frame([problem]), readable=False)]
    return found
