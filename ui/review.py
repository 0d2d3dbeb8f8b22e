"""How a change between two versions of the tables is shown (the same on Upload and History),
and how the problems that stop an upload are shown."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
import streamlit as st

from headcount.diff import TableDiff
from ui.text import escape
from validation import problems


def show_changes(changes: Mapping[str, TableDiff]) -> None:
    """Per changed table: counts, then rows added, cells changed (old and new), rows removed."""
    for name, change in changes.items():
        if change.empty:
            continue
        counts = change.counts()
        with st.container(border=True):
            st.markdown(
                f"**{name}.csv**: {counts['added']} added, {counts['changed']} changed, "
                f"{counts['removed']} removed"
            )
            added, changed, removed = st.columns(3)
            added.metric("Rows added", counts["added"])
            changed.metric("Rows changed", counts["changed"])
            removed.metric("Rows removed", counts["removed"])
            for count, caption, rows in (
                (counts["added"], "Added", change.added),
                (counts["changed"], "Changed (old and new values)", change.changes),
                (counts["removed"], "Removed", change.removed),
            ):
                if count:
                    st.caption(caption)
                    # Dates as dates: the grid would show a Date column as midnight timestamps.
                    dates = {
                        column: st.column_config.DateColumn(column)
                        for column, dtype in rows.schema.items()
                        if dtype == pl.Date
                    }
                    st.dataframe(rows, hide_index=True, width="stretch", column_config=dates)


ACKNOWLEDGE = "I have checked these warnings and publish the figures as they are"


WARNINGS_IN_WORDS = 10  # the rest are in the table below them


def show_warnings(report: pl.DataFrame) -> bool:
    """The review's warnings (the evidence check, plausibility) and the acknowledgement that
    publishing them needs; whether it is given (True when there is nothing to acknowledge)."""
    if report.is_empty():
        return True
    total = problems.count(report)
    listed = (
        f" The first {problems.per_kind()} of each kind are listed, then how many more."
        if problems.summarised(report)
        else ""
    )
    st.warning(
        f"{total:,} warning(s): figures that do not match their source's quote or are "
        "far from the company's filed figures. They do not stop the upload; check each one. "
        f"The revision records the warnings you acknowledge, and who acknowledged them.{listed}",
        icon=":material/warning:",
    )
    show_problems(report)
    return st.checkbox(ACKNOWLEDGE, key="acknowledge_warnings")


# Widths in px that fit the page's column at 1400 px beside the sidebar (about 930 px), so the
# problem and its hint are on screen, not past a scroll bar; each cell shows the rest on hover.
WIDTHS = {"code": 120, "file": 140, "line": 50, "column": 90, "value": 100, "problem": 215}


def show_problems(report: pl.DataFrame) -> None:
    """The first problems in words (a table cell cuts a sentence off where it matters most),
    then the report as a table, one problem per row, its code first."""
    for row in report.head(WARNINGS_IN_WORDS).iter_rows(named=True):
        where = f"{row['file']}, line {row['line']}" + (
            f", {row['column']}" if row["column"] else ""
        )
        st.markdown(f"- **{escape(where)}**: {escape(row['problem'])}. {escape(row['hint'] or '')}")
    columns = {
        name: st.column_config.TextColumn(name, width=width) for name, width in WIDTHS.items()
    }
    columns["code"] = st.column_config.TextColumn(
        "code",
        width=WIDTHS["code"],
        help="The kind of problem; data/README.md lists every code.",
    )
    columns["line"] = st.column_config.NumberColumn("line", width=WIDTHS["line"])
    st.dataframe(report, hide_index=True, width="stretch", column_config=columns)
