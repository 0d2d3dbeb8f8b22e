"""History: every revision, the difference between any two, and rollback (which publishes a
new revision equal to an old one; nothing is ever deleted)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from headcount import ingest
from headcount.store import StoreError
from headcount.streamlit_cache import revision_changes, store
from ui import access, state
from ui.review import show_changes
from ui.text import escape

state.link_view(state.catalog_or_stop())
the_store = store()
revisions = the_store.revisions()

st.title("History")
table = pl.DataFrame(
    [
        {
            "revision": r.id,
            "based on": r.parent_id,
            "published (UTC)": r.created_at.strftime("%Y-%m-%d %H:%M"),
            "author": r.author,
            "note": r.note,
            **{f"{name} rows": count for name, count in sorted(r.counts.items())},
        }
        for r in reversed(revisions)
    ]
)
st.dataframe(table, hide_index=True, width="stretch")

st.subheader("Compare two revisions")
ids = [r.id for r in revisions]
left, right = st.columns(2)
older = left.selectbox("From", ids, index=max(len(ids) - 2, 0), key="diff_from")
newer = right.selectbox("To", ids, index=len(ids) - 1, key="diff_to")
changes = revision_changes(older, newer)
if all(change.empty for change in changes.values()):
    st.info(f"Revisions {older} and {newer} hold the same data.")
show_changes(changes)

st.subheader("Roll back")
who = access.analyst()
st.caption(
    "Rolling back publishes a new revision whose data equals the chosen one; the revisions in "
    "between stay in the history."
)
target = st.selectbox("Make the data equal to revision", ids[:-1] or ids, key="rollback_to")
note = st.text_input("Note (required)", key="rollback_note")
if st.button(
    f"Publish a copy of revision {target}",
    disabled=not (who.allowed and note.strip() and len(ids) > 1),
    icon=":material/history:",
):
    try:
        revision = ingest.rollback(the_store, target, who.who, note.strip())
    except StoreError as refused:
        st.error(escape(str(refused)), icon=":material/block:")
    else:
        st.success(f"Published revision {revision.id}, equal to revision {target}.")
if not who.allowed:
    st.caption(escape(who.reason))
