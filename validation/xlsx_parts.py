"""What an .xlsx file's zip parts say before the reader sees them: which part holds each sheet,
which cells hold an error value, and whether the workbook is small enough to read.

Why read the XML at all when calamine reads the workbook: calamine turns a cell holding an error
value (#DIV/0!, #N/A, ...) into an empty cell, which would be reported as a missing value rather
than as the failed formula it is; it lays a sheet out as a dense grid from A1 to its last used
cell, so one stray value in cell XFD1048576 asks for 550 GB and aborts the process (measured
with fastexcel 0.21); and it keeps every shared string of the workbook, so 200 million empty
ones (1.5 MB zipped) took 4.9 GB.

So every XML part is read here first, with expat, streamed, as calamine will read it: elements
by their local name whatever the namespace prefix, attributes by their exact name, a cell
without a reference in the column after the previous one, a row without one after the last.
A cell's position is therefore what the XML means, however it is spelled (quotes, whitespace,
case, no reference at all). The reading stops at the first bound a workbook passes: sheets,
cells (the reader's grid from A1 to the last cell with a value), shared strings, elements,
nesting depth; no document type (DTD) is accepted, so no entity is ever expanded.
calamine then runs in a child process under a memory limit (validation.sheet_reader) for
whatever these bounds did not foresee.
"""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.parsers import expat

# A sheet may use columns A to P. The widest table has 11 columns; the rest leaves room for a
# few helper columns, which are reported as unknown columns like in a CSV.
MAX_COLUMNS = 16
MAX_ROWS = 1_048_576  # Excel's last row
# Cells read from one workbook: the reader's grids (each from A1 to the sheet's last cell with
# a value) added up, and no more shared strings. 360,000 rows of the widest table fit; the
# check of a workbook that fills them peaked at 572 MB in the server's process and 660 MB in
# the reader's (docs/SECURITY.md).
MAX_CELLS = 4_000_000
# XML elements in all parts: a cell is two or three (c, v; or c, is, t), plus rows and styles.
MAX_ELEMENTS = 4 * MAX_CELLS
# Excel's deepest XML is about ten elements (rich text in a shared string); the limit leaves
# room for other writers and stops nesting bombs before expat's own stack grows.
MAX_DEPTH = 64
MAX_SHEETS = 100
# A workbook's parts, unpacked (as their zip entries declare; reading stops there too).
MAX_UNPACKED_BYTES = 2**30
CHUNK = 2**20

REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,9})")
ROW_NUMBER = re.compile(r"[0-9]{1,9}")
DEFAULT_WORKBOOK = "xl/workbook.xml"
WORKBOOK_FOLDER = "xl"
WORKBOOK_RELATIONSHIPS = "xl/_rels/workbook.xml.rels"


class NotAWorkbook(Exception):
    """The zip does not hold a readable workbook; the message says what is wrong."""


class TooComplex(Exception):
    """The workbook passes one of the bounds above; the message says which."""


class _Far(Exception):
    """A cell with a value lies outside what a sheet may use; the message says where."""


@dataclass(frozen=True)
class ErrorCell:
    row: int  # as Excel numbers it, from 1
    column: int  # from 0 (A)
    reference: str  # e.g. "D5"
    value: str  # e.g. "#DIV/0!"


@dataclass
class SheetScan:
    errors: list[ErrorCell] = field(default_factory=list)
    too_large: str | None = None  # why the reader must not be given this sheet


@dataclass
class Budget:
    """What the parts read so far have cost, against the workbook's bounds."""

    elements: int = 0
    cells: int = 0
    strings: int = 0


def column_index(letters: str) -> int:
    """0 for A, 25 for Z, 26 for AA."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _local(name: str) -> str:
    return name.rpartition(":")[2]


Start = Callable[[str, dict[str, str]], None]
End = Callable[[str], None]


def _parser(part: str) -> expat.XMLParserType:
    """An expat parser that refuses a document type (DTD): no entity is ever declared, so none
    is expanded."""

    def doctype(*_: object) -> None:
        raise NotAWorkbook(
            f"the part {part} declares a document type (DTD), which Excel never writes"
        )

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    return parser


def _feed(archive: zipfile.ZipFile, part: str, parser: expat.XMLParserType) -> None:
    """The part's bytes through the parser, streamed; bad XML is a damaged workbook."""
    read = 0
    try:
        with archive.open(part) as stream:
            while block := stream.read(CHUNK):
                read += len(block)
                if read > MAX_UNPACKED_BYTES:
                    raise NotAWorkbook(f"the part {part} unpacks to more than 1 GB")
                parser.Parse(block, False)
            parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise NotAWorkbook(f"the part {part} is not well-formed XML") from error


