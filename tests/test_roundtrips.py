"""The analyst's round trips (issue 24, items 8-10), as the analyst makes them.

An Excel download of every table, a newer revision published meanwhile (a new source),
then rows added to the workbook citing that source: in add-and-update mode the workbook's
sources sheet adds to the published sources, it is not the whole list, so the judge, the
command line and the Upload page all accept it, as they accept the same rows as a CSV.

A rollback on History: the page after it speaks of the revision it published, and the next
rollback publishes too (what the browser shows is tests/test_browser_rollback.py).
"""

from __future__ import annotations

from pathlib import Path

import fastexcel
import pytest

from headcount import bootstrap, cli, exports, ingest
from headcount.store import STORE_ENV, Store
from tests.csvtools import read_rows, to_csv
from tests.test_analyst_pages import ANALYST, ANALYSTS, open_page, publish_button
from tests.test_excel import XLSX, as_excel
from ui import state
from validation import excel, judge

NEW_SOURCE = "f1-paymentsdive-reread"
BOOK = "headcount-tables.xlsx"


def workbook_rows(data: bytes) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Each sheet of a workbook as the text Excel shows (what the analyst edits)."""
    book = fastexcel.read_excel(data)
    sheets = {}
    for name in book.sheet_names:
        frame = book.load_sheet(name, dtypes="string").to_polars()
        body = [[cell or "" for cell in row] for row in frame.iter_rows()]
        sheets[name] = (frame.columns, body)
    return sheets


def new_source() -> dict[str, str]:
    """A second reading of a curated source under its own id: its citation is the curated
    one's, so nothing here is typed from memory."""
    row = next(r for r in read_rows("sources") if r["source_id"] == "f1-paymentsdive")
    return {**row, "source_id": NEW_SOURCE}


def new_observation() -> dict[str, str]:
    """A curated figure cited to the new source (a new key: the source is part of it)."""
    row = next(r for r in read_rows("observations") if r["source_id"] == "f1-paymentsdive")
    return {**row, "source_id": NEW_SOURCE, "note": "read again"}


