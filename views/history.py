"""History: every revision, the difference between any two, and rollback (which publishes a
new revision equal to an old one; nothing is ever deleted)."""

from __future__ import annotations

import streamlit as st

from headcount import ingest, revisionlist
from headcount.outcomes import Refused
from headcount.revisiontext import MAX_NOTE
from ui import access, state
from ui.review import show_changes
from ui.server import revision_changes, store
from ui.text import escape

PUBLISHED = "_history_published"  # the message of a rollback, shown after the rerun

state.link_view(state.catalog_or_stop())
the_store = store()
revisions = the_store.revisions()

st.title("History")
if PUBLISHED in st.session_state:
    st.success(st.session_state.pop(PUBLISHED), icon=":material/check_circle:")
st.dataframe(revisionlist.table(revisions), hide_index=True, width="stretch")

st.subheader("Compare two revisions")
ids = [r.id for r in revisions]
by_id = {r.id: r for r in revisions}
# A publish or rollback (here or elsewhere) makes a new latest revision: the pickers then
# propose it afresh instead of keeping choices made against the old one.
if st.session_state.get("_history_latest") != ids[-1]:
    st.session_state["_history_latest"] = ids[-1]
    for key in ("diff_from", "diff_to", "rollback_to"):
        st.session_state.pop(key, None)
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
# The usual rollback undoes the latest publish: the revision before the latest is proposed.
earlier = ids[:-1] or ids
target = st.selectbox(
    "Make the data equal to revision",
    earlier,
    index=len(earlier) - 1,
    format_func=lambda i: revisionlist.choice(by_id[i]),
    key="rollback_to",
)
note = st.text_input("Note (required)", key="rollback_note", max_chars=MAX_NOTE)
if st.button(
    f"Publish a copy of revision {target}",
    disabled=not (who.allowed and note.strip() and len(ids) > 1),
    icon=":material/history:",
):
    outcome = ingest.rollback(the_store, target, who.who, note.strip())
    if isinstance(outcome, Refused):
        st.error(escape(outcome.reason), icon=":material/block:")
    else:
        # Run the page again so that the table, the comparison and the sidebar all read the
        # new latest revision (they were drawn above from the one before).
        st.session_state[PUBLISHED] = (
            f"Published revision {outcome.revision.id}, equal to revision {target}."
        )
        st.rerun()
if not who.allowed:
    st.caption(escape(who.reason))
