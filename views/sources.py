"""Sources: the bibliography, what cites each source, the conflicts ledger, mistaken framings,
and how to cite the dashboard."""

from __future__ import annotations

import streamlit as st

from headcount import bibliography, claimcheck, conflicts, nextfigure, share, sourcesview
from headcount.labels import day
from ui import state
from ui.text import escape, plain

catalog = state.catalog_or_stop()  # the sidebar's, counted by the database once per revision
data = state.dataset_or_stop()
state.link_view(catalog)
view = state.current_view(catalog)
link = state.publish(view, catalog)
state.show_link_notices()

st.title("Sources")
plain(
    "Every figure and event in this dashboard cites one of these sources. Publisher is who made "
    "the claim; 'via' is whose copy was read. Reliability says how close the source is to "
    "the originator of the claim.",
    caption=True,
)

listed = bibliography.bibliography(data.sources, data.observations, data.events)

query = st.text_input(
    "Search the bibliography", placeholder="publisher, title, company, figure…", key="source_search"
)
listed = bibliography.search(listed, query)
st.caption(f"{listed.height} of {data.sources.height} sources")
st.dataframe(
    listed,
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
    f"{sourcesview.series_count(data.observations)}. "
    "Their cards say so too.",
    caption=True,
)
st.dataframe(
    sourcesview.stale_in_words(stale),
    hide_index=True,
    width="stretch",
    column_config={"newest": st.column_config.TextColumn("newest figure")},
)

st.header("Next annual figures")
due = nextfigure.next_figures(data, as_of)  # overdue as of the same day as the stale series
late = [figure.company for figure in due if figure.overdue]
plain(
    "Each company's fiscal year end as its filings show it, a year on, expected as long after "
    f"as its own sources were published. Overdue on {day(as_of)}: {', '.join(late) or 'none'}.",
    caption=True,
)
st.dataframe(nextfigure.in_words(due), hide_index=True, width="stretch")
st.link_button(
    f"Follow changes to {view.company} (Atom)",
    share.feed_link(link, view.company),
    icon=":material/rss_feed:",
    help="A feed of every published revision that changes this company's rows, naming them.",
)

st.header("Conflicts ledger")
plain(
    f"Claims about the same company and metric, at most {conflicts.WINDOW_DAYS} days apart, "
    f"from different sources, differing by more than {conflicts.TOLERANCE:.0%}. Both sides are "
    "kept in the data; neither is averaged away.",
    caption=True,
)
ledger = sourcesview.conflicts_in_words(data.observations, data.sources)
if not ledger:
    st.success("No conflicting claims in the data.")
for conflict in ledger:
    with st.container(border=True):
        plain(conflict.heading)
        for column, side in zip(st.columns(2), conflict.sides, strict=True):
            with column:
                st.metric(side.heading, side.figure)
                plain(f"Basis: {side.basis}", caption=True)
                plain(f"Source: {side.source}", caption=True)
                st.link_button("Open the source", side.url, icon=":material/open_in_new:")

st.header("Mistaken framings")
plain(
    "Claims that circulate but that the sources do not support, each with what the data shows.",
    caption=True,
)
for framing in sourcesview.framings_cited(data.framings, data.sources):
    with st.container(border=True):
        st.markdown(f"**Claimed:** {escape(framing.claim)}")
        plain(f"Where: {framing.where}", caption=True)
        st.markdown(f"**What the data shows:** {escape(framing.shows)}")
        plain(f"Evidence: {framing.evidence}", caption=True)
        # The addresses inside the citations are text; these are the links (issue 13.5).
        where, shown = st.columns(2)
        if framing.claim_url:
            where.link_button("Open the claim", framing.claim_url, icon=":material/open_in_new:")
        if framing.evidence_url:
            shown.link_button(
                "Open the evidence", framing.evidence_url, icon=":material/open_in_new:"
            )

st.header("How to cite this dashboard")
plain(
    "Cite the figure's own source (above) first. To cite the dashboard view itself: "
    f"Headcount and AI claims dashboard, data checked {day(as_of)}, view at:",
)
st.code(share.cited_link(link, view, data.revision), language=None, wrap_lines=True)
