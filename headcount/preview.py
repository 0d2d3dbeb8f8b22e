"""What the Upload page offers before and after a check: a template per table (its header and
two rows of the current data) and the arc of one company as it would look once published."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from headcount import charts, claims, diff, exports, story
from headcount.dataset import Dataset, no_rows
from validation.tables import NOTICES, TABLES


def templates(data: Dataset) -> dict[str, bytes]:
    """Each table's CSV template, by table name: the header in the contract's column order
    and two rows of the current data, so the format is shown by example."""
    return {
        name: exports.template_csv(table, getattr(data, name)) for name, table in TABLES.items()
    }


MARKED = "Added or changed by this upload"
MARK_COLOUR = "#CC79A7"  # of the charts' colour-blind-safe palette, used by no point
ARC_METRICS = {"headcount": "y", "ai_workload_fte": "y2"}  # the arc's panels, by y axis
# A plotted point: its series, day and value (two sources may give one series two values).
POINT = ["company", "metric", "unit", "basis", "date", "value"]


@dataclass(frozen=True)
class Preview:
    company: str
    figure: go.Figure


def arc_after(
    proposed: Mapping[str, pl.DataFrame], preferred: str, opened: pl.DataFrame | None = None
) -> Preview | None:
    """The arc (headcount and AI workload, with events) of ``preferred`` as the proposed
    tables would draw it; of the best documented company if the proposal has no figure of
    ``preferred``; None if it has no figures at all. The points of the observations the
    upload adds or changes (``opened``, diff.TableDiff.opened) are ringed."""
    after = Dataset(
        observations=proposed["observations"],
        events=proposed["events"],
        sources=proposed["sources"],
        framings=proposed["framings"],
        notices=proposed.get("notices", no_rows(NOTICES)),
    )
    companies = after.companies()
    if not companies:
        return None
    company = preferred if preferred in companies else companies[0]
    arc = story.metric_points(after, company, tuple(ARC_METRICS))
    figure = charts.arc_figure(
        arc["headcount"], arc["ai_workload_fte"], claims.events_for(after, company), company
    )
    if opened is not None and opened.height:
        _ring(figure, arc, opened)
    return Preview(company, figure)


def _ring(figure: go.Figure, arc: Mapping[str, pl.DataFrame], opened: pl.DataFrame) -> None:
    """A ring around each plotted point of a changed row, on its panel, named in the legend
    once: the analyst sees which figure is new before publishing it."""
    changed = opened.select(POINT).unique()
    first = True
    for metric, axis in ARC_METRICS.items():
        points = arc[metric]
        if points.is_empty():
            continue
        marked = points.join(changed, on=POINT, how="semi")
        if marked.is_empty():
            continue
        figure.add_trace(
            go.Scatter(
                x=marked["date"].to_list(),
                y=marked["value"].to_list(),
                yaxis=axis,
                mode="markers",
                name=MARKED,
                legendgroup=MARKED,
                showlegend=first,
                hoverinfo="skip",
                marker={
                    "symbol": "circle-open",
                    "size": 16,  # the point and its label stay readable inside and under it
                    "color": MARK_COLOUR,
                    "line": {"width": 2.5, "color": MARK_COLOUR},
                },
            )
        )
        first = False


def company_changed(changes: Mapping[str, diff.TableDiff]) -> str | None:
    """The company whose figures an upload adds or changes most (the first in the file when
    tied), so the preview shows what the analyst changed; None if it changes no figure."""
    observations = changes.get("observations")
    if observations is None or observations.opened.is_empty():
        return None
    counted = observations.opened.group_by("company", maintain_order=True).len()
    return str(counted.sort("len", descending=True, maintain_order=True).item(0, "company"))
