"""The Explorer's comparison: best series by default, every left-out figure named, an index that
never divides by zero, the cause filter, and a table that is exactly the chart."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from headcount import charts, comparison
from headcount.claims import STATEMENT, TARGET
from headcount.share import View

FILED = "employees at year end (annual report)"
SAID = "employees stated by the CEO"


def row(company, date, value, basis=FILED, claim="filing", metric="headcount", cause=None):
    return {
        "company": company,
        "metric": metric,
        "date": dt.date.fromisoformat(date),
        "period": "instant",
        "value": float(value),
        "unit": "fte" if metric == "ai_workload_fte" else "employees",
        "basis": basis,
        "claim_type": claim,
        "source_id": f"s-{company}-{date}-{value}",
        "note": None,
        "attribution": cause,
    }


OBSERVATIONS = pl.DataFrame(
    [
        row("A", "2022-12-31", 5000),
        row("A", "2023-12-31", 4000),
        row("A", "2024-12-31", 3500),
        row("A", "2024-06-01", 3800, SAID, "executive_statement", cause="ai_does_work"),
        row("A", "2030-01-01", 2000, "target headcount", "target", cause="forecast"),
        row("B", "2023-01-01", 9000, SAID, "executive_statement", cause="ai_named_reason"),
        row("B", "2024-01-01", 7000, "other statement", "press_estimate", cause="ai_denied"),
        row("C", "2022-12-31", 0),  # a series that starts at 0 cannot be indexed
        row("C", "2023-12-31", 40),
        row("C", "2024-12-31", 80),
    ]
)
SOURCES = pl.DataFrame(
    {
        "source_id": OBSERVATIONS.get_column("source_id"),
        "publisher": "P",
        "title": "T",
        "url": "https://example.org/",
        "accessed": dt.date(2026, 11, 21),
        "published": None,
        "via": None,
        "reliability": "primary",
        "quote": None,
        "language": None,
    },
    schema_overrides={"published": pl.Date, "via": pl.String, "quote": pl.String},
)


def compare(**choices: object) -> comparison.Comparison:
    view = View("A", **{"compare": ("B", "C"), **choices})  # type: ignore[arg-type]
    return comparison.compare(OBSERVATIONS, SOURCES, view)


def plotted(result: comparison.Comparison) -> set[tuple[str, dt.date, float]]:
    return {
        (r["company"], r["date"], round(r["plot_value"], 6))
        for panel in result.panels
        for r in panel.points.iter_rows(named=True)
    }


def listed(result: comparison.Comparison) -> set[tuple[str, dt.date, float]]:
    return {
        (r["company"], r["date"], round(r["plot_value"], 6))
        for r in result.rows.iter_rows(named=True)
    }


def test_by_default_each_company_shows_its_filed_series_only():
    result = compare()
    assert plotted(result) == {
        ("A", dt.date(2022, 12, 31), 5000.0),
        ("A", dt.date(2023, 12, 31), 4000.0),
        ("A", dt.date(2024, 12, 31), 3500.0),
        ("C", dt.date(2022, 12, 31), 0.0),
        ("C", dt.date(2023, 12, 31), 40.0),
        ("C", dt.date(2024, 12, 31), 80.0),
    }
    notes = " ".join(result.panels[0].notes)
    assert "A: 2 figures on other bases" in notes
    assert "B has no headcount series with two or more dates" in notes
    assert "see its 2 figures" in notes


def test_a_lone_figure_in_another_unit_is_on_another_basis_of_a_drawn_series():
    """Written out: A's employees are drawn; its one count in FTE is left out, and the note
    must not say that A has no headcount series."""
    fte = {**row("A", "2025-12-31", 3300), "unit": "fte", "basis": "full-time equivalents"}
    observations = pl.concat([OBSERVATIONS, pl.DataFrame([fte], schema=OBSERVATIONS.schema)])
    view = View("A", compare=("B", "C"))
    result = comparison.compare(observations, SOURCES, view)
    notes = " ".join([*result.notes, *(note for panel in result.panels for note in panel.notes)])
    assert "A has no headcount series" not in notes
    assert "A: 1 figure on other bases" in notes  # the FTE count, beside the statements' note


def test_statements_and_targets_add_every_row_as_its_kind():
    result = compare(statements=True)
    points = result.panels[0].points
    assert points.height == OBSERVATIONS.height
    roles = dict(zip(points.get_column("value"), points.get_column("role"), strict=True))
    assert roles[2000.0] == TARGET and roles[9000.0] == STATEMENT
    assert result.panels[0].notes == ()


@pytest.mark.parametrize("choices", [{}, {"statements": True}, {"index": True}])
def test_the_table_lists_exactly_the_plotted_points(choices):
    result = compare(**choices)
    assert listed(result) == plotted(result)
    assert result.rows.height == len(plotted(result))  # one source per point here


def test_index_starts_each_series_at_100_and_never_divides_by_zero():
    result = compare(index=True, statements=True)
    values = {(c, d): v for c, d, v in plotted(result)}
    assert values[("A", dt.date(2022, 12, 31))] == 100.0
    assert values[("A", dt.date(2024, 12, 31))] == 70.0
    assert not any(company == "C" for company, _ in values)
    notes = " ".join(result.panels[0].notes)
    assert "C · employees at year end (annual report) is 0 in 2022, the common base year" in notes
    assert "4 lone statements and targets are not indexed" in notes


def test_index_with_nothing_to_index_says_so_next_to_the_empty_chart():
    result = comparison.compare(OBSERVATIONS, SOURCES, View("B", index=True, statements=True))
    (panel,) = result.panels
    assert panel.points.is_empty() and panel.rows.is_empty()
    assert any("nothing to index" in note for note in panel.notes)


def test_the_cause_filter_keeps_claims_of_that_cause_and_every_filed_figure():
    result = compare(statements=True, attributions=("ai_does_work",))
    causes = set(result.rows.get_column("attribution").to_list())
    assert causes == {None, "ai_does_work"}
    assert result.rows.filter(pl.col("claim_type") == "filing").height == 6


def test_a_company_without_the_metric_is_named():
    result = compare(metrics=("headcount", "ai_workload_fte"))
    assert "No AI workload (FTE) figures for A, B or C" in " ".join(result.notes)


def test_nothing_in_the_range_gives_one_clear_message():
    result = compare(start=dt.date(2025, 6, 1), end=dt.date(2025, 7, 1))
    assert result.panels == ()
    assert "No headcount figures for A, B or C" in result.notes[0]


def test_colour_means_company_and_shape_means_kind_of_claim():
    result = compare(statements=True)
    figure = charts.comparison_figure(
        result.panels[0].points, "t", ("A", "B", "C"), every=("A", "B", "C")
    )
    by_group: dict[str, set[str]] = {}
    for trace in figure.data:
        by_group.setdefault(trace.legendgroup, set()).add(trace.marker.color)
    assert all(len(colours) == 1 for colours in by_group.values())
    assert by_group["A"] == {"#0072B2"}  # the catalog's first company has the arc's blue
    assert len({next(iter(c)) for c in by_group.values()}) == 3
    symbols = {t.name: t.marker.symbol for t in figure.data if t.mode == "markers"}
    assert symbols["targets (goals)"].endswith("-open")
    assert symbols["statements (own basis)"] == "diamond"
    titles = [t.legendgrouptitle.text for t in figure.data if t.legendgrouptitle.text]
    assert titles == ["A", "B", "C"]


def test_the_value_axis_says_what_it_counts():
    figure = charts.comparison_figure(compare().panels[0].points, "t", ("A",))
    assert figure.layout.yaxis.title.text == "employees"
    (panel,) = compare(index=True).panels
    indexed = charts.comparison_figure(panel.points, "t", ("A",), base_year=panel.base_year)
    assert indexed.layout.yaxis.title.text == "Index (= 100 in 2022)"
    logged = charts.comparison_figure(compare().panels[0].points, "t", ("A",), log=True)
    assert logged.layout.yaxis.type == "log"
    assert logged.layout.yaxis.title.text == "employees, log scale"


def test_hovers_say_kind_and_cause_in_words():
    result = compare(statements=True)
    figure = charts.comparison_figure(result.panels[0].points, "t", ("A",))
    hovers = " ".join(h for t in figure.data for h, _ in t.customdata)
    assert "Kind: executive statement" in hovers and "Cause: AI does the work" in hovers
    assert "executive_statement" not in hovers and "ai_does_work" not in hovers
    assert "31 Dec 2022" in hovers and "00:00" not in hovers


def test_in_index_mode_the_hidden_note_says_what_would_show_them():
    notes = " ".join(compare(index=True).panels[0].notes)
    assert "B has no headcount series" in notes
    assert "switch the index off and turn on “Statements and targets”" in notes


def test_one_series_still_names_its_company_in_a_legend():
    result = comparison.compare(OBSERVATIONS, SOURCES, View("A"))
    figure = charts.comparison_figure(result.panels[0].points, "t", ("A",))
    assert len(figure.data) == 1 and figure.layout.showlegend is True
    assert figure.data[0].legendgrouptitle.text == "A"


def line(company: str, values: list[float]) -> list[dict]:
    return [row(company, f"{2020 + i}-12-31", v) for i, v in enumerate(values)]


def on_screen(result: comparison.Comparison) -> list[float]:
    """Every number the index chart and its table would show."""
    drawn = [v for panel in result.panels for v in panel.points.get_column("plot_value")]
    return drawn + result.rows.get_column("plot_value").to_list()


@pytest.mark.parametrize(
    ("first", "said"),
    [
        (0.0, "Z · employees at year end (annual report) is 0 in 2020, the common base year"),
        (1e-307, "Z · employees at year end (annual report) is too close to 0 in 2020"),
    ],
)
def test_a_series_whose_first_value_cannot_divide_is_named_not_drawn_as_inf_or_nan(first, said):
    rows = pl.DataFrame([*line("A", [200, 100, 50]), *line("Z", [first, 10, 20])])
    one = SOURCES.drop("source_id").head(1)
    sources = rows.select("source_id").join(one, how="cross").select(SOURCES.columns)
    result = comparison.compare(rows, sources, View("A", compare=("Z",), index=True))
    shown = on_screen(result)
    assert sorted(shown) == [25.0, 25.0, 50.0, 50.0, 100.0, 100.0]  # A's, chart and table
    assert all(math.isfinite(v) for v in shown)
    assert said in " ".join(result.panels[0].notes)


def test_an_index_is_a_percentage_of_the_first_dated_value_even_when_values_fall_to_0():
    rows = pl.DataFrame(line("A", [40, 0, 10]))
    one = SOURCES.drop("source_id").head(1)
    sources = rows.select("source_id").join(one, how="cross").select(SOURCES.columns)
    result = comparison.compare(rows, sources, View("A", index=True))
    assert sorted(plotted(result)) == [
        ("A", dt.date(2020, 12, 31), 100.0),
        ("A", dt.date(2021, 12, 31), 0.0),
        ("A", dt.date(2022, 12, 31), 25.0),
    ]
    assert result.panels[0].notes == ()


def test_the_bases_picker_offers_every_basis_of_the_chosen_companies_and_metrics():
    view = View("A", compare=("B",), start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 2))
    # The date range does not narrow the offer: a basis stays choosable while dates change.
    assert comparison.bases_on_offer(OBSERVATIONS, view) == [
        FILED,
        SAID,
        "other statement",
        "target headcount",
    ]
    assert comparison.bases_on_offer(OBSERVATIONS, View("C")) == [FILED]


def test_the_plotted_table_speaks_in_words_with_empty_cells_and_an_index_column_only_in_index():
    result = compare(statements=True)
    table = comparison.in_words(result.rows, index=False)
    assert "plot_value" not in table.columns
    statement = table.filter(pl.col("value") == 3800.0).row(0, named=True)
    assert statement["claim_type"] == "executive statement"
    assert statement["attribution"] == "AI does the work"
    assert statement["metric"] == "Headcount" and statement["period"] == "point in time"
    filed = table.filter(pl.col("value") == 5000.0).row(0, named=True)
    assert filed["attribution"] == "" and filed["note"] == ""
    indexed = comparison.in_words(compare(index=True).rows, index=True)
    assert indexed.columns.index("plot_value") == indexed.columns.index("unit") + 1


def test_an_index_sets_every_series_to_100_in_one_common_year():
    # A from 2020, Z from 2022: both are 100 in 2022 (the first year both have a figure), so
    # the lines cross 100 together; W ends before 2022 and cannot share that base.
    rows = pl.DataFrame(
        [
            *line("A", [100, 200, 300, 450]),
            *[row("Z", f"{2022 + i}-12-31", v) for i, v in enumerate([50, 25])],
            *[row("W", f"{2016 + i}-12-31", v) for i, v in enumerate([10, 20])],
        ]
    )
    one = SOURCES.drop("source_id").head(1)
    sources = rows.select("source_id").join(one, how="cross").select(SOURCES.columns)
    result = comparison.compare(rows, sources, View("A", compare=("Z",), index=True))
    (panel,) = result.panels
    assert panel.base_year == 2022
    values = {(c, d.year): round(v, 1) for c, d, v in plotted(result)}
    assert values == {
        ("A", 2020): 33.3,
        ("A", 2021): 66.7,
        ("A", 2022): 100.0,
        ("A", 2023): 150.0,
        ("Z", 2022): 100.0,
        ("Z", 2023): 50.0,
    }
    with_w = comparison.compare(rows, sources, View("A", compare=("Z", "W"), index=True))
    assert with_w.panels[0].base_year == 2022
    assert "W · employees at year end (annual report) has no figure in 2022" in " ".join(
        with_w.panels[0].notes
    )


def test_a_company_keeps_its_colour_whichever_company_the_sidebar_picks():
    points = compare(statements=True).panels[0].points
    every = ("A", "B", "C")

    def colours(companies: tuple[str, ...]) -> dict[str, str]:
        figure = charts.comparison_figure(points, "t", companies, every=every)
        return {t.legendgroup: t.marker.color for t in figure.data}

    assert colours(("A", "B", "C")) == colours(("C", "A", "B")) == colours(("B", "C", "A"))
    # Two companies never share a colour, even when their own colours would clash.
    assert len(set(charts.company_colours(["A", "H"], [*"ABCDEFGH"]).values())) == 2


def test_each_best_line_ends_in_its_company_name():
    result = comparison.compare(
        pl.DataFrame([*line("A", [100, 110]), *line("Z", [101, 111])]),
        SOURCES.head(0),
        View("A", compare=("Z",)),
    )
    figure = charts.comparison_figure(result.panels[0].points, "t", ("A", "Z"))
    ends = {a.text: (a.x, a.y) for a in figure.layout.annotations}
    assert ends == {
        "<b>A</b>": (dt.date(2021, 12, 31), 110.0),
        "<b>Z</b>": (dt.date(2021, 12, 31), 111.0),
    }
    # 110 and 111 would print on top of each other: one name is pushed clear of the other.
    shifts = sorted(a.yshift or 0 for a in figure.layout.annotations)
    assert shifts[1] - shifts[0] >= 15
