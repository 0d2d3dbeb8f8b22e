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
import math
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
from headcount.placement import GAP, PHONE_PLOT_WIDTH, Canvas, clusters, stacked
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
LABEL_ROOM = 28.0  # px above a panel's highest point: a marker, a gap and a label
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
# A lone figure from a filing (a year of a filed series with one date): a square.
FILED_STYLE: tuple[str, dict[str, object], float] = (
    "filed figures (own basis)",
    {"size": 9, "color": SPINE, "symbol": "square"},
    5.0,
)
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
            # The spine's end labels may be placed over a marker: drawn last, they stay legible.
            "zorder": 1 if is_spine else 0,
        }
        drawn.append((marks, basis, "lines+markers", style))
    every = [m for marks, *_ in drawn for m in marks]
    filed = pl.col("claim_types").list.contains("filing")
    groups = [
        # A lone filed figure is named as filed, as its card names it, not as a statement.
        (STATEMENT, *FILED_STYLE, (pl.col("role") == STATEMENT) & filed),
        (STATEMENT, *MARKER_STYLES[STATEMENT], (pl.col("role") == STATEMENT) & ~filed),
        (TARGET, *MARKER_STYLES[TARGET], pl.col("role") == TARGET),
    ]
    for role, name, marker, radius, chosen in groups:
        marks = []
        for record in points.filter(chosen).sort("date").to_dicts():
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
    # More room after the last date: the latest figures are labelled beside their points, and
    # on a phone a label half the width of '853 FTE' would otherwise run off the plot.
    return first - pad, last + max(pad, (last - first) * 0.1)


def _canvas(
    points: pl.DataFrame,
    top_share: float,
    plot_px: float,
    span: tuple[dt.date, dt.date] | None = None,
) -> Canvas:
    first, last = span or _span([points])
    height = plot_px * top_share
    top = _top(points)
    # However short the panel (a phone's), a label fits above its highest point.
    highest = top / 1.18
    top = max(top, highest / (1 - min(0.4, LABEL_ROOM / max(height, 1.0))))
    return Canvas(first, last, top, height)


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


def derived_trace(rows: pl.DataFrame, canvas: Canvas | None = None) -> go.Scatter:
    """A derived series (productivity.revenue_per_employee rows): its own dashed grey line and
    hollow squares, its own legend entry, never joined to a reported series. Its hover names
    the formula and both inputs' sources; its last and first values are labelled where
    ``canvas`` has room."""
    records = rows.sort("date").to_dicts()
    texts = [""] * len(records)
    if canvas is not None and records:
        for r in records:
            canvas.block(r["date"], r["value"], 4.0)
        for a, b in itertools.pairwise(records):
            canvas.block_segment(a["date"], a["value"], b["date"], b["value"])
        positions = ["top center"] * len(records)
        for index in dict.fromkeys((len(records) - 1, 0)):
            r = records[index]
            text = short(r["value"], r["unit"])
            where = canvas.place(r["date"], r["value"], text, 4.0, LABEL_FONT)
            if where is not None:
                texts[index], positions[index] = text, where
    hovers = [
        f"<b>{_escape(quantity(r['value'], r['unit']))}</b><br>{_day(r['date'])} · derived"
        f"<br>{_escape(r['formula'])}"
        for r in records
    ]
    ids = [(r["revenue_source_id"], r["headcount_source_id"]) for r in records]
    return go.Scatter(
        x=[r["date"] for r in records],
        y=[r["value"] for r in records],
        name=wrapped(DERIVED_NAME),
        line={"color": DERIVED_COLOUR, "dash": "dash", "width": 1.5},
        marker={"symbol": "square-open", "size": 8, "color": DERIVED_COLOUR},
        customdata=[attribution.point_data(h, i) for h, i in zip(hovers, ids, strict=True)],
        hovertemplate="%{customdata[0]}<extra></extra>",
        mode="lines+markers+text" if any(texts) else "lines+markers",
        **(
            {
                "text": texts,
                "textposition": positions,
                "textfont": {"size": LABEL_FONT, "color": DERIVED_COLOUR},
                "cliponaxis": False,
            }
            if any(texts)
            else {}
        ),
    )


