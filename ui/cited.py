"""Charts whose points lead to their sources: toolbar export names and the click-to-cite panel."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from headcount import attribution, citations
from headcount.dataset import Dataset
from ui.text import plain

IMAGE_FORMAT = "image_format"


def file_stem(*parts: str) -> str:
    """A file name people can read: 'klarna-headcount-arc'."""
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


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
        figure,
        key=key,
        on_select="rerun",
        selection_mode="points",
        config=config,
        width="stretch",
        alt=alt,  # read out by screen readers in place of the chart
    )
    return event or {}


def citation_panel(event: dict, data: Dataset) -> None:
    """Below a chart: the full citation and link of every selected point's sources."""
    ids = attribution.selected_ids(event)
    if not ids:
        st.caption("Click a point for its full citation.")
        return
    rows = data.sources.filter(pl.col("source_id").is_in(ids))
    with st.container(border=True):
        st.markdown("**Sources of the selected point**")
        for row in rows.iter_rows(named=True):
            plain(citations.cite(row, url=False))
            # The address as a real link (validated http(s), no spaces or angle brackets), so
            # it reads and copies exactly; data text elsewhere never becomes a link.
            st.markdown(f"<{row['url']}>")
            st.link_button("Open the source", row["url"], icon=":material/open_in_new:")
