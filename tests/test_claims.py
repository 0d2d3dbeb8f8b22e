"""Series, spine and points: lines join one basis only; conflicts stay visible."""

from __future__ import annotations

import polars as pl
import pytest

from headcount import claims, dataset
from headcount.charts import metric_figure
from tests.csvtools import observations_of, read_rows


@pytest.fixture(scope="module")
def data() -> dataset.Dataset:
    loaded = dataset.load_curated()
    assert loaded.ok and loaded.dataset is not None, loaded.problems
    return loaded.dataset


def test_spine_is_the_series_with_most_filed_values(data):
    rows = read_rows("observations")
    klarna = [r for r in rows if r["company"] == "Klarna" and r["metric"] == "headcount"]
    filed: dict[str, int] = {}
    for r in klarna:
        filed[r["basis"]] = filed.get(r["basis"], 0) + (r["claim_type"] == "filing")
    expected = max(filed, key=lambda b: filed[b])
    assert claims.spine_basis(claims.claims_for(data, "Klarna", "headcount")) == expected


@pytest.mark.slow  # among the quick loop's costliest (--durations)
def test_every_line_joins_one_basis_only(data):
    lines = 0
    for company in data.companies():
        for metric in ("headcount", "revenue", "valuation", "revenue_per_employee"):
            plotted = claims.points(claims.claims_for(data, company, metric))
            figure = metric_figure(plotted, "t", "y")
            for trace in figure.data:
                if "lines" not in trace.mode:
                    continue
                ids = {i for _, joined in trace.customdata for i in joined.split(";")}
                bases = set(
                    data.observations.filter(pl.col("source_id").is_in(list(ids)))
                    .filter(pl.col("metric") == metric, pl.col("company") == company)
                    .filter(pl.col("basis") == trace.name.replace("<br>", " "))
                    .get_column("basis")
                )
                # A long name is wrapped for the legend at spaces.
                assert bases == {trace.name.replace("<br>", " ")}
                lines += 1
    assert lines >= 30  # 39 lines in the curated data (17 companies, four metrics)


def test_agreeing_sources_merge_into_one_point_and_conflicts_do_not(data):
    rows = claims.claims_for(data, "Klarna", "ai_workload_fte")
    plotted = claims.points(rows)
    raw = observations_of("Klarna", "ai_workload_fte")
    distinct = {(r["basis"], r["date"], float(r["value"])) for r in raw}
    assert plotted.height == len(distinct)
    for point in plotted.iter_rows(named=True):
        sources = {
            r["source_id"]
            for r in raw
            if (r["basis"], r["date"], float(r["value"]))
            == (point["basis"], str(point["date"]), point["value"])
        }
        assert set(point["source_ids"]) == sources
    conflicts = claims.conflicts_within_series(rows)
    same_day = {(r["basis"], r["date"]) for r in raw}
    values_per_day = {
        k: {float(r["value"]) for r in raw if (r["basis"], r["date"]) == k} for k in same_day
    }
    assert conflicts.height == sum(len(v) > 1 for v in values_per_day.values())


def test_targets_are_never_on_a_line(data):
    plotted = claims.points(claims.claims_for(data, "Klarna", "headcount"))
    targets = plotted.filter(pl.col("claim_types").list.contains("target"))
    assert targets.height > 0
    assert set(targets.get_column("role")) == {claims.TARGET}


def test_hover_text_escapes_markup():
    from headcount.charts import hover_text

    text = hover_text(
        {
            "label": "1 employees",
            "date": "2024-01-01",
            "basis": "<script>alert(1)</script>",
            "claim_types": ["filing"],
            "cited_list": ["<img src=x>"],
        }
    )
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;" in text
