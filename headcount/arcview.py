"""Everything the arc page shows for one company, computed from a dataset in one place.

It is a pure function of (dataset, company), so the page can keep it per published revision
and company: switching back to a company already seen costs no recomputation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go
import polars as pl

from headcount import charts, claims, story
from headcount.dataset import Dataset

# The two smaller charts under the arc: metric and its label.
SIDE_CHARTS = (
    ("revenue_per_employee", "Revenue per employee"),
    ("valuation", "Valuation"),
)


@dataclass(frozen=True)
class SideChart:
    metric: str
    label: str
    figure: go.Figure | None
    hidden_units: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArcView:
    company: str
    title: str
    claimed: dict[str, pl.DataFrame]
    events: pl.DataFrame
    headlines: list[story.Headline]
    sentences: list[str]
    arc: go.Figure | None
    side: list[SideChart] = field(default_factory=list)

    @property
    def every_row(self) -> pl.DataFrame:
        return pl.concat(list(self.claimed.values()), how="vertical")


def build(data: Dataset, company: str) -> ArcView:
    metrics = story.HEADLINE_METRICS
    claimed = {metric: claims.claims_for(data, company, metric) for metric in metrics}
    points = {metric: claims.points(rows) for metric, rows in claimed.items()}
    events = claims.events_for(data, company)
    headlines = story.headlines(points)
    arc = None
    if points["headcount"].height or points["ai_workload_fte"].height:
        arc = charts.arc_figure(points["headcount"], points["ai_workload_fte"], events, company)
    cards = {headline.metric: headline for headline in headlines}
    side = []
    for metric, label in SIDE_CHARTS:
        if metric not in cards:
            side.append(SideChart(metric, label, None))
            continue
        # One unit per axis: SEK and USD figures are never drawn on the same scale.
        unit = cards[metric].unit
        shown = claims.points(claimed[metric].filter(pl.col("unit") == unit))
        figure = charts.metric_figure(shown, f"{company}: {label.lower()} ({unit})", label)
        hidden = tuple(sorted(set(points[metric].get_column("unit")) - {unit}))
        side.append(SideChart(metric, label, figure, hidden))
    return ArcView(
        company=company,
        title=f"{company}: headcount, AI work and what happened in between",
        claimed=claimed,
        events=events,
        headlines=headlines,
        sentences=story.narrative(data, company, points),
        arc=arc,
        side=side,
    )
