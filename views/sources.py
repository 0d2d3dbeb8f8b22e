"""Sources: the bibliography, what cites each source, the conflicts ledger, mistaken framings,
and how to cite the dashboard."""

from __future__ import annotations

import polars as pl
import streamlit as st

from headcount import citations, claimcheck, conflicts
from headcount.bibliography import bibliography as sources_in_words
from headcount.formatting import quantity
from headcount.labels import day, label
from ui import state
from ui.text import escape, plain

catalog = state.catalog_or_stop()  # the sidebar's, counted by the database once per revision
data = state.dataset_or_stop()
state.link_view(catalog)
link = state.publish(state.current_view(catalog), catalog)
state.show_link_notices()

st.title("Sources")
plain(
    "Every figure and event in this dashboard cites one of these sources. Publisher is who made "
    "the claim; 'via' is whose copy was read. Reliability says how close the source is to "
    "the originator of the claim.",
    caption=True,
)

bibliography = sources_in_words(data.sources, data.observations, data.events)

query = st.text_input(
    "Search the bibliography", placeholder="publisher, title, company, figure…", key="source_search"
)
if query:
    needle = query.lower()
    text = pl.concat_str(
        [pl.col(c).cast(pl.String).fill_null("") for c in bibliography.columns], separator=" "
    ).str.to_lowercase()
    bibliography = bibliography.filter(text.str.contains(needle, literal=True))
st.caption(f"{bibliography.height} of {data.sources.height} sources")
st.dataframe(
    bibliography,
    hide_index=True,
    width="stretch",
    column_config={
        "url": st.column_config.LinkColumn("link"),
        "cited_by": st.column_config.TextColumn("cited by", width="large"),
        "source_id": st.column_config.TextColumn("source id"),
    },
)

as_of = claimcheck.current_to(data)
st.header("Series over a year old")
stale = claimcheck.stale_series(data)
plain(
    f"The data is current to {day(as_of)} (the latest day a source was checked). These series' "
    f"newest figure is more than twelve months older than that: {stale.height} of "
    f"{data.observations.select('company', 'metric', 'unit', 'basis').unique().height}. "
    "Their cards say so too.",
    caption=True,
)
st.dataframe(
    stale.select(
        "company",
        pl.col("metric").map_elements(lambda m: label("metric", m), return_dtype=pl.String),
        "basis",
        "unit",
        pl.col("newest").map_elements(day, return_dtype=pl.String),
        "figures",
    ),
    hide_index=True,
    width="stretch",
    column_config={"newest": st.column_config.TextColumn("newest figure")},
)

st.header("Conflicts ledger")
plain(
    f"Claims about the same company and metric, at most {conflicts.WINDOW_DAYS} days apart, "
    f"from different sources, differing by more than {conflicts.TOLERANCE:.0%}. Both sides are "
    "kept in the data; neither is averaged away.",
    caption=True,
)
ledger = conflicts.ledger(data.observations, data.sources)
if ledger.is_empty():
    st.success("No conflicting claims in the data.")
for row in ledger.iter_rows(named=True):
    with st.container(border=True):
        metric = label("metric", row["metric"])
        plain(f"{row['company']} · {metric} · differ by {row['difference']:.0%}")
        left, right = st.columns(2)
        for column, side in ((left, "a"), (right, "b")):
            with column:
                kind = label("claim_type", row[f"claim_type_{side}"])
                st.metric(
                    f"{day(row[f'date_{side}'])} · {kind}",
                    quantity(row[f"value_{side}"], row["unit"]),
                )
                plain(f"Basis: {row[f'basis_{side}']}", caption=True)
                plain(f"Source: {row[f'cited_as_{side}']}", caption=True)
                st.link_button("Open the source", row[f"url_{side}"], icon=":material/open_in_new:")

st.header("Mistaken framings")
plain(
    "Claims that circulate but that the sources do not support, each with what the data shows.",
    caption=True,
)
framings = citations.with_citations(data.framings, data.sources)
evidence = citations.with_citations(
    data.framings.select(pl.col("evidence_id").alias("source_id")), data.sources
).select("citation", "url")
for row, (shown_by, evidence_url) in zip(
    framings.iter_rows(named=True), evidence.iter_rows(), strict=True
):
    with st.container(border=True):
        st.markdown(f"**Claimed:** {escape(row['claim'])}")
        plain(f"Where: {row['citation']}", caption=True)
        st.markdown(f"**What the data shows:** {escape(row['shows'])}")
        plain(f"Evidence: {shown_by}", caption=True)
        # The addresses inside the citations are text; these are the links (issue 13.5).
        where, shown = st.columns(2)
        if row["url"]:
            where.link_button("Open the claim", row["url"], icon=":material/open_in_new:")
        if evidence_url:
            shown.link_button("Open the evidence", evidence_url, icon=":material/open_in_new:")

st.header("How to cite this dashboard")
latest = data.sources.get_column("accessed").max()
plain(
    "Cite the figure's own source (above) first. To cite the dashboard view itself: "
    f"Headcount and AI claims dashboard, data checked {day(latest)}, view at:",
)
st.code(link, language=None, wrap_lines=True)
