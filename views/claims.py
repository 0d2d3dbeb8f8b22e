"""Claim check: every AI-workforce claim beside what the company's own filings show."""

from __future__ import annotations

from urllib.parse import urlencode

import polars as pl
import streamlit as st

from headcount import claimcheck, exports
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
as_of = per_revision(data, "current-to", "", lambda: claimcheck.current_to(data))
plain(
    "Each AI-workforce claim set against the company's own filed headcount: the last filing "
    "before it and the first after it, on one basis. Revenue per employee is derived from "
    "filed annual revenue over filed year-end employees (same company, currency and fiscal "
    "year) and drawn apart from reported figures. Where no filing follows a claim, no verdict "
    f"is given. The data is current to {day(as_of)}.",
    caption=True,
)

table = per_revision(data, "claims-overview", "", lambda: claimcheck.overview_cited(data))
page = (st.context.url or "").split("?", 1)[0].rsplit("/", 1)[0] + "/"
# Each link names its company, even the default one, so the column can show the name.
arc_links = [f"{page}?{urlencode({'company': c})}" for c in table.get_column("company")]

st.subheader("All companies")


def percent(column: str, missing: str) -> pl.Expr:
    """A change as '-38%', or words saying why there is none: never a grey 'None'."""
    return (
        pl.when(pl.col(column).is_null())
        .then(pl.lit(missing))
        .otherwise(pl.format("{}%", (pl.col(column) * 100).round(0).cast(pl.Int64)))
        .str.replace(r"^(\d)", "+$1")
        .alias(column)
    )


shown = table.with_columns(
    pl.Series("arc", arc_links, pl.String),
    percent("change_two_years", "fewer than 3 filings"),
    percent("rpe_change", "one year or none"),
    pl.col("filed_headcount")
    .map_elements(lambda v: f"{v:,.0f}", return_dtype=pl.String)
    .fill_null("no filed series"),
    pl.col("filed_on").map_elements(day, return_dtype=pl.String).fill_null(""),
    pl.col("newest_figure").map_elements(day, return_dtype=pl.String).fill_null(""),
    pl.col("revenue_per_employee").fill_null("not derivable"),
    pl.col("classes").replace("", "none stated"),
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
            "Company", display_text=r"[?&]company=([^&]*)", help="Opens the company's arc"
        ),
        "filed_headcount": st.column_config.TextColumn("Filed headcount"),
        "filed_on": st.column_config.TextColumn("as of"),
        "change_two_years": st.column_config.TextColumn("Change over two filed years"),
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
for check in checks:
    with st.container(border=True):
        plain(f"{day(check.date)} · {check.attribution}", caption=True)
        for sentence in check.sentences:
            plain(sentence)
        if check.quote:
            plain(f"The source's words: \u201c{check.quote}\u201d", caption=True)
        sources = data.sources.filter(pl.col("source_id").is_in(list(check.source_ids)))
        for source in sources.to_dicts():
            name, button = st.columns([5, 1], vertical_alignment="center")
            with name:
                plain(f"[{source['source_id']}] {source['publisher']}", caption=True)
            button.link_button(
                "Open", source["url"], icon=":material/open_in_new:", type="tertiary"
            )
state.share_control(link, view)
