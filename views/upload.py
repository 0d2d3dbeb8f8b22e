"""Upload: validate analysts' CSVs against the latest revision, review the change, publish it."""

from __future__ import annotations

import hashlib

import streamlit as st

from headcount import exports, ingest, preview
from headcount.diff import MODES
from headcount.outcomes import Refused
from headcount.revisiontext import MAX_NOTE
from ui import access, state
from ui.opened import drawn_when_opened
from ui.review import show_changes, show_problems, show_warnings
from ui.server import per_revision, store
from ui.text import escape, plain
from validation import problems
from validation.tables import TABLES

MODE_LABELS = {"upsert": "Add and update rows (by key)", "replace": "Replace the uploaded tables"}
PROPOSAL = "_proposal"
PUBLISHED = "_upload_published"  # (the files' fingerprint, the message) after a publish

catalog = state.catalog_or_stop()  # the sidebar's, counted by the database once per revision
# An upload is judged against the latest revision, whatever revision a link pins elsewhere.
data = state.dataset_or_stop(latest=True)
state.link_view(catalog)
who = access.analyst()
the_store = store()

st.title("Upload and publish")
if who.allowed:
    st.success(escape(who.reason), icon=":material/verified_user:")
else:
    st.warning(escape(who.reason), icon=":material/lock:")
    if who.sign_in:
        st.button("Sign in", on_click=st.login, icon=":material/login:")


