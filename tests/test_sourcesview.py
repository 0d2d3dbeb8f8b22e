"""The Sources page's ledger, stale series and framings in words, from small frames."""

from __future__ import annotations

import datetime as dt

import polars as pl

from headcount import sourcesview

SOURCES = pl.DataFrame(
    {
        "source_id": ["filing", "blog", "fact"],
        "publisher": ["Klarna Group plc", "A blog", "Reuters"],
        "title": ["Form F-1", "Post", "Check"],
        "url": ["https://example.org/f1", "https://example.org/blog", "https://example.org/fact"],
        "accessed": [dt.date(2026, 11, 21)] * 3,
        "published": [None, None, None],
        "via": [None, "a newsletter", None],
        "reliability": ["primary", "low", "secondary"],
        "quote": [None, None, None],
        "language": [None, None, None],
    },
    schema_overrides={
        "published": pl.Date,
        "via": pl.String,
        "quote": pl.String,
        "language": pl.String,
    },
)


def observation(date: str, value: float, source: str, claim: str, basis: str) -> dict:
    return {
        "company": "Klarna",
        "metric": "headcount",
        "date": dt.date.fromisoformat(date),
        "period": "instant",
        "value": value,
        "unit": "employees",
        "basis": basis,
        "claim_type": claim,
        "source_id": source,
    }


OBSERVATIONS = pl.DataFrame(
    [
        observation("2024-12-31", 3422, "filing", "filing", "employees at year end"),
        observation("2025-01-20", 3000, "blog", "executive_statement", "employees, CEO"),
        observation("2022-06-30", 7000, "filing", "filing", "employees at year end"),
    ]
)


def test_a_conflict_is_a_heading_and_two_sides_in_words():
    (conflict,) = sourcesview.conflicts_in_words(OBSERVATIONS, SOURCES)
    assert conflict.heading == "Klarna · Headcount · differ by 12%"  # 422 of 3,422
    earlier, later = conflict.sides
    assert earlier.heading == "31 Dec 2024 · filing"
    assert earlier.figure == "3,422 employees"
    assert earlier.basis == "employees at year end" and earlier.source == "Klarna Group plc"
    assert earlier.url == "https://example.org/f1"
    assert later.heading == "20 Jan 2025 · executive statement"
    assert later.figure == "3,000 employees" and later.source == "A blog, via a newsletter"


def test_claims_far_apart_or_close_in_value_are_no_conflict():
    close = OBSERVATIONS.with_columns(
        pl.when(pl.col("value") == 3000).then(3400.0).otherwise(pl.col("value")).alias("value")
    )
    assert sourcesview.conflicts_in_words(close, SOURCES) == []


def test_series_are_counted_once_each_and_stale_ones_listed_in_words():
    assert sourcesview.series_count(OBSERVATIONS) == 2
    stale = pl.DataFrame(
        {
            "company": ["Klarna"],
            "metric": ["ai_workload_fte"],
            "unit": ["fte"],
            "basis": ["FTE of AI work"],
            "newest": [dt.date(2024, 2, 27)],
            "figures": [3],
        }
    )
    row = sourcesview.stale_in_words(stale).row(0, named=True)
    assert row == {
        "company": "Klarna",
        "metric": "AI workload (FTE)",
        "basis": "FTE of AI work",
        "unit": "fte",
        "newest": "27 Feb 2024",
        "figures": 3,
    }


def test_a_framing_cites_where_it_was_claimed_and_the_evidence_with_their_links():
    framings = pl.DataFrame(
        {
            "claim": ["AI replaced 700 staff"],
            "source_id": ["blog"],
            "shows": ["The filings show 3,422 employees"],
            "evidence_id": ["filing"],
        }
    )
    (framing,) = sourcesview.framings_cited(framings, SOURCES)
    assert framing.claim == "AI replaced 700 staff"
    assert framing.shows == "The filings show 3,422 employees"
    assert framing.where.startswith("A blog: 'Post', via a newsletter.")
    assert framing.evidence.startswith("Klarna Group plc: 'Form F-1'.")
    assert framing.claim_url == "https://example.org/blog"
    assert framing.evidence_url == "https://example.org/f1"
