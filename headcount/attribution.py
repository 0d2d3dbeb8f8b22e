"""Where a chart's figures come from, said once.

Every point of every chart carries its sources' ids with it (`point_data`, the one encoder:
``customdata = [hover text, ids joined by ';']``), and they are read back in one place
(`point_ids`): for a chart's source line (`figure_ids`, `source_line`; `charts.attributed`
puts it and the view's link under the chart's title), for the point a reader clicked
(`selected_ids`) and for an embedded chart's caption. So a chart names the sources of its own
points, not its page's.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import polars as pl

from headcount.share import link_date

SEPARATOR = ";"  # source ids never contain it (validation/tables.py: ids are slugs)
SOURCE_LINE_CHARACTERS = 52  # one line of a chart's subtitle on a phone
SOURCE_LINES = 2  # a chart's source line may take two of them


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


def selected_dates(event: Mapping[str, Any]) -> list[dt.date]:
    """The days of the points selected on a chart (their x, 'YYYY-MM-DD' or a time on that
    day), each once; a point whose x is no date adds none."""
    points = (event.get("selection") or {}).get("points") or []
    found = (link_date(str(p.get("x"))[:10]) for p in points)
    return list(dict.fromkeys(d for d in found if d is not None))


def source_line(ids: Sequence[str], sources: pl.DataFrame) -> str:
    """'Sources: Klarna Group plc (Form F-1); Reuters; CNBC and 4 more': the chart's own
    publishers, the one behind most points first, as many as fit two subtitle lines on a
    phone (the full citations are one click away). Empty when no point cites a source."""
    publishers = dict(sources.select("source_id", "publisher").iter_rows())
    counted = Counter(publishers[i] for i in ids if i in publishers)
    if not counted:
        return ""
    ranked = [str(name) for name, _ in counted.most_common()]
    head = "Source: " if len(ranked) == 1 else "Sources: "
    room = SOURCE_LINES * SOURCE_LINE_CHARACTERS
    named = [ranked[0]]
    for name in ranked[1:]:
        more = len(ranked) - len(named) - 1
        tail = f" and {more} more" if more else ""
        if len(head + "; ".join([*named, name]) + tail) <= room:
            named.append(name)  # a long name is left for the click; a shorter one may fit
    rest = len(ranked) - len(named)
    tail = f" and {rest} more" if rest else ""
    text = "; ".join(named)
    if len(head + text + tail) > room:  # one long name alone
        text = text[: room - len(head) - len(tail) - 1].rstrip() + "…"
    return f"{head}{text}{tail}"
