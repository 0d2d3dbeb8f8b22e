"""Data text shown through Streamlit's markdown without ever being read as markdown."""

from __future__ import annotations

import re

import streamlit as st

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all
# also defuses Streamlit's own syntax (:color[...], :material/icon:, $math$).
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub-flavoured markdown turns bare web addresses (https://..., www.x.y) into links in the
# text it has already unescaped; an invisible word joiner inside each stops that. E-mail
# addresses are left alone: a mailto link is harmless, and people copy their address exactly.
_JOINER = "\u2060"
_AUTOLINKS = re.compile(r"(?i)(?<=:)(?=//)|(?<=\bwww)(?=\.)")


def escape(text: object) -> str:
    unlinked = _AUTOLINKS.sub(_JOINER, str(text))
    return _PUNCTUATION.sub(r"\\\1", unlinked).replace("\n", " ")


def plain(text: object, caption: bool = False) -> None:
    """Show data text as text: no links, images, formatting or math from inside it."""
    (st.caption if caption else st.markdown)(escape(text))
