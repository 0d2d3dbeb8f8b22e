"""Data text as text (issue 12.6, 13.5): escaping adds no character a reader could copy, and
real addresses are links of their own."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from headcount.settings import ROOT
from tests.csvtools import read_rows
from ui.text import escape

INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"}


PIECES = ["www.", "WWW.", "https://", "http://", "https:", "@", "_", "*", "evil.example", "/", " "]
ADDRESS_LIKE = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4))).map("".join)


@pytest.mark.slow  # among the quick loop's costliest (--durations)
@given(ADDRESS_LIKE)
def test_escaping_adds_no_invisible_character(text):
    assert not (set(escape(text)) - set(text)) & INVISIBLE


def test_each_mistaken_framing_links_to_its_claim_and_its_evidence():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("views/sources.py").run()
    assert not at.exception, at.exception
    urls = {s["source_id"]: s["url"] for s in read_rows("sources")}
    buttons = [(b.proto.label, b.proto.url) for b in at.get("link_button")]
    for framing in read_rows("framings"):
        assert ("Open the claim", urls[framing["source_id"]]) in buttons
        assert ("Open the evidence", urls[framing["evidence_id"]]) in buttons
