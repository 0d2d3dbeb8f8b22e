"""Data text shown through Streamlit's markdown without ever being read as markdown."""

from __future__ import annotations

import re

import streamlit as st

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all
# also defuses Streamlit's own syntax (:color[...], :material/icon:, $math$).
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub-flavoured markdown turns bare addresses (www.x.y, http(s)://..., a@b.c) into links by
# searching the text *after* escapes and character references are resolved, so no escape stops
# it. What stops it is a node boundary: the autolinker looks inside one text node at a time.
# Each trigger ("www" before a dot, "http"/"https" before a colon, "@") is therefore put in a
# span of its own with Streamlit's colour directive given no colour (`:color[www]{}` renders a
# bare <span>). The reader sees and copies exactly the original characters: nothing invisible
# is added, unlike the word joiner this replaces (which broke copied links, issue 13.5).
_TRIGGERS = re.compile(r"(?i)www(?=\.)|https?(?=:)|@")


def _escape_plain(text: str) -> str:
    return _PUNCTUATION.sub(r"\\\1", text)


def escape(text: object) -> str:
    """``text`` as markdown that renders to exactly ``text``: no link, image, emphasis, colour,
    icon or math can come out of it. Newlines become spaces (one line of text)."""
    raw = str(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    pieces: list[str] = []
    position = 0
    for trigger in _TRIGGERS.finditer(raw):
        pieces.append(_escape_plain(raw[position : trigger.start()]))
        pieces.append(f":color[{_escape_plain(trigger.group())}]{{}}")
        position = trigger.end()
    pieces.append(_escape_plain(raw[position:]))
    return "".join(pieces)


def plain(text: object, caption: bool = False) -> None:
    """Show data text as text: no links, images, formatting or math from inside it."""
    (st.caption if caption else st.markdown)(escape(text))
