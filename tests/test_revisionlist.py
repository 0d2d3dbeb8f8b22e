"""The History page's list of revisions and its rollback choices, in words."""

from __future__ import annotations

import datetime as dt

from headcount import revisionlist
from headcount.reads import Acknowledged, Revision

WARNING: dict[str, object] = {
    "code": "plausibility.far_from_filed",
    "problem": "900 (31 Jan 2025, ar) is 23% of",
}


def revision(id: int, parent: int | None, note: str, at: dt.datetime) -> Revision:
    counts = {"sources": 3, "observations": 10 + id}
    # The second revision was published with a warning its author acknowledged.
    seen = Acknowledged("ana", (WARNING,)) if id == 2 else None
    return Revision(id, parent, at, "ana", note, counts, {}, seen)


REVISIONS = [
    revision(1, None, "The curated dataset shipped with the app", dt.datetime(2026, 11, 21, 9, 5)),
    revision(
        2,
        1,
        "Klarna's 2025 annual report: headcount at the end of 2025",
        dt.datetime(2026, 12, 2, 17, 40),
    ),
]


def test_newest_first_with_its_base_time_and_row_counts() -> None:
    rows = revisionlist.table(REVISIONS).to_dicts()
    assert rows == [
        {
            "revision": 2,
            "based on": "revision 1",
            "published (UTC)": "2 Dec 2026, 17:40",
            "author": "ana",
            "note": "Klarna's 2025 annual report: headcount at the end of 2025",
            "observations rows": 12,
            "sources rows": 3,
            "acknowledged": "1 warning(s) acknowledged by ana: plausibility.far_from_filed",
        },
        {
            "revision": 1,
            "based on": "first revision",
            "published (UTC)": "21 Nov 2026, 09:05",
            "author": "ana",
            "note": "The curated dataset shipped with the app",
            "observations rows": 11,
            "sources rows": 3,
            "acknowledged": "",
        },
    ]


def test_a_rollback_choice_names_the_day_and_the_start_of_the_note() -> None:
    assert revisionlist.choice(REVISIONS[1]) == (
        "2 (2 Dec 2026, Klarna's 2025 annual report: headcount…)"
    )
    assert revisionlist.choice(REVISIONS[0]) == (
        "1 (21 Nov 2026, The curated dataset shipped with the app)"
    )


def test_each_revision_links_to_the_arc_of_that_revision() -> None:
    rows = revisionlist.table(REVISIONS, url="http://host:8501/history", company="Klarna")
    assert rows.columns[:3] == ["revision", "view", "based on"]
    assert rows.select("revision", "view").to_dicts() == [
        {"revision": 2, "view": "http://host:8501/?company=Klarna&rev=2"},
        {"revision": 1, "view": "http://host:8501/?company=Klarna&rev=1"},
    ]


def test_an_acknowledgement_counts_the_warnings_its_summary_rows_stand_for() -> None:
    # A revision records the review's rows: 50 of a kind listed, one for the rest.
    listed = tuple(
        {**WARNING, "problem": f"{900 + i} (31 Jan 2025, ar) is 23% of"} for i in range(50)
    )
    rest = {**WARNING, "problem": "and 12 more of the same kind: a figure far from the filed"}
    assert Acknowledged("ana", (*listed, rest)).summary() == (
        "62 warning(s) acknowledged by ana: plausibility.far_from_filed"
    )
    assert Acknowledged("ana", ()).summary() == "0 warning(s) acknowledged by ana: "
