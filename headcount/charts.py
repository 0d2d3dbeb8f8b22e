"""Plotly figure builders: frames in, figures out. No data logic and no Streamlit here.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies) and every
hover text is escaped, so a source title can never become markup inside the chart. Every
point carries its hover text and its sources' ids (headcount/attribution.py, the one encoder),
so a click on any point can be turned into its full citation, and each chart's source line
(`attributed`) names the sources of its own points.

No two pieces of text may overlap at any screen width: value labels are placed by
``placement`` on a phone-width model of each panel, events are numbered (the page lists them
under the chart) and period names are stacked in rows of their own.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import plotly.graph_objects as go
import polars as pl

from headcount import attribution, citations, share
from headcount.claims import LINE, STATEMENT, TARGET
from headcount.formatting import quantity, short
from headcount.labels import day, label
from headcount.periods import Period, periods
from headcount.placement import PHONE_PLOT_WIDTH, Canvas, clusters, rows
from validation.vocabulary import EVENT_KIND_LABELS

SPINE = "#0072B2"
AI = "#E69F00"
OTHERS = ("#56B4E9", "#009E73", "#CC79A7", "#999999", "#F0E442")
STATEMENT_COLOUR = "#D55E00"
TARGET_COLOUR = "#009E73"
EVENT_COLOUR = "#7f7f7f"
PERIOD_COLOURS = {"hiring_freeze": "#999999", "ai_deployment": "#E69F00", "rehiring": "#009E73"}
FONT = "Source Sans Pro, Arial, sans-serif"
LABEL_FONT = 11
LEGEND_CHARACTERS = 46  # a legend line longer than this is wrapped: a phone shows about 52
MAX_POINTS_PER_TRACE = 5_000  # what any trace sends to the browser at most (see downsample)
# Points that are not on a line: (legend name, marker, its radius in px).
MARKER_STYLES: dict[str, tuple[str, dict[str, object], float]] = {
    STATEMENT: (
        "statements (own basis)",
        {"size": 10, "color": STATEMENT_COLOUR, "symbol": "diamond"},
        5.0,
    ),
    TARGET: (
        "targets (goals)",
        {"size": 13, "color": TARGET_COLOUR, "symbol": "circle-open", "line": {"width": 2.5}},
        7.0,
    ),
}
LINE_RADIUS = {True: 5.0, False: 3.0}  # spine / other lines
NEAR = 7.0  # px on a phone: a statement this close to a drawn point joins that point
EVENT_LABELS = {k: v for k, v in EVENT_KIND_LABELS.items() if k != "other"}
EVENT_SPACING = 22.0  # px on a phone between numbered event markers
# Pixels a figure loses to its title, axis and legend on a phone (generous: the smaller
# the plot assumed, the safer the label placement).
CHROME = 275.0


def _escape(text: object) -> str:
    return html.escape(str(text), quote=False)


def _day(value: object) -> str:
    return day(value) if isinstance(value, dt.date) else str(value)


def wrapped(text: str, width: int = LEGEND_CHARACTERS) -> str:
    """Escaped text broken into lines of at most ``width`` characters, for a legend or a
    subtitle that must not run off a phone screen."""
    return "<br>".join(_escape(line) for line in textwrap.wrap(text, width) or [""])


def hover_text(point: dict[str, object]) -> str:
    """Value, date, basis, kind of claim, attribution and every source of one plotted point."""
    sources = "<br>".join(f"Source: {_escape(c)}" for c in cast(list[str], point["cited_list"]))
    kinds = ", ".join(label("claim_type", c) for c in cast(list[str], point["claim_types"]))
    lines = [
        f"<b>{_escape(point['label'])}</b>",
        f"{_day(point['date'])} · {_escape(point['basis'])}",
        f"Kind of claim: {_escape(kinds)}",
    ]
    causes = [
        label("attribution", a) for a in cast(list[str], point.get("attributions") or []) if a
    ]
    if causes:
        lines.append(f"Cause given: {_escape(', '.join(causes))}")
    lines.append(sources)
    return "<br>".join(lines)


def event_hover(event: dict[str, object]) -> str:
    lines = [
        f"<b>{_escape(event['title'])}</b>",
        f"{_day(event['date'])} · {_escape(label('kind', event['kind']))}",
    ]
    if event.get("attribution"):
        lines.append(f"Cause given: {_escape(label('attribution', event['attribution']))}")
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


@dataclass
class _Mark:
    """A drawn marker: its point, its hover and source ids (several if points joined it)."""

    day: dt.date
    value: float
    unit: str
    radius: float
    hover: str
    ids: list[str]
    values: list[float]
    on_line: bool = False
    text: str = ""
    position: str = "top center"

    @property
    def label(self) -> str:
        low, high = min(self.values), max(self.values)
        if low == high:
            return short(low, self.unit)
        return f"{short(low, self.unit)}\N{EN DASH}{short(high, self.unit)}"


def _mark(record: dict[str, object], radius: float, on_line: bool = False) -> _Mark:
    return _Mark(
        day=record["date"],  # type: ignore[arg-type]
        value=float(record["value"]),  # type: ignore[arg-type]
        unit=str(record["unit"]),
        radius=radius,
        hover=hover_text(record),
        ids=list(record["source_ids"]),  # type: ignore[call-overload]
        values=[float(record["value"])],  # type: ignore[arg-type]
        on_line=on_line,
    )


def _scatter(marks: Sequence[_Mark], name: str, mode: str, **style: object) -> go.Scatter:
    labelled = any(m.text for m in marks)
    return go.Scatter(
        x=[m.day for m in marks],
        y=[m.value for m in marks],
        name=wrapped(name),
        mode=mode + ("+text" if labelled else ""),
        customdata=[attribution.point_data(m.hover, m.ids) for m in marks],
        hovertemplate="%{customdata[0]}<extra></extra>",
        text=[m.text for m in marks] if labelled else None,
        textposition=[m.position for m in marks] if labelled else None,
        textfont={"size": LABEL_FONT, "color": style.pop("text_colour", None)},
        cliponaxis=False,
        **style,
    )


def point_traces(
    points: pl.DataFrame,
    spine_colour: str = SPINE,
    label: str = "",
    canvas: Canvas | None = None,
) -> list[go.Scatter]:
    """Series as lines (the spine emphasised), lone statements as markers, targets as hollow
    markers; one marker per agreeing claim, its sources in the hover.

    A statement that would sit on a point already drawn joins that point (both in one hover)
    instead of hiding it. Values are labelled where they inform: the ends of each line, the
    statements and the targets, each only where ``canvas`` has room for it."""
    prefix = f"{label} " if label else ""
    canvas = canvas or _canvas(points, 1.0, 300.0)
    lines = points.filter(pl.col("role") == LINE).sort(["spine", "basis"], descending=[True, False])
    drawn: list[tuple[list[_Mark], str, str, dict[str, object]]] = []
    others = iter(OTHERS)
    for (basis,), rows_ in lines.group_by("basis", maintain_order=True):
        is_spine = bool(rows_.get_column("spine").first())
        colour = spine_colour if is_spine else next(others, OTHERS[-1])
        radius = LINE_RADIUS[is_spine]
        marks = [_mark(r, radius, on_line=True) for r in downsample(rows_.sort("date")).to_dicts()]
        style = {
            "line": {
                "color": colour,
                "width": 4 if is_spine else 1.5,
                "dash": None if is_spine else "dot",
            },
            "marker": {"size": 10 if is_spine else 6, "color": colour},
            "opacity": 1.0 if is_spine else 0.8,
            "text_colour": colour,
        }
        drawn.append((marks, basis, "lines+markers", style))
    every = [m for marks, *_ in drawn for m in marks]
    for role, (name, marker, radius) in MARKER_STYLES.items():
        marks = []
        for record in points.filter(pl.col("role") == role).sort("date").to_dicts():
            mark = _mark(record, radius)
            near = _near(canvas, every, mark) if role == STATEMENT else None
            if near is None:
                marks.append(mark)
                every.append(mark)
                continue
            near.hover += "<br><br>" + mark.hover
            near.ids.extend(i for i in mark.ids if i not in near.ids)
            if not near.on_line:  # a line's label stays its own value
                near.values.append(mark.value)
        if marks:
            style = {"marker": marker, "text_colour": marker["color"]}
            drawn.append(
                (marks, f"{prefix}{name}" if prefix else name.capitalize(), "markers", style)
            )
    for mark in every:
        canvas.block(mark.day, mark.value, mark.radius)
    for marks, _, mode, _ in drawn:
        if mode.startswith("lines"):
            for a, b in itertools.pairwise(marks):
                canvas.block_segment(a.day, a.value, b.day, b.value)
    order = _label_order(drawn)
    spine_ends = {id(m) for m in order[:2] if m.on_line}
    for mark in order:
        # The spine's ends matter most: they may cover a marker (never a label) to be read.
        over = id(mark) in spine_ends
        position = canvas.place(mark.day, mark.value, mark.label, mark.radius, LABEL_FONT, over)
        if position is not None:
            mark.text, mark.position = mark.label, position
    return [_scatter(marks, name, mode, **style) for marks, name, mode, style in drawn]


def _near(canvas: Canvas, drawn: list[_Mark], mark: _Mark) -> _Mark | None:
    x, y = canvas.x(mark.day), canvas.y(mark.value)
    for other in drawn:
        if abs(canvas.x(other.day) - x) < NEAR and abs(canvas.y(other.value) - y) < NEAR:
            return other
    return None


def _label_order(drawn: list[tuple[list[_Mark], str, str, dict[str, object]]]) -> list[_Mark]:
    """Which values get a label first: the first line's (the spine's) ends, then statements
    (latest first), targets, and the other lines' last points."""
    first_line: list[_Mark] = []
    loose: list[_Mark] = []
    other_ends: list[_Mark] = []
    for position, (marks, _, mode, _) in enumerate(drawn):
        if mode.startswith("lines"):
            ends = [marks[-1], marks[0]] if len(marks) > 1 else marks
            (first_line if position == 0 else other_ends).extend(
                ends if position == 0 else ends[:1]
            )
        else:
            loose.extend(sorted(marks, key=lambda m: m.day, reverse=True))
    return [*first_line, *loose, *other_ends]


