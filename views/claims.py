"""Claim check: every AI-workforce claim beside what the company's own filings show."""

from __future__ import annotations

import polars as pl
import streamlit as st

from headcount import claimcheck, exports, share
from headcount.labels import day
from headcount.streamlit_cache import per_revision
from ui import state
from ui.text import escape, plain

catalog = state.catalog_or_stop()
data = state.dataset_or_stop()
view = state.current_view(catalog)
link = state.publish(view, catalog)
state.show_link_notices()

st.title("Claim check")
plain(
    "Each AI-workforce claim set against the company's own filed headcount: the last filing "
    "before it and the first after it, on one basis. Revenue per employee is derived from "
    "filed annual revenue over filed year-end employees (same company, currency and fiscal "
    "year) and drawn apart from reported figures. Where no filing follows a claim, no verdict "
    "is given.",
    caption=True,
)

table = per_revision(data, "claims-overview", "", lambda: claimcheck.overview_cited(data))
default = catalog.companies[0]
page = (st.context.url or "").split("?", 1)[0].rsplit("/", 1)[0] + "/"
arc_links = [
    share.link(page, share.View(company=company), default)
    for company in table.get_column("company")
]

st.subheader("All companies")
shown = table.with_columns(
    pl.Series("arc", arc_links, pl.String),
    (pl.col("change_two_years") * 100).round(0).alias("change_two_years"),
    (pl.col("rpe_change") * 100).round(0).alias("rpe_change"),
)
st.dataframe(
    shown.select(
        "arc",
        "filed_headcount",
        "filed_on",
        "change_two_years",
        "claims",
        "classes",
        "revenue_per_employee",
        "rpe_change",
        "newest_figure",
        "stale",
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "arc": st.column_config.LinkColumn(
            "Company", display_text=r"[?&]company=([^&]*)|/$", help="Opens the company's arc"
        ),
        "filed_headcount": st.column_config.NumberColumn("Filed headcount", format="localized"),
        "filed_on": st.column_config.DateColumn("as of", format="D MMM YYYY"),
        "change_two_years": st.column_config.NumberColumn(
            "Change over two filed years", format="%+.0f%%"
        ),
        "claims": st.column_config.NumberColumn("AI claims"),
        "classes": st.column_config.TextColumn("Cause given"),
        "revenue_per_employee": st.column_config.TextColumn("Revenue per employee (derived)"),
        "rpe_change": st.column_config.NumberColumn(
            "its change, first to latest year", format="%+.0f%%"
        ),
        "newest_figure": st.column_config.DateColumn("Newest figure", format="D MMM YYYY"),
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
for check in checks:
    with st.container(border=True):
        plain(f"{day(check.date)} · {check.attribution}", caption=True)
        for sentence in check.sentences:
            plain(sentence)
        if check.quote:
            plain(f"The source's words: \u201c{check.quote}\u201d", caption=True)
        sources = data.sources.filter(pl.col("source_id").is_in(list(check.source_ids)))
        for source in sources.to_dicts():
            plain(f"[{source['source_id']}] {source['publisher']}", caption=True)
            st.link_button(
                "Open source", source["url"], icon=":material/open_in_new:", type="tertiary"
            )
state.share_control(link, view)
