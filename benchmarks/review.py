"""An analyst's upload reviewed, in headless Chromium, beside a bare Streamlit page that shows
the same file with st.dataframe (benchmarks/apps/bare_upload.py), runs alternated.

review: the Upload page open (warm caches, a new page and session each run); time from the
200-row CSV (benchmarks/generate.new_company_csv: a new company, valid, no warnings) being
chosen in the file uploader to its review shown, that is its script run over with the table
of rows drawn. The bare page's run is over when its table is drawn.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import polars as pl

from benchmarks import generate
from benchmarks.measure import Figure, Seconds, alternate, median
from benchmarks.pages import TIMEOUT, until_present
from benchmarks.rig import rig
from harness import RUN_OVER
from headcount.settings import ROOT

ROWS = 200
BARE = str(Path(__file__).parent / "apps" / "bare_upload.py")
UPLOADER = '[data-testid="stFileUploader"] input[type="file"]'
TABLE = '[data-testid="stDataFrame"]'
# The review's last element: the publish button (the file is valid and warns of nothing).
PUBLISH = ('[data-testid="stButton"] button', "Publish revision")


class Reviewer:
    """Each call opens ``url`` in a new page (a new session) of one warm browser context,
    chooses the file and waits until ``shown`` is drawn and the run is over."""

    def __init__(
        self, chromium: object, url: str, shown: tuple[str, str | None], upload: Path
    ) -> None:
        self.context = chromium.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
        self.url, self.shown, self.upload = url, shown, upload

    def __call__(self) -> Seconds:
        page = self.context.new_page()
        try:
            page.goto(self.url, timeout=TIMEOUT)
            page.wait_for_selector(UPLOADER, state="attached", timeout=TIMEOUT)
            page.wait_for_selector(RUN_OVER, state="attached", timeout=TIMEOUT)
            start = time.perf_counter()
            page.set_input_files(UPLOADER, str(self.upload))
            until_present(page, *self.shown)
            until_present(page, f"{TABLE} canvas")
            until_present(page, RUN_OVER)
            return Seconds(time.perf_counter() - start)
        finally:
            page.close()

    def close(self) -> None:
        self.context.close()


def run(quick: bool) -> list[Figure]:
    runs = 1 if quick else 7
    # A published source for the rows to cite: the curated data is the store's revision 1.
    source = pl.read_csv(ROOT / "data" / "curated" / "sources.csv")["source_id"][0]
    with tempfile.TemporaryDirectory() as folder, rig() as shared:
        upload = Path(folder) / "new-company.csv"
        upload.write_bytes(generate.new_company_csv(source, ROWS))
        app, bare, chromium = shared.app(), shared.bare(BARE), shared.browser()
        ours = Reviewer(chromium, f"{app.url}/upload", PUBLISH, upload)
        floor = Reviewer(chromium, bare.url, (TABLE, None), upload)
        ours()  # the first check fills the server's caches: start-up, not review
        floor()
        times = alternate({"app": ours, "bare": floor}, runs)
        ours.close()
        floor.close()
    review, review_floor = median(times["app"]), median(times["bare"])
    return [
        Figure(
            "review: 200-row CSV chosen to review shown",
            review,
            "s",
            "bare page showing the same CSV in st.dataframe",
            review_floor,
            "<= 1.5x the bare page",
            review <= 1.5 * review_floor,
            f"Upload page, new company's {ROWS} valid rows; warm caches, a new session per run",
            runs,
        )
    ]
