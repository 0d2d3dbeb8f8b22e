"""Boxes whose content is drawn only once a reader opens them.

A closed expander's content is still sent to the browser and drawn there on every run of its
page: for boxes most readers never open (Cite this, the Upload page's templates and preview)
that cost every first load and every review. Keyed, with a rerun on opening, the box knows
whether it is open before its content is made, so a closed one sends only its label."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st


def drawn_when_opened(
    label: str, key: str, draw: Callable[[], None], icon: str | None = None
) -> None:
    """An expander labelled ``label`` (its open state kept under ``key``) that runs ``draw``
    inside itself only while it is open."""
    box = st.expander(label, key=key, icon=icon, on_change="rerun")
    if box.open:
        with box:
            draw()
