"""A chart embedded in someone else's page: the iframe snippet pasted into a plain HTML page,
served over real HTTP from another origin (and another site: localhost against 127.0.0.1),
opened in Chromium. The frame shows the chart, its source line and a link back, and none of
the dashboard around it. Screenshots go to test-artifacts/."""

from __future__ import annotations

import csv
import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import trace_of
from headcount import share
from tests.conftest import ARTIFACTS, free_port
from tests.test_browser_overlap import BOXES, overlapping

pytestmark = pytest.mark.browser
CHART = '[data-testid="stPlotlyChart"]'
DATA = Path(__file__).resolve().parents[1] / "data" / "curated"


def rows(table: str) -> list[dict[str, str]]:
    with (DATA / f"{table}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class HostSite:
    """A publisher's site: plain files over HTTP on its own port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def publish(self, name: str, snippet: str) -> str:
        """An article with the snippet in it; its address (another site than the app's)."""
        (self.folder / name).write_text(
            "<!doctype html><html><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<title>An article</title></head><body style='margin:8px'>"
            f"<h1>An article</h1><p>Text before the chart.</p>{snippet}"
            "<p>Text after the chart.</p></body></html>",
            encoding="utf-8",
        )
        return f"http://localhost:{self.port}/{name}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def host(tmp_path_factory) -> Iterator[HostSite]:
    site = HostSite(tmp_path_factory.mktemp("host"))
    yield site
    site.stop()


def open_frame(page, url: str):
    """The host page opened, and the app's frame once its chart has drawn."""
    page.goto(url)
    frame = page.frame_locator("iframe").first
    frame.locator(f"{CHART} .main-svg").first.wait_for(timeout=60_000)
    frame.locator(f"{CHART} .scatterlayer .trace .point").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # plotly lays text out after the first frame
    return next(f for f in page.frames if f.parent_frame is not None)


def chrome(frame) -> dict[str, int]:
    """How many of the dashboard's own parts the frame shows."""
    parts = {
        "sidebar": '[data-testid="stSidebar"]',
        "navigation": '[data-testid="stSidebarNav"]',
        "metric cards": '[data-testid="stMetric"]',
        "tables": '[data-testid="stDataFrame"]',
        "buttons": '[data-testid="stPopover"], [data-testid="stDownloadButton"], button',
        "headings": "h1, h2, h3",
        "toolbar": '[data-testid="stToolbar"]',
    }
    return {name: frame.locator(selector).count() for name, selector in parts.items()}


def cited_by(company: str, metrics: set[str]) -> dict[tuple[str, str], str]:
    """(publisher, title) of every source a company's figures of ``metrics`` or its events
    cite, with the date it was published (may be empty)."""
    ids = {
        r["source_id"]
        for r in rows("observations")
        if r["company"] == company and r["metric"] in metrics
    } | {r["source_id"] for r in rows("events") if r["company"] == company}
    return {
        (s["publisher"], s["title"]): s.get("published", "")
        for s in rows("sources")
        if s["source_id"] in ids
    }


def offered_snippets(page, url: str, count: int) -> list[str]:
    """The embed snippets "Copy link" offers, as a person finds and copies them."""
    page.goto(url)
    page.locator(f"{CHART} .main-svg").first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Copy link").click()
    page.get_by_text("Embed a chart").click()
    # The snippets, not the page's Cite this blocks (also code in expanders).
    code = page.locator('[data-testid="stExpander"] [data-testid="stCode"] code').filter(
        has_text="<iframe"
    )
    code.nth(count - 1).wait_for(timeout=30_000)  # drawn once the section is open
    return [text.strip() for text in code.all_inner_texts()]


def test_an_arc_embedded_in_another_site_shows_the_chart_its_source_and_a_link_back(
    browser, app_server, host
):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    # One per chart of the arc page: the arc, revenue per employee, valuation.
    snippets = offered_snippets(page, f"{app_server.url}/?company=Klarna", 3)
    assert len(snippets) == 3, snippets
    assert f'src="{app_server.url}/?chart=arc&amp;embed=true"' in snippets[0]
    article = host.publish("arc.html", snippets[0])
    frame = open_frame(page, article)

    # The chart: the arc of Klarna, its filed headcount series among the legend's entries.
    chart = frame.locator(CHART)
    assert chart.count() == 1
    texts = chart.evaluate("(el) => [...el.querySelectorAll('svg text')].map(t => t.textContent)")
    assert "Klarna: headcount and AI work" in texts
    assert "full-time employees at year end (F-1)" in " ".join(texts)
    filed = {
        r["date"]  # one point per date, however many sources give it
        for r in rows("observations")
        if r["company"] == "Klarna" and r["basis"] == "full-time employees at year end (F-1)"
    }
    # The spine is the figure's first trace; drawn over the others (its zorder), it is found
    # by its data, not by its place in the page.
    assert trace_of(chart, 0).locator(".point").count() == len(filed)

    # The source line names the publisher of one of the arc's sources, as on the page.
    text = frame.locator('[data-testid="stMain"]').inner_text()
    line = next(part for part in text.splitlines() if re.match(r"Sources?: ", part))
    named = [key for key in cited_by("Klarna", {"headcount", "ai_workload_fte"}) if key[0] in line]
    assert named, line

    # The link back opens the full view in a new tab, never inside the frame.
    back = frame.get_by_role("link", name="View on Headcount & AI claims →")
    assert back.get_attribute("href") == f"{app_server.url}/"
    assert back.get_attribute("target") == "_blank"
    assert "noopener" in (back.get_attribute("rel") or "").split()

    # Nothing of the dashboard around it.
    assert chrome(frame) == dict.fromkeys(chrome(frame), 0), chrome(frame)
    # The frame is tall enough: nothing scrolls inside it, the link back is on show.
    assert frame.evaluate("document.scrollingElement.scrollHeight <= innerHeight + 1")
    assert overlapping(chart.evaluate(BOXES)) == []
    page.screenshot(path=str(ARTIFACTS / "embed-host-1400.png"), full_page=True)
    context.close()


def test_an_explorer_comparison_embeds_with_its_view_in_the_link_back(browser, app_server, host):
    view = share.View("Klarna", compare=("IBM",))
    src = share.embed_link(
        f"{app_server.url}/explorer", view, "Klarna", "headcount-employees", theme="dark"
    )
    article = host.publish("compare.html", share.embed_snippet(src, "Klarna and IBM", 720))
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    frame = open_frame(page, article)
    legend = " ".join(frame.locator(f"{CHART} .legend text").all_text_contents())
    assert "Klarna" in legend and "IBM" in legend
    back = frame.get_by_role("link", name="View on Headcount & AI claims →")
    assert back.get_attribute("href") == f"{app_server.url}/explorer?compare=IBM"
    assert chrome(frame) == dict.fromkeys(chrome(frame), 0), chrome(frame)
    # embed_options=dark_theme: Streamlit's dark background inside the frame.
    background = frame.evaluate(
        "getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"
    )
    assert background not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), background
    assert overlapping(frame.locator(CHART).evaluate(BOXES)) == []
    page.screenshot(path=str(ARTIFACTS / "embed-host-dark.png"), full_page=True)
    context.close()


def test_an_embedded_arc_fits_a_phone(browser, app_server, host):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    # The snippet as offered, its height included, copied on a phone.
    snippet = offered_snippets(page, f"{app_server.url}/?company=Klarna", 3)[0]
    frame = open_frame(page, host.publish("phone.html", snippet))
    chart = frame.locator(CHART)
    box = chart.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    boxes = chart.evaluate(BOXES)
    assert overlapping(boxes) == []
    outside = [b[0] for b in boxes if b[1] < box["x"] - 1 or b[3] > box["x"] + box["width"] + 1]
    assert outside == []  # no legend or label cut off at the frame's edge
    assert frame.get_by_role("link", name="View on Headcount & AI claims →").is_visible()
    assert frame.evaluate("document.scrollingElement.scrollHeight <= innerHeight + 1")
    page.screenshot(path=str(ARTIFACTS / "embed-host-390.png"), full_page=True)
    context.close()
