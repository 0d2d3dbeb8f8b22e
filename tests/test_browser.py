"""The dashboard in headless Chromium, as people use it: the arc, hover and click, shared links,
the HTML brief, dark theme and a phone-width screen. Screenshots go to test-artifacts/."""

from __future__ import annotations

import csv

import pytest

from harness import trace_of
from headcount import claims, dataset
from headcount.labels import day
from tests.conftest import ARTIFACTS
from tests.csvtools import read_rows

pytestmark = pytest.mark.browser
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot'


# An svg text's words with its lines (tspans) joined by spaces.
LINES = (
    "(t) => { const ls = [...t.querySelectorAll('tspan.line')];"
    " return (ls.length ? ls.map(l => l.textContent) : [t.textContent]).join(' '); }"
)


def lone_spine_point() -> tuple[int, dict]:
    """A spine point (its index on the line, and its data) with no other point on its date,
    so hovering it cannot pick up a neighbour."""
    loaded = dataset.load_curated().dataset
    assert loaded is not None
    plotted = claims.points(claims.claims_for(loaded, "Klarna", "headcount"))
    spine = plotted.filter(plotted["spine"]).sort("date").to_dicts()
    crowded = {d for d, n in plotted.group_by("date").len().iter_rows() if n > 1}
    return next((i, p) for i, p in enumerate(spine) if p["date"] not in crowded)


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(f"{CHART} .main-svg", timeout=60_000)
    page.wait_for_selector(f"{CHART} .scatterlayer .trace .point", timeout=30_000)


def spine_marker(page, index: int):
    # The arc is the first chart and the spine its first trace; drawn over the others (its
    # zorder), it need not be the first in the page, so it is found by its data.
    return trace_of(page.locator(CHART).first, 0).locator(".point").nth(index)


def test_landing_shows_the_arc_with_numbered_events_listed_below(page, app_server):
    open_page(page, app_server.url)
    labels = page.locator(CHART).first.locator(".scatterlayer .trace text")
    texts = {labels.nth(i).text_content() for i in range(labels.count())}
    # A period's name may wrap onto lines of its own (one text, a tspan a line).
    names = page.locator(CHART).first.locator("svg text")
    joined = {" ".join(names.nth(i).evaluate(LINES).split()) for i in range(names.count())}
    shown = [e for e in read_rows("events") if e["company"] == "Klarna" and e["kind"] != "other"]
    assert len(shown) == 13  # Klarna's 18 events in events.csv, less the five of kind "other"
    assert "1" in texts  # the first event's number on the chart
    page_text = page.locator('[data-testid="stMain"]').inner_text()
    missing = [e["title"] for e in shown if e["title"] not in page_text]
    assert missing == []  # every drawn event in words under the chart
    # Klarna's arc has all three periods (events.csv: freeze, AI deployment, rehiring).
    assert {"Hiring freeze", "AI takes over work", "Humans back"} <= joined
    page.screenshot(path=str(ARTIFACTS / "arc.png"), full_page=True)


def test_hover_and_click_show_the_citation(page, app_server):
    open_page(page, app_server.url)
    index, point = lone_spine_point()
    sources = {r["source_id"]: r for r in read_rows("sources")}
    marker = spine_marker(page, index)
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    hover = page.locator(f"{CHART} .hoverlayer .hovertext")
    hover.first.wait_for(timeout=10_000)
    text = hover.first.text_content() or ""
    assert point["basis"] in text
    for source_id in point["source_ids"]:
        assert sources[source_id]["publisher"] in text

    page.mouse.click(x, y)
    page.get_by_text("Sources of the selected point").wait_for(timeout=30_000)
    for source_id in point["source_ids"]:
        url = sources[source_id]["url"]
        page.get_by_text(url, exact=False).first.wait_for(timeout=30_000)
        page.locator(f'a[href="{url}"]').first.wait_for(timeout=30_000)
    # A filed figure names the filing first, with the figure's date, then each copy read
    # (issue 24.6): the spine is the F-1 series, read through reports of it.
    assert {sources[i]["publisher"] for i in point["source_ids"]} == {"Klarna Group plc (Form F-1)"}
    main = page.locator('[data-testid="stMain"]').inner_text()
    shown = main[main.index("Sources of the selected point") :]
    filed = f"Form F-1 of Klarna Group plc, figures as of {day(point['date'])}. Read in:"
    assert shown.count(filed) == 1, shown
    for source_id in point["source_ids"]:
        assert shown.index(filed) < shown.index(sources[source_id]["via"]), shown
    page.screenshot(path=str(ARTIFACTS / "arc-selected.png"), full_page=True)