def _span(frames: Sequence[pl.DataFrame]) -> tuple[dt.date, dt.date]:
    """The x range of a chart: its dates, padded so a lone date gets a readable month axis
    (never hours of one day) and end markers are not cut off."""
    days = [d for f in frames if f.height for d in f.get_column("date").to_list()]
    first, last = (min(days), max(days)) if days else (dt.date.today(), dt.date.today())
    pad = max((last - first) * 0.04, dt.timedelta(days=60))
    return first - pad, last + pad


def _canvas(
    points: pl.DataFrame,
    top_share: float,
    plot_px: float,
    span: tuple[dt.date, dt.date] | None = None,
) -> Canvas:
    first, last = span or _span([points])
    top = _top(points)
    return Canvas(first, last, top, plot_px * top_share)


def _top(points: pl.DataFrame) -> float:
    """The value axis' upper end: room above the highest point for its label."""
    highest = float(cast(float, points.get_column("value").max()) or 0) if points.height else 0.0
    return highest * 1.18 if highest > 0 else 1.0


def _x_axis(span: tuple[dt.date, dt.date], **extra: object) -> dict[str, object]:
    axis: dict[str, object] = {
        "range": [span[0], span[1]],
        "type": "date",
        "automargin": True,
        **extra,
    }
    days = (span[1] - span[0]).days
    if days < 800:
        # Months as '%b %Y', one tick per 1-7 months: plotly's own choice on a short span
        # is weeks, which this format would print as the same month twice.
        axis["tickformat"] = "%b %Y"
        # At most about four ticks, upright: they fit a phone's 255 px without rotating
        # into the legend.
        axis["dtick"] = f"M{max(1, -(-days // 120))}"
        axis["tickangle"] = 0
    return axis


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


