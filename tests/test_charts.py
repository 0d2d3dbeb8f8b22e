"""Chart builders: what a figure sends to the browser."""

from __future__ import annotations

import datetime as dt

import polars as pl

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


def test_a_long_series_is_thinned_to_the_limit_keeping_its_extremes_and_ends():
    series = long_series(40_000)
    (trace,) = charts.point_traces(series)
    assert len(trace.x) <= charts.MAX_POINTS_PER_TRACE
    assert max(trace.y) == 9_999.0 and min(trace.y) == 1.0
    assert trace.x[0] == series["date"][0] and trace.x[-1] == series["date"][-1]
    assert list(trace.x) == sorted(trace.x)
    # Every hover still describes its own point.
    assert len(trace.customdata) == len(trace.x)


def test_no_trace_of_the_arc_sends_more_than_the_limit():
    series = long_series(12_000)
    data = load_curated().dataset
    assert data is not None
    events = claims.events_for(data, "Klarna")
    figure = charts.arc_figure(series, series, events, "Synthetic")
    assert figure.data
    assert all(len(trace.x) <= charts.MAX_POINTS_PER_TRACE for trace in figure.data)


def test_a_short_series_is_sent_whole():
    series = long_series(300)
    (trace,) = charts.point_traces(series)
    assert list(trace.y) == series["value"].to_list()
