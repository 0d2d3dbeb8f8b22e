"""What an .xlsx file's zip parts say before the reader sees them: which part holds each sheet,
which cells hold an error value, and whether a sheet is small enough to read.

Why read the XML at all when calamine reads the workbook: calamine turns a cell holding an error
value (#DIV/0!, #N/A, ...) into an empty cell, which would be reported as a missing value rather
than as the failed formula it is; and it lays a sheet out as a dense grid from its first to its
last used cell, so one stray value in cell XFD1048576 asks for 550 GB and aborts the whole server
process (measured with fastexcel 0.21). Both are found here by searching the sheet's XML as bytes,
in streamed pieces, for patterns that are rare in an ordinary sheet: a typical upload is checked
in milliseconds, a million-row sheet in a few seconds.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

# A sheet may use columns A to P. The widest table has 11 columns; the rest leaves room for a
# few helper columns, which are reported as unknown columns like in a CSV. With at most
# Excel's 1,048,576 rows this bounds the reader's grid at about 17 million cells (~0.5 GB).
MAX_COLUMNS = 16
MAX_ROWS = 1_048_576
# A workbook's parts, unpacked (as their zip entries declare; reading stops there too). Sheet
# XML takes 30 to 50 bytes a cell: a million rows of the widest table fit.
MAX_UNPACKED_BYTES = 2**30
# Small parts (the workbook's list of sheets and its relationships) read whole.
MAX_SMALL_PART = 16 * 2**20
CHUNK = 8 * 2**20

# A reference beyond column P or on row 1,000,000 or later: rare in an ordinary sheet, so one
# search finds none quickly (it starts with a literal, which the regex engine looks for first);
# the few matches are then checked one by one.
FAR = re.compile(rb' r="((?:[A-Z]{2,}|[Q-Z])[0-9]+|[A-Z]*[0-9]{7,})"')
# Whether a matched reference is a cell with a value: a formatted but empty cell is written
# self-closing, and calamine ignores it, as Excel's own "used range" does not.
HOLDS_VALUE = re.compile(rb"[^>]*(?<!/)>")
ERROR_TYPE = b't="e"'
ERROR_CELL = re.compile(
    rb'<(?:[\w.-]+:)?c\s([^>]*?)\bt="e"([^>]*)(?<!/)>(.*?)</(?:[\w.-]+:)?c>', re.DOTALL
)
REFERENCE = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>")
ROW_END = b"row>"

RELATIONSHIPS = "_rels/.rels"
DEFAULT_WORKBOOK = "xl/workbook.xml"


class NotAWorkbook(Exception):
    """The zip does not hold a readable workbook; the message says what is wrong."""


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


def column_index(letters: str) -> int:
    """0 for A, 25 for Z, 26 for AA."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _small(archive: zipfile.ZipFile, part: str) -> ElementTree.Element:
    info = archive.getinfo(part)
    if info.file_size > MAX_SMALL_PART:
        raise NotAWorkbook(f"the part {part} is {info.file_size:,} bytes, far too large")
    return ElementTree.fromstring(archive.read(part))


def _targets(archive: zipfile.ZipFile, rels: str, base: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, part path) from one .rels part."""
    found: dict[str, tuple[str, str]] = {}
    for element in _small(archive, rels).iter():
        if _local(element.tag) != "Relationship":
            continue
        target = element.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        found[element.get("Id", "")] = (element.get("Type", ""), posixpath.normpath(path))
    return found


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip part holding its cells, as the workbook lists them."""
    names = set(archive.namelist())
    workbook = DEFAULT_WORKBOOK
    if RELATIONSHIPS in names:
        for kind, path in _targets(archive, RELATIONSHIPS, "").values():
            if kind.endswith("/officeDocument"):
                workbook = path
    if workbook not in names:
        raise NotAWorkbook("it holds no workbook part (xl/workbook.xml)")
    folder, leaf = posixpath.split(workbook)
    rels = posixpath.join(folder, "_rels", f"{leaf}.rels")
    targets = _targets(archive, rels, folder) if rels in names else {}
    parts: dict[str, str] = {}
    for element in _small(archive, workbook).iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
        part = targets.get(rid, ("", ""))[1]
        if part in names:
            parts[element.get("name", "")] = part
    return parts


def unpacked_size(archive: zipfile.ZipFile) -> int:
    return sum(info.file_size for info in archive.infolist())


def _pieces(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """The part's bytes in pieces that end after a row's tag, so no cell is cut in two."""
    carried = b""
    read = 0
    with archive.open(part) as stream:
        while block := stream.read(CHUNK):
            read += len(block)
            if read > MAX_UNPACKED_BYTES:
                raise NotAWorkbook(f"the sheet unpacks to more than {MAX_UNPACKED_BYTES:,} bytes")
            data = carried + block
            cut = data.rfind(ROW_END)
            if cut < 0:
                carried = data
                continue
            carried = data[cut + len(ROW_END) :]
            yield data[: cut + len(ROW_END)]
    if carried:
        yield carried


def scan_sheet(archive: zipfile.ZipFile, part: str) -> SheetScan:
    """The sheet's error cells, or why it is too large to read, from its XML."""
    scan = SheetScan()
    for piece in _pieces(archive, part):
        for far in FAR.finditer(piece):
            scan.too_large = _too_far(far.group(1).decode(), piece, far.end())
            if scan.too_large:
                return scan
        if ERROR_TYPE in piece:
            scan.errors.extend(_errors(piece))
    return scan


def _too_far(reference: str, piece: bytes, end: int) -> str | None:
    """Why a reference is out of bounds, or None when it is within them after all (a wide
    reference of a formatted, empty cell; a row within Excel's)."""
    letters = reference.rstrip("0123456789")
    row = int(reference[len(letters) :])
    if row > MAX_ROWS:
        return f"a cell is on row {row:,}, past Excel's last row"
    if letters and column_index(letters) >= MAX_COLUMNS and HOLDS_VALUE.match(piece, end):
        return (
            f"cell {reference} holds a value; a sheet may use columns A to "
            f"{column_letters(MAX_COLUMNS - 1)}"
        )
    return None


def _errors(piece: bytes) -> Iterator[ErrorCell]:
    for match in ERROR_CELL.finditer(piece):
        reference = REFERENCE.search(match.group(1) + b" " + match.group(2))
        value = VALUE.search(match.group(3))
        if reference is None:  # Excel always writes one; without it the cell cannot be named
            continue
        letters, row = reference.group(1).decode(), int(reference.group(2))
        text = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
        yield ErrorCell(row, column_index(letters), f"{letters}{row}", text)