def test_a_shared_link_restores_the_view_in_a_new_browser(browser, app_server):
    sender = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = sender.new_page()
    open_page(page, f"{app_server.url}/explorer")
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Salesforce").click()
    page.wait_for_url("**company=Salesforce**", timeout=30_000)
    page.get_by_text("Index (base year").click()
    page.wait_for_url("**index=1**", timeout=30_000)
    shared = page.url
    sender.close()

    receiver = browser.new_context(viewport={"width": 1400, "height": 1000})
    other = receiver.new_page()
    other.goto(shared)
    other.get_by_role("heading", name="Explorer").wait_for(timeout=60_000)
    company = other.locator('[data-testid="stSidebar"] input[aria-label="Company"]')
    company.wait_for(timeout=30_000)
    assert company.input_value().startswith("Salesforce · ")  # with how many figures
    assert other.get_by_role("switch", name="Index (base year").is_checked()
    assert "company=Salesforce" in other.url and "index=1" in other.url
    receiver.close()


def test_html_brief_downloads_with_its_citations(page, app_server, tmp_path):
    open_page(page, app_server.url)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Brief").click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    assert target.name == "klarna-brief.html"
    html = target.read_text(encoding="utf-8")
    sources = {r["source_id"]: r for r in read_rows("sources")}
    headline_metrics = ("headcount", "ai_workload_fte", "revenue_per_employee", "valuation")
    cited = {
        r["source_id"]
        for r in read_rows("observations")
        if r["company"] == "Klarna" and r["metric"] in headline_metrics
    }
    assert (
        len(cited) == 43
    )  # sources of Klarna's four headline metrics in observations.csv (2026-12-05)
    assert [s for s in sorted(cited) if sources[s]["url"] not in html] == []
    assert "<script src=" not in html  # plotly.js is inline, so it opens offline

    page.goto(target.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "brief.png"), full_page=True)


def test_whole_dataset_downloads_from_the_explorer_with_each_rows_source(
    page, app_server, tmp_path
):
    open_page(page, app_server.url + "/explorer")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download the whole dataset (CSV)").click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    with open(target, newline="", encoding="utf-8-sig") as handle:  # it starts with a BOM
        rows = list(csv.DictReader(handle))
    urls = {r["source_id"]: r["url"] for r in read_rows("sources")}
    curated = read_rows("observations")
    assert len(rows) == len(curated)
    assert {(r["company"], r["metric"], r["date"], r["basis"]) for r in rows} == {
        (r["company"], r["metric"], r["date"], r["basis"]) for r in curated
    }
    assert all(r["url"] == urls[r["source_id"]] for r in rows)


def _overlaps(boxes: list[dict]) -> list[tuple[int, int]]:
    found = []
    for i, a in enumerate(boxes):
        for j, b in enumerate(boxes[i + 1 :], start=i + 1):
            if (
                a["x"] < b["x"] + b["width"] - 1
                and b["x"] < a["x"] + a["width"] - 1
                and a["y"] < b["y"] + b["height"] - 1
                and b["y"] < a["y"] + a["height"] - 1
            ):
                found.append((i, j))
    return found


@pytest.mark.parametrize(
    ("name", "width", "scheme"), [("dark", 1400, "dark"), ("phone", 390, "light")]
)
def test_dark_theme_and_phone_width_render_without_overlap(
    browser, app_server, name, width, scheme
):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    open_page(page, app_server.url)
    cards = page.locator('[data-testid="stMetric"]')
    boxes = [cards.nth(i).bounding_box() for i in range(cards.count())]
    assert boxes and all(boxes)
    assert _overlaps(boxes) == []
    overflow = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m.scrollWidth - m.clientWidth; }"
    )
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"
    background = page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor"
    )
    red, green, blue = (int(v) for v in background[background.index("(") + 1 : -1].split(",")[:3])
    # The theme follows the browser's: near black when it asks for dark, near white if not.
    brightness = red + green + blue
    assert brightness < 200 if scheme == "dark" else brightness > 600, background
    page.screenshot(path=str(ARTIFACTS / f"arc-{name}.png"), full_page=True)
    context.close()