def _too_deep() -> TooComplex:
    return TooComplex(f"its XML nests more than {MAX_DEPTH} elements deep")


def _too_many_elements() -> TooComplex:
    return TooComplex(f"its XML holds more than {MAX_ELEMENTS:,} elements")


def _too_many_strings() -> TooComplex:
    return TooComplex(f"it holds more than {MAX_CELLS:,} shared strings")


def _walk(archive: zipfile.ZipFile, part: str, budget: Budget, start: Start | None = None) -> None:
    """Stream one part, calling ``start`` with each element's local name and attributes;
    stops with TooComplex at the first bound passed, NotAWorkbook on a DTD or bad XML."""
    depth = 0

    def started(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        budget.elements += 1
        if depth > MAX_DEPTH:
            raise _too_deep()
        if budget.elements > MAX_ELEMENTS:
            raise _too_many_elements()
        local = _local(name)
        if local == "si":
            budget.strings += 1
            if budget.strings > MAX_CELLS:
                raise _too_many_strings()
        if start is not None:
            start(local, attributes)

    def ended(_: str) -> None:
        nonlocal depth
        depth -= 1

    parser = _parser(part)
    parser.StartElementHandler = started
    parser.EndElementHandler = ended
    _feed(archive, part, parser)


def _targets(
    archive: zipfile.ZipFile, names: set[str], budget: Budget
) -> dict[str, tuple[str, str | None]]:
    """Relationship id -> (type, the part it names, None when there is none) from the
    workbook's relationships. A target may be read from the workbook's folder or from the
    zip's root; when both are parts, which one calamine reads is not known: refused."""
    found: dict[str, tuple[str, str | None]] = {}

    def start(local: str, attributes: dict[str, str]) -> None:
        if local != "Relationship":
            return
        target = attributes.get("Target", "")
        readings = {
            posixpath.normpath(posixpath.join(WORKBOOK_FOLDER, target)),
            posixpath.normpath(target.lstrip("/")),
            target.lstrip("/"),
        }
        parts = readings & names
        if len(parts) > 1:
            raise NotAWorkbook(f"the relationship target {target[:80]!r} names two parts")
        found[attributes.get("Id", "")] = (attributes.get("Type", ""), next(iter(parts), None))

    if WORKBOOK_RELATIONSHIPS in names:
        _walk(archive, WORKBOOK_RELATIONSHIPS, budget, start)
    return found


def _names(archive: zipfile.ZipFile) -> set[str]:
    """The zip's part names, each once and plainly written: a zip may hold two entries of one
    name, and a name may be spelled so that two readers find different parts by it (a case,
    "..", a backslash); this module would then read one part and calamine another."""
    seen: set[str] = set()
    for name in archive.namelist():
        folded = name.casefold()
        if folded in seen:
            raise NotAWorkbook(f"it holds two parts named {name[:80]!r}")
        seen.add(folded)
        segments = name.split("/")
        odd = {".", ".."} & set(segments) or "" in segments[:-1]
        if odd or "\\" in name or name.startswith("/"):
            raise NotAWorkbook(f"a part is named {name[:80]!r}, which no workbook writer does")
    return set(archive.namelist())


def sheet_parts(archive: zipfile.ZipFile, budget: Budget) -> dict[str, str]:
    """Sheet name -> the zip part holding its cells, as the workbook lists them; then every
    other XML part is read against the budget too (shared strings, styles, ...). The workbook
    is xl/workbook.xml, where calamine reads it whatever the package's relationships say. Two
    sheets of one name are refused: calamine would read one of them, maybe not the one read
    here."""
    names = _names(archive)
    if DEFAULT_WORKBOOK not in names:
        raise NotAWorkbook("it holds no workbook part (xl/workbook.xml)")
    targets = _targets(archive, names, budget)
    listed: list[tuple[str, str | None]] = []

    def start(local: str, attributes: dict[str, str]) -> None:
        if local != "sheet":
            return
        rid = next((v for k, v in attributes.items() if _local(k) == "id"), "")
        name = attributes.get("name", "")
        if any(name == other for other, _ in listed):
            raise NotAWorkbook(f"two sheets are named {name[:80]!r}")
        listed.append((name, targets.get(rid, ("", None))[1]))
        if len(listed) > MAX_SHEETS:
            raise TooComplex(f"it has more than {MAX_SHEETS} sheets")

    _walk(archive, DEFAULT_WORKBOOK, budget, start)
    parts = {name: part for name, part in listed if part is not None}
    walked = {DEFAULT_WORKBOOK, WORKBOOK_RELATIONSHIPS, *parts.values()}
    others = {target for _, target in targets.values() if target is not None}
    others |= {name for name in names if name.casefold().endswith((".xml", ".rels"))}
    for part in sorted(others - walked):
        _walk(archive, part, budget)
    return parts


def unpacked_size(archive: zipfile.ZipFile) -> int:
    return sum(info.file_size for info in archive.infolist())


def _named(name: str, local: str) -> bool:
    return name == local or name.endswith(":" + local)


@functools.lru_cache(maxsize=4096)
def _column(letters: str) -> int:
    return column_index(letters)


def scan_sheet(archive: zipfile.ZipFile, part: str, budget: Budget) -> SheetScan:
    """The sheet's error cells, or why it is too large to read, from its XML; its grid counts
    against the workbook's cells. Each cell is placed as calamine places it; a cell counts when
    it holds anything (v, is, f), as calamine reads it; a formatted, empty cell is ignored, as
    Excel's used range does. One function of closures: a large sheet is millions of calls."""
    elements_left = MAX_ELEMENTS - budget.elements
    cells_left = MAX_CELLS - budget.cells
    depth = elements = cells = cell_depth = 0
    collecting = False
    row = last_row = bottom = 0  # rows from 1 (0: none yet)
    column = right = -1  # columns from 0
    cell: tuple[int, int, bool] | None = None  # the open cell: row, column, holds an error
    valued = False
    value: list[str] = []
    errors: list[ErrorCell] = []
    parser = _parser(part)

    def collect(data: str) -> None:
        value.append(data)

    def started(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, elements, row, last_row, column, cell, valued, cell_depth, collecting
        depth += 1
        elements += 1
        if depth > MAX_DEPTH:
            raise _too_deep()
        if elements > elements_left:
            raise _too_many_elements()
        if cell is not None:
            valued = True  # v, is, f: calamine reads a cell with any of them
            if cell[2] and _named(name, "v"):
                parser.CharacterDataHandler = collect
                collecting = True
            return
        if name == "c" or _named(name, "c"):
            reference = attributes.get("r")
            at = max(row, 1)
            if reference is None:
                column += 1
            else:
                found = REFERENCE.fullmatch(reference)
                if found is None:
                    raise NotAWorkbook(f"a cell is named {reference[:20]!r}, not a cell reference")
                column = _column(found.group(1))
                at = int(found.group(2))
                last_row = max(last_row, at)
            error = attributes.get("t") == "e"
            cell = (at, column, error)
            cell_depth = depth
            valued = False
            if error:
                value.clear()
        elif _named(name, "row"):
            number = attributes.get("r")
            if number is None:
                row = last_row + 1
            elif ROW_NUMBER.fullmatch(number):
                row = int(number)
            else:
                raise NotAWorkbook(f"a row is numbered {number[:20]!r}, not a row number")
            last_row = max(last_row, row)
            column = -1

    def ended(_: str) -> None:
        nonlocal depth, cell, cells, bottom, right, collecting
        if collecting:
            parser.CharacterDataHandler = None
            collecting = False
        closing = depth == cell_depth
        depth -= 1
        if cell is None or not closing:
            return
        at, where, error = cell
        cell = None
        if not valued:
            return
        if at > MAX_ROWS:
            raise _Far(f"a cell is on row {at:,}, past Excel's last row")
        if where >= MAX_COLUMNS:
            raise _Far(
                f"cell {column_letters(where)}{at} holds a value; a sheet may use columns A "
                f"to {column_letters(MAX_COLUMNS - 1)}"
            )
        bottom = max(bottom, at)
        right = max(right, where)
        cells += 1
        if cells > cells_left:
            raise TooComplex(f"it holds more than {MAX_CELLS:,} cells")
        if error:
            text = "".join(value).strip() or "#ERROR"
            errors.append(ErrorCell(at, where, f"{column_letters(where)}{at}", text))

    parser.StartElementHandler = started
    parser.EndElementHandler = ended
    try:
        _feed(archive, part, parser)
    except _Far as far:
        return SheetScan(too_large=str(far))
    finally:
        budget.elements += elements
    grid = bottom * (right + 1)  # the reader's grid spans from A1 to the last cell
    if grid > cells_left:
        return SheetScan(
            too_large=(
                f"its cells span rows 1 to {bottom:,} and columns A to "
                f"{column_letters(right)}, {grid:,} cells; at most {MAX_CELLS:,} are read "
                "from one workbook"
            )
        )
    budget.cells += grid
    return SheetScan(errors)
