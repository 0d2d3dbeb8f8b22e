"""Plotly figure builders: frames in, figures out. No data logic and no Streamlit here.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies) and every
hover text is escaped, so a source title can never become markup inside the chart.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go
import polars as pl

from headcount.claims import LINE, STATEMENT, TARGET
from headcount.formatting import short

SPINE = "#0072B2"
OTHERS = ("#56B4E9", "#009E73", "#CC79A7", "#E69F00", "#999999")
STATEMENT_COLOUR = "#D55E00"
TARGET_COLOUR = "#009E73"
FONT = "Source Sans Pro, Arial, sans-serif"


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


def _trace(rows: pl.DataFrame, name: str, mode: str, **style: object) -> go.Scatter:
    records = rows.to_dicts()
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


def metric_figure(points: pl.DataFrame, title: str, y_title: str) -> go.Figure:
    """Series as lines (the spine emphasised), lone statements as labelled markers, targets
    as hollow markers; one point per agreeing claim, its sources in the hover."""
    figure = go.Figure()
    lines = points.filter(pl.col("role") == LINE)
    for index, ((basis,), rows) in enumerate(
        lines.sort(["spine", "basis"], descending=[True, False]).group_by(
            "basis", maintain_order=True
        )
    ):
        is_spine = bool(rows.get_column("spine").first())
        colour = SPINE if is_spine else OTHERS[(index - 1) % len(OTHERS)]
        figure.add_trace(
            _trace(
                rows.sort("date"),
                str(basis),
                "lines+markers",
                line={
                    "color": colour,
                    "width": 4 if is_spine else 1.5,
                    "dash": None if is_spine else "dot",
                },
                marker={"size": 10 if is_spine else 6, "color": colour},
                opacity=1.0 if is_spine else 0.75,
            )
        )
    statements = points.filter(pl.col("role") == STATEMENT)
    if statements.height:
        figure.add_trace(
            _trace(
                statements,
                "Other statements (own basis, not joined)",
                "markers+text",
                marker={"size": 10, "color": STATEMENT_COLOUR, "symbol": "diamond"},
                textposition="top center",
                textfont={"size": 11, "color": STATEMENT_COLOUR},
            )
        )
    targets = points.filter(pl.col("role") == TARGET)
    if targets.height:
        figure.add_trace(
            _trace(
                targets,
                "Targets (goals, not observations)",
                "markers+text",
                marker={
                    "size": 13,
                    "color": TARGET_COLOUR,
                    "symbol": "circle-open",
                    "line": {"width": 2.5},
                },
                textposition="bottom center",
                textfont={"size": 11, "color": TARGET_COLOUR},
            )
        )
    figure.update_layout(
        title={"text": _escape(title)},
        font={"family": FONT},
        hovermode="closest",
        clickmode="event+select",
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        yaxis={
            "title": {"text": _escape(y_title)},
            "rangemode": "tozero",
            "separatethousands": True,
        },
        xaxis={"title": None},
    )
    return figure
