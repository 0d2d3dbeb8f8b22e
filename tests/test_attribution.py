"""Every chart names the sources of its own points under its title, with the link to its view
(the README: "each chart carries its source line"): the Explorer's too, and the arc page's side
charts their own sources rather than the whole page's. Expected publishers are read from the
curated CSV files here, on their own."""

from __future__ import annotations

import html
import json
import re
from collections import Counter

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from headcount import attribution, charts
from tests.apptest import open_app
from tests.csvtools import read_rows

PUBLISHER = {row["source_id"]: row["publisher"] for row in read_rows("sources")}


def run_page(page: str | None = None, **params: str) -> AppTest:
    return open_app(page, params)


def subtitle(figure: dict) -> tuple[str, str]:
    """The source line under a chart's title (wrapped over lines on the chart) and the link
    under it, as a reader sees them."""
    text = figure["layout"]["title"].get("subtitle", {}).get("text", "")
    *source, link = [html.unescape(line) for line in text.split("<br>")]
    return " ".join(source), link


def named(line: str) -> tuple[str, int]:
    """('Klarna Group plc (Form F-1); Reuters', 4) from 'Sources: Klarna Group plc (Form F-1);
    Reuters and 4 more'."""
    found = re.fullmatch(r"Sources?: (.+?)(?: and (\d+) more)?", line)
    assert found, line
    return found.group(1), int(found.group(2) or 0)


def assert_names_its_own_sources(line: str, publishers: Counter[str]) -> None:
    """The line names the publisher behind most points first, then others of its own points
    only, and counts the rest."""
    shown, more = named(line)
    names = shown.split("; ")
    top = names[0]
    most = max(publishers.values())
    leaders = [p for p, n in publishers.items() if n == most]
    # A long name is cut to fit a phone's line, ending in an ellipsis.
    assert any(p == top or (top.endswith("…") and p.startswith(top[:-1])) for p in leaders), line
    assert set(names[1:]) <= set(publishers), line
    assert len(names) + more == len(publishers), (line, publishers)


@pytest.mark.slow  # measured: among the costliest of the quick loop
def test_each_explorer_chart_names_the_sources_of_its_points_and_links_its_view():
    at = run_page("explorer", compare="Salesforce")
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert len(charts) == 1  # headcount, in employees: one panel
    table = at.dataframe[0].value  # exactly what is plotted, one row per source of a point
    publishers = Counter(PUBLISHER[source_id] for source_id in table["source_id"])
    line, link = subtitle(charts[0])
    assert_names_its_own_sources(line, publishers)
    # The view's own link (AppTest has no address of its own, so only its query shows).
    assert "compare=Salesforce" in link


def test_the_arcs_valuation_chart_names_its_own_sources_not_the_pages():
    at = run_page()
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    valuation = next(f for f in charts if "valuation" in f["layout"]["title"]["text"])
    rows = [
        row
        for row in read_rows("observations")
        if row["company"] == "Klarna" and row["metric"] == "valuation"
    ]
    assert {row["unit"] for row in rows} == {"USD"}  # all drawn on the one chart
    line, _ = subtitle(valuation)
    assert_names_its_own_sources(line, Counter(PUBLISHER[row["source_id"]] for row in rows))


SOURCES = pl.DataFrame(
    {
        "source_id": ["f1", "cnbc", "wiki", "bbc1", "bbc2"],
        "publisher": ["Klarna Group plc (Form F-1)", "CNBC", "Wikipedia", "BBC", "BBC"],
    }
)


@pytest.mark.parametrize(
    ("ids", "line"),
    [
        (["f1", "cnbc", "f1", "wiki"], "Sources: Klarna Group plc (Form F-1); CNBC; Wikipedia"),
        (["cnbc", "cnbc"], "Source: CNBC"),
        (["bbc1", "bbc2", "f1"], "Sources: BBC; Klarna Group plc (Form F-1)"),  # BBC: two pages
        (["gone", "wiki"], "Source: Wikipedia"),  # an id of no source names nobody
        ([], ""),
    ],
)
def test_the_source_line_names_the_publisher_behind_most_points(ids, line):
    assert attribution.source_line(ids, SOURCES) == line


def test_a_long_publisher_is_cut_to_two_lines_on_a_phone():
    long = pl.DataFrame({"source_id": ["x", "y"], "publisher": ["P" * 200, "Q"]})
    line = attribution.source_line(["x", "x", "y"], long)
    assert len(line) == 2 * 52 and line.endswith("… and 1 more")


def test_as_many_publishers_are_named_as_fit_two_lines_the_rest_counted():
    names = [f"Publisher number {n:02d}" for n in range(12)]  # 19 characters each
    many = pl.DataFrame({"source_id": [str(n) for n in range(12)], "publisher": names})
    ids = [str(n) for n in range(12) for _ in range(12 - n)]  # 0 behind most points
    line = attribution.source_line(ids, many)
    assert line == (
        "Sources: Publisher number 00; Publisher number 01; Publisher number 02; "
        "Publisher number 03 and 8 more"
    )
    assert len(line) <= 2 * 52


def test_ids_travel_with_each_point_and_are_read_back_from_every_trace():
    figure = {
        "data": [
            {"customdata": [attribution.point_data("hover", ["a", "b"]), ["hover", "a"]]},
            {"customdata": [attribution.point_data("hover", [])]},
            {"y": [1, 2]},
        ]
    }
    assert attribution.figure_ids(figure) == ["a", "b", "a"]
    clicked = {"selection": {"points": [{"customdata": ["h", "a;b"]}, {"customdata": ["h", "b"]}]}}
    assert attribution.selected_ids(clicked) == ["a", "b"]


def test_no_raw_address_is_printed_under_a_title_but_the_named_link_leads_to_the_view():
    """Issue 24.7: the chart prints the dashboard's name and host (which an exported image
    keeps); the whole address is the link's target, and the Cite this block's text."""
    link = "http://127.0.0.1:8515/explorer?company=Klarna&compare=IBM"
    figure = charts.stamped({"data": [], "layout": {}}, "Source: Reuters", link)
    text = figure["layout"]["title"]["subtitle"]["text"]
    printed = html.unescape(re.sub(r"<[^>]+>", " ", text))
    assert "http" not in printed and "company=" not in printed
    assert "Headcount & AI claims · 127.0.0.1:8515" in printed
    assert re.findall(r'<a href="([^"]+)">', text) == [link]
