"""AppTest: each page as Streamlit renders it, asserted against values read from the data."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from headcount.config import CURATED_ENV, ROOT
from tests.csvtools import copy_curated, observations_of, read_rows, with_cell

TIMEOUT = 60


def run_app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    return at.run()


def figure_of(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert charts, "no chart rendered"
    return json.loads(charts[0].proto.spec)


def test_headcount_page_plots_every_klarna_headcount_figure_with_its_source():
    at = run_app()
    assert not at.exception
    assert at.selectbox(key="company").value == "Klarna"
    figure = figure_of(at)
    plotted = {
        (x[:10], float(y)): hover
        for trace in figure["data"]
        for x, y, (hover, _) in zip(trace["x"], trace["y"], trace["customdata"], strict=True)
    }
    rows = observations_of("Klarna", "headcount")
    sources = {r["source_id"]: r for r in read_rows("sources")}
    assert rows
    for row in rows:
        hover = plotted[(row["date"], float(row["value"]))]
        assert sources[row["source_id"]]["publisher"] in hover
        assert row["basis"] in hover


def test_headcount_page_table_lists_every_figure_with_a_link():
    at = run_app()
    table = at.dataframe[0].value
    rows = observations_of("Klarna", "headcount")
    assert len(table) == len(rows)
    urls = {r["source_id"]: r["url"] for r in read_rows("sources")}
    assert set(table["url"]) == {urls[r["source_id"]] for r in rows}


def test_switching_company_redraws_for_that_company():
    at = run_app()
    at.selectbox(key="company").select("Salesforce").run()
    figure = figure_of(at)
    values = sorted(float(y) for trace in figure["data"] for y in trace["y"])
    expected = sorted(float(r["value"]) for r in observations_of("Salesforce", "headcount"))
    assert values == expected
    assert "Salesforce" in at.title[0].value


@pytest.mark.parametrize(
    ("table", "column", "value", "problem"),
    [
        ("observations", "value", "5.527,0", "not a plain number"),
        ("sources", "url", "javascript:alert(1)", "not an http(s) web address"),
        ("events", "date", "2024-02-31", "not a valid date"),
    ],
)
def test_broken_curated_file_shows_what_and_where_instead_of_a_chart(
    tmp_path, monkeypatch, table, column, value, problem
):
    folder = copy_curated(tmp_path / "curated")
    data, line = with_cell(table, 3, column, value)
    (folder / f"{table}.csv").write_bytes(data)
    monkeypatch.setenv(CURATED_ENV, str(folder))
    at = run_app()
    assert not at.exception, "a broken file must not become a traceback"
    assert not at.get("plotly_chart")
    assert "did not pass validation" in at.error[0].value
    shown = at.dataframe[0].value.to_dict("records")
    assert {
        "file": str(folder / f"{table}.csv"),
        "line": line,
        "column": column,
        "value": value,
        "problem": problem,
    }.items() <= shown[0].items()
