"""The landing page: the arc of one company in one screen, every number with its source."""

from __future__ import annotations

import polars as pl
import streamlit as st

from headcount import charts, citations, claims, exports, story
from headcount.formatting import quantity
from ui import state
from ui.cited import chart, citation_panel, file_stem
from ui.text import escape, plain

METRICS = story.HEADLINE_METRICS

data = state.dataset_or_stop()
view = state.current_view(data)
company = view.company
link = state.publish(view, data)
state.show_link_notices()

claimed = {metric: claims.claims_for(data, company, metric) for metric in METRICS}
points = {metric: claims.points(rows) for metric, rows in claimed.items()}
events = claims.events_for(data, company)
headlines = story.headlines(points)
sentences = story.narrative(data, company, points)
title = f"{company}: headcount, AI work and what happened in between"

st.title(title)
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
    st.info(f"No figures for {company} in the data yet.")

if sentences:
    st.subheader("What the data shows")
    for sentence in sentences:
        plain(sentence)

figures = []
if points["headcount"].height or points["ai_workload_fte"].height:
    arc = charts.arc_figure(points["headcount"], points["ai_workload_fte"], events, company)
    figures.append(arc)
    citation_panel(chart(arc, "arc_chart", file_stem(company, "headcount-arc"), title), data)

cards = {headline.metric: headline for headline in headlines}
left, right = st.columns(2)
for column, metric, label in (
    (left, "revenue_per_employee", "Revenue per employee"),
    (right, "valuation", "Valuation"),
):
    with column:
        if metric in cards:
            # One unit per axis: SEK and USD figures are never drawn on the same scale.
            unit = cards[metric].unit
            shown = claims.points(claimed[metric].filter(pl.col("unit") == unit))
            figure = charts.metric_figure(shown, f"{company}: {label.lower()} ({unit})", label)
            figures.append(figure)
            name = file_stem(company, metric)
            citation_panel(chart(figure, f"{metric}_chart", name, label), data)
            hidden = sorted(set(points[metric].get_column("unit")) - {unit})
            if hidden:
                plain(
                    f"Figures in {', '.join(hidden)} are on the Explorer page and in the table.",
                    caption=True,
                )
        else:
            st.caption(f"No {label.lower()} figures for {company}.")

every_row = pl.concat(list(claimed.values()), how="vertical")
with st.expander("The figures behind these charts, as a table (text alternative)"):
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
            "url": st.column_config.LinkColumn("Link"),
            "cited_as": st.column_config.TextColumn("Source"),
        },
    )
    if events.height:
        st.dataframe(
            events.select("date", "kind", "title", "detail", "cited_as", "url"),
            hide_index=True,
            width="stretch",
            column_config={"url": st.column_config.LinkColumn("Link")},
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
