"""Hostile .xlsx workbooks (issue 25, items 1 and 2), built here with zipfile and small on
disk: a far cell in every spelling XML allows, shared strings by the hundred million, XML
nested a million deep, a workbook of many sheets. Each gets a clear problem through the path
uploads take (ingest.parse_uploads, as the Upload page and the CLI call it), and a reader that
dies anyway (a memory limit the workbook needs more than) is a problem too, never the end of
the process that asked.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Callable, Iterable

import pytest

from headcount import ingest
from tests.test_excel import as_excel, curated, with_sheet_xml
from validation import gate, problems, sheet_reader, xlsx_parts

FAR_ROW = b"1048576"
INLINE = b' t="inlineStr"><is><t>x</t></is></c>'
# A value in cell XFD1048576, each time spelled differently; the reader lays out a grid from
# A1 to there: 17 billion cells (550 GB), and the process that asks for it aborts.
FAR_CELLS: dict[str, bytes] = {
    "single quotes": b"<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c></row>",
    "spaces around =": b'<row r="1048576"><c r = "XFD1048576"' + INLINE + b"</row>",
    "tab before r": b'<row r="1048576"><c\tr="XFD1048576"' + INLINE + b"</row>",
    "newline before r": b'<row r="1048576"><c\nr="XFD1048576"' + INLINE + b"</row>",
    "lower case": b'<row r="1048576"><c r="xfd1048576"' + INLINE + b"</row>",
    "no reference": b'<row r="1048576">' + (b"<c" + INLINE) * 16_384 + b"</row>",
    "no reference after column P": b'<row r="1048576"><c r="P1048576"'
    + INLINE
    + (b"<c" + INLINE) * 16_368
    + b"</row>",
    "a row past the last one": b"<row r='2000000'><c" + INLINE + b"</row>",
}


def framings_book() -> bytes:
    header, body = curated("framings")
    return as_excel({"framings": (header, body)})


def with_far_cell(spelling: bytes) -> bytes:
    return with_sheet_xml(
        framings_book(), lambda xml: xml.replace(b"</sheetData>", spelling + b"</sheetData>")
    )


def with_part(data: bytes, name: str, chunks: Callable[[], Iterable[bytes]]) -> bytes:
    """The workbook with the part ``name`` replaced (or added) by the streamed ``chunks``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as part:
            for chunk in chunks():
                part.write(chunk)
    return out.getvalue()


def repeated(head: bytes, unit: bytes, count: int, tail: bytes) -> Callable[[], Iterable[bytes]]:
    def chunks() -> Iterable[bytes]:
        yield head
        block = unit * 100_000
        for _ in range(count // 100_000):
            yield block
        yield unit * (count % 100_000)
        yield tail

    return chunks


SST = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def strings_bomb(count: int) -> bytes:
    """A workbook whose shared-strings part holds ``count`` empty strings."""
    return with_part(
        framings_book(), "xl/sharedStrings.xml", repeated(SST, b"<si/>", count, b"</sst>")
    )


def nested(part: str, depth: int) -> bytes:
    """A workbook with ``depth`` elements nested in one another in ``part``."""
    return with_part(framings_book(), part, repeated(b"", b"<a>", depth, b"</a>" * depth))


def sheet_problems(data: bytes, name: str = "hostile.xlsx") -> list[dict]:
    return [p for f in ingest.parse_uploads([(name, data)]) for p in f.problems.to_dicts()]


@pytest.mark.parametrize("spelling", list(FAR_CELLS))
def test_a_far_cell_in_any_spelling_is_a_problem_not_an_abort(spelling):
    found = sheet_problems(with_far_cell(FAR_CELLS[spelling]))
    assert [(p["code"], p["file"], p["line"]) for p in found] == [
        ("sheet.too_large", "hostile.xlsx \u203a framings", 0)
    ], found
    assert "the sheet is too large to read" in found[0]["problem"]
    assert "Delete the rows and columns outside the table" in found[0]["hint"]


@pytest.mark.slow  # measured: among the costliest of the quick loop
def test_shared_strings_by_the_million_are_refused_before_the_reader_sees_them():
    found = sheet_problems(strings_bomb(xlsx_parts.MAX_CELLS + 1))
    assert [(p["code"], p["file"]) for p in found] == [("workbook.too_complex", "hostile.xlsx")]
    assert found[0]["problem"] == (
        "the workbook is too complex to read: it holds more than "
        f"{xlsx_parts.MAX_CELLS:,} shared strings"
    )
    assert "CSV UTF-8" in found[0]["hint"]


@pytest.mark.parametrize(
    "part",
    [
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/sharedStrings.xml",
        "xl/worksheets/sheet1.xml",
        "xl/styles.xml",
    ],
)
def test_xml_nested_a_million_deep_is_refused_in_any_part(part):
    found = sheet_problems(nested(part, 1_000_000))
    assert [(p["code"], p["file"]) for p in found] == [("workbook.too_complex", "hostile.xlsx")]
    assert found[0]["problem"] == (
        "the workbook is too complex to read: "
        f"its XML nests more than {xlsx_parts.MAX_DEPTH} elements deep"
    )


def test_a_document_type_declaration_is_refused_unexpanded():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t>'
        b"</si></sst>"
    )
    found = sheet_problems(with_part(framings_book(), "xl/sharedStrings.xml", lambda: [laughs]))
    assert [(p["code"], p["file"]) for p in found] == [("workbook.damaged", "hostile.xlsx")]
    assert "declares a document type" in found[0]["problem"]


