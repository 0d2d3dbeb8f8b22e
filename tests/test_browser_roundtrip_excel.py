"""The Excel round trip after a publish, in headless Chromium (issue 24, item 8): the workbook
the Explorer serves, a revision published meanwhile with a new source, a row citing that source
added to the workbook, then the Upload page reviews it (add and update) instead of refusing it
with source.unknown. The browser is a loopback client, so it may publish."""

from __future__ import annotations

import pytest

from harness import downloaded_workbook
from headcount import cli
from headcount.store import STORE_ENV, Store
from tests.conftest import AppServer
from tests.csvtools import to_csv
from tests.test_excel import as_excel
from tests.test_roundtrips import new_observation, new_source, workbook_rows

pytestmark = pytest.mark.browser
UPLOAD = '[data-testid="stFileUploader"] input[type="file"]'


@pytest.fixture
def own_server(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    server = AppServer(env={STORE_ENV: url})
    yield server, url
    server.stop()


def test_the_downloaded_workbook_with_a_row_citing_a_newer_source_is_reviewed(
    browser, own_server, tmp_path
):
    server, url = own_server
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        downloaded = downloaded_workbook(page, server.url, tmp_path)

        sources = tmp_path / "sources.csv"
        sources.write_bytes(to_csv([new_source()]))
        assert cli.main(["publish", str(sources), "--note", "meanwhile", "--store", url]) == 0
        assert Store(url).latest_id() == 2

        sheets = workbook_rows(downloaded.read_bytes())
        header, body = sheets["observations"]
        added = new_observation()
        sheets["observations"] = (header, [*body, [added[column] for column in header]])
        book = tmp_path / "headcount-tables.xlsx"
        book.write_bytes(as_excel(sheets))

        page.goto(f"{server.url}/upload")
        page.locator(UPLOAD).wait_for(state="attached", timeout=60_000)
        page.locator(UPLOAD).set_input_files(str(book))
        page.get_by_text("What changes against revision 2").wait_for(timeout=90_000)
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="Rows added").first
        assert metric.inner_text().split()[-1] == "1"
        assert page.get_by_text("problem(s) found").count() == 0
    finally:
        context.close()