def metric_figure(
    points: pl.DataFrame, title: str, y_title: str, derived: pl.DataFrame | None = None
) -> go.Figure:
    """One metric's series, statements and targets on a date axis, and beside them, drawn
    as such, a series derived from filings (``derived``), if any."""
    height = 400
    has_derived = derived is not None and derived.height > 0
    span = _span([points, derived] if has_derived else [points])  # type: ignore[list-item]
    # One canvas for reported and derived values, so the labels of both keep clear.
    values = [points.select("value"), *([derived.select("value")] if has_derived else [])]  # type: ignore[union-attr]
    canvas = _canvas(pl.concat(values), 1.0, height - CHROME, span)
    traces = point_traces(points, canvas=canvas) if points.height else []
    top = canvas.top
    if has_derived:
        traces.append(derived_trace(derived, canvas))  # type: ignore[arg-type]
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


def _event_traces(
    numbered: pl.DataFrame, bottom: float, top: float
) -> tuple[go.Scatter, list[dict[str, object]]]:
    """One numbered marker per group of events on the strip above the panels, and one
    dotted line per event day down through the panels (``bottom`` to ``top``, paper units)."""
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
            "type": "line", "x0": d, "x1": d, "xref": "x", "yref": "paper", "y0": bottom,
            "y1": top,
            "line": {"color": EVENT_COLOUR, "width": 1, "dash": "dot"}, "opacity": 0.5,
        }
        for d in numbered.get_column("date").unique(maintain_order=True)
    ]  # fmt: skip
    return marker, lines


PERIOD_MARK = 8.0  # px: the coloured square at the start of a period's name


def _period_names(
    spans: list[Period], span: tuple[dt.date, dt.date]
) -> list[tuple[int, list[str]]]:
    """Where each period's name goes on the strip under the panels: from its own start (a
    reader dates a period by where its name begins), wrapped to the room left on a phone-width
    axis, stacked in lines so no two names touch. Gives (first line, lines) per period."""
    canvas = Canvas(span[0], span[1], 1.0, 1.0)
    starts = [(canvas.x(p.start), p.name) for p in spans]
    return stacked(starts, LABEL_FONT, PHONE_PLOT_WIDTH, lead=PERIOD_MARK / 2 + GAP)


def _period_parts(
    spans: list[Period], placed: list[tuple[int, list[str]]], bottom: float, top: float
) -> tuple[go.Scatter | None, list[dict[str, object]]]:
    """Shaded bands through the panels (from ``bottom`` to ``top``, in paper units) and, on
    the strip below them, each period's name after a square of its band's colour at its start:
    the names in the theme's own text colour, off the bands, readable light or dark."""
    if not spans:
        return None, []
    names = go.Scatter(
        x=[p.start for p in spans],
        y=[first + (len(lines) - 1) / 2 for first, lines in placed],
        yaxis="y3",
        mode="markers+text",
        text=["<br>".join(_escape(line) for line in lines) for _, lines in placed],
        textposition="middle right",
        textfont={"size": LABEL_FONT},
        marker={
            "symbol": "square",
            "size": PERIOD_MARK,
            "color": [PERIOD_COLOURS[p.kind] for p in spans],
        },
        hoverinfo="skip",
        showlegend=False,
        cliponaxis=False,
    )
    bands = [
        {
            "type": "rect", "x0": p.start, "x1": p.end, "xref": "x", "yref": "paper",
            "y0": bottom, "y1": top, "fillcolor": PERIOD_COLOURS[p.kind], "opacity": 0.13,
            "line": {"width": 0}, "layer": "below",
        }
        for p in spans
    ]  # fmt: skip
    return names, bands


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
    # The panels and strips in px on a phone, bottom to top, then as shares of the plot.
    placed = _period_names(spans, span)
    names_rows = max((first + len(lines) for first, lines in placed), default=0)
    period_px = names_rows * LABEL_FONT * 1.35 + 2 if names_rows else 0.0
    # The period names get room of their own: the panels keep their height however many
    # lines the names take.
    height = round((530 if has_ai else 440) + period_px)
    plot_px = height - CHROME
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
    # Bands and event lines run through the panels only, never across the period names.
    panels_bottom = share[1] if has_ai else share[2]
    names, bands = _period_parts(spans, placed, panels_bottom, head_top)
    shapes.extend(bands)
    if names is not None:
        traces.append(names)
    if numbered.height:
        marker, lines = _event_traces(numbered, panels_bottom, head_top)
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
    # The title names what is drawn: no 'AI work' over a chart without its panel.
    drawn = " and ".join(n for n, f in (("headcount", headcount), ("AI work", ai_work)) if f.height)
    return _finish(figure, f"{company}: {drawn or 'headcount and AI work'}", height)


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


