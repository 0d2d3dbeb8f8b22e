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

from headcount import attribution
from tests.apptest import open_app
from tests.csvtools import read_rows

PUBLISHER = {row["source_id"]: row["publisher"] for row in read_rows("sources")}


def run_page(page: str | None = None, **params: str) -> AppTest:
    return open_app(page, params)


def subtitle(figure: dict) -> list[str]:
    """The lines under a chart's title, as a reader sees them."""
    text = figure["layout"]["title"].get("subtitle", {}).get("text", "")
    return [html.unescape(line) for line in text.split("<br>")]


def named(line: str) -> tuple[str, int]:
    """('Klarna Group plc (Form F-1)', 4) from 'Source: Klarna Group plc (Form F-1) and 4 more'."""
    found = re.fullmatch(r"Source: (.+?)(?: and (\d+) more)?", line)
    assert found, line
    return found.group(1), int(found.group(2) or 0)


def assert_names_most_cited(line: str, publishers: Counter[str]) -> None:
    top, more = named(line)
    assert more == len(publishers) - 1, (line, publishers)
    most = max(publishers.values())
    leaders = [p for p, n in publishers.items() if n == most]
    # A long name is cut to fit a phone's line, ending in an ellipsis.
    assert any(p == top or (top.endswith("…") and p.startswith(top[:-1])) for p in leaders), line


@pytest.mark.slow  # measured: among the costliest of the quick loop
def test_each_explorer_chart_names_the_sources_of_its_points_and_links_its_view():
    at = run_page("explorer", compare="Salesforce")
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert len(charts) == 1  # headcount, in employees: one panel
    table = at.dataframe[0].value  # exactly what is plotted, one row per source of a point
    publishers = Counter(PUBLISHER[source_id] for source_id in table["source_id"])
    line, *link = subtitle(charts[0])
    assert_names_most_cited(line, publishers)
    # The view's own link (AppTest has no address of its own, so only its query shows).
    assert "compare=Salesforce" in "".join(link)


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
    line, *_ = subtitle(valuation)
    assert_names_most_cited(line, Counter(PUBLISHER[row["source_id"]] for row in rows))


SOURCES = pl.DataFrame(
    {
        "source_id": ["f1", "cnbc", "wiki", "bbc1", "bbc2"],
        "publisher": ["Klarna Group plc (Form F-1)", "CNBC", "Wikipedia", "BBC", "BBC"],
    }
)


@pytest.mark.parametrize(
    ("ids", "line"),
    [
        (["f1", "cnbc", "f1", "wiki"], "Source: Klarna Group plc (Form F-1) and 2 more"),
        (["cnbc", "cnbc"], "Source: CNBC"),
        (["bbc1", "bbc2", "f1"], "Source: BBC and 1 more"),  # one publisher, two pages
        (["gone", "wiki"], "Source: Wikipedia"),  # an id of no source names nobody
        ([], ""),
    ],
)
def test_the_source_line_names_the_publisher_behind_most_points(ids, line):
    assert attribution.source_line(ids, SOURCES) == line


def test_a_long_publisher_is_cut_to_one_line_on_a_phone():
    long = pl.DataFrame({"source_id": ["x", "y"], "publisher": ["P" * 80, "Q"]})
    line = attribution.source_line(["x", "x", "y"], long)
    assert len(line) == 52 and line.endswith("… and 1 more")


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
