"""An .xlsx workbook on the Upload page, in headless Chromium against a server with its own
store: a workbook of the whole dataset with one figure corrected shows the review of exactly
that change (on a desktop and on a phone), and a workbook with an error cell shows the problem
named by sheet, row and column. The browser is a loopback client, so it may publish."""

from __future__ import annotations

import polars as pl
import pytest

from harness import downloaded_workbook
from headcount import bootstrap, exports
from headcount.store import STORE_ENV, Store
from tests.conftest import ARTIFACTS, AppServer
from tests.test_excel import CORPUS
from tests.test_excel_hostile import FAR_CELLS, with_far_cell

pytestmark = pytest.mark.browser
UPLOAD = '[data-testid="stFileUploader"] input[type="file"]'
SIZES = {"desktop": (1400, 900), "phone": (390, 844)}


@pytest.fixture(scope="module")
def own_server(tmp_path_factory, browser):
    """One server for the module, on a store of its own that no test here writes to: every
    upload below is reviewed or refused, never published, so each test finds revision 1."""
    url = f"sqlite:///{tmp_path_factory.mktemp('excel') / 'store.sqlite'}"
    server = AppServer(env={STORE_ENV: url})
    yield server
    server.stop()
    store = Store(url)
    assert store.latest_id() == 1, "a test of this module published: give it its own server"
    store.engine.dispose()


def whole_dataset_with_one_change(tmp_path) -> bytes:
    """The Excel export of a store seeded like the server's, with one event's detail changed."""
    url = f"sqlite:///{tmp_path / 'mine.sqlite'}"
    bootstrap.initialise(url)
    store = Store(url)
    tables = store.read()
    note = "Corrected in Excel"
    first = pl.int_range(pl.len()) == 0
    tables["events"] = tables["events"].with_columns(
        pl.when(first).then(pl.lit(note)).otherwise(pl.col("detail")).alias("detail")
    )
    return exports.xlsx_bytes(tables)


@pytest.mark.parametrize("size", list(SIZES))
def test_an_xlsx_upload_shows_the_review_of_its_change(browser, own_server, tmp_path, size):
    data = whole_dataset_with_one_change(tmp_path)
    book = tmp_path / "headcount-tables.xlsx"
    book.write_bytes(data)
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{own_server.url}/upload")
        page.get_by_text("Publishing from this machine").wait_for(timeout=60_000)
        page.locator(UPLOAD).set_input_files(str(book))
        page.get_by_text("What changes against revision 1").wait_for(timeout=90_000)
        changed = page.locator('[data-testid="stMetric"]').filter(has_text="Rows changed").first
        assert changed.inner_text().split()[-1] == "1"
        added = page.locator('[data-testid="stMetric"]').filter(has_text="Rows added").first
        assert added.inner_text().split()[-1] == "0"
        removed = page.locator('[data-testid="stMetric"]').filter(has_text="Rows removed").first
        assert removed.inner_text().split()[-1] == "0"
        # The grid of old and new values is drawn on a canvas: its text is not in the page.
        page.get_by_text("Changed (old and new values)").wait_for(timeout=30_000)
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.wait_for(timeout=30_000)
        grid.scroll_into_view_if_needed()
        page.wait_for_timeout(1_000)  # the grid paints its canvas after it is attached
        page.screenshot(path=str(ARTIFACTS / f"upload-xlsx-review-{size}.png"))
    finally:
        context.close()


def test_an_xlsx_with_an_error_cell_shows_the_problem_by_sheet_row_and_column(
    browser, own_server, tmp_path
):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{own_server.url}/upload")
        page.locator(UPLOAD).wait_for(state="attached", timeout=60_000)
        page.locator(UPLOAD).set_input_files(str(CORPUS / "error_div0.xlsx"))
        page.get_by_text("problem(s) found. Nothing was changed.").wait_for(timeout=60_000)
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "upload-xlsx-problems.png"))
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the problems (CSV)").click()
        report = download.value.path().read_text(encoding="utf-8-sig")
        assert (
            "error_div0.xlsx \u203a observations,3,value,#DIV/0!,"
            "the cell holds the error value #DIV/0!" in report
        )
    finally:
        context.close()


def test_the_explorers_excel_download_uploads_back_with_no_change(browser, own_server, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        book = downloaded_workbook(page, own_server.url, tmp_path)
        assert book.name == "headcount-tables.xlsx"

        page.goto(f"{own_server.url}/upload")
        page.locator(UPLOAD).wait_for(state="attached", timeout=60_000)
        page.locator(UPLOAD).set_input_files(str(book))
        page.get_by_text("The upload matches the latest revision: nothing would change.").wait_for(
            timeout=90_000
        )
    finally:
        context.close()


@pytest.mark.parametrize(
    ("spelling", "cell"), [("single quotes", "XFD1048576"), ("no reference", "Q1048576")]
)
def test_a_far_cell_upload_is_a_problem_and_the_server_serves_on(
    browser, own_server, tmp_path, spelling, cell
):
    """Issue 25.1: this upload aborted the server's process, ending every session."""
    book = tmp_path / "far.xlsx"
    book.write_bytes(with_far_cell(FAR_CELLS[spelling]))
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{own_server.url}/upload")
        page.locator(UPLOAD).wait_for(state="attached", timeout=60_000)
        page.locator(UPLOAD).set_input_files(str(book))
        page.get_by_text("problem(s) found. Nothing was changed.").wait_for(timeout=60_000)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the problems (CSV)").click()
        report = download.value.path().read_text(encoding="utf-8-sig")
        assert (
            'sheet.too_large,far.xlsx \u203a framings,0,"","",the sheet is too large to read: '
            f"cell {cell} holds a value; a sheet may use columns A to P" in report
        )
        # The same server, in a new session, still reads workbooks.
        other = context.new_page()
        other.goto(f"{own_server.url}/upload")
        other.locator(UPLOAD).wait_for(state="attached", timeout=60_000)
        other.locator(UPLOAD).set_input_files(str(CORPUS / "error_div0.xlsx"))
        other.get_by_text("problem(s) found. Nothing was changed.").wait_for(timeout=60_000)
        assert own_server.process.poll() is None
    finally:
        context.close()
