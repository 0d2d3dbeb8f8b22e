"""The Copy link popover of a page: the view's link, the link to its data and, on a page whose
charts can be embedded, the embed snippets. Apart from ui/state, which ui/embed reads the view
through, so that neither imports the other."""

from __future__ import annotations

import streamlit as st

from headcount import share
from ui import embed, state


def share_control(link: str, view: share.View | None = None) -> None:
    with st.popover("Copy link", icon=":material/link:"):
        pinned = "" if view is None or view.revision is None else f" of revision {view.revision}"
        st.caption(
            f"Anyone with this link sees this view{pinned}. Copy it with the button on the right."
        )
        st.code(link, language=None, wrap_lines=True)
        if view is None:
            return
        st.caption("Get this data: the figures of this view as CSV, each with its source.")
        st.code(share.data_link(st.context.url or "", view), language=None, wrap_lines=True)
        kind = state.embeddable_kind()
        if kind is not None:
            embed.offer(kind, view)
