"""Entry point: page config, navigation, and the sidebar every page shares."""

from __future__ import annotations

import streamlit as st

st.set_page_config(
    page_title="Headcount & AI claims",
    page_icon=":material/groups:",
    layout="wide",
)

PAGES = [
    st.Page(
        "pages/headcount.py",
        title="Headcount",
        icon=":material/show_chart:",
        url_path="headcount",
        default=True,
    ),
]

navigation = st.navigation(PAGES)
with st.sidebar:
    st.caption(
        "Curated, validated, cited time series of what companies say AI does to their "
        "workforce. Every point links to its source."
    )
navigation.run()
