"""Headcount over time: the series and every other statement, each with its source."""

from __future__ import annotations

import polars as pl
import streamlit as st

from headcount import charts, claims
from headcount.streamlit_cache import load_curated

METRIC = "headcount"

loaded = load_curated()
if not loaded.ok:
    st.error(
        "The curated data did not pass validation, so nothing is charted. "
        "Each row below says which file, line and column to fix, and how.",
        icon=":material/error:",
    )
    st.dataframe(loaded.problems, hide_index=True, width="stretch")
    st.stop()

data = loaded.dataset
companies = data.companies()
company = st.selectbox("Company", companies, index=0, key="company")

rows = claims.claims_for(data, company, METRIC)
plotted = claims.points(rows)
spine = claims.spine_basis(rows)

st.title(f"{company}: headcount over time")
if spine:
    st.caption(
        f"The thick line is the series **{spine}**; other bases are drawn apart and never "
        "joined to it. Hover a point for its source; click it for the full citation."
    )

if plotted.is_empty():
    st.info(f"No headcount figures for {company} in the data.")
    st.stop()

figure = charts.metric_figure(plotted, f"{company} headcount: series and statements", "Employees")
event = st.plotly_chart(
    figure, key="headcount_chart", on_select="rerun", selection_mode="points", width="stretch"
)

selected = (event or {}).get("selection", {}).get("points", []) if event else []
if selected:
    ids = str(selected[0].get("customdata", ["", ""])[1]).split(";")
    st.subheader("Sources of the selected point")
    for source_id in ids:
        cited = rows.filter(pl.col("source_id") == source_id)
        if cited.height:
            st.text(cited.get_column("citation").first())
            st.link_button("Open the source", cited.get_column("url").first())

st.subheader("Every figure in the chart")
table = rows.select(
    "date",
    pl.col("value"),
    "unit",
    "basis",
    pl.col("claim_type").str.replace_all("_", " "),
    "cited_as",
    "url",
    "note",
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "date": st.column_config.DateColumn("Date"),
        "value": st.column_config.NumberColumn("Value", format="localized"),
        "unit": st.column_config.TextColumn("Unit"),
        "basis": st.column_config.TextColumn("Basis (what is counted)"),
        "claim_type": st.column_config.TextColumn("Claim type"),
        "note": st.column_config.TextColumn("Note"),
        "cited_as": st.column_config.TextColumn("Source"),
        "url": st.column_config.LinkColumn("Link"),
    },
)