def test_a_workbook_of_many_sheets_is_refused_at_once():
    sheets = {f"notes {n}": (["to do"], [["x"]]) for n in range(xlsx_parts.MAX_SHEETS + 1)}
    found = sheet_problems(as_excel(sheets))
    assert [(p["code"], p["file"]) for p in found] == [("workbook.too_complex", "hostile.xlsx")]
    assert found[0]["problem"] == (
        f"the workbook is too complex to read: it has more than {xlsx_parts.MAX_SHEETS} sheets"
    )


def test_the_problem_cap_holds_across_the_sheets_of_an_upload():
    sheets = {f"notes {n}": (["to do"], [["x"]]) for n in range(problems.per_kind() + 10)}
    parsed = ingest.parse_uploads([("hostile.xlsx", as_excel(sheets))])
    found = gate.validate(parsed).problems.to_dicts()
    assert len(found) == problems.per_kind() + 1
    assert [p["problem"] for p in found if p["problem"].startswith("and ")] == [
        "and 10 more of the same kind: the sheet is not one of the tables"
    ]


def test_a_reader_that_dies_is_a_problem_and_the_process_that_asked_lives_on(monkeypatch):
    """The reader runs in a child process under a memory limit: a limit far below what the
    workbook needs stands for whatever a workbook may cost that the checks above let through."""
    tall = with_far_cell(b'<row r="300000"><c r="K300000"' + INLINE + b"</row>")
    monkeypatch.setenv(sheet_reader.LIMIT_ENV, "16")
    found = sheet_problems(tall)
    assert [(p["code"], p["file"], p["line"]) for p in found] == [
        ("workbook.too_costly", "hostile.xlsx", 0)
    ]
    assert found[0]["problem"] == (
        "the workbook cannot be read within an upload's limits: reading it needed more "
        "than 16 MB of memory"
    )
    monkeypatch.delenv(sheet_reader.LIMIT_ENV)
    assert "workbook.too_costly" not in {p["code"] for p in sheet_problems(tall)}


def with_entry(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one more zip entry, which may repeat or shadow a part's name."""
    out = io.BytesIO(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name, and writes it
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(name, content)
    return out.getvalue()


def far_sheet_xml() -> bytes:
    book = zipfile.ZipFile(io.BytesIO(with_far_cell(FAR_CELLS["lower case"])))
    return book.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("xl/worksheets/sheet1.xml", "two parts named 'xl/worksheets/sheet1.xml'"),
        ("xl/Worksheets/Sheet1.xml", "two parts named 'xl/Worksheets/Sheet1.xml'"),
        ("xl/../xl/worksheets/sheet1.xml", "which no workbook writer does"),
        ("xl\\worksheets\\sheet1.xml", "which no workbook writer does"),
    ],
)
def test_a_part_that_two_readers_could_find_differently_is_refused(name, words):
    """A second part by the same name (or one a reader may take for it) could be the one
    calamine reads while another is checked."""
    found = sheet_problems(with_entry(framings_book(), name, far_sheet_xml()))
    assert [(p["code"], p["file"]) for p in found] == [("workbook.damaged", "hostile.xlsx")]
    assert words in found[0]["problem"]


