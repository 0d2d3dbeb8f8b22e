"""Writes the Excel corpus next to this file, and expected.txt (CSV): the problem each workbook
must produce (file, sheet, row, column, value, words of the problem).

Each workbook is a small valid upload (rows of the curated data, dates as Excel dates and
numbers as numbers, the way Excel keeps them) with one thing wrong, the way analysts' workbooks
go wrong. The rows, numbers and letters here are written out by hand, not computed by the reader
under test. Run `uv run python tests/data/excel/make_excel_corpus.py` after changing a case; the
files are committed so a reviewer can open each one in Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

HERE = Path(__file__).parent
CURATED = HERE.parent.parent.parent / "data" / "curated"
DATES = {"date", "accessed", "published"}
NUMBERS = {"value"}
CREATED = dt.datetime(2026, 12, 3)  # fixed, so the files are the same on every run
Cells = list[list[object]]


def rows(table: str, count: int = 3) -> tuple[list[str], Cells]:
    """The header and the first rows of a curated table, typed as Excel holds them."""
    with (CURATED / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        reader = list(csv.reader(handle))
    header = reader[0]
    body: Cells = []
    for raw in reader[1 : 1 + count]:
        body.append([_typed(column, cell) for column, cell in zip(header, raw, strict=True)])
    return header, body


def _typed(column: str, cell: str) -> object:
    if not cell:
        return None
    if column in DATES:
        return dt.datetime.fromisoformat(cell)
    if column in NUMBERS:
        return float(cell)
    return cell


class Formula:
    """A formula cell with the value Excel saved for it (an error value is saved as such)."""

    def __init__(self, formula: str, saved: object) -> None:
        self.formula, self.saved = formula, saved


def workbook(sheets: dict[str, tuple[list[str], Cells]], hidden: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False}) as book:
        book.set_properties({"created": CREATED})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        for name, (header, body) in sheets.items():
            sheet = book.add_worksheet(name)
            if name in hidden:
                sheet.hide()
            if header:
                sheet.write_row(0, 0, header)
            for r, values in enumerate(body, start=1):
                for c, value in enumerate(values):
                    _write(sheet, r, c, value, day)
    return out.getvalue()


def _write(sheet: Worksheet, row: int, column: int, value: object, day: object) -> None:
    if value is None:
        return
    if isinstance(value, Formula):
        sheet.write_formula(row, column, value.formula, None, value.saved)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, column, value, day)
    elif isinstance(value, float):
        sheet.write_number(row, column, value)
    else:
        sheet.write_string(row, column, str(value))


def one(table: str, change: Callable[[list[str], Cells], None] | None = None) -> bytes:
    header, body = rows(table)
    if change is not None:
        change(header, body)
    return workbook({table: (header, body)})


def set_cell(row: int, column: str, value: object) -> Callable[[list[str], Cells], None]:
    """Change the cell on Excel row ``row`` (the header is row 1) of the named column."""

    def change(header: list[str], body: Cells) -> None:
        body[row - 2][header.index(column)] = value

    return change


def encrypted_bytes() -> bytes:
    """What a password-protected .xlsx looks like from outside: not a zip but an OLE compound
    file holding the streams EncryptionInfo and EncryptedPackage. Written by hand (no tool here
    encrypts workbooks): the signature, then the two stream names as OLE stores them."""
    names = "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + names + b"\x00" * 512


def far_cell(row: int, column: int) -> bytes:
    header, body = rows("observations")
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True}) as book:
        book.set_properties({"created": CREATED})
        sheet = book.add_worksheet("observations")
        sheet.write_row(0, 0, header)
        for r, values in enumerate(body, start=1):
            sheet.write_row(
                r, 0, [v.date().isoformat() if isinstance(v, dt.datetime) else v for v in values]
            )
        sheet.write_string(row, column, "stray")
    return out.getvalue()


# (file, sheet, row, column, value, words the problem must contain); sheet "" is the workbook.
Case = tuple[str, str, int, str, str, str]


def cases() -> list[tuple[str, bytes, list[Case]]]:
    obs = "observations"
    c: list[tuple[str, bytes, list[Case]]] = []

    def add(file: str, content: bytes, *expected: Case) -> None:
        c.append((file, content, list(expected)))

    # Cells holding an error value: the saved value of a failed formula.
    add(
        "error_div0.xlsx",
        one(obs, set_cell(3, "value", Formula("=1/0", "#DIV/0!"))),
        ("error_div0.xlsx", obs, 3, "value", "#DIV/0!", "error value #DIV/0!"),
    )
    add(
        "error_na_lookup.xlsx",
        one(obs, set_cell(2, "source_id", Formula('=VLOOKUP("x",Z1:Z2,1,FALSE)', "#N/A"))),
        ("error_na_lookup.xlsx", obs, 2, "source_id", "#N/A", "error value #N/A"),
    )
    add(
        "error_ref.xlsx",
        one(obs, set_cell(4, "date", Formula("=#REF!+1", "#REF!"))),
        ("error_ref.xlsx", obs, 4, "date", "#REF!", "error value #REF!"),
    )
    add(
        "error_value.xlsx",
        one(obs, set_cell(2, "company", Formula('="a"+1', "#VALUE!"))),
        ("error_value.xlsx", obs, 2, "company", "#VALUE!", "error value #VALUE!"),
    )
    add(
        "error_in_optional_note.xlsx",
        one(obs, set_cell(3, "note", Formula("=FOO()", "#NAME?"))),
        ("error_in_optional_note.xlsx", obs, 3, "note", "#NAME?", "error value #NAME?"),
    )
    # A formula is read as its saved value, and the value meets the CSV rules.
    add(
        "formula_fraction.xlsx",
        one(obs, set_cell(2, "value", Formula("=3422/1000", 3.422))),
        (
            "formula_fraction.xlsx",
            obs,
            2,
            "value",
            "3.422",
            "a count of employees must be a whole number",
        ),
    )
    add(
        "text_thousands.xlsx",
        one(obs, set_cell(3, "value", "3.422")),
        (
            "text_thousands.xlsx",
            obs,
            3,
            "value",
            "3.422",
            "a count of employees must be a whole number",
        ),
    )
    add(
        "text_decimal_comma.xlsx",
        one(obs, set_cell(4, "value", "12,5")),
        ("text_decimal_comma.xlsx", obs, 4, "value", "12,5", "not a plain number"),
    )
    # Dates: an Excel date is its ISO date; a serial number or a time of day is not a date.
    add(
        "excel_date_in_future.xlsx",
        one(obs, set_cell(2, "date", dt.datetime(2099, 12, 31))),
        ("excel_date_in_future.xlsx", obs, 2, "date", "2099-12-31", "after today"),
    )
    add(
        "serial_number_date.xlsx",
        one(obs, set_cell(3, "date", 45657.0)),
        ("serial_number_date.xlsx", obs, 3, "date", "45657", "not a valid date"),
    )
    add(
        "date_with_time.xlsx",
        one(obs, set_cell(2, "date", dt.datetime(2024, 12, 31, 13, 30))),
        ("date_with_time.xlsx", obs, 2, "date", "2024-12-31 13:30:00", "not a valid date"),
    )
    add(
        "day_first_text_date.xlsx",
        one(obs, set_cell(4, "date", "31/12/2024")),
        ("day_first_text_date.xlsx", obs, 4, "date", "31/12/2024", "not a valid date"),
    )
    # The header and the sheets.
    without_unit = rows(obs)
    at = without_unit[0].index("unit")
    add(
        "missing_column.xlsx",
        workbook(
            {
                obs: (
                    [h for h in without_unit[0] if h != "unit"],
                    [[v for i, v in enumerate(r) if i != at] for r in without_unit[1]],
                )
            }
        ),
        ("missing_column.xlsx", obs, 1, "unit", "", "required column 'unit' is missing"),
    )
    add(
        "unknown_sheet.xlsx",
        workbook({obs: rows(obs), "Notes": (["to do"], [["check Klarna's 2024 filing"]])}),
        ("unknown_sheet.xlsx", "Notes", 1, "", "to do", "the sheet is not one of the tables"),
    )
    add(
        "named_sheet_other_header.xlsx",
        workbook({obs: rows("events")}),
        (
            "named_sheet_other_header.xlsx",
            obs,
            1,
            "",
            "company,date,kind,title,source_id,detail,attribution",
            "the sheet is named observations but row 1 is not its header",
        ),
    )
    add(
        "empty_named_sheet.xlsx",
        workbook({obs: rows(obs), "events": ([], []), "Sheet3": ([], [])}),
        ("empty_named_sheet.xlsx", "events", 1, "", "", "the sheet is empty"),
    )
    add(
        "all_sheets_empty.xlsx",
        workbook({"Sheet1": ([], []), "Sheet2": ([], [])}),
        ("all_sheets_empty.xlsx", "", 0, "", "", "the workbook holds no table"),
    )
    add(
        "header_only.xlsx",
        workbook({obs: (rows(obs)[0], [])}),
        ("header_only.xlsx", obs, 2, "", "", "a header but no rows"),
    )
    header, body = rows(obs)
    titled: Cells = [[None] * len(header), list(header), *body]
    add(
        "header_in_row_3.xlsx",
        workbook({obs: ([], titled)}),
        ("header_in_row_3.xlsx", obs, 1, "", "", "row 1 is empty"),
    )
    add(
        "hidden_sheet.xlsx",
        workbook({obs: rows(obs), "sources": rows("sources")}, hidden=("sources",)),
        ("hidden_sheet.xlsx", "sources", 0, "", "", "the sheet is hidden"),
    )
    # The same rules as CSV, across the sheets of one workbook and with Excel's row numbers.
    add(
        "unknown_metric.xlsx",
        one(obs, set_cell(4, "metric", "head count")),
        ("unknown_metric.xlsx", obs, 4, "metric", "head count", "not an allowed metric"),
    )
    obs_rows = rows(obs)
    obs_rows[1][1][obs_rows[0].index("source_id")] = "no-such-source"
    add(
        "dangling_source_across_sheets.xlsx",
        workbook({obs: obs_rows, "sources": rows("sources", 5)}),
        (
            "dangling_source_across_sheets.xlsx",
            obs,
            3,
            "source_id",
            "no-such-source",
            "does not match any row",
        ),
    )
    many_header, many = rows(obs, 1)
    many = [list(many[0]) for _ in range(2000)]
    for position, values in enumerate(many):
        values[many_header.index("value")] = f"{position},5"
    add(
        "many_bad_rows.xlsx",
        workbook({obs: (many_header, many)}),
        ("many_bad_rows.xlsx", obs, 2, "value", "0,5", "not a plain number"),
        ("many_bad_rows.xlsx", obs, 52, "value", "", "and 1,950 more of the same kind"),
    )
    # Too large to read: a stray value far from the table (calamine would lay out the grid
    # from A1 to it: 17 billion cells for XFD1048576).
    add(
        "huge_sheet_stray_cell.xlsx",
        far_cell(1_048_575, 16_383),
        ("huge_sheet_stray_cell.xlsx", obs, 0, "", "", "cell XFD1048576 holds a value"),
    )
    add(
        "far_column.xlsx",
        far_cell(2, 27),
        ("far_column.xlsx", obs, 0, "", "", "cell AB3 holds a value"),
    )
    # Files that are no readable workbook.
    valid = one(obs)
    add("empty.xlsx", b"", ("empty.xlsx", "", 0, "", "", "the file is empty"))
    add(
        "corrupt_zip.xlsx",
        valid[: len(valid) // 2],
        ("corrupt_zip.xlsx", "", 0, "", "", "the workbook is damaged"),
    )
    add(
        "xls_renamed.xlsx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024,
        ("xls_renamed.xlsx", "", 0, "", "", "an old Excel workbook (.xls)"),
    )
    add(
        "encrypted.xlsx",
        encrypted_bytes(),
        ("encrypted.xlsx", "", 0, "", "", "protected with a password"),
    )
    add(
        "csv_renamed.xlsx",
        (CURATED / "framings.csv").read_bytes(),
        ("csv_renamed.xlsx", "", 0, "", "", "not an .xlsx workbook"),
    )
    add(
        "zip_not_workbook.xlsx",
        _zip_of_csv(),
        ("zip_not_workbook.xlsx", "", 0, "", "", "no workbook part"),
    )
    return c


def _zip_of_csv() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("observations.csv", date_time=(2026, 12, 3, 0, 0, 0))
        archive.writestr(info, (CURATED / "observations.csv").read_bytes()[:2000])
    return out.getvalue()


def main() -> None:
    for old in HERE.glob("*.xlsx"):
        old.unlink()
    expected: list[Case] = []
    for file, content, problems in cases():
        (HERE / file).write_bytes(content)
        expected.extend(problems)
    with (HERE / "expected.txt").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file", "sheet", "line", "column", "value", "problem"])
        writer.writerows(expected)
    print(f"{len(expected)} expectations for {len(list(HERE.glob('*.xlsx')))} workbooks")


if __name__ == "__main__":
    main()
