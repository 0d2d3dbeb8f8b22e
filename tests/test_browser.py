"""The headcount page in headless Chromium, as a person sees it: chart, hover, click."""

from __future__ import annotations

import pytest

from headcount import claims, dataset
from tests.conftest import ARTIFACTS
from tests.csvtools import read_rows

pytestmark = pytest.mark.browser
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot'


def lone_spine_point() -> tuple[int, dict]:
    """A spine point (its index on the line, and its data) with no other point on its date,
    so hovering it cannot pick up a neighbour."""
    loaded = dataset.load_curated()
    plotted = claims.points(claims.claims_for(loaded.dataset, "Klarna", "headcount"))
    spine = plotted.filter(plotted["spine"]).sort("date").to_dicts()
    crowded = {d for d, n in plotted.group_by("date").len().iter_rows() if n > 1}
    return next((i, p) for i, p in enumerate(spine) if p["date"] not in crowded)


def open_page(page, app_server):
    page.goto(app_server.url)
    page.wait_for_selector(f"{CHART} .main-svg", timeout=60_000)
    page.wait_for_selector(f"{CHART} .scatterlayer .trace .point", timeout=30_000)


def spine_marker(page, index: int):
    # Traces are drawn in figure order and the spine is the first trace.
    return page.locator(f"{CHART} .scatterlayer .trace").first.locator(".point").nth(index)


def test_chart_renders_with_citations_on_hover_and_click(page, app_server):
    open_page(page, app_server)
    page.screenshot(path=str(ARTIFACTS / "headcount-page.png"), full_page=True)
    index, point = lone_spine_point()
    sources = {r["source_id"]: r for r in read_rows("sources")}

    box = spine_marker(page, index).bounding_box()
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
    page.screenshot(path=str(ARTIFACTS / "headcount-selected.png"), full_page=True)


def test_table_alternative_lists_the_sources(page, app_server):
    open_page(page, app_server)
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.wait_for(timeout=30_000)
    assert grid.is_visible()
