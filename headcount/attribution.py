"""Where a chart's figures come from, said once.

Every point of every chart carries its sources' ids with it (`point_data`, the one encoder:
``customdata = [hover text, ids joined by ';']``), and they are read back in one place
(`point_ids`): for a chart's source line (`figure_ids`, `source_line`; `charts.attributed`
puts it and the view's link under the chart's title), for the point a reader clicked
(`selected_ids`) and for an embedded chart's caption. So a chart names the sources of its own
points, not its page's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl

SEPARATOR = ";"  # source ids never contain it (validation/tables.py: ids are slugs)
SOURCE_LINE_CHARACTERS = 52  # one line of a chart's subtitle on a phone


def point_data(hover: str, source_ids: Iterable[object]) -> list[str]:
    """One point's ``customdata``: its hover text and the ids of its sources."""
    return [hover, SEPARATOR.join(str(i) for i in source_ids)]


def point_ids(customdata: Sequence[object] | None) -> list[str]:
    """The source ids one point carries (none for a point without them)."""
    if not customdata or len(customdata) < 2:
        return []
    return [i for i in str(customdata[1]).split(SEPARATOR) if i]


def figure_ids(figure: go.Figure | Mapping[str, Any]) -> list[str]:
    """Every source id behind a figure's points and event markers, once per point that cites
    it (so the most cited source is the one behind most points)."""
    data = figure.to_dict() if isinstance(figure, go.Figure) else figure
    traces: list[Mapping[str, Any]] = list(data.get("data") or [])
    return [
        source_id
        for trace in traces
        for row in trace.get("customdata") or []
        for source_id in point_ids(row)
    ]


def selected_ids(event: Mapping[str, Any]) -> list[str]:
    """The sources of the points selected on a chart (Streamlit's selection event), each once."""
    points = (event.get("selection") or {}).get("points") or []
    ids: list[str] = []
    for point in points:
        ids.extend(i for i in point_ids(point.get("customdata")) if i not in ids)
    return ids


def source_line(ids: Sequence[str], sources: pl.DataFrame) -> str:
    """'Source: Klarna Group plc (Form F-1) and 4 more': the publisher behind most of the
    points, and how many other publishers; cut so the line fits one subtitle line on a phone
    (the full citations are one click away). Empty when no point cites a source."""
    publishers = dict(sources.select("source_id", "publisher").iter_rows())
    counted = Counter(publishers[i] for i in ids if i in publishers)
    if not counted:
        return ""
    top = str(counted.most_common(1)[0][0])
    more = f" and {len(counted) - 1} more" if len(counted) > 1 else ""
    room = SOURCE_LINE_CHARACTERS - len("Source: ") - len(more)
    if len(top) > room:
        top = top[: room - 1].rstrip() + "…"
    return f"Source: {top}{more}"