def company_colours(shown: Sequence[str], every: Sequence[str] = ()) -> dict[str, str]:
    """A colour for each company shown, stable across views: each company's own colour comes
    from its place in ``every`` (all companies, in the catalog's order), so Klarna keeps its
    colour whichever company the sidebar picks; when two shown companies would share one, the
    later (in ``every``'s order) takes the next free colour."""
    order = list(dict.fromkeys([*(c for c in every if c in shown), *shown]))
    place = {c: i for i, c in enumerate(dict.fromkeys([*every, *shown]))}
    taken: dict[str, str] = {}
    for company in order:
        n = len(COMPANY_COLOURS)
        preferred = place[company] % n
        free = [COMPANY_COLOURS[(preferred + k) % n] for k in range(n)]
        used = set(taken.values())
        taken[company] = next((c for c in free if c not in used), free[0])
    return taken


def _index_words(base_year: int) -> str:
    return f"= 100 in {base_year}"


def _comparison_hover(point: dict[str, object], base_year: int | None) -> str:
    """Company, value (and index), date, basis, kind of claim, cause and every source."""
    kinds = ", ".join(label("claim_type", c) for c in cast(list[str], point["claim_types"]))
    lines = [f"<b>{_escape(point['company'])}: {_escape(point['label'])}</b>"]
    if base_year is not None:
        lines.append(f"Index {point['plot_value']:,.1f} ({_index_words(base_year)})")
    lines += [f"{day(point['date'])} · {_escape(point['basis'])}", f"Kind: {_escape(kinds)}"]  # type: ignore[arg-type]
    causes = [label("attribution", c) for c in cast(list[str], point.get("attributions") or ())]
    if causes:
        lines.append(f"Cause: {_escape(', '.join(causes))}")
    lines += [f"Source: {_escape(c)}" for c in cast(list[str], point["cited_list"])]
    return "<br>".join(lines)


def _comparison_trace(
    rows: pl.DataFrame,
    name: str,
    base_year: int | None,
    group: str,
    first: bool,
    **style: object,
) -> go.Scatter:
    records = downsample(rows.sort("date"), column="plot_value").to_dicts()
    return go.Scatter(
        x=[r["date"] for r in records],
        y=[r["plot_value"] for r in records],
        name=_escape(name),
        legendgroup=group,
        legendgrouptitle_text=_escape(group) if first else None,
        customdata=[
            attribution.point_data(_comparison_hover(r, base_year), r["source_ids"])
            for r in records
        ],
        hovertemplate="%{customdata[0]}<extra></extra>",
        **style,
    )


PLOT_COLUMN = "plot_value"  # comparison.PLOT: the value drawn
END_LABEL_GAP = 0.06  # of the plot's height: about 16 px apart on a chart 300 px high