def show_templates() -> None:
    """The format in words and a template per table to download."""
    plain(
        "UTF-8 CSV with a header row, ISO dates (2024-12-31), plain numbers in base units "
        "(45.6 billion is 45600000000). The table is recognised from the header. Each template "
        "holds the header and two rows of the current data."
    )
    # The same for every run of every session until the next revision: writing the five
    # CSVs took 4 ms of a review's 100 ms script run on an idle machine, 10-57 ms loaded.
    examples = per_revision(data, "upload-templates", "", lambda: preview.templates(data))
    for column, (name, example) in zip(st.columns(len(examples)), examples.items(), strict=True):
        column.download_button(
            f"{name}.csv",
            data=example,
            file_name=f"{name}-template.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )


# Drawn only when opened, as the preview below: closed, its twelve elements were sent, and
# redrawn by the browser, on every run of the page, the review of each upload among them.
drawn_when_opened(
    "Templates and format", "templates_open", show_templates, icon=":material/description:"
)

if not who.allowed:
    # Checking a file costs the server memory and time in proportion to the file; only those
    # who may publish may make it check one (docs/SECURITY.md, "Uploads").
    st.info(
        "Checking and publishing files needs the analyst role; the templates above show the "
        "format.",
        icon=":material/lock:",
    )
    st.stop()

mode = st.radio(
    "What the upload does",
    MODES,
    index=MODES.index("upsert"),  # the safe default: rows not in the upload stay
    format_func=MODE_LABELS.get,
    horizontal=True,
    help="Add and update: rows are matched by the table's key; rows not in the upload stay. "
    "Replace: each uploaded table becomes exactly the uploaded rows.",
)
uploads = st.file_uploader(
    f"CSV files or Excel workbooks (.xlsx): {', '.join(TABLES)}",
    accept_multiple_files=True,
    key="uploads",
)

if not uploads:
    st.caption("Upload one or more CSV files to see what is wrong or exactly what will change.")
    st.stop()

files = [(upload.name, upload.getvalue()) for upload in uploads]
# The proposal stays based on the revision it was checked against until the person asks for a
# re-check: re-basing it silently would publish a diff nobody reviewed.
digests = [(name, hashlib.sha256(content).hexdigest()) for name, content in files]
fingerprint = hashlib.sha256(repr((mode, digests)).encode()).hexdigest()
published = st.session_state.get(PUBLISHED)
if published is not None and published[0] == fingerprint:
    # Published from these very files: the review they gave is done. The page says so and
    # offers nothing more to publish until other files are given (issue 24, item 10).
    st.success(published[1], icon=":material/check_circle:")
    st.caption("Remove the files above, or add others, to check another upload.")
    st.stop()
st.session_state.pop(PUBLISHED, None)
cached = st.session_state.get(PROPOSAL)
# One line says what the check is doing, then which files the review below is of (a reader
# sees the uploader's name as text however fast the check ran). A line, not st.status: its
# box is drawn, opened and closed by the browser on every check.
line = st.container(key="upload_progress").empty()
if cached is None or cached[0] != fingerprint:
    parsed = []
    for name, content in files:
        line.caption(f"Reading {escape(name)} ({len(content):,} bytes)…")
        parsed.extend(ingest.parse_uploads([(name, content)]))  # a sheet each
    line.caption("Validating against the latest revision…")
    proposal = ingest.for_review(ingest.prepare(parsed, the_store, mode))
    del parsed  # the typed rows of a large file: not needed once checked
    st.session_state[PROPOSAL] = (fingerprint, proposal)
proposal = st.session_state[PROPOSAL][1]
checked = ", ".join(escape(name) for name, _ in files) if len(files) <= 3 else None
line.caption(
    (":material/check_circle:" if proposal.ok else ":material/error:")
    + (f" Checked {checked}." if checked else f" Checked {len(files)} files.")
)
latest = the_store.latest_id()
if latest != proposal.base:
    st.warning(
        f"Revision {latest} was published after this upload was checked against revision "
        f"{proposal.base}; publishing this review would be refused.",
        icon=":material/sync_problem:",
    )
    if st.button("Check again against the latest revision", icon=":material/refresh:"):
        st.session_state.pop(PROPOSAL, None)
        st.rerun()

if not proposal.ok:
    total = problems.count(proposal.problems)
    listed = (
        f" The first {problems.per_kind()} of each kind are listed, then how many more."
        if problems.summarised(proposal.problems)
        else ""
    )
    st.error(
        f"{total:,} problem(s) found. Nothing was changed. Each row says the file, line (the "
        f"header is line 1), column, value, what is wrong and how to fix it.{listed}",
        icon=":material/error:",
    )
    show_problems(proposal.problems)
    st.download_button(
        "Download the problems (CSV)",
        data=exports.csv_bytes(proposal.problems),
        file_name="upload-problems.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    st.stop()

if proposal.empty:
    st.info("The upload matches the latest revision: nothing would change.")
    st.stop()

st.subheader(f"What changes against revision {proposal.base}")
show_changes(proposal.changes)


def show_preview() -> None:
    """The arc of the company the upload changes (else the one chosen in the sidebar) as it
    would be drawn after publishing, its changed points ringed."""
    preferred = preview.company_changed(proposal.changes) or st.session_state.get(
        state.COMPANY, catalog.companies[0]
    )
    changes = proposal.changes.get("observations")
    after = preview.arc_after(proposal.proposed, preferred, changes.opened if changes else None)
    if after is None:
        st.caption("The upload leaves no figure to draw.")
        return
    st.markdown(f"**{escape(after.company)} after publishing**")
    st.plotly_chart(after.figure, key="preview_chart", width="stretch")


# Drawn only when opened: the chart was a tenth of the review's script run, and on a page
# that has drawn no chart yet it made the browser load Plotly's code before the review was
# usable, for a look most reviews of a table of rows do without.
drawn_when_opened(
    "Preview the arc after publishing", "preview_open", show_preview, icon=":material/timeline:"
)

acknowledged = show_warnings(proposal.warnings)
note = st.text_input("Note for the revision (required)", key="publish_note", max_chars=MAX_NOTE)
clicked = st.button(
    f"Publish revision {(proposal.base or 0) + 1}",
    type="primary",
    disabled=not (who.allowed and note.strip() and acknowledged),
    icon=":material/publish:",
)
if not who.allowed:
    st.caption("Publishing needs the analyst role.")
if clicked and who.allowed and note.strip() and acknowledged:
    outcome = ingest.publish(proposal, the_store, who.who, note.strip(), acknowledge=acknowledged)
    if isinstance(outcome, Refused):
        st.error(escape(outcome.reason), icon=":material/block:")
    else:
        # Run the page again: the sidebar, the review and the button were drawn from the
        # revision before; the next run says what was published, and offers nothing more.
        st.session_state.pop(PROPOSAL, None)
        st.session_state[PUBLISHED] = (
            fingerprint,
            f"Published revision {outcome.revision.id}. Every page now shows it.",
        )
        st.rerun()