def test_two_sheets_of_one_name_are_refused():
    def twice(xml: bytes) -> bytes:
        sheet = xml[xml.index(b"<sheet ") : xml.index(b"/>", xml.index(b"<sheet ")) + 2]
        return xml.replace(sheet, sheet + sheet.replace(b'sheetId="1"', b'sheetId="2"'))

    source = zipfile.ZipFile(io.BytesIO(framings_book()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, twice(content) if info.filename == "xl/workbook.xml" else content)
    found = sheet_problems(out.getvalue())
    assert [(p["code"], p["file"]) for p in found] == [("workbook.damaged", "hostile.xlsx")]
    assert "two sheets are named 'framings'" in found[0]["problem"]


@pytest.mark.slow  # measured: among the costliest of the quick loop
def test_shared_strings_under_a_name_in_other_case_count_too():
    """calamine finds a part by its name in any case: so is it counted."""
    data = strings_bomb(xlsx_parts.MAX_CELLS + 1)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                info.filename = "xl/SHAREDSTRINGS.XML"
            target.writestr(info, content)
    found = sheet_problems(out.getvalue())
    assert [(p["code"], p["file"]) for p in found] == [("workbook.too_complex", "hostile.xlsx")]
    assert "shared strings" in found[0]["problem"]


def rebuilt(data: bytes, change: Callable[[str, bytes], list[tuple[str, bytes]]]) -> bytes:
    """The workbook with each part passed through ``change``, which gives the parts to write
    in its place."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            for name, content in change(info.filename, source.read(info)):
                target.writestr(name, content)
    return out.getvalue()


def test_the_workbook_part_is_the_one_calamine_reads_whatever_the_package_says():
    """calamine reads xl/workbook.xml even when the package's relationships name another
    workbook part; a harmless other one must not be the one checked."""
    harmless = framings_book()
    benign = zipfile.ZipFile(io.BytesIO(harmless)).read("xl/worksheets/sheet1.xml")

    def change(name: str, content: bytes) -> list[tuple[str, bytes]]:
        if name == "_rels/.rels":
            return [(name, content.replace(b"xl/workbook.xml", b"xl/other.xml"))]
        if name == "xl/workbook.xml":
            return [(name, content), ("xl/other.xml", content)]
        if name == "xl/_rels/workbook.xml.rels":
            other = content.replace(b"worksheets/sheet1.xml", b"worksheets/benign.xml")
            return [(name, content), ("xl/_rels/other.xml.rels", other)]
        if name == "xl/worksheets/sheet1.xml":
            return [(name, content), ("xl/worksheets/benign.xml", benign)]
        return [(name, content)]

    found = sheet_problems(rebuilt(with_far_cell(FAR_CELLS["lower case"]), change))
    assert [(p["code"], p["file"]) for p in found] == [
        ("sheet.too_large", "hostile.xlsx \u203a framings")
    ]


def test_a_relationship_target_that_names_two_parts_is_refused():
    """Target="xl/worksheets/sheet1.xml" is xl/xl/worksheets/sheet1.xml read from the
    workbook's folder, and xl/worksheets/sheet1.xml read from the root."""
    harmless = zipfile.ZipFile(io.BytesIO(framings_book())).read("xl/worksheets/sheet1.xml")

    def change(name: str, content: bytes) -> list[tuple[str, bytes]]:
        if name == "xl/_rels/workbook.xml.rels":
            return [
                (name, content.replace(b'"worksheets/sheet1.xml"', b'"xl/worksheets/sheet1.xml"'))
            ]
        if name == "xl/worksheets/sheet1.xml":
            return [(name, content), ("xl/xl/worksheets/sheet1.xml", harmless)]
        return [(name, content)]

    found = sheet_problems(rebuilt(with_far_cell(FAR_CELLS["lower case"]), change))
    assert [(p["code"], p["file"]) for p in found] == [("workbook.damaged", "hostile.xlsx")]
    assert "names two parts" in found[0]["problem"]
