"""Plotly figure builders: frames in, figures out. No data logic and no Streamlit here.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies) and every
hover text is escaped, so a source title can never become markup inside the chart. Every
trace carries ``customdata = [hover text, source ids joined by ';']`` so a click on any point
can be turned into its full citation.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go
import polars as pl

from headcount.claims import LINE, STATEMENT, TARGET
from headcount.formatting import short
from headcount.labels import day, label
from validation.vocabulary import EVENT_KIND_LABELS

SPINE = "#0072B2"
AI = "#E69F00"
OTHERS = ("#56B4E9", "#009E73", "#CC79A7", "#999999", "#F0E442")
STATEMENT_COLOUR = "#D55E00"
TARGET_COLOUR = "#009E73"
EVENT_COLOUR = "#7f7f7f"
FONT = "Source Sans Pro, Arial, sans-serif"
MAX_POINTS_PER_TRACE = 5_000  # what any trace sends to the browser at most (see downsample)
# Points that are not on a line: (legend name, marker, where the value label goes).
MARKER_STYLES: dict[str, tuple[str, dict[str, object], str]] = {
    STATEMENT: (
        "other statements (own basis, not joined)",
        {"size": 10, "color": STATEMENT_COLOUR, "symbol": "diamond"},
        "top center",
    ),
    TARGET: (
        "targets (goals, not observations)",
        {"size": 13, "color": TARGET_COLOUR, "symbol": "circle-open", "line": {"width": 2.5}},
        "bottom center",
    ),
}
EVENT_LABELS = {k: v for k, v in EVENT_KIND_LABELS.items() if k != "other"}


def _escape(text: object) -> str:
    return html.escape(str(text), quote=False)


def hover_text(point: dict[str, object]) -> str:
    """Value, date, basis, claim type and every source of one plotted point."""
    sources = "<br>".join(f"Source: {_escape(c)}" for c in point["cited_list"])  # type: ignore[union-attr]
    claim = ", ".join(point["claim_types"]).replace("_", " ")  # type: ignore[arg-type]
    lines = [
        f"<b>{_escape(point['label'])}</b>",
        f"{point['date']} · {_escape(point['basis'])}",
        f"Claim type: {_escape(claim)}",
        sources,
    ]
    return "<br>".join(lines)


def event_hover(event: dict[str, object]) -> str:
    lines = [f"<b>{_escape(event['title'])}</b>", f"{event['date']} · {_escape(event['kind'])}"]
    if event.get("detail"):
        lines.append(_escape(event["detail"]))
    lines.append(f"Source: {_escape(event['cited_as'])}")
    return "<br>".join(lines)


def downsample(
    rows: pl.DataFrame, limit: int = MAX_POINTS_PER_TRACE, column: str = "value"
) -> pl.DataFrame:
    """At most ``limit`` of a date-sorted series' points, keeping its shape: the first and the
    last point, and the lowest and highest point of each of ``(limit - 2) // 2`` equal runs.

    A browser draws a few thousand points per line without effort; a 10-year daily series sent
    whole would make every page with it slow, and plain thinning would drop peaks and troughs.
    """
    if rows.height <= limit:
        return rows
    runs = (limit - 2) // 2
    indexed = rows.with_row_index("_i")
    extremes = indexed.group_by((pl.col("_i") * runs // rows.height).alias("_run")).agg(
        pl.col("_i").get(pl.col(column).arg_min()).alias("low"),
        pl.col("_i").get(pl.col(column).arg_max()).alias("high"),
    )
    keep = pl.concat(
        [
            extremes.get_column("low"),
            extremes.get_column("high"),
            pl.Series([0, rows.height - 1], dtype=extremes.get_column("low").dtype),
        ]
    ).unique()
    return indexed.filter(pl.col("_i").is_in(keep.implode())).drop("_i")


def _trace(rows: pl.DataFrame, name: str, mode: str, **style: object) -> go.Scatter:
    records = downsample(rows).to_dicts()
    return go.Scatter(
        x=[r["date"] for r in records],
        y=[r["value"] for r in records],
        name=name,
        mode=mode,
        customdata=[[hover_text(r), ";".join(r["source_ids"])] for r in records],
        hovertemplate="%{customdata[0]}<extra></extra>",
        text=[short(r["value"], r["unit"]) for r in records] if "text" in mode else None,
        **style,
    )


def point_traces(
    points: pl.DataFrame, spine_colour: str = SPINE, label: str = ""
) -> list[go.Scatter]:
    """Series as lines (the spine emphasised), lone statements as labelled markers, targets
    as hollow markers; one marker per agreeing claim, its sources in the hover."""
    traces: list[go.Scatter] = []
    prefix = f"{label}: " if label else ""
    lines = points.filter(pl.col("role") == LINE).sort(["spine", "basis"], descending=[True, False])
    others = iter(OTHERS)
    for (basis,), rows in lines.group_by("basis", maintain_order=True):
        is_spine = bool(rows.get_column("spine").first())
        colour = spine_colour if is_spine else next(others, OTHERS[-1])
        traces.append(
            _trace(
                rows.sort("date"),
                f"{prefix}{basis}",
                "lines+markers",
                line={
                    "color": colour,
                    "width": 4 if is_spine else 1.5,
                    "dash": None if is_spine else "dot",
                },
                marker={"size": 10 if is_spine else 6, "color": colour},
                opacity=1.0 if is_spine else 0.8,
            )
        )
    for role, (name, marker, text_position) in MARKER_STYLES.items():
        rows = points.filter(pl.col("role") == role)
        if rows.height:
            traces.append(
                _trace(
                    rows,
                    f"{prefix}{name}",
                    "markers+text",
                    marker=marker,
                    textposition=text_position,
                    textfont={"size": 11, "color": marker["color"]},
                )
            )
    return traces


def _layout(figure: go.Figure, title: str) -> go.Figure:
    figure.update_layout(
        title={"text": _escape(title)},
        font={"family": FONT},
        hovermode="closest",
        clickmode="event+select",
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    return figure


def metric_figure(points: pl.DataFrame, title: str, y_title: str) -> go.Figure:
    figure = go.Figure(point_traces(points))
    _layout(figure, title)
    figure.update_yaxes(title_text=_escape(y_title), rangemode="tozero", separatethousands=True)
    return figure


def _event_trace(events: pl.DataFrame, top: float) -> go.Scatter:
    """Events as markers along the top of the panel, staggered so their labels can be read."""
    records = events.to_dicts()
    return go.Scatter(
        x=[r["date"] for r in records],
        y=[top * (1.04 + 0.07 * (i % 3)) for i, _ in enumerate(records)],
        mode="markers+text",
        name="events",
        text=[EVENT_LABELS.get(r["kind"], r["kind"]) for r in records],
        textposition="middle right",
        textfont={"size": 11, "color": EVENT_COLOUR},
        marker={"symbol": "triangle-down", "size": 9, "color": EVENT_COLOUR},
        customdata=[[event_hover(r), r["source_id"]] for r in records],
        hovertemplate="%{customdata[0]}<extra></extra>",
        cliponaxis=False,
    )


def arc_figure(
    headcount: pl.DataFrame, ai_work: pl.DataFrame, events: pl.DataFrame, company: str
) -> go.Figure:
    """The arc: headcount (top panel) and AI workload in FTE (bottom panel) on one time axis,
    with the company's events as dotted vertical lines labelled along the top.

    The figure is built in one go (traces, axes and event lines together): plotly re-validates
    every shape on each add_shape and make_subplots builds a grid it does not need, which made
    this the slowest step of a company switch."""
    has_ai = ai_work.height > 0
    traces = point_traces(headcount, label="Headcount")
    for trace in point_traces(ai_work, spine_colour=AI, label="AI workload"):
        trace.update(yaxis="y2")
        traces.append(trace)
    shown = events.filter(pl.col("kind").is_in(list(EVENT_LABELS))).sort("date")
    top = float(headcount.get_column("value").max() or 1.0) if headcount.height else 1.0
    if shown.height:
        traces.append(_event_trace(shown, top))
    # One line through both panels per event day.
    lines = [
        {
            "type": "line",
            "x0": day,
            "x1": day,
            "xref": "x",
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "line": {"color": EVENT_COLOUR, "width": 1, "dash": "dot"},
            "opacity": 0.6,
        }
        for day in shown.get_column("date").unique(maintain_order=True)
    ]
    employees = {"title": {"text": "Employees"}, "rangemode": "tozero", "separatethousands": True}
    layout: dict[str, object] = {"shapes": lines, "height": 620 if has_ai else 480}
    if has_ai:
        # Two panels on one x axis: headcount on top, AI work below, 7% apart.
        layout["xaxis"] = {"anchor": "y2"}
        layout["yaxis"] = {**employees, "domain": [0.3358, 1.0]}
        layout["yaxis2"] = {
            "title": {"text": "AI work (FTE)"},
            "rangemode": "tozero",
            "domain": [0.0, 0.2658],
        }
    else:
        layout["yaxis"] = employees
    figure = go.Figure(traces, layout)
    _layout(figure, f"{company}: headcount, AI workload and events")
    figure.update_layout(margin={"t": 70, "r": 90})
    return figure


# Colour means company in the Explorer: the company chosen in the sidebar keeps the arc's spine
# colour (Klarna's filed line is blue on both pages); the companies compared with it follow.
COMPANY_COLOURS = (SPINE, AI, "#009E73", "#CC79A7", "#56B4E9", STATEMENT_COLOUR, "#999999")


def _comparison_hover(point: dict[str, object], index: bool) -> str:
    """Company, value (and index), date, basis, kind of claim, cause and every source."""
    kinds = ", ".join(label("claim_type", c) for c in point["claim_types"])  # type: ignore[union-attr]
    lines = [f"<b>{_escape(point['company'])}: {_escape(point['label'])}</b>"]
    if index:
        lines.append(f"Index {point['plot_value']:,.1f} (first value = 100)")
    lines += [f"{day(point['date'])} · {_escape(point['basis'])}", f"Kind: {_escape(kinds)}"]  # type: ignore[arg-type]
    causes = [label("attribution", c) for c in point.get("attributions") or ()]  # type: ignore[union-attr]
    if causes:
        lines.append(f"Cause: {_escape(', '.join(causes))}")
    lines += [f"Source: {_escape(c)}" for c in point["cited_list"]]  # type: ignore[union-attr]
    return "<br>".join(lines)


def _comparison_trace(
    rows: pl.DataFrame, name: str, index: bool, group: str, first: bool, **style: object
) -> go.Scatter:
    records = downsample(rows.sort("date"), column="plot_value").to_dicts()
    return go.Scatter(
        x=[r["date"] for r in records],
        y=[r["plot_value"] for r in records],
        name=_escape(name),
        legendgroup=group,
        legendgrouptitle_text=_escape(group) if first else None,
        customdata=[[_comparison_hover(r, index), ";".join(r["source_ids"])] for r in records],
        hovertemplate="%{customdata[0]}<extra></extra>",
        **style,
    )


def comparison_figure(
    points: pl.DataFrame, index: bool, title: str, companies: Sequence[str] = ()
) -> go.Figure:
    """Several companies on one axis, as values or as an index (first value = 100): colour
    means company (in the order of ``companies``), marker shape means kind of claim as on the
    arc (series as lines, lone statements as diamonds, targets hollow); one legend group per
    company. ``points`` are comparison.Panel points (claims.points plus plot_value)."""
    order = [*companies, *(c for c in points.get_column("company").unique(maintain_order=True))]
    colours = {
        c: COMPANY_COLOURS[i % len(COMPANY_COLOURS)] for i, c in enumerate(dict.fromkeys(order))
    }
    traces: list[go.Scatter] = []
    for company in dict.fromkeys(order):
        mine = points.filter(pl.col("company") == company)
        colour = colours[company]
        first = True
        lines = mine.filter(pl.col("role") == LINE).sort(
            ["spine", "basis"], descending=[True, False]
        )
        for (basis,), rows in lines.group_by("basis", maintain_order=True):
            best = bool(rows.get_column("spine").first())
            traces.append(
                _comparison_trace(
                    rows,
                    str(basis),
                    index,
                    company,
                    first,
                    mode="lines+markers",
                    line={
                        "color": colour,
                        "width": 3 if best else 1.5,
                        "dash": None if best else "dot",
                    },
                    marker={"color": colour, "size": 8 if best else 6},
                )
            )
            first = False
        for role, (name, style, _) in MARKER_STYLES.items():
            rows = mine.filter(pl.col("role") == role)
            if rows.height:
                marker = {**style, "color": colour}
                traces.append(
                    _comparison_trace(
                        rows, name, index, company, first, mode="markers", marker=marker
                    )
                )
                first = False
    figure = go.Figure(traces)
    _layout(figure, title)
    # Always a legend: with one trace Plotly hides it, and the company would go unnamed.
    figure.update_layout(showlegend=True, legend={"groupclick": "toggleitem"})
    figure.update_yaxes(
        title_text="Index (first value = 100)" if index else "Value",
        separatethousands=True,
    )
    # Room for the plot plus the legend below it: a title and a line or two per company.
    groups = len({t.legendgroup for t in traces})
    figure.update_layout(height=420 + 24 * (len(traces) + groups))
    return figure
