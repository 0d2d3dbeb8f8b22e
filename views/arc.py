"""The landing page: the arc of one company in one screen, every number with its source."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from headcount import arcview, charts, claimcheck, claimwords, exports, share, story
from ui import embed, sharing, state
from ui.cited import chart, citation_panel, cite_this, file_stem
from ui.server import per_revision
from ui.text import escape, plain

# Only the company on screen is read: the page starts as fast on thousands of companies as
# on a handful.
catalog = state.catalog_or_stop()
embed.arc(catalog)  # embedded (?embed=true): one chart alone, and the page ends there
view = state.current_view(catalog)
company = view.company
link = state.publish(view, catalog)
# The arc shows every metric of its company, of the revision the link pins (if any).
arc_view = share.View(company=company, metrics=(), revision=view.revision)
state.show_link_notices()
data = state.company_or_stop(catalog, company)


def card_help(headline: story.Headline) -> str:
    return "\n\n".join(escape(line) for line in arcview.details(headline))


shown = per_revision(data, "arc", company, lambda: arcview.build(data, company))
headlines, sentences, events, title = shown.headlines, shown.sentences, shown.events, shown.title
today = dt.date.today()  # freshness is judged on the reader's calendar, never cached

buttons = st.container(horizontal=True, horizontal_alignment="right")
# The finding first, then the chart that shows it: on a phone the chart is in the first
# screen, and the cards that restate its figures follow it.
st.header(escape(title))

figures: list[dict] = []
if shown.arc is not None:
    arc = charts.attributed(shown.arc, data.sources, link)
    figures.append(arc)
    arc_event = chart(arc, "arc_chart", file_stem(company, "headcount-arc"), title)
    if shown.event_list:
        # The chart numbers its events; the words are here, where they never collide.
        st.caption("  \n".join(escape(line) for line in shown.event_list))
    citation_panel(arc_event, data)
    cite_this(title, data, arc_view)

if headlines:
    for column, headline in zip(st.columns(len(headlines)), headlines, strict=True):
        with column.container(border=True):
            # One figure, its date and kind; sources and other bases one click away.
            st.metric(headline.label, headline.value, help=card_help(headline))
            for line in arcview.card_lines(headline, today):
                plain(line, caption=True)
else:
    st.info(escape(arcview.no_headline(data, company)))

if sentences:
    st.subheader("What the data shows")
    for sentence in sentences:
        plain(sentence)

checks = per_revision(data, "claim-check", company, lambda: claimcheck.checks(data, company))
if checks:
    st.subheader("Its AI claims against the filed record")
    # The latest three; the Claim check page has them all. A filed record shared by claims in
    # a row is said once, after them.
    for record, group in claimcheck.by_record(checks[-3:]):
        for check in group:
            plain(claimwords.claim_line(check))
        plain(claimwords.record_words(record, len(group)), caption=True)
    st.page_link(
        "views/claims.py",
        label=arcview.claims_link(company, len(checks)),
        icon=":material/fact_check:",
    )

for column, side in zip(st.columns(len(shown.side)), shown.side, strict=True):
    with column:
        if side.figure is None:
            st.caption(f"No {side.label.lower()} figures for {escape(company)}.")
            continue
        stamped = charts.attributed(side.figure, data.sources, link, room=16)
        figures.append(stamped)
        name = file_stem(company, side.metric)
        citation_panel(chart(stamped, f"{side.metric}_chart", name, side.label), data)
        cite_this(f"{company}: {side.label.lower()}", data, arc_view, (side.metric,))
        if side.hidden_units:
            plain(
                f"Figures in {', '.join(side.hidden_units)} are on the Explorer page and in "
                "the table.",
                caption=True,
            )

table = shown.figures_table()
# A toggle, not an expander: a collapsed expander still sends its tables, and the table
# component's code then competes with the chart's for the browser on every first load.
if st.toggle("Show the figures behind these charts as a table (text alternative)", key="table"):
    st.dataframe(
        table.select(
            "metric", "date", "figure", "basis", "kind of claim", "cause given", "source", "url"
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "date": st.column_config.DateColumn("date", format="D MMM YYYY"),
            "url": st.column_config.LinkColumn("Link"),
        },
    )
    if events.height:
        st.dataframe(
            shown.events_table(),
            hide_index=True,
            width="stretch",
            column_config={
                "date": st.column_config.DateColumn("date", format="D MMM YYYY"),
                "url": st.column_config.LinkColumn("Link"),
            },
        )


with buttons:
    sharing.share_control(link, arc_view)
    st.download_button(
        "Brief",
        data=lambda: arcview.brief(shown, data.sources, link, today, figures),
        file_name=f"{file_stem(company, 'brief')}.html",
        mime="text/html",
        icon=":material/download:",
        on_click="ignore",
        help="A self-contained HTML page of this view (charts, narrative, citations) that "
        "opens offline: for forwarding by e-mail.",
    )
    st.download_button(
        "Figures",
        data=lambda: exports.csv_bytes(table),
        file_name=f"{file_stem(company, 'figures')}.csv",
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
        help="Every figure on this page as CSV, each with its full citation and link.",
    )
    st.link_button(
        "Follow changes (Atom)",
        share.feed_link(link, company),
        icon=":material/rss_feed:",
        help="A feed of every published revision that changes this company's rows, naming them.",
    )
