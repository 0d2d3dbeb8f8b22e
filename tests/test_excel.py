"""Excel uploads (validation.excel) and the Excel export (headcount.exports.xlsx_bytes).

The corpus (tests/data/excel/, written by make_excel_corpus.py) gets its exact problems through
`headcount validate`, the upload checks in both modes and the Upload page, and never changes the
store. Valid workbooks, written here with xlsxwriter the way Excel keeps cells (dates as Excel
dates, numbers as numbers), meet the CSV path's rules and row numbers as Excel shows them; the
export of the store uploads back with no change.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from headcount import bootstrap, cli, exports, ingest
from headcount.settings import ROOT
from headcount.store import STORE_ENV, Store
from tests.test_analyst_pages import ANALYST, ANALYSTS, open_page
from validation import excel, parse

CORPUS = Path(__file__).parent / "data" / "excel"
CURATED = ROOT / "data" / "curated"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = " \u203a "  # how a problem names a workbook's sheet: book.xlsx, angle quote, sheet
with (CORPUS / "expected.txt").open(encoding="utf-8") as handle:
    EXPECTED = [
        (r["file"], r["sheet"], int(r["line"]), r["column"], r["value"], r["problem"])
        for r in csv.DictReader(handle)
    ]


def found(
    problems: list[dict], file: str, sheet: str, line: int, column: str, value: str, words: str
) -> bool:
    where = f"{file}{SHEET}{sheet}" if sheet else file
    return any(
        Path(str(p["file"])).name == where
        and p["line"] == line
        and p["column"] == column
        and (p["value"] or "") == value
        and words in p["problem"]
        and p["hint"]
        for p in problems
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    url = f"sqlite:///{tmp_path_factory.mktemp('excel') / 'store.sqlite'}"
    bootstrap.initialise(url)
    store = Store(url)
    return store


def test_every_workbook_of_the_corpus_has_its_expectation():
    files = {path.name for path in CORPUS.glob("*.xlsx")}
    assert len(files) >= 30
    assert files == {row[0] for row in EXPECTED}


@pytest.mark.parametrize(
    ("file", "sheet", "line", "column", "value", "words"),
    EXPECTED,
    ids=[f"{r[0]}:{r[2]}" for r in EXPECTED],
)
def test_cli_reports_the_problem(file, sheet, line, column, value, words, capsys):
    code = cli.main(["validate", "--json", str(CORPUS / file)])
    problems = json.loads(capsys.readouterr().out)
    assert code in (cli.EXIT_INVALID, cli.EXIT_UNREADABLE)
    assert found(problems, file, sheet, line, column, value, words), problems


@pytest.mark.slow  # among the quick loop's costliest (--durations)
@pytest.mark.parametrize("mode", ["upsert", "replace"])
def test_no_workbook_of_the_corpus_changes_the_store(store, mode):
    before = (store.latest_id(), store.revision(store.latest_id()).hashes)
    for file, sheet, line, column, value, words in EXPECTED:
        parsed = ingest.parse_uploads([(file, (CORPUS / file).read_bytes())])
        proposal = ingest.prepare(parsed, store, mode)
        problems = proposal.problems.to_dicts()
        assert not proposal.ok, file
        assert found(problems, file, sheet, line, column, value, words), (file, problems)
        with pytest.raises(ValueError):
            ingest.publish(proposal, store, "ana", "must not land", acknowledge=True)
    assert (store.latest_id(), store.revision(store.latest_id()).hashes) == before


@pytest.mark.slow  # among the quick loop's costliest (--durations)
def test_upload_page_shows_each_workbook_problem_and_offers_no_publish(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv(STORE_ENV, url)
    bootstrap.initialise(url)
    at = open_page("upload", ANALYST, ANALYSTS)
    for file, sheet, line, column, value, words in EXPECTED:
        at.file_uploader(key="uploads").upload(file, (CORPUS / file).read_bytes(), XLSX).run()
        assert not at.exception, (file, at.exception)
        assert "Nothing was changed" in at.error[0].value, file
        problems = at.dataframe[0].value.to_dict("records")
        assert found(problems, file, sheet, line, column, value, words), (file, problems)
        assert not [b for b in at.button if b.label.startswith("Publish revision")], file
    assert Store(url).latest_id() == 1


def test_an_error_cell_is_reported_once_not_again_as_an_empty_value():
    parsed = excel.parse_any_path(str(CORPUS / "error_div0.xlsx"))
    assert [p["problem"] for p in parsed[0].problems.to_dicts() if p["line"] == 3] == [
        "the cell holds the error value #DIV/0! (the formula divides by zero)"
    ]


# Valid workbooks, written as Excel keeps them.


def curated(table: str) -> tuple[list[str], list[list[str]]]:
    with (CURATED / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def as_excel(sheets: dict[str, tuple[list[str], list[list[str]]]], gap_after: int = 0) -> bytes:
    """A workbook holding the rows as Excel holds them: ISO dates as Excel dates, values as
    numbers, the rest as text; ``gap_after`` leaves one empty row after that many rows."""
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False}) as book:
        day = book.add_format({"num_format": "dd/mm/yyyy"})  # shown day first; still a date
        for name, (header, body) in sheets.items():
            sheet = book.add_worksheet(name)
            sheet.write_row(0, 0, header)
            row = 1
            for position, values in enumerate(body):
                if gap_after and position == gap_after:
                    row += 1
                for column, (title, cell) in enumerate(zip(header, values, strict=True)):
                    if not cell:
                        continue
                    if title in ("date", "accessed", "published"):
                        sheet.write_datetime(row, column, dt.datetime.fromisoformat(cell), day)
                    elif title == "value":
                        sheet.write_number(row, column, float(cell))
                    else:
                        sheet.write_string(row, column, cell)
                row += 1
    return out.getvalue()


def test_excel_dates_and_numbers_come_through_as_the_csv_reads_them():
    header, body = curated("observations")
    parsed = excel.parse_workbook("book.xlsx", as_excel({"observations": (header, body)}))
    assert [p.name for p in parsed] == [f"book.xlsx{SHEET}observations"]
    assert parsed[0].ok, parsed[0].problems
    from_csv = parse.parse_path(str(CURATED / "observations.csv"))
    assert from_csv.frame is not None and parsed[0].frame is not None
    assert parsed[0].frame.equals(from_csv.frame)  # same dates, values, text and lines
    first = parsed[0].frame.row(0, named=True)
    assert first["date"] == dt.date.fromisoformat(body[0][header.index("date")])


def test_a_workbook_of_the_curated_tables_changes_nothing(store):
    sheets = {name: curated(name) for name in ("observations", "events", "sources", "framings")}
    parsed = ingest.parse_uploads([("curated.xlsx", as_excel(sheets))])
    assert {p.table.name for p in parsed if p.table} == set(sheets)
    for mode in ("upsert", "replace"):
        proposal = ingest.prepare(parsed, store, mode)
        assert proposal.ok and proposal.empty, (mode, proposal.problems)


def test_one_table_per_file_is_recognised_by_its_header_and_rows_keep_excel_numbers():
    header, body = curated("events")
    body = [list(row) for row in body[:6]]
    body[4][header.index("kind")] = "merger of equals"  # the fifth row: Excel row 7 (gap)
    parsed = excel.parse_workbook("events.xlsx", as_excel({"Sheet1": (header, body)}, 3))
    assert parsed[0].name == f"events.xlsx{SHEET}Sheet1" and parsed[0].table is not None
    assert parsed[0].table.name == "events"
    assert parsed[0].frame is not None and parsed[0].frame["_line"].to_list() == [2, 3, 4, 6, 7, 8]


def test_a_sheet_named_after_a_table_in_other_case_and_spare_empty_sheets(store):
    header, body = curated("framings")
    data = as_excel({" Framings ": (header, body), "Sheet2": ([], [])})
    parsed = ingest.parse_uploads([("book.xlsx", data)])
    assert [(p.name, p.table.name if p.table else None) for p in parsed] == [
        (f"book.xlsx{SHEET} Framings ", "framings")
    ]
    assert ingest.prepare(parsed, store).empty


def test_the_cli_publishes_a_workbook(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    header, body = curated("observations")
    body[0][header.index("value")] = "5528"
    book = tmp_path / "fix.xlsx"
    book.write_bytes(as_excel({"observations": (header, body)}))
    assert cli.main(["init", "--store", url]) == 0
    capsys.readouterr()
    code = cli.main(["publish", str(book), "--note", "from Excel", "--store", url, "--acknowledge"])
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK, out
    assert "~1 changed" in out and "-> 5528" in out
    assert Store(url).latest_id() == 2


def test_damaged_workbooks_are_problems_never_exceptions():
    """Bytes flipped and cut all over a valid workbook: every result is problems, no raise."""
    header, body = curated("observations")
    valid = as_excel({"observations": (header, body[:20])})
    outcomes = set()
    for position in range(30, len(valid), max(1, len(valid) // 60)):
        flipped = bytearray(valid)
        flipped[position] ^= 0xFF
        for data in (bytes(flipped), valid[:position]):
            parsed = excel.parse_workbook("damaged.xlsx", data)
            assert parsed, position
            outcomes.add(all(p.ok for p in parsed))
    assert False in outcomes


# The export.


def test_the_export_reuploads_with_no_change(store):
    data = exports.xlsx_bytes(store.read())
    parsed = ingest.parse_uploads([("headcount-tables.xlsx", data)])
    assert [p.name for p in parsed] == [
        f"headcount-tables.xlsx{SHEET}{name}"
        for name in ("observations", "events", "sources", "framings", "notices")
    ]
    for mode in ("upsert", "replace"):
        proposal = ingest.prepare(parsed, store, mode)
        assert proposal.ok, proposal.problems
        assert proposal.empty, {n: c.counts() for n, c in proposal.changes.items()}


def test_the_export_is_one_sheet_per_table_in_contract_order_with_typed_cells(store):
    data = exports.xlsx_bytes(store.read())
    archive = zipfile.ZipFile(io.BytesIO(data))
    workbook = archive.read("xl/workbook.xml").decode()
    assert [part.split('"')[0] for part in workbook.split('<sheet name="')[1:]] == [
        "observations",
        "events",
        "sources",
        "framings",
        "notices",
    ]
    first = pl.read_excel(data, sheet_name="observations", engine="calamine")
    assert first.columns == [
        "company",
        "metric",
        "date",
        "period",
        "value",
        "unit",
        "basis",
        "claim_type",
        "source_id",
        "note",
        "attribution",
        "scope",
    ]
    assert first.schema["date"] == pl.Date and first.schema["value"].is_numeric()
    sources = pl.read_excel(data, sheet_name="sources", engine="calamine")
    cited = set(first["source_id"])
    assert cited <= set(sources["source_id"]) and sources["url"].null_count() == 0


def test_text_that_looks_like_a_formula_is_exported_as_text_and_read_back_as_it_was(store):
    tables = store.read()
    tables["observations"] = tables["observations"].with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit('=HYPERLINK("http://x","y")'))
        .otherwise(pl.col("note"))
        .alias("note")
    )
    data = exports.xlsx_bytes(tables)
    sheets = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if "worksheets/sheet" in n]
    assert all(b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read(n) for n in sheets)
    parsed = excel.parse_workbook("x.xlsx", data)
    notes = parsed[0].frame["note"].to_list() if parsed[0].frame is not None else []
    assert '=HYPERLINK("http://x","y")' in notes


# The sheet's XML, as other writers than Excel may leave it.


def with_sheet_xml(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with its first sheet's XML passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(info, content)
    return out.getvalue()


def test_a_cell_past_excels_last_row_is_refused_before_the_reader_sees_it():
    header, body = curated("framings")
    data = with_sheet_xml(
        as_excel({"framings": (header, body)}),
        lambda xml: xml.replace(
            b"</sheetData>",
            b'<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>x</t></is></c></row>'
            b"</sheetData>",
        ),
    )
    problem = excel.parse_workbook("far.xlsx", data)[0].problems.row(0, named=True)
    assert problem["problem"] == (
        "the sheet is too large to read: a cell is on row 2,000,000, past Excel's last row"
    )


def test_a_formatted_empty_cell_far_away_is_ignored_like_excel_does(store):
    header, body = curated("framings")
    data = with_sheet_xml(
        as_excel({"framings": (header, body)}),
        lambda xml: xml.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
        ),
    )
    parsed = ingest.parse_uploads([("formatted.xlsx", data)])
    assert ingest.prepare(parsed, store).empty


def test_an_error_cell_written_with_a_namespace_prefix_is_found():
    header, body = curated("framings")
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    prefixed = b'<x:c xmlns:x="' + main + b'" r="B3" t="e"><x:v>#N/A</x:v></x:c>'
    data = with_sheet_xml(
        as_excel({"framings": (header, body)}),
        lambda xml: re.sub(rb'<c r="B3".*?</c>', lambda _: prefixed, xml, count=1),
    )
    problems = [p for f in excel.parse_workbook("p.xlsx", data) for p in f.problems.to_dicts()]
    assert [(p["line"], p["column"], p["value"]) for p in problems] == [(3, "claim", "#N/A")]
