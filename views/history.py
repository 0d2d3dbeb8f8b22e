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
LATEST = "_history_latest"  # the latest revision the pickers were proposed for

# The store's history, whatever revision a link pins for the other pages.
view = state.link_view(state.catalog_or_stop())
the_store = store()
revisions = the_store.revisions()

st.title("History")
published = st.session_state.pop(PUBLISHED, None)
if published is not None:
    st.success(published, icon=":material/check_circle:")
st.dataframe(
    revisionlist.table(revisions, st.context.url, view.company),
    hide_index=True,
    width="stretch",
    column_config={
        "view": st.column_config.LinkColumn(
            "view",
            display_text="Open the arc",
            help="The arc of the company chosen in the sidebar, as this revision holds it "
            "(its address pins the revision with rev=)",
        )
    },
)

st.subheader("Compare two revisions")
ids = [r.id for r in revisions]
by_id = {r.id: r for r in revisions}
# The usual rollback undoes the latest publish: the revision before the latest is proposed.
earlier = ids[:-1] or ids
# A publish or rollback (here or elsewhere) makes a new latest revision: the pickers then
# propose it afresh instead of keeping choices made against the old one. The choices are set
# through the session state, which the browser is told too: a keyed widget keeps its identity
# when its options change, so the browser would go on showing the old choice while the page
# computed with the new one (issue 24, item 9).
if st.session_state.get(LATEST) != ids[-1]:
    st.session_state[LATEST] = ids[-1]
    st.session_state["diff_from"] = ids[max(len(ids) - 2, 0)]
    st.session_state["diff_to"] = ids[-1]
    st.session_state["rollback_to"] = earlier[-1]
if published is not None:
    st.session_state["rollback_note"] = ""  # the note of the rollback just published
left, right = st.columns(2)
older = left.selectbox("From", ids, key="diff_from")
newer = right.selectbox("To", ids, key="diff_to")
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
target = st.selectbox(
    "Make the data equal to revision",
    earlier,
    format_func=lambda i: revisionlist.choice(by_id[i]),
    key="rollback_to",
)
note = st.text_input("Note (required)", key="rollback_note", max_chars=MAX_NOTE)
if st.button(
    f"Publish a copy of revision {target}",
    key="rollback_publish",  # a click counts even if the label changed with the choice
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
