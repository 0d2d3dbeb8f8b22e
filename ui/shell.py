"""The shell every page shares: page config, navigation and the sidebar. app.py runs it on
every rerun; it lives here so that app.py can also hand the ASGI server the data API."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import access, state
from ui.cited import IMAGE_FORMAT


def run() -> None:
    st.set_page_config(
        page_title="Headcount & AI claims",
        # A file of ours: with a :material/ icon the browser fetches the favicon from Google.
        page_icon=str(Path(__file__).parent / "icon.png"),
        layout="wide",
    )

    pages = [
        st.Page("views/arc.py", title="The arc", icon=":material/timeline:", default=True),
        st.Page(
            "views/explorer.py",
            title="Explorer",
            icon=":material/query_stats:",
            url_path="explorer",
        ),
        st.Page(
            "views/claims.py", title="Claim check", icon=":material/fact_check:", url_path="claims"
        ),
        st.Page(
            "views/sources.py", title="Sources", icon=":material/menu_book:", url_path="sources"
        ),
        st.Page(
            "views/upload.py", title="Upload", icon=":material/upload_file:", url_path="upload"
        ),
        st.Page("views/history.py", title="History", icon=":material/history:", url_path="history"),
    ]

    # Embedded (?embed=true, ui/embed.py): a chart in someone's page, with no menu of ours.
    embedded = state.embedded()
    navigation = st.navigation(pages, position="hidden" if embedded else "sidebar")
    if access.viewing_requires_sign_in() and not st.user.get("is_logged_in", False):
        st.title("Headcount & AI claims")
        st.info("This deployment asks viewers to sign in.")
        st.button("Sign in", on_click=st.login, icon=":material/login:")
        st.stop()
    with state.store_faults_shown():
        # The revision the view pins (rev=), else the latest; no catalog: the page shows why.
        catalog = state.shown_catalog()
    if embedded:
        with state.store_faults_shown():
            navigation.run()
        return
    with st.sidebar:
        if catalog is not None:
            state.link_view(catalog)
            _words_of_revision(catalog.revision)
            st.selectbox(
                "Company", catalog.companies, key=state.COMPANY, format_func=catalog.described
            )
            state.seed(IMAGE_FORMAT, "png")
            st.segmented_control(
                "Chart toolbar saves images as",
                ["png", "svg"],
                format_func=str.upper,
                key=IMAGE_FORMAT,
                help="The camera button on each chart downloads the chart in this format.",
            )
        st.caption(
            "Curated, validated, cited time series of what companies say AI does to their "
            "workforce. Every point leads to its source."
        )
    with state.store_faults_shown():
        navigation.run()


SIDEBAR_REVISION = "_sidebar_revision"  # the revision whose counts the company picker shows


def _words_of_revision(revision: int | None) -> None:
    """A new revision changes the company picker's words ('Klarna · 104 figures'), not its
    choices; a keyed selectbox keeps its identity then, and the browser would go on showing
    the old words. Setting the choice again through the session state tells the browser."""
    if st.session_state.get(SIDEBAR_REVISION) == revision:
        return
    st.session_state[SIDEBAR_REVISION] = revision
    if state.COMPANY in st.session_state:
        st.session_state[state.COMPANY] = st.session_state[state.COMPANY]