def _legend() -> dict[str, object]:
    # Far enough below the plot to clear the date labels of a plot 230 px high (a phone's).
    return {"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0, "font": {"size": 10}}


def _title_lines(title: str, width: int = 34) -> str:
    """A title that fits a phone (about 36 characters): 'Company: what' breaks after the
    company, whose name is never split; other long titles wrap at spaces."""
    if len(title) <= width:
        return _escape(title)
    head, colon, tail = title.rpartition(": ")
    if colon:
        return f"{_escape(head)}:<br>{wrapped(tail, width)}"
    return wrapped(title, width)


def _finish(figure: go.Figure, title: str, height: int) -> go.Figure:
    figure.update_layout(
        # From the chart's left edge: on a phone a title starting at the plot runs off it.
        title={
            "text": _title_lines(title),
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "pad": {"l": 8},
        },
        font={"family": FONT},
        hovermode="closest",
        clickmode="event+select",
        legend=_legend(),
        height=height,
        margin={"l": 10, "r": 20, "t": 80, "b": 10},
    )
    return figure


DERIVED_COLOUR = "#6b6b6b"
DERIVED_NAME = "derived: filed revenue / filed year-end employees"


def derived_trace(rows: pl.DataFrame) -> go.Scatter:
    """A derived series (productivity.revenue_per_employee rows): its own dashed grey line and
    hollow squares, its own legend entry, never joined to a reported series. Its hover names
    the formula and both inputs' sources."""
    records = rows.sort("date").to_dicts()
    hovers = [
        f"<b>{_escape(quantity(r['value'], r['unit']))}</b><br>{_day(r['date'])} · derived"
        f"<br>{_escape(r['formula'])}"
        for r in records
    ]
    ids = [(r["revenue_source_id"], r["headcount_source_id"]) for r in records]
    return go.Scatter(
        x=[r["date"] for r in records],
        y=[r["value"] for r in records],
        mode="lines+markers",
        name=wrapped(DERIVED_NAME),
        line={"color": DERIVED_COLOUR, "dash": "dash", "width": 1.5},
        marker={"symbol": "square-open", "size": 8, "color": DERIVED_COLOUR},
        customdata=[attribution.point_data(h, i) for h, i in zip(hovers, ids, strict=True)],
        hovertemplate="%{customdata[0]}<extra></extra>",
    )


def metric_figure(
    points: pl.DataFrame, title: str, y_title: str, derived: pl.DataFrame | None = None
) -> go.Figure:
    """One metric's series, statements and targets on a date axis, and beside them, drawn
    as such, a series derived from filings (``derived``), if any."""
    height = 400
    has_derived = derived is not None and derived.height > 0
    span = _span([points, derived] if has_derived else [points])  # type: ignore[list-item]
    canvas = _canvas(points, 1.0, height - CHROME, span)
    traces = point_traces(points, canvas=canvas) if points.height else []
    top = canvas.top
    if has_derived:
        traces.append(derived_trace(derived))  # type: ignore[arg-type]
        top = max(top, _top(derived))  # type: ignore[arg-type]
    figure = go.Figure(traces)
    _finish(figure, title, height)
    figure.update_xaxes(**_x_axis(span))
    # automargin: tick labels and the axis title get their room wherever the figure is
    # drawn (Streamlit's theme gives it; a bare plotly page such as the Brief does not).
    figure.update_yaxes(
        title_text=_escape(y_title),
        range=[0, top],
        separatethousands=True,
        automargin=True,
    )
    return figure


def numbered_events(events: pl.DataFrame, span: tuple[dt.date, dt.date]) -> pl.DataFrame:
    """The events a chart draws (every kind but 'other'), date-sorted, each with the number
    of its marker: events too close to tell apart on a phone share one number."""
    shown = events.filter(pl.col("kind").is_in(list(EVENT_LABELS))).sort("date")
    numbers = clusters(shown.get_column("date").to_list(), span[0], span[1], EVENT_SPACING)
    return shown.with_columns(pl.Series("number", numbers, dtype=pl.Int64))


def _event_traces(numbered: pl.DataFrame, top: float) -> tuple[go.Scatter, list[dict[str, object]]]:
    """One numbered marker per group of events on the strip above the panels, and one
    dotted line per event day down through the panels (up to ``top``, in paper units)."""
    groups: dict[int, list[dict[str, object]]] = {}
    for event in numbered.to_dicts():
        groups.setdefault(int(event["number"]), []).append(event)
    marker = go.Scatter(
        x=[group[0]["date"] for group in groups.values()],
        y=[0] * len(groups),
        yaxis="y4",
        mode="markers+text",
        name="events",
        text=[str(number) for number in groups],
        textposition="middle center",
        textfont={"size": 10, "color": "#ffffff"},
        marker={"symbol": "circle", "size": 18, "color": EVENT_COLOUR},
        customdata=[
            attribution.point_data(
                "<br><br>".join(event_hover(e) for e in group), (e["source_id"] for e in group)
            )
            for group in groups.values()
        ],
        hovertemplate="%{customdata[0]}<extra></extra>",
        cliponaxis=False,
        showlegend=False,  # numbered, and listed under the chart
    )
    lines = [
        {
            "type": "line", "x0": d, "x1": d, "xref": "x", "yref": "paper", "y0": 0, "y1": top,
            "line": {"color": EVENT_COLOUR, "width": 1, "dash": "dot"}, "opacity": 0.5,
        }
        for d in numbered.get_column("date").unique(maintain_order=True)
    ]  # fmt: skip
    return marker, lines


def _period_parts(
    spans: list[Period], span: tuple[dt.date, dt.date], top: float
) -> tuple[go.Scatter | None, list[dict[str, object]], int]:
    """Shaded bands through the panels and the period names in stacked rows on the strip
    above the time axis (rows computed on a phone-width axis so no two names touch)."""
    if not spans:
        return None, [], 0
    canvas = Canvas(span[0], span[1], 1.0, 1.0)
    placed = rows([(canvas.x(p.start), p.name) for p in spans], LABEL_FONT, PHONE_PLOT_WIDTH)
    width_days = (span[1] - span[0]).days
    names = go.Scatter(
        x=[span[0] + dt.timedelta(days=left / PHONE_PLOT_WIDTH * width_days) for _, left in placed],
        y=[row for row, _ in placed],
        yaxis="y3",
        mode="text",
        text=[p.name for p in spans],
        textposition="middle right",
        textfont={"size": LABEL_FONT, "color": [PERIOD_COLOURS[p.kind] for p in spans]},
        hoverinfo="skip",
        showlegend=False,
        cliponaxis=False,
    )
    bands = [
        {
            "type": "rect", "x0": p.start, "x1": p.end, "xref": "x", "yref": "paper",
            "y0": 0, "y1": top, "fillcolor": PERIOD_COLOURS[p.kind], "opacity": 0.13,
            "line": {"width": 0}, "layer": "below",
        }
        for p in spans
    ]  # fmt: skip
    return names, bands, max(row for row, _ in placed) + 1


def arc_span(
    headcount: pl.DataFrame, ai_work: pl.DataFrame, events: pl.DataFrame
) -> tuple[dt.date, dt.date]:
    """The arc's time axis: every figure and every drawn event on it."""
    return _span([headcount, ai_work, events.filter(pl.col("kind").is_in(list(EVENT_LABELS)))])


def arc_figure(
    headcount: pl.DataFrame,
    ai_work: pl.DataFrame,
    events: pl.DataFrame,
    company: str,
    spans: list[Period] | None = None,
) -> go.Figure:
    """The arc: headcount (top panel) and AI workload in FTE (bottom panel) on one time axis,
    the periods the events open shaded and named above the axis, and the events as numbered
    markers along the top (``numbered_events`` gives the list to print under the chart).

    The figure is built in one go (traces, axes and shapes together): plotly re-validates
    every shape on each add_shape and make_subplots builds a grid it does not need."""
    has_ai = ai_work.height > 0
    span = arc_span(headcount, ai_work, events)
    numbered = numbered_events(events, span)
    if spans is None:
        data_end = max(
            (cast(dt.date, f.get_column("date").max()) for f in (headcount, ai_work) if f.height),
            default=span[1],
        )
        spans = periods(events, data_end)
    height = 490 if has_ai else 420
    plot_px = height - CHROME
    # The panels and strips in px on a phone, bottom to top, then as shares of the plot.
    names_rows = _period_rows(spans, span)
    period_px = names_rows * LABEL_FONT * 1.35 + 2 if names_rows else 0.0
    event_px = 22.0 if numbered.height else 0.0
    gap = 16.0  # keeps one panel's top tick label off the other's bottom one
    free = plot_px - period_px - event_px - 6.0 * (bool(period_px) + bool(event_px)) - gap * has_ai
    ai_px = free * 0.3 if has_ai else 0.0
    head_px = free - ai_px
    # Bottom edges of the period strip, the AI panel and the headcount panel, in px.
    ai_bottom = period_px + 6.0 if period_px else 0.0
    head_bottom = ai_bottom + (ai_px + gap if has_ai else 0.0)
    share = [0.0, ai_bottom / plot_px, head_bottom / plot_px]
    head_top = (head_bottom + head_px) / plot_px
    head_canvas = _canvas(headcount, 1.0, head_px, span)
    traces = point_traces(headcount, label="Headcount", canvas=head_canvas)
    ai_canvas = _canvas(ai_work, 1.0, ai_px, span)
    for trace in point_traces(ai_work, spine_colour=AI, label="AI work", canvas=ai_canvas):
        trace.update(yaxis="y2")
        traces.append(trace)
    shapes: list[dict[str, object]] = []
    names, bands, _ = _period_parts(spans, span, head_top)
    shapes.extend(bands)
    if names is not None:
        traces.append(names)
    if numbered.height:
        marker, lines = _event_traces(numbered, head_top)
        traces.append(marker)
        shapes.extend(lines)
    layout: dict[str, object] = {
        "shapes": shapes,
        "yaxis": {
            "title": {"text": "Employees"}, "range": [0, head_canvas.top], "automargin": True,
            "separatethousands": True, "domain": [share[2], head_top],
        },
    }  # fmt: skip
    anchor = "y"
    if has_ai:
        layout["yaxis2"] = {
            "title": {"text": "AI (FTE)"}, "range": [0, ai_canvas.top], "automargin": True,
            "separatethousands": True, "domain": [share[1], share[1] + ai_px / plot_px],
        }  # fmt: skip
        anchor = "y2"
    if names is not None:
        layout["yaxis3"] = {
            "domain": [0, period_px / plot_px], "range": [names_rows - 0.5, -0.5],
            "visible": False, "fixedrange": True,
        }  # fmt: skip
        anchor = "y3"
    if numbered.height:
        layout["yaxis4"] = {
            "domain": [1 - event_px / plot_px, 1], "range": [-0.5, 0.5],
            "visible": False, "fixedrange": True,
        }  # fmt: skip
    layout["xaxis"] = _x_axis(span, anchor=anchor)
    figure = go.Figure(traces, layout)
    return _finish(figure, f"{company}: headcount and AI work", height)


def _period_rows(spans: list[Period], span: tuple[dt.date, dt.date]) -> int:
    if not spans:
        return 0
    canvas = Canvas(span[0], span[1], 1.0, 1.0)
    placed = rows([(canvas.x(p.start), p.name) for p in spans], LABEL_FONT, PHONE_PLOT_WIDTH)
    return max(row for row, _ in placed) + 1


def attributed(figure: go.Figure | dict, sources: pl.DataFrame, link: str, room: int = 0) -> dict:
    """The figure with its source line, naming the sources of its own points, and the link to
    its view under its title: every chart of every page, the brief and the embeds."""
    line = attribution.source_line(attribution.figure_ids(figure), sources)
    return stamped(figure, line, link, room)


def named_link(link: str) -> str:
    """A view's link as a chart prints it: 'Headcount & AI claims · host', the whole of it a
    link to the view (Plotly takes the href as written: a '"' could end it, so none passes)."""
    where = share.host(link)
    name = f"{citations.PUBLISHER} · {where}" if where else citations.PUBLISHER
    return f'<a href="{link.replace(chr(34), "%22")}">{_escape(name)}</a>'


def stamped(figure: go.Figure | dict, source: str, link: str, room: int = 0) -> dict:
    """The figure as a dict with a source line and the link to its view under its title, so
    a downloaded image says where it comes from, as Our World in Data's charts do."""
    data = figure if isinstance(figure, dict) else figure.to_dict()
    layout = {**data.get("layout", {})}
    title = {**layout.get("title", {})}
    # The sources, then a short named link to the view: the dashboard and its host, which an
    # exported image keeps in print (the full address is in the chart's Cite this); the top
    # margin grows with the lines, so the subtitle never runs into the plot.
    text = wrapped(source, 52) + "<br>" + named_link(link)
    lines = text.count("<br>") + 1
    title["subtitle"] = {"text": text, "font": {"size": 11, "color": "#6b6b6b"}}
    # Pinned to the top: Plotly centres an unpinned title in the top margin, so a larger
    # margin would move the subtitle down with the plot instead of opening a gap.
    title.update(y=1, yanchor="top", yref="container")
    title["pad"] = {**title.get("pad", {}), "t": 10}
    layout["title"] = title
    # ``room``: more space under the subtitle for a chart whose top tick label may reach it.
    layout["margin"] = {**layout.get("margin", {}), "t": max(104, 64 + 14 * lines) + room}
    return {**data, "layout": layout}


# Colour means company in the Explorer: the company chosen in the sidebar keeps the arc's spine
# colour (Klarna's filed line is blue on both pages); the companies compared with it follow.
COMPANY_COLOURS = (SPINE, AI, "#009E73", "#CC79A7", "#56B4E9", STATEMENT_COLOUR, "#999999")


def _comparison_hover(point: dict[str, object], index: bool) -> str:
    """Company, value (and index), date, basis, kind of claim, cause and every source."""
    kinds = ", ".join(label("claim_type", c) for c in cast(list[str], point["claim_types"]))
    lines = [f"<b>{_escape(point['company'])}: {_escape(point['label'])}</b>"]
    if index:
        lines.append(f"Index {point['plot_value']:,.1f} (first value = 100)")
    lines += [f"{day(point['date'])} · {_escape(point['basis'])}", f"Kind: {_escape(kinds)}"]  # type: ignore[arg-type]
    causes = [label("attribution", c) for c in cast(list[str], point.get("attributions") or ())]
    if causes:
        lines.append(f"Cause: {_escape(', '.join(causes))}")
    lines += [f"Source: {_escape(c)}" for c in cast(list[str], point["cited_list"])]
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
        customdata=[
            attribution.point_data(_comparison_hover(r, index), r["source_ids"]) for r in records
        ],
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
        for (basis,), series in lines.group_by("basis", maintain_order=True):
            best = bool(series.get_column("spine").first())
            traces.append(
                _comparison_trace(
                    series,
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
            lone = mine.filter(pl.col("role") == role)
            if lone.height:
                marker = {**style, "color": colour}
                traces.append(
                    _comparison_trace(
                        lone, name, index, company, first, mode="markers", marker=marker
                    )
                )
                first = False
    figure = go.Figure(traces)
    _layout(figure, title)
    # Always a legend: with one trace Plotly hides it, and the company would go unnamed.
    figure.update_layout(showlegend=True, legend={"groupclick": "toggleitem"})
    # The axis says what its numbers count (one unit a panel: comparison.Panel), not "Value".
    units = points.get_column("unit").unique().to_list() if "unit" in points.columns else []
    figure.update_yaxes(
        title_text="Index (first value = 100)" if index else (units[0] if len(units) == 1 else ""),
        separatethousands=True,
    )
    # Room for the plot plus the legend below it: a title and a line or two per company.
    groups = len({t.legendgroup for t in traces})
    figure.update_layout(height=420 + 24 * (len(traces) + groups))
    return figure
