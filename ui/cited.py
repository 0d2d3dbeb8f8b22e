"""Charts and claims whose points lead to their sources: toolbar export names, the
click-to-cite panel and the Cite this block."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import replace

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from headcount import attribution, citations, share
from headcount.dataset import Dataset
from headcount.labels import day
from ui.opened import drawn_when_opened
from ui.text import plain

IMAGE_FORMAT = "image_format"


def file_stem(*parts: str) -> str:
    """A file name people can read: 'klarna-headcount-arc'."""
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


def unchecked(figure: go.Figure | dict) -> go.Figure:
    """The figure as st.plotly_chart takes it without checking it again. Given a dict,
    Streamlit rebuilds a validated Figure from it (tools.return_figure_from_figure_or_data):
    15-20 ms per chart and most of the arc page's script run, for dicts built from figures
    Plotly already validated. tests/test_chart_validity.py validates every figure we build."""
    if isinstance(figure, go.Figure):
        return figure
    return go.Figure(figure, _validate=False)


def chart(figure: go.Figure | dict, key: str, name: str, alt: str) -> dict:
    """A Plotly chart whose camera button saves PNG or SVG under a meaningful name, and whose
    points can be selected; returns the selection event."""
    image = st.session_state.get(IMAGE_FORMAT) or "png"
    config = {
        "displaylogo": False,
        # The camera alone: a full toolbar covers the chart's title on a phone, and zoom
        # and pan are not what an executive came for.
        "modeBarButtons": [["toImage"]],
        "toImageButtonOptions": {"format": image, "filename": name, "scale": 2},
    }
    event = st.plotly_chart(
        unchecked(figure),
        key=key,
        on_select="rerun",
        selection_mode="points",
        config=config,
        width="stretch",
        alt=alt,  # read out by screen readers in place of the chart
    )
    return event or {}


def _source_link(row: Mapping[str, object]) -> None:
    # The address as a real link (validated http(s), no spaces or angle brackets), so it
    # reads and copies exactly; data text elsewhere never becomes a link.
    st.markdown(f"<{row['url']}>")
    st.link_button("Open the source", str(row["url"]), icon=":material/open_in_new:")


def citation_panel(event: dict, data: Dataset) -> None:
    """Below a chart: the full citation and link of every selected point's sources; a figure
    from a filing names the filing first (with the figure's date) and then each copy of it
    that was read."""
    ids = attribution.selected_ids(event)
    if not ids:
        st.caption("Click a point for its full citation.")
        return
    rows = data.sources.filter(pl.col("source_id").is_in(ids)).to_dicts()
    dates = attribution.selected_dates(event)
    of_date = f", figures as of {day(dates[0])}" if len(dates) == 1 else ""
    with st.container(border=True):
        st.markdown("**Sources of the selected point**")
        for filed, copies in citations.by_filing(rows):
            if filed is None:
                plain(citations.cite(copies[0], url=False))
                _source_link(copies[0])
                continue
            plain(f"{filed}{of_date}. Read in:")
            for row in copies:
                plain(citations.copy(row, url=False), caption=True)
                _source_link(row)


CITE_LABEL = "Cite this"


def cite_key(title: str, metrics: tuple[str, ...] | None, what: str = "") -> str:
    """The widget key of a Cite this box: what it cites, so two boxes share one only when
    they cite the same thing."""
    shown = "all" if metrics is None else ",".join(metrics)
    return f"cite|{title}|{shown}|{what}"


def cite_this(
    title: str,
    data: Dataset,
    view: share.View,
    metrics: tuple[str, ...] | None = None,
    *,
    what: str = "",
) -> None:
    """Under a chart or a claim: how to cite it, in plain text and BibTeX, each with a copy
    button: the view's address pinned to the revision shown (rev=, naming its company even
    when it is the default one, which another revision may change), the revision of the data
    and the data API's address of that revision (of ``metrics``, if the chart shows only
    those), and today as the day accessed.

    Drawn only once its expander is opened (ui/opened.py): a closed expander's code blocks still
    reach the browser, and their highlighter's code then competed with the charts' on every
    first load of the arc page (three blocks of two, for a link few readers cite).

    The expander is keyed by what it cites (the title, the metrics, and ``what`` where the
    title alone does not tell two apart), not by its place on the page: a box a reader opened
    for one company stays with it, and the next company's opens closed."""

    def draw() -> None:
        page = st.context.url or ""
        cited = citations.view_citation(
            title,
            share.cited_link(page, view, data.revision),
            data.revision,
            share.data_link(
                page, view if metrics is None else replace(view, metrics=metrics), data.revision
            ),
            dt.date.today(),  # the reader's day of access, never cached
        )
        st.code(cited.text, language=None, wrap_lines=True)
        st.code(cited.bibtex, language="latex", wrap_lines=True)

    drawn_when_opened(CITE_LABEL, cite_key(title, metrics, what), draw)
