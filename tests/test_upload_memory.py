"""A large junk file uploaded through the real server (issue 12.2): the check lists a few
problems of each kind with a count of the rest, and the server's peak memory stays bounded.

Before the cap, a 40 MB junk file gave 14 million problem rows and a 4.2 GB server. The check
of a file now costs memory in proportion to the file's cells, not to its problems; the bound
asserted here is stated at PEAK_LIMIT_MB.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from headcount.store import STORE_ENV
from tests.conftest import AppServer
from tests.csvtools import with_cell
from tests.test_analyst_pages import ANALYST, ANALYSTS, open_page, publish_button, store, upload
from validation.tables import OBSERVATIONS

__all__ = ["store"]  # the fixture: each AppTest on its own seeded store
PROPOSAL = "_proposal"
UPLOAD = '[data-testid="stFileUploader"] input[type="file"]'
JUNK_MB = 40
# Measured 2026-12-02 on the shared 2-core machine: the server peaked at 0.27 GB before the
# upload and 0.79 GB during the check of the 40 MB file (Polars holds each cell as a
# 16-byte view, so one-letter cells take ~8 times the file's size while they are typed). A
# server that kept every problem reached 4.2 GB; 1.2 GB leaves room for noise and fails that.
PEAK_LIMIT_MB = 1_200
# Seven cells of each junk row break a rule (metric, date, period, value, unit, claim_type and
# a source_id no source has); company, basis and note are free text.
JUNK_ROW = "x,y,z,w,v,u,t,s,r,q\n"
BROKEN = {
    "metric": "not an allowed metric",
    "date": "not a valid date",
    "period": "not an allowed period",
    "value": "not a plain number",
    "unit": "not an allowed unit",
    "claim_type": "not an allowed claim_type",
    "source_id": "source_id does not match any row of sources.csv (revision 1)",
}


def peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    kilobytes = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kilobytes.split()[1]) / 1024


def junk_file(folder: Path) -> tuple[Path, int]:
    rows = JUNK_MB * 2**20 // len(JUNK_ROW)
    path = folder / "junk.csv"
    path.write_text(",".join(OBSERVATIONS.column_names[:10]) + "\n" + JUNK_ROW * rows)
    return path, rows


@pytest.fixture
def own_server(tmp_path, browser):
    server = AppServer(env={STORE_ENV: f"sqlite:///{tmp_path / 'store.sqlite'}"})
    yield server
    server.stop()


@pytest.mark.browser
def test_a_40_mb_junk_upload_is_summarised_and_the_server_stays_bounded(page, own_server, tmp_path):
    path, rows = junk_file(tmp_path)
    page.goto(f"{own_server.url}/upload")
    page.locator(UPLOAD).wait_for(state="attached", timeout=60_000)
    before = peak_mb(own_server.process.pid)
    page.locator(UPLOAD).set_input_files(str(path))
    page.get_by_text("problem(s) found. Nothing was changed.").wait_for(timeout=300_000)
    peak = peak_mb(own_server.process.pid)
    print(f"server peak memory: {before:.0f} MB before the upload, {peak:.0f} MB after")
    assert peak < PEAK_LIMIT_MB, (before, peak)

    message = page.locator('[data-testid="stAlert"]').filter(has_text="problem(s) found")
    assert f"{len(BROKEN) * rows:,} problem(s) found" in message.inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the problems (CSV)").click()
    report = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    assert len(report) == len(BROKEN) * 51
    for column, words in BROKEN.items():
        mine = [r for r in report if r["column"] == column]
        assert [int(r["line"]) for r in mine] == list(range(2, 53)), column
        assert mine[-1]["problem"] == f"and {rows - 50:,} more of the same kind: {words}"
    assert own_server.process.poll() is None  # still serving


def test_the_session_keeps_the_review_not_the_uploaded_rows(store):
    data, _ = with_cell("observations", 3, "value", "4999")
    at = upload(open_page("upload", ANALYST, ANALYSTS), "observations.csv", data)
    proposal = at.session_state[PROPOSAL][1]
    assert publish_button(at) is not None  # the review is complete
    assert [parsed.frame for parsed in proposal.files] == [None]
    assert proposal.current == {}


def test_only_an_analyst_may_have_a_file_checked(store):
    outsider = {"is_logged_in": True, "email": "eve@example.net"}
    at = open_page("upload", outsider, ANALYSTS)
    assert not at.get("file_uploader")
    assert any("needs the analyst role" in info.value for info in at.info)
    signed_out = open_page("upload", {"is_logged_in": False}, ANALYSTS)
    assert not signed_out.get("file_uploader")
