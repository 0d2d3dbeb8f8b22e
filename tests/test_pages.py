"""AppTest: each page as Streamlit renders it, asserted against values read from the data."""

from __future__ import annotations

import datetime as dt
import json
import re

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from headcount import bootstrap, dataset, settings, story
from headcount.settings import CURATED_ENV
from headcount.store import STORE_ENV, Store
from tests.apptest import open_app, open_expanders
from tests.csvtools import copy_curated, observations_of, read_rows, with_cell

TIMEOUT = 60


def run_app(page: str | None = None, **params: str | list[str]) -> AppTest:
    return open_app(page, params)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def plotted(figure: dict) -> dict[tuple[str, float], str]:
    return {
        (str(x)[:10], float(y)): hover
        for trace in figure["data"]
        if trace.get("name") != "events" and "customdata" in trace  # not the period names
        for x, y, (hover, _) in zip(trace["x"], trace["y"], trace["customdata"], strict=True)
    }


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return "\n".join(parts).replace("\\", "")


def test_arc_plots_every_klarna_headcount_and_ai_figure_with_its_source():
    at = run_app()
    assert at.selectbox(key="company").value == "Klarna"
    arc = figures(at)[0]
    points = plotted(arc)
    sources = {r["source_id"]: r for r in read_rows("sources")}
    rows = observations_of("Klarna", "headcount") + observations_of("Klarna", "ai_workload_fte")
    assert rows
    for row in rows:
        # A figure drawn where another already is joins that point: its hover holds both.
        publisher = sources[row["source_id"]]["publisher"]
        day = dt.date.fromisoformat(row["date"])
        said = (f"{float(row['value']):,.0f}", f"{day.day} {day:%b %Y}", row["basis"], publisher)
        assert any(all(part in h for part in said) for h in points.values()), row


def test_arc_draws_the_companys_events_with_their_sources():
    arc = figures(run_app())[0]
    events = next(t for t in arc["data"] if t.get("name") == "events")
    expected = {
        e["title"] for e in read_rows("events") if e["company"] == "Klarna" and e["kind"] != "other"
    }
    hovers = " ".join(h for h, _ in events["customdata"])
    for title in expected:
        assert title in hovers
    lines = [s for s in arc["layout"]["shapes"] if s["type"] == "line"]
    assert len(lines) == len(
        {
            e["date"]
            for e in read_rows("events")
            if e["company"] == "Klarna" and e["kind"] != "other"
        }
    )


def test_arc_cards_show_figures_from_the_data():
    at = run_app()
    rows = [r for r in observations_of("Klarna", "headcount") if r["claim_type"] != "target"]
    latest = max(r["date"] for r in rows)
    headcount = next(m for m in at.metric if m.label == "Headcount")
    assert headcount.value in {f"{float(r['value']):,.0f}" for r in rows if r["date"] == latest}
    filed = max((r for r in rows if r["claim_type"] == "filing"), key=lambda r: r["date"])
    # The curated data has a statement newer than Klarna's latest filing: the card shows the
    # statement, and the latest filed figure beside it with its month.
    assert filed["date"] < latest
    day = dt.date.fromisoformat(filed["date"])
    assert f"Filed: {float(filed['value']):,.0f}, {day:%b %Y}" in text_of(at)
    labels = {m.label for m in at.metric}
    assert {"Headcount", "AI workload (FTE)", "Revenue per employee", "Valuation"} <= labels


def test_arc_narrative_and_selection_panel_are_rendered():
    at = run_app()
    text = text_of(at)
    assert "What the data shows" in [h.value for h in at.subheader]
    assert "Click a point for its full citation." in text


def test_the_company_picker_says_how_many_figures_each_company_has():
    at = run_app()
    picker = at.selectbox(key="company")
    counts: dict[str, int] = {}
    for row in read_rows("observations"):
        counts[row["company"]] = counts.get(row["company"], 0) + 1
    assert set(picker.options) == {
        f"{c} · {n:,} figure{'s' if n != 1 else ''}" for c, n in counts.items()
    }


def test_switching_company_redraws_for_that_company():
    at = run_app()
    at.selectbox(key="company").select("Salesforce").run()
    values = sorted(v for _, v in plotted(figures(at)[0]))
    assert values == sorted(float(r["value"]) for r in observations_of("Salesforce", "headcount"))
    assert "Salesforce" in at.header[0].value
    assert at.query_params["company"] in ("Salesforce", ["Salesforce"])


