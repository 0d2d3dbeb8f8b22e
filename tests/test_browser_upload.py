"""The analysts' flow in headless Chromium against a server with its own store: upload a
corrected CSV, review the diff, publish, and see the arc change; upload a broken CSV and see
the problems. The browser is a loopback client, so with no sign-in configured it may publish."""

from __future__ import annotations

import pytest

from headcount.store import STORE_ENV
from tests.conftest import ARTIFACTS, AppServer
from tests.csvtools import read_rows, to_csv, with_cell

pytestmark = pytest.mark.browser
UPLOAD = '[data-testid="stFileUploader"] input[type="file"]'


@pytest.fixture
def own_server(tmp_path, browser):
    server = AppServer(env={STORE_ENV: f"sqlite:///{tmp_path / 'store.sqlite'}"})
    yield server
    server.stop()


def spine_last_row() -> dict:
    rows = read_rows("observations")
    spine = [
        r
        for r in rows
        if r["company"] == "Klarna" and r["metric"] == "headcount" and r["claim_type"] == "filing"
    ]
    return max(spine, key=lambda r: r["date"])


def shows_filed_figure(page, figure: str) -> bool:
    """The headcount card shows the latest filed figure as its figure or as 'Filed: ...'."""
    headcount = page.locator('[data-testid="stMetric"]').filter(has_text="Headcount").first
    headcount.wait_for(timeout=60_000)
    main = page.locator('[data-testid="stMain"]').inner_text()
    return figure in headcount.inner_text() or f"Filed: {figure}," in main


def test_upload_review_publish_and_see_the_arc_change(page, own_server, tmp_path):
    page.goto(own_server.url)
    row = spine_last_row()
    old = f"{float(row['value']):,.0f}"
    assert shows_filed_figure(page, old)
    new_value = str(int(float(row["value"])) + 1)
    # Every copy of the figure (one per source) changes, so the merged point moves as one.
    rows = read_rows("observations")
    same = (row["company"], row["basis"], row["date"])
    for other in rows:
        if (other["company"], other["basis"], other["date"]) == same:
            other["value"] = new_value
    upload = tmp_path / "observations.csv"
    upload.write_bytes(to_csv(rows))

    page.goto(f"{own_server.url}/upload")
    page.get_by_text("Publishing from this machine").wait_for(timeout=60_000)
    page.locator(UPLOAD).set_input_files(str(upload))
    page.get_by_text("What changes against revision 1").wait_for(timeout=60_000)
    changed = page.locator('[data-testid="stMetric"]').filter(has_text="Rows changed").first
    assert changed.inner_text().split()[-1] == str(sum(r["value"] == new_value for r in rows))
    # The preview of the arc is drawn once opened, as the upload would leave it: Klarna's.
    chart = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg').first
    assert not chart.is_visible()
    page.get_by_text("Preview the arc after publishing").click()
    chart.wait_for(timeout=60_000)
    assert "Klarna" in (page.locator(".js-plotly-plot .gtitle").first.text_content() or "")
    page.screenshot(path=str(ARTIFACTS / "upload-diff.png"), full_page=True)
    page.get_by_label("Note for the revision (required)").fill("Browser test correction")
    page.get_by_label("Note for the revision (required)").press("Enter")
    # The new value is in no quote of its sources: the review warns, and publishing waits
    # for the acknowledgement.
    page.get_by_text("I have checked these warnings").click()
    page.get_by_role("button", name="Publish revision 2").click()
    page.get_by_text("Published revision 2").wait_for(timeout=60_000)

    page.goto(own_server.url)
    assert shows_filed_figure(page, f"{int(new_value):,}")


def test_broken_csv_shows_the_problems_table(page, app_server, tmp_path):
    # A refused upload writes nothing, so the suite's shared server will do.
    data, line = with_cell("observations", 2, "value", "12,5")
    upload = tmp_path / "observations.csv"
    upload.write_bytes(data)
    page.goto(f"{app_server.url}/upload")
    page.locator(UPLOAD).wait_for(state="attached", timeout=60_000)
    page.locator(UPLOAD).set_input_files(str(upload))
    page.get_by_text("problem(s) found. Nothing was changed.").wait_for(timeout=60_000)
    assert not page.get_by_role("button", name="Publish revision 2").is_visible()
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "upload-problems.png"), full_page=True)
    assert page.get_by_role("button", name="Download the problems (CSV)").is_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the problems (CSV)").click()
    report = download.value.path().read_text(encoding="utf-8-sig")
    assert f'observations.csv,{line},value,"12,5",not a plain number' in report