@pytest.fixture
def trip(tmp_path) -> tuple[str, Path]:
    """The store after the round trip's first two steps, and the workbook of the third:
    the download of revision 1, revision 2 published meanwhile (the new source), and the
    downloaded workbook with a row citing the new source added to its observations sheet."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    bootstrap.initialise(url)
    store = Store(url)
    downloaded = exports.xlsx_bytes(store.read(store.latest_id()))  # what the Explorer serves
    sources = tmp_path / "sources.csv"
    sources.write_bytes(to_csv([new_source()]))
    assert cli.main(["publish", str(sources), "--note", "meanwhile", "--store", url]) == 0
    assert store.latest_id() == 2
    sheets = workbook_rows(downloaded)
    header, body = sheets["observations"]
    added = new_observation()
    sheets["observations"] = (header, [*body, [added[column] for column in header]])
    book = tmp_path / BOOK
    book.write_bytes(as_excel(sheets))
    return url, book


@pytest.mark.slow  # among the quick loop's costliest (--durations)
def test_rows_citing_a_newer_source_pass_the_judge_in_a_workbook_as_in_a_csv(trip):
    url, book = trip
    store = Store(url)
    published = ingest.tagged(store.read(2), 2)
    from_book = judge.judge(excel.parse_any_path(str(book)), published, "upsert")
    assert from_book.problems.height == 0, from_book.problems.to_dicts()
    added = new_observation()
    header = list(added)
    as_csv = ingest.parse_uploads([("observations.csv", to_csv([added], header))])
    assert judge.judge(as_csv, published, "upsert").ok
    # Adding rows never drops the source published meanwhile.
    assert NEW_SOURCE in from_book.proposed["sources"]["source_id"].to_list()


def test_the_command_line_validates_and_publishes_the_workbook(trip, capsys):
    url, book = trip
    assert cli.main(["validate", str(book), "--store", url]) == cli.EXIT_OK, capsys.readouterr()
    out = capsys.readouterr().out
    assert out.startswith("OK:"), out
    code = cli.main(["publish", str(book), "--note", "back", "--store", url, "--acknowledge"])
    out = capsys.readouterr().out
    assert code == cli.EXIT_OK, out
    store = Store(url)
    assert store.latest_id() == 3
    tables = store.read(3)
    assert NEW_SOURCE in tables["sources"]["source_id"].to_list()
    assert tables["observations"].filter(source_id=NEW_SOURCE).height == 1


def test_the_upload_page_reviews_the_workbook_and_publishes_it(trip, monkeypatch):
    url, book = trip
    monkeypatch.setenv(STORE_ENV, url)
    at = open_page("upload", ANALYST, ANALYSTS)
    at.file_uploader(key="uploads").upload(BOOK, book.read_bytes(), XLSX).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    added = next(m for m in at.metric if m.label == "Rows added")
    assert added.value == "1"
    at.text_input(key="publish_note").input("back from Excel").run()
    assert not at.checkbox  # the figure is in its source's quote: nothing to acknowledge
    publish_button(at).click().run()
    assert not at.exception, at.exception
    assert Store(url).latest_id() == 3
    # The page says what it published and offers nothing more to publish from these files.
    assert [s.value for s in at.success][-1] == "Published revision 3. Every page now shows it."
    assert not [b.label for b in at.button if b.label.startswith("Publish revision")]


def test_replacing_with_the_old_sources_sheet_is_refused_naming_the_sheet(trip):
    """In replace mode the old sheet is the whole list: the new source would be dropped while
    a row cites it. The problem names the sheet and the workbook, not a sources.csv."""
    url, book = trip
    store = Store(url)
    verdict = judge.judge(
        excel.parse_any_path(str(book)), ingest.tagged(store.read(2), 2), "replace"
    )
    assert not verdict.ok
    unknown = [p for p in verdict.problems.to_dicts() if p["code"] == "source.unknown"]
    assert unknown, verdict.problems.to_dicts()
    first = unknown[0]
    assert first["value"] == NEW_SOURCE
    assert first["file"] == f"{book}{excel.SEPARATOR}observations"
    assert "sources.csv" not in first["problem"] + first["hint"]
    assert f"sheet 'sources' of {book}" in first["problem"], first
    assert f"sheet 'sources' of {book}" in first["hint"], first


# History after a rollback.

KLARNA_F1 = [r for r in read_rows("observations") if r["source_id"] == "f1-paymentsdive"]


def klarna_figures(store: Store, revision: int) -> int:
    return store.read(revision)["observations"].filter(company="Klarna").height


def three_revisions(folder: Path) -> str:
    """A store's URL: revision 1 the curated data; 2 and 3 each add one Klarna figure (an F-1
    figure re-read under a new source). The usual rollback then undoes 3."""
    url = f"sqlite:///{folder / 'store.sqlite'}"
    bootstrap.initialise(url)
    for step, row in enumerate(KLARNA_F1[:2], start=2):
        added = folder / f"step{step}"
        added.mkdir()
        (added / "sources.csv").write_bytes(to_csv([new_source()]))
        (added / "observations.csv").write_bytes(to_csv([{**row, "source_id": NEW_SOURCE}]))
        files = [str(added / "sources.csv"), str(added / "observations.csv")]
        assert cli.main(["publish", *files, "--note", f"step {step}", "--store", url]) == 0
    assert Store(url).latest_id() == 3
    return url


def rollback_button(at):
    return next(b for b in at.button if b.label.startswith("Publish a copy"))


@pytest.mark.slow  # among the quick loop's costliest (--durations)
def test_history_after_a_rollback_proposes_the_next_one_and_publishes_it(tmp_path, monkeypatch):
    url = three_revisions(tmp_path)
    monkeypatch.setenv(STORE_ENV, url)
    store = Store(url)
    at = open_page("history", ANALYST, ANALYSTS)
    at.selectbox(key=state.COMPANY).select("Klarna").run()
    at.text_input(key="rollback_note").input("undo step 3").run()
    rollback_button(at).click().run()
    assert not at.exception, at.exception
    assert "Published revision 4, equal to revision 2." in at.success[0].value
    assert (at.selectbox(key="diff_from").value, at.selectbox(key="diff_to").value) == (3, 4)
    assert at.selectbox(key="rollback_to").value == 3
    assert rollback_button(at).label == "Publish a copy of revision 3"
    assert at.text_input(key="rollback_note").value == ""  # the published note is not offered
    assert rollback_button(at).disabled
    figures = f"Klarna · {klarna_figures(store, 4)} figures"
    assert at.selectbox(key=state.COMPANY).format_func("Klarna") == figures

    at.text_input(key="rollback_note").input("redo step 3").run()
    rollback_button(at).click().run()
    assert not at.exception, at.exception
    assert "Published revision 5, equal to revision 3." in at.success[0].value
    assert store.revision(5).hashes == store.revision(3).hashes