def test_a_cite_box_opened_for_one_company_is_closed_for_the_next():
    """Cite this is keyed by what it cites: opened under Klarna's chart, it does not stay
    open (citing another company's chart) when the reader switches company."""
    at = open_expanders(run_app(), "Cite this")
    assert [c.value for c in at.code if c.value.startswith("Headcount & AI claims: 'Klarna")]
    at.selectbox(key="company").select("Salesforce").run()
    assert "Salesforce" in at.header[0].value
    assert [e.label for e in at.expander if e.label == "Cite this"]
    assert not [c.value for c in at.code if c.value.startswith("Headcount & AI claims: ")]


def test_a_shared_link_restores_company_and_explorer_choices():
    at = run_app(
        "explorer", company="Salesforce", compare=["Klarna"], metric=["headcount"], index="1"
    )
    assert at.selectbox(key="company").value == "Salesforce"
    assert at.multiselect(key="compare").value == ["Klarna"]
    assert at.toggle(key="index").value is True
    (chart,) = figures(at)
    # Salesforce's filed series starts Jan 2022, Klarna's Dec 2022: both are 100 in 2022.
    assert chart["layout"]["yaxis"]["title"]["text"] == "Index (= 100 in 2022)"
    traces = chart["data"]
    assert {t["legendgroup"] for t in traces} == {"Salesforce", "Klarna"}
    for trace in traces:  # every line passes 100 at its figure of the common year
        in_2022 = [y for x, y in zip(trace["x"], trace["y"], strict=True) if str(x)[:4] == "2022"]
        assert in_2022 == [pytest.approx(100.0)], trace["name"]


def test_a_log_scale_link_opens_the_explorer_on_a_log_axis_with_each_line_named_at_its_end():
    at = run_app("explorer", company="Klarna", compare=["Amazon"], metric=["headcount"], log="1")
    assert at.toggle(key="log").value is True
    (chart,) = figures(at)
    assert chart["layout"]["yaxis"]["type"] == "log"
    assert chart["layout"]["yaxis"]["title"]["text"] == "employees, log scale"
    names = {a["text"] for a in chart["layout"]["annotations"]}
    assert {"<b>Klarna</b>", "<b>Amazon</b>"} <= names


def test_malformed_link_falls_back_with_a_notice():
    at = run_app(company="Nope", metric="jobs", bogus="1")
    assert at.selectbox(key="company").value == "Klarna"
    notice = at.info[0].value.replace("\\", "")
    assert "'Nope'" in notice and "'jobs'" in notice and "'bogus'" in notice


def chart_points(at: AppTest) -> set[tuple[str, str, float]]:
    """(company, date, drawn value) of every point in the Explorer's charts."""
    return {
        (trace["legendgroup"], str(x)[:10], round(float(y), 6))
        for figure in figures(at)
        for trace in figure["data"]
        for x, y in zip(trace["x"], trace["y"], strict=True)
    }


def table_points(at: AppTest, column: str) -> set[tuple[str, str, float]]:
    table = at.dataframe[0].value
    return {
        (company, str(date)[:10], round(float(value), 6))
        for company, date, value in zip(table["company"], table["date"], table[column], strict=True)
    }


@pytest.mark.parametrize(
    ("params", "column"),
    [
        ({}, "value"),
        ({"statements": "1"}, "value"),
        ({"compare": ["Salesforce", "IBM"], "statements": "1"}, "value"),
        ({"index": "1"}, "plot_value"),
        ({"index": "1", "statements": "1", "compare": ["Salesforce"]}, "plot_value"),
    ],
)
def test_explorer_table_is_exactly_what_is_plotted(params, column):
    at = run_app("explorer", **params)
    assert chart_points(at)
    assert table_points(at, column) == chart_points(at)


def test_explorer_shows_each_companys_filed_series_by_default():
    rows = [r for r in observations_of("Klarna", "headcount") if r["claim_type"] != "target"]
    filed: dict[str, int] = {}
    for r in rows:
        filed[r["basis"]] = filed.get(r["basis"], 0) + (r["claim_type"] == "filing")
    best = max(filed, key=filed.__getitem__)  # the rule: most filed values
    at = run_app("explorer")
    table = at.dataframe[0].value
    assert set(table["basis"]) == {best}
    assert sorted(table["value"]) == sorted(float(r["value"]) for r in rows if r["basis"] == best)
    assert "Statements and targets" in " ".join(c.value for c in at.caption)
    at.toggle(key="statements").set_value(True).run()
    table = at.dataframe[0].value
    everything = observations_of("Klarna", "headcount")
    assert sorted(table["value"]) == sorted(float(r["value"]) for r in everything)
    assert at.query_params["statements"] in ("1", ["1"])


