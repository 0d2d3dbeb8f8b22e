"""The one citation line: who, what, whose copy, where and how reliable, in words."""

from __future__ import annotations

import datetime as dt

from headcount.citations import cite, short

SOURCE = {
    "source_id": "klarna_f1",
    "publisher": "Klarna Group plc (Form F-1)",
    "title": "Registration statement",
    "url": "https://www.sec.gov/example",
    "accessed": dt.date(2026, 11, 21),
    "published": dt.date(2025, 3, 14),
    "via": "Breitbart reporting the F-1",
    "reliability": "secondary",
}


def test_citation_names_the_grade_in_words_not_its_code() -> None:
    assert cite(SOURCE) == (
        "Klarna Group plc (Form F-1): 'Registration statement' (2025-03-14), "
        "via Breitbart reporting the F-1. https://www.sec.gov/example "
        "(accessed 2026-11-21; secondary source)"
    )
    assert cite({**SOURCE, "reliability": "low"}).endswith(
        "(accessed 2026-11-21; low-reliability source)"
    )


def test_citation_without_address_or_optional_fields() -> None:
    bare = {**SOURCE, "published": None, "via": None, "reliability": None}
    assert cite(bare, url=False) == (
        "Klarna Group plc (Form F-1): 'Registration statement'. (accessed 2026-11-21)"
    )
    assert short(SOURCE) == "Klarna Group plc (Form F-1), via Breitbart reporting the F-1"