def _end_labels(ends: list[tuple[str, object, float, str]], log: bool) -> list[dict[str, object]]:
    """Each company's name at the end of its best line, in its colour, so a reader need not
    match colours to the legend. Ends close in height are pushed apart (by their share of
    the value axis, which is what the eye sees) so that no two names overlap."""
    if not ends:
        return []

    def height(value: float) -> float:
        return math.log10(value) if log else value

    drawn = [e for e in ends if not (log and e[2] <= 0)]
    if not drawn:
        return []
    heights = [height(e[2]) for e in drawn]
    low, high = min([*heights, 0.0] if not log else heights), max(heights)
    span = (high - low) or 1.0
    placed: list[float] = []
    labels = []
    for (company, when, value, colour), h in sorted(
        zip(drawn, heights, strict=True), key=lambda x: x[1]
    ):
        share = (h - low) / span
        if placed and share - placed[-1] < END_LABEL_GAP:
            share = placed[-1] + END_LABEL_GAP
        placed.append(share)
        labels.append(
            {
                "x": when,
                "y": height(value) if log else value,
                "xref": "x",
                "yref": "y",
                "text": f"<b>{_escape(company)}</b>",
                "showarrow": False,
                "xanchor": "left",
                "xshift": 6,
                # Pushed up by as much of a ~300 px plot as it had to move.
                "yshift": round((share - (h - low) / span) * 300),
                "font": {"color": colour, "size": 11},
            }
        )
    return labels


def _decades(points: pl.DataFrame) -> float:
    """How many powers of ten the drawable (positive) values span."""
    values = points.filter(pl.col(PLOT_COLUMN) > 0).get_column(PLOT_COLUMN)
    if values.is_empty():
        return 0.0
    return math.log10(float(values.max()) / float(values.min()))  # type: ignore[arg-type]


def comparison_figure(
    points: pl.DataFrame,
    title: str,
    companies: Sequence[str] = (),
    *,
    base_year: int | None = None,
    log: bool = False,
    every: Sequence[str] = (),
) -> go.Figure:
    """Several companies on one axis, as values or, with ``base_year``, as an index (each
    series = 100 in that year): colour means company (stable across views: company_colours
    over ``every``, the catalog's companies), marker shape means kind of claim as on the arc
    (series as lines, lone statements as diamonds, targets hollow); one legend group per
    company, listed in the order of ``companies``; each company's name at the end of its best
    line. ``log`` draws the value axis on a log scale, so that one large company does not
    flatten the rest. ``points`` are comparison.Panel points (claims.points plus plot_value)."""
    order = [*companies, *(c for c in points.get_column("company").unique(maintain_order=True))]
    shown = list(dict.fromkeys(order))
    colours = company_colours(shown, every)
    traces: list[go.Scatter] = []
    ends: list[tuple[str, object, float, str]] = []
    for company in shown:
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
                    base_year,
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
            if first:  # the company's first line is its best (sorted spine first)
                last = series.sort("date").row(-1, named=True)
                ends.append((company, last["date"], float(last["plot_value"]), colour))
            first = False
        for role, (name, style, _) in MARKER_STYLES.items():
            lone = mine.filter(pl.col("role") == role)
            if lone.height:
                marker = {**style, "color": colour}
                traces.append(
                    _comparison_trace(
                        lone, name, base_year, company, first, mode="markers", marker=marker
                    )
                )
                first = False
    figure = go.Figure(traces)
    _layout(figure, title)
    # Always a legend: with one trace Plotly hides it, and the company would go unnamed.
    figure.update_layout(
        showlegend=True,
        legend={"groupclick": "toggleitem"},
        annotations=_end_labels(ends, log),
        # Room right of the last dates for the names at the lines' ends.
        margin={"r": 10 + 7 * max((len(e[0]) for e in ends), default=0)},
    )
    # The axis says what its numbers count (one unit a panel: comparison.Panel), not "Value".
    units = points.get_column("unit").unique().to_list() if "unit" in points.columns else []
    if base_year is not None:
        axis = f"Index ({_index_words(base_year)})"
    else:
        axis = units[0] if len(units) == 1 else ""
    figure.update_yaxes(
        title_text=f"{axis}, log scale" if log and axis else axis,
        separatethousands=True,
        type="log" if log else "linear",
    )
    if log and _decades(points) >= 2:
        # Over several decades Plotly also labels 2 and 5 of each: a tick a decade reads.
        figure.update_yaxes(dtick=1)
    # Room for the plot plus the legend below it: a title and a line or two per company.
    groups = len({t.legendgroup for t in traces})
    figure.update_layout(height=420 + 24 * (len(traces) + groups))
    return figure
