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
# check of a workbook that fills it peaks under 2 GB (docs/SECURITY.md).
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
RELATIONSHIPS = "_rels/.rels"
DEFAULT_WORKBOOK = "xl/workbook.xml"
# Parts calamine may read besides the sheets and the workbook's relationships' targets.
READ_BY_NAME = ("[Content_Types].xml", "xl/sharedStrings.xml", "xl/styles.xml")


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


def _walk(
    archive: zipfile.ZipFile,
    part: str,
    budget: Budget,
    start: Start | None = None,
    end: End | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Stream one part through expat, calling ``start`` and ``end`` with each element's local
    name; stops with TooComplex at the first bound passed, NotAWorkbook on a DTD or bad XML."""
    depth = 0

    def started(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        budget.elements += 1
        if depth > MAX_DEPTH:
            raise TooComplex(f"its XML nests more than {MAX_DEPTH} elements deep")
        if budget.elements > MAX_ELEMENTS:
            raise TooComplex(f"its XML holds more than {MAX_ELEMENTS:,} elements")
        local = _local(name)
        if local == "si":
            budget.strings += 1
            if budget.strings > MAX_CELLS:
                raise TooComplex(f"it holds more than {MAX_CELLS:,} shared strings")
        if start is not None:
            start(local, attributes)

    def ended(name: str) -> None:
        nonlocal depth
        depth -= 1
        if end is not None:
            end(_local(name))

    def doctype(*_: object) -> None:
        raise NotAWorkbook(
            f"the part {part} declares a document type (DTD), which Excel never writes"
        )

    parser = expat.ParserCreate()
    parser.StartElementHandler = started
    parser.EndElementHandler = ended
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    if text is not None:
        parser.CharacterDataHandler = text
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


def _targets(
    archive: zipfile.ZipFile, rels: str, base: str, budget: Budget
) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, part path) from one .rels part."""
    found: dict[str, tuple[str, str]] = {}

    def start(local: str, attributes: dict[str, str]) -> None:
        if local != "Relationship":
            return
        target = attributes.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        found[attributes.get("Id", "")] = (attributes.get("Type", ""), posixpath.normpath(path))

    _walk(archive, rels, budget, start)
    return found


def sheet_parts(archive: zipfile.ZipFile, budget: Budget) -> dict[str, str]:
    """Sheet name -> the zip part holding its cells, as the workbook lists them; then every
    other XML part is read against the budget too (shared strings, styles, ...)."""
    names = set(archive.namelist())
    workbook = DEFAULT_WORKBOOK
    walked = set()
    if RELATIONSHIPS in names:
        walked.add(RELATIONSHIPS)
        for kind, path in _targets(archive, RELATIONSHIPS, "", budget).values():
            if kind.endswith("/officeDocument"):
                workbook = path
    if workbook not in names:
        raise NotAWorkbook("it holds no workbook part (xl/workbook.xml)")
    folder, leaf = posixpath.split(workbook)
    rels = posixpath.join(folder, "_rels", f"{leaf}.rels")
    targets = _targets(archive, rels, folder, budget) if rels in names else {}
    walked |= {rels, workbook}
    listed: list[tuple[str, str]] = []

    def start(local: str, attributes: dict[str, str]) -> None:
        if local != "sheet":
            return
        rid = next((v for k, v in attributes.items() if _local(k) == "id"), "")
        listed.append((attributes.get("name", ""), targets.get(rid, ("", ""))[1]))
        if len(listed) > MAX_SHEETS:
            raise TooComplex(f"it has more than {MAX_SHEETS} sheets")

    _walk(archive, workbook, budget, start)
    parts = {name: part for name, part in listed if part in names}
    others = {target for _, target in targets.values() if target in names}
    others |= {name for name in names if name.endswith(".rels") or name in READ_BY_NAME}
    for part in sorted(others - walked - set(parts.values())):
        _walk(archive, part, budget)
    return parts


def unpacked_size(archive: zipfile.ZipFile) -> int:
    return sum(info.file_size for info in archive.infolist())


class _SheetReading:
    """Where each cell of a sheet is, as calamine places it, and which hold a value."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.row = 0  # the current row, from 1 (0 before the first)
        self.last_row = 0  # the highest row seen, for a row without a reference
        self.column = -1  # the current row's last cell, from 0
        self.cell: tuple[int, int, bool] | None = None  # row, column, error; while open
        self.valued = False
        self.in_value = False
        self.value: list[str] = []
        self.bottom = 0
        self.right = -1
        self.cells = 0
        self.errors: list[ErrorCell] = []

    def start(self, local: str, attributes: dict[str, str]) -> None:
        if self.cell is not None:
            self.valued = True  # v, is, f: calamine reads a cell with any of them
            self.in_value = local == "v"
            return
        if local == "row":
            number = attributes.get("r")
            if number is None:
                self.row = self.last_row + 1
            elif ROW_NUMBER.fullmatch(number):
                self.row = int(number)
            else:
                raise NotAWorkbook(f"a row is numbered {number[:20]!r}, not a row number")
            self.last_row = max(self.last_row, self.row)
            self.column = -1
        elif local == "c":
            reference = attributes.get("r")
            row = max(self.row, 1)
            if reference is None:
                self.column += 1
            else:
                found = REFERENCE.fullmatch(reference)
                if found is None:
                    raise NotAWorkbook(f"a cell is named {reference[:20]!r}, not a cell reference")
                self.column = column_index(found.group(1))
                row = int(found.group(2))
                self.last_row = max(self.last_row, row)
            self.cell = (row, self.column, attributes.get("t") == "e")
            self.valued = False
            self.value = []

    def end(self, local: str) -> None:
        if local == "v":
            self.in_value = False
        if local != "c" or self.cell is None:
            return
        row, column, error = self.cell
        self.cell = None
        if not self.valued:
            return  # a formatted, empty cell: calamine ignores it, as Excel's used range does
        reference = f"{column_letters(column)}{row}"
        if row > MAX_ROWS:
            raise _Far(f"a cell is on row {row:,}, past Excel's last row")
        if column >= MAX_COLUMNS:
            raise _Far(
                f"cell {reference} holds a value; a sheet may use columns A to "
                f"{column_letters(MAX_COLUMNS - 1)}"
            )
        self.bottom = max(self.bottom, row)
        self.right = max(self.right, column)
        self.cells += 1
        self.budget.cells += 1
        if self.budget.cells > MAX_CELLS:
            raise TooComplex(f"it holds more than {MAX_CELLS:,} cells")
        if error:
            text = "".join(self.value).strip() or "#ERROR"
            self.errors.append(ErrorCell(row, column, reference, text))

    def text(self, data: str) -> None:
        if self.in_value and self.cell is not None and self.cell[2]:
            self.value.append(data)


def scan_sheet(archive: zipfile.ZipFile, part: str, budget: Budget) -> SheetScan:
    """The sheet's error cells, or why it is too large to read, from its XML; its grid counts
    against the workbook's cells."""
    reading = _SheetReading(budget)
    try:
        _walk(archive, part, budget, reading.start, reading.end, reading.text)
    except _Far as far:
        budget.cells -= reading.cells  # a sheet that is not read costs nothing
        return SheetScan(too_large=str(far))
    grid = reading.bottom * (reading.right + 1)
    # The reader's grid, not only the cells with a value: it spans from A1 to the last one.
    budget.cells += grid - reading.cells
    if budget.cells > MAX_CELLS:
        budget.cells -= grid
        return SheetScan(
            too_large=(
                f"its cells span rows 1 to {reading.bottom:,} and columns A to "
                f"{column_letters(reading.right)}, {grid:,} cells; at most {MAX_CELLS:,} "
                "are read from one workbook"
            )
        )
    return SheetScan(reading.errors)
