"""Chart builders: what a figure sends to the browser."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from headcount import charts, claims
from headcount.claims import LINE
from headcount.dataset import load_curated


def long_series(length: int) -> pl.DataFrame:
    """A real plotted line point of the curated data, repeated daily with a known shape: a
    slow wave with one spike up and one dip down in the middle of the run."""
    data = load_curated().dataset
    assert data is not None
    template = claims.points(claims.claims_for(data, "Klarna", "headcount")).filter(
        pl.col("role") == LINE
    )[:1]
    start = dt.date(1990, 1, 1)
    wave = [1000.0 + (day % 97) for day in range(length)]
    wave[length // 3] = 9_999.0
    wave[2 * length // 3] = 1.0
    return pl.concat([template] * length).with_columns(
        pl.Series("date", [start + dt.timedelta(days=day) for day in range(length)]),
        pl.Series("value", wave),
    )


@pytest.mark.slow  # measured: among the costliest of the quick loop
def test_a_long_series_is_thinned_to_the_limit_keeping_its_extremes_and_ends():
    series = long_series(40_000)
    (trace,) = charts.point_traces(series)
    assert len(trace.x) <= 5_000  # the most any trace sends to the browser (RESULTS.md)
    assert max(trace.y) == 9_999.0 and min(trace.y) == 1.0
    assert trace.x[0] == series["date"][0] and trace.x[-1] == series["date"][-1]
    assert list(trace.x) == sorted(trace.x)
    # Every hover still describes its own point.
    assert len(trace.customdata) == len(trace.x)


@pytest.mark.slow  # measured: among the costliest of the quick loop
def test_no_trace_of_the_arc_sends_more_than_the_limit():
    series = long_series(12_000)
    data = load_curated().dataset
    assert data is not None
    events = claims.events_for(data, "Klarna")
    figure = charts.arc_figure(series, series, events, "Synthetic")
    assert figure.data
    assert all(len(trace.x) <= 5_000 for trace in figure.data)


def test_a_short_series_is_sent_whole():
    series = long_series(300)
    (trace,) = charts.point_traces(series)
    assert list(trace.y) == series["value"].to_list()


def one_date_company() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Two real headcount points and one event moved to a single day: a company with one date."""
    data = load_curated().dataset
    assert data is not None
    rows = claims.claims_for(data, "Klarna", "headcount")[:2]
    day = dt.date(2025, 8, 31)
    events = claims.events_for(data, "Klarna")[:1].with_columns(pl.lit(day).alias("date"))
    return claims.points(rows.with_columns(pl.lit(day).alias("date"))), events


def test_a_company_with_one_date_gets_a_month_axis_not_hours():
    points, events = one_date_company()
    for figure in (
        charts.arc_figure(points, points.clear(), events, "One date"),
        charts.metric_figure(points, "One date", "Employees"),
    ):
        axis = figure.layout.xaxis
        first, last = (dt.date.fromisoformat(str(d)[:10]) for d in axis.range)
        assert (last - first).days >= 90  # months either side, so ticks are months
        assert axis.tickformat == "%b %Y"
        # Ticks a month or more apart, so no month is printed twice.
        assert axis.dtick.startswith("M") and int(axis.dtick[1:]) >= 1


def test_statements_on_top_of_each_other_become_one_marker_with_both_hovers():
    data = load_curated().dataset
    assert data is not None
    rows = claims.claims_for(data, "Klarna", "headcount")
    base = rows.filter(pl.col("claim_type") != "target")[:1]
    day = dt.date(2030, 6, 30)
    close = pl.concat(
        [
            base.with_columns(pl.lit(day).alias("date"), pl.lit(2907.0).alias("value"),
                              pl.lit("basis a").alias("basis")),
            base.with_columns(pl.lit(day).alias("date"), pl.lit(2900.0).alias("value"),
                              pl.lit("basis b").alias("basis")),
        ]
    )  # fmt: skip
    traces = charts.point_traces(claims.points(close))
    markers = [(x, y, c) for t in traces for x, y, c in zip(t.x, t.y, t.customdata, strict=True)]
    assert len(markers) == 1
    hover = markers[0][2][0]
    assert "2,907" in hover and "2,900" in hover


def many_points(count: int) -> pl.DataFrame:
    """``count`` real-shaped points, half a filed line and half lone statements, crowded."""
    series = long_series(count).with_columns(
        pl.Series("value", [3000.0 + 40 * (i % 7) for i in range(count)])
    )
    half = count // 2
    lone = series[half:].with_columns(
        pl.Series("basis", [f"statement {i}" for i in range(count - half)]),
        pl.lit(claims.STATEMENT).alias("role"),
        pl.lit(False).alias("spine"),
    )
    return pl.concat([series[:half], lone])


def test_no_two_value_labels_overlap_on_a_phone_even_with_sixty_points():
    from headcount.placement import PHONE_PLOT_WIDTH, box_at

    points = many_points(60)
    span = charts._span([points])
    canvas = charts._canvas(points, 1.0, 200.0, span)
    traces = charts.point_traces(points, canvas=canvas)
    boxes = []
    for trace in traces:
        if trace.text is None:
            continue
        radius = 5.0
        for x, y, text, position in zip(
            trace.x, trace.y, trace.text, trace.textposition, strict=True
        ):
            if text:
                boxes.append(
                    box_at(canvas.x(x), canvas.y(y), radius, text, charts.LABEL_FONT, position)
                )
    assert boxes  # something is labelled
    assert all(b.left >= 0 and b.right <= PHONE_PLOT_WIDTH for b in boxes)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_w = min(a.right, b.right) - max(a.left, b.left)
            overlap_h = min(a.bottom, b.bottom) - max(a.top, b.top)
            assert overlap_w <= 0 or overlap_h <= 0, (a, b)


def test_hovers_say_the_kind_of_claim_and_the_cause_in_words():
    point = {
        "label": "700 FTE",
        "date": dt.date(2024, 2, 27),
        "basis": "work done by the assistant",
        "claim_types": ["company_report"],
        "attributions": ["ai_does_work"],
        "cited_list": ["Klarna"],
    }
    text = charts.hover_text(point)
    assert "27 Feb 2024" in text
    assert "company report" in text and "company_report" not in text
    assert "AI does the work" in text and "ai_does_work" not in text
    event = {"title": "Launch", "date": dt.date(2024, 2, 27), "kind": "ai_deployment",
             "attribution": "ai_named_reason", "detail": None, "cited_as": "Klarna"}  # fmt: skip
    said = charts.event_hover(event)
    assert "AI deployed" in said and "AI named as a reason" in said and "None" not in said
