"""The landing page: the arc of one company in one screen, every number with its source."""

from __future__ import annotations

import polars as pl
import streamlit as st

from headcount import arcview, citations, exports
from headcount.formatting import quantity
from headcount.streamlit_cache import per_revision
from ui import state
from ui.cited import chart, citation_panel, file_stem
from ui.text import escape, plain

# Only the company on screen is read: the page starts as fast on thousands of companies as
# on a handful.
catalog = state.catalog_or_stop()
view = state.current_view(catalog)
company = view.company
link = state.publish(view, catalog)
state.show_link_notices()
data = state.company_or_stop(catalog, company)

shown = per_revision(data, "arc", company, lambda: arcview.build(data, company))
headlines, sentences, events, title = shown.headlines, shown.sentences, shown.events, shown.title

st.title(escape(title))
share_column, brief_column, _ = st.columns([1, 1, 5])

card_texts: list[tuple[str, str, str]] = []
if headlines:
    for column, headline in zip(st.columns(len(headlines)), headlines, strict=True):
        more = len(headline.sources) - 1
        source = headline.sources[0] + (f" (+{more} more)" if more else "")
        with column.container(border=True):
            st.metric(
                headline.label,
                headline.value,
                delta=headline.delta,
                delta_color="off",
                help=escape("Sources: " + " | ".join(headline.sources)),
            )
            plain(f"{headline.date:%d %b %Y} · {headline.basis}", caption=True)
            plain(f"Source: {source}", caption=True)
            for line in headline.elsewhere:
                plain(line, caption=True)
        detail = " · ".join(
            [f"{headline.date:%d %b %Y}", headline.basis, *headline.sources, *headline.elsewhere]
        )
        card_texts.append((headline.label, f"{headline.value}  {headline.delta or ''}", detail))
else:
    st.info(f"No figures for {escape(company)} in the data yet.")

if sentences:
    st.subheader("What the data shows")
    for sentence in sentences:
        plain(sentence)

figures = []
if shown.arc is not None:
    figures.append(shown.arc)
    arc_event = chart(shown.arc, "arc_chart", file_stem(company, "headcount-arc"), title)
    citation_panel(arc_event, data)

for column, side in zip(st.columns(len(shown.side)), shown.side, strict=True):
    with column:
        if side.figure is None:
            st.caption(f"No {side.label.lower()} figures for {escape(company)}.")
            continue
        figures.append(side.figure)
        name = file_stem(company, side.metric)
        citation_panel(chart(side.figure, f"{side.metric}_chart", name, side.label), data)
        if side.hidden_units:
            plain(
                f"Figures in {', '.join(side.hidden_units)} are on the Explorer page and in "
                "the table.",
                caption=True,
            )

every_row = shown.every_row
# A toggle, not an expander: a collapsed expander still sends its tables, and the table
# component's code then competes with the chart's for the browser on every first load.
if st.toggle("Show the figures behind these charts as a table (text alternative)", key="table"):
    st.dataframe(
        every_row.select(
            "metric",
            "date",
            pl.struct("value", "unit")
            .map_elements(lambda r: quantity(r["value"], r["unit"]), return_dtype=pl.String)
            .alias("figure"),
            "basis",
            "claim_type",
            "cited_as",
            "url",
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "date": st.column_config.DateColumn("date"),
            "url": st.column_config.LinkColumn("Link"),
            "cited_as": st.column_config.TextColumn("Source"),
        },
    )
    if events.height:
        st.dataframe(
            events.select("date", "kind", "title", "detail", "cited_as", "url"),
            hide_index=True,
            width="stretch",
            column_config={
                "date": st.column_config.DateColumn("date"),
                "url": st.column_config.LinkColumn("Link"),
            },
        )


def brief() -> str:
    ids = [*every_row.get_column("source_id"), *events.get_column("source_id")]
    cited = citations.with_citations(
        pl.DataFrame({"source_id": list(dict.fromkeys(ids))}, schema={"source_id": pl.String}),
        data.sources,
    )
    return exports.brief_html(
        title=title,
        link=link,
        cards=card_texts,
        sentences=sentences,
        figures=figures,
        citations=cited.get_column("citation").to_list(),
    )


with share_column:
    state.share_control(link)
with brief_column:
    st.download_button(
        "Brief",
        data=brief,
        file_name=f"{file_stem(company, 'brief')}.html",
        mime="text/html",
        icon=":material/download:",
        on_click="ignore",
        help="A self-contained HTML page of this view (charts, narrative, citations) that "
        "opens offline: for forwarding by e-mail.",
    )