def test_explorer_compares_companies_read_one_by_one_with_every_row_of_each():
    at = run_app(
        "explorer", company="Salesforce", compare=["Klarna"], metric=["headcount"], statements="1"
    )
    table = at.dataframe[0].value
    expected = observations_of("Salesforce", "headcount") + observations_of("Klarna", "headcount")
    assert sorted(zip(table["company"], table["value"], strict=True)) == sorted(
        (r["company"], float(r["value"])) for r in expected
    )


def test_explorer_colours_companies_and_keeps_the_arcs_spine_colour():
    arc = figures(run_app())[0]
    spine = max(arc["data"], key=lambda t: (t.get("line") or {}).get("width", 0))
    at = run_app("explorer", compare=["Salesforce"], statements="1")
    traces = figures(at)[0]["data"]
    klarna = [t for t in traces if t["legendgroup"] == "Klarna"]
    assert spine["name"].endswith(klarna[0]["name"])  # the same filed series first...
    assert {t["marker"]["color"] for t in klarna} == {spine["line"]["color"]}  # ...same colour
    others = {t["marker"]["color"] for t in traces if t["legendgroup"] == "Salesforce"}
    assert len(others) == 1 and others != {spine["line"]["color"]}


def test_explorer_speaks_in_words_not_codes():
    at = run_app("explorer", statements="1")
    table = at.dataframe[0].value
    codes = {r["claim_type"] for r in read_rows("observations") if "_" in r["claim_type"]}
    assert codes and not codes & set(table["claim_type"])
    hovers = " ".join(h for t in figures(at)[0]["data"] for h, _ in t["customdata"])
    assert not any(code in hovers for code in codes)
    assert "00:00" not in hovers


def test_explorer_never_mixes_units_on_one_chart():
    at = run_app("explorer", metric=["revenue", "revenue_per_employee"])
    for figure in figures(at):
        title = figure["layout"]["title"]["text"]
        units = {u for u in ("SEK", "USD") if f"({u}" in title}
        assert len(units) == 1, title


def test_sources_page_lists_every_source_and_what_cites_it():
    at = run_app("sources")
    table = at.dataframe[0].value
    sources = read_rows("sources")
    assert len(table) == len(sources)
    assert set(table["url"]) == {s["url"] for s in sources}
    counts = dict(zip(table["source_id"], table["citations"], strict=True))
    for source in sources:
        cites = sum(r["source_id"] == source["source_id"] for r in read_rows("observations"))
        cites += sum(r["source_id"] == source["source_id"] for r in read_rows("events"))
        assert counts[source["source_id"]] == cites


def test_sources_page_speaks_in_words():
    at = run_app("sources")
    table = at.dataframe[0].value
    cells = " ".join(str(v) for column in table.columns for v in table[column])
    # A quote is the page's own words ("None of the above points are trying to ... replacing
    # folks with AI", Block's CEO): there only a cell that is nothing but "None" is a blank.
    worded = " ".join(str(v) for c in table.columns if c != "quote" for v in table[c])
    assert "None" not in worded and "00:00:00" not in cells
    assert not {"None", "nan", "NaN"} & {str(v) for v in table["quote"]}
    grades = {s["reliability"] for s in read_rows("sources") if s["reliability"]}
    assert grades and not grades & set(table["reliability"])
    metrics = {r["metric"] for r in read_rows("observations") if "_" in r["metric"]}
    assert metrics and not any(m in cells for m in metrics)
    assert not any(f"{float(r['value'])} " in cells + " " for r in read_rows("observations"))
    text = text_of(at)
    claim_types = {r["claim_type"] for r in read_rows("observations") if "_" in r["claim_type"]}
    assert not any(code in text for code in claim_types | metrics)


def test_sources_search_filters_the_bibliography():
    at = run_app("sources")
    at.text_input(key="source_search").input("Payments Dive").run()
    table = at.dataframe[0].value
    expected = {
        s["source_id"]
        for s in read_rows("sources")
        if "payments dive" in " ".join(s.values()).lower()
    }
    assert expected and set(table["source_id"]) == expected


