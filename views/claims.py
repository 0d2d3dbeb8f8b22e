"""Claim check: every AI-workforce claim beside what the company's own filings show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from headcount import citations, claimcheck, claimwords, exports, notices
from headcount.labels import day
from ui import sharing, state
from ui.cited import cite_this
from ui.server import per_revision
from ui.text import escape, plain

catalog = state.catalog_or_stop()
data = state.dataset_or_stop()
view = state.current_view(catalog)
link = state.publish(view, catalog)
state.show_link_notices()

st.title("Claim check")
as_of = per_revision(data, "current-to", "", lambda: claimcheck.current_to(data))
plain(
    "Each AI-workforce claim set against the company's own filed headcount: the last filing "
    "before it and the first after it, on one basis. Revenue per employee is derived from "
    "filed annual revenue over filed year-end employees (same company, currency and fiscal "
    "year) and drawn apart from reported figures. Where no filing follows a claim, no verdict "
    "is given. Beside each claim, the layoff notices the company filed under the US WARN Act "
    "between those filings (a year either side where a filing is missing). The data is "
    f"current to {day(as_of)}.",
    caption=True,
)

table = per_revision(data, "claims-overview", "", lambda: claimcheck.overview_cited(data))
st.subheader("All companies")
st.dataframe(
    claimwords.overview_in_words(table, st.context.url, view.revision),
    hide_index=True,
    width="stretch",
    column_config={
        "arc": st.column_config.LinkColumn(
            "Company", display_text=r"[?&]company=([^&]*)", help="Opens the company's arc"
        ),
        "filed_headcount": st.column_config.TextColumn("Filed headcount"),
        "filed_on": st.column_config.TextColumn("as of"),
        "change_two_years": st.column_config.TextColumn(
            "Change over two years",
            help="Filed headcount now against the filing two years before it",
        ),
        "claims": st.column_config.NumberColumn("AI claims"),
        "classes": st.column_config.TextColumn("Cause given"),
        "revenue_per_employee": st.column_config.TextColumn("Revenue per employee (derived)"),
        "rpe_change": st.column_config.TextColumn("its change, first to latest year"),
        "newest_figure": st.column_config.TextColumn("Newest figure"),
        "stale": st.column_config.CheckboxColumn("Over a year old"),
    },
)
st.download_button(
    "Download this table (CSV with citations)",
    data=exports.csv_bytes(table),
    file_name="claim-check-companies.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)

company = view.company
st.subheader(f"Claims of {escape(company)}")
checks = per_revision(data, "claims-company", company, lambda: claimcheck.checks(data, company))
if not checks:
    plain(f"The data holds no AI-workforce claim of {company} with a stated cause.")


def sources_listed(rows: list[dict[str, Any]]) -> None:
    """Each source once, as publishers and titles (a filing first), with a button to open it."""
    for source in rows:
        name, button = st.columns([5, 1], vertical_alignment="center")
        with name:
            plain(citations.cite(source, url=False), caption=True)
        button.link_button("Open", source["url"], icon=":material/open_in_new:", type="tertiary")


def named(ids: Sequence[str]) -> str:
    return citations.named(ids, data.sources)


# Claims in a row between the same two filings share one card: the filed record is said once.
for record, group in claimcheck.by_record(checks):
    with st.container(border=True):
        for check in group:
            plain(f"{day(check.date)} · {check.attribution}", caption=True)
            plain(check.line)
            plain(check.said)
            for sentence in check.own:
                plain(sentence)
            if check.quote:
                plain(f"The source's words: {citations.quotation(check.quote)}", caption=True)
            if check.figures is not None:
                plain("Every figure the data holds for it:", caption=True)
                for line in check.figures.lines(named):
                    plain(line, caption=True)
                plain(check.figures.why, caption=True)
            plain("What came after it:" if check.later else "The data links no later event to it.")
            for event, _source in check.later:
                plain(event)
            sources_listed(claimwords.sources_of(check, data.sources))
            # A claim's data: its company's figures of every metric (a claim may be of any).
            cite_this(claimwords.claim_title(check), data, view, (), what=check.claim)
        st.divider()
        plain(claimwords.record_words(record, len(group)))
        sources_listed(claimwords.record_sources(group[0], data.sources))
filed = per_revision(
    data, "claims-notices", company, lambda: notices.listed(data.notices, company, data.sources)
)
st.subheader(f"WARN notices of {escape(company)}")
if filed.is_empty():
    plain(f"The data holds no WARN notice of {company}.")
else:
    st.dataframe(
        filed,
        hide_index=True,
        width="stretch",
        column_config={
            "filed": st.column_config.TextColumn("Filed"),
            "state": st.column_config.TextColumn("State"),
            "workers": st.column_config.NumberColumn("Workers"),
            "site": st.column_config.TextColumn("Site"),
            "cause": st.column_config.TextColumn("Cause on the form"),
            "sources": st.column_config.TextColumn("Reported by"),
        },
    )
sharing.share_control(link, view)