def test_sources_page_shows_framings_and_conflicts_from_the_data():
    at = run_app("sources")
    text = text_of(at)
    for framing in read_rows("framings"):
        assert framing["claim"] in text
        assert framing["shows"] in text
    assert "Conflicts ledger" in [h.value for h in at.header]
    assert "How to cite this dashboard" in [h.value for h in at.header]


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
    # The app's first start on the embedded default store (here in tmp_path) seeds it.
    monkeypatch.setattr(settings, "DEFAULT_STORE_URL", f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    monkeypatch.delenv(STORE_ENV)
    at = run_app()
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


def test_arc_table_alternative_lists_every_plotted_figure_on_request():
    at = run_app()
    assert not at.dataframe  # nothing sent until asked for
    at.toggle(key="table").set_value(True).run()
    table = at.dataframe[0].value
    klarna = [r for r in read_rows("observations") if r["company"] == "Klarna"]
    headline = [r for r in klarna if r["metric"] in story.HEADLINE_METRICS]
    assert len(table) == len(headline)
    assert set(table["url"]) <= {r["url"] for r in read_rows("sources")}


def test_rows_written_past_validation_stop_their_company_and_name_the_export_line(
    tmp_path, monkeypatch
):
    # The arc page reads one company's rows and checks them as it reads them; a bad row
    # stops that company's page with the line it has in `headcount export`'s file.
    url = f"sqlite:///{tmp_path / 'tampered.sqlite'}"
    bootstrap.initialise(url)
    store = Store(url)
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE rows_observations SET unit = 'parsecs' WHERE rowid = "
            "(SELECT min(rowid) FROM rows_observations WHERE company = 'Klarna')"
        )
    export = dataset.in_export_order("observations", store.read()["observations"])
    line = export.filter(pl.col("unit") == "parsecs").get_column("_line").item()
    store.engine.dispose()
    monkeypatch.setenv(STORE_ENV, url)

    at = run_app(company="Klarna")
    assert not at.get("plotly_chart")
    assert "did not pass validation" in at.error[0].value
    shown = at.dataframe[0].value.to_dict("records")
    assert {
        "file": "observations.csv (revision 1)",
        "line": line,
        "column": "unit",
        "value": "parsecs",
    }.items() <= shown[0].items()

    other = run_app(company="IBM")  # its own rows are valid: its arc is drawn
    assert other.get("plotly_chart")


def test_arc_lists_each_numbered_event_on_a_line_of_its_own_in_date_order():
    at = run_app()
    events = sorted(
        (e for e in read_rows("events") if e["company"] == "Klarna" and e["kind"] != "other"),
        key=lambda e: e["date"],
    )
    listing = next(c.value for c in at.caption if "  \n" in c.value and " · " in c.value)
    lines = listing.replace("\\", "").split("  \n")
    assert len(lines) == len(events)
    numbers = [int(line.split(" · ")[0]) for line in lines]
    assert numbers == sorted(numbers) and numbers[0] == 1
    for line, event in zip(lines, events, strict=True):
        day = dt.date.fromisoformat(event["date"])
        assert f"{day.day} {day:%b %Y}" in line
    assert {e["title"] for e in events} == {line.split(": ", 1)[1] for line in lines}


def test_sources_lists_the_series_over_a_year_old_on_the_day_the_data_is_current_to():
    import datetime as dt

    current_to = max(dt.date.fromisoformat(r["accessed"]) for r in read_rows("sources"))
    newest: dict[tuple[str, str, str, str], dt.date] = {}
    for r in read_rows("observations"):
        key = (r["company"], r["metric"], r["unit"], r["basis"])
        newest[key] = max(newest.get(key, dt.date.min), dt.date.fromisoformat(r["date"]))
    stale = {k for k, d in newest.items() if (current_to - d).days > 365}
    at = run_app("sources")
    assert f"current to {current_to.day} {current_to:%b %Y}" in text_of(at)
    shown = next(f.value for f in at.dataframe if "newest" in f.value.columns)
    assert {(r["company"], r["basis"]) for r in shown.to_dict("records")} == {
        (c, b) for c, _, _, b in stale
    }


def test_arc_shows_the_companys_latest_claims_against_the_filed_record():
    at = run_app(company="Klarna")
    assert "Its AI claims against the filed record" in [h.value for h in at.subheader]
    text = text_of(at)
    assert "Last filing before: 3,422 employees on 31 Dec 2024" in text
    assert "No filing since" in text
    # Said once for the claims that share it (issue 24.5), never under each of them.
    assert text.count("Last filing before: 3,422 employees on 31 Dec 2024") == 1
    # Publishers, never source ids ('[f1-breitbart]'), in the narrative and the claims.
    ids = {r["source_id"] for r in read_rows("sources")}
    assert re.findall(r"\[[a-z0-9][a-z0-9_.-]*\]", text) == []
    assert sorted(i for i in ids if "-" in i and i in text) == []
    assert "Klarna Group plc (Form F-1)" in text
