"""The bibliography in words: grades said, figures cited as readers write them, no 'None'."""

from __future__ import annotations

import datetime as dt

import polars as pl

from headcount.bibliography import bibliography, search
from validation.vocabulary import RELIABILITY_LABELS

SOURCES = pl.DataFrame(
    {
        "source_id": ["a", "b"],
        "publisher": ["Company", "Blog"],
        "title": ["Annual report", "A post"],
        "url": ["https://example.org/a", "https://example.org/b"],
        "accessed": [dt.date(2026, 11, 21), dt.date(2026, 11, 21)],
        "published": [dt.date(2025, 3, 1), None],
        "via": [None, "a newsletter"],
        "reliability": ["primary", "low"],
        "quote": [None, "about 700 agents"],
        "language": [None, None],
    }
)
OBSERVATIONS = pl.DataFrame(
    {
        "company": ["Klarna", "Klarna"],
        "metric": ["headcount", "ai_workload_fte"],
        "date": [dt.date(2024, 12, 31), dt.date(2024, 2, 27)],
        "value": [3422.0, 700.0],
        "unit": ["employees", "fte"],
        "source_id": ["a", "b"],
        "attribution": [None, "ai_does_work"],
    }
)
EVENTS = pl.DataFrame(
    {
        "company": ["Klarna"],
        "date": [dt.date(2023, 5, 1)],
        "title": ["Hiring freeze"],
        "source_id": ["a"],
        "attribution": [None],
    },
    schema_overrides={"attribution": pl.String},
)


def test_figures_and_events_are_cited_in_words():
    table = bibliography(SOURCES, OBSERVATIONS, EVENTS)
    rows = {r["source_id"]: r for r in table.iter_rows(named=True)}
    assert rows["a"]["citations"] == 2
    assert rows["a"]["cited_by"] == (
        "Klarna, Headcount: 3,422 employees (31 Dec 2024); "
        "Klarna, event: Hiring freeze (1 May 2023)"
    )
    assert rows["b"]["cited_by"] == (
        "Klarna, AI workload (FTE): 700 FTE (27 Feb 2024); cause: AI does the work"
    )


def test_no_none_no_midnight_and_grades_in_words():
    table = bibliography(SOURCES, OBSERVATIONS, EVENTS)
    rows = {r["source_id"]: r for r in table.iter_rows(named=True)}
    assert rows["b"]["published"] == "" and rows["a"]["via"] == "" and rows["a"]["quote"] == ""
    assert rows["a"]["published"] == "1 Mar 2025" and rows["a"]["accessed"] == "21 Nov 2026"
    assert rows["b"]["reliability"] == RELIABILITY_LABELS["low"]
    text = " ".join(str(v) for r in rows.values() for v in r.values())
    assert "None" not in text and "00:00" not in text and ".0 " not in text + " "


def test_search_finds_any_cell_ignoring_case_and_reads_the_query_as_typed():
    table = bibliography(SOURCES, OBSERVATIONS, EVENTS)
    assert search(table, "").height == 2
    assert search(table, "HIRING freeze").get_column("source_id").to_list() == ["a"]
    assert search(table, "700 agents").get_column("source_id").to_list() == ["b"]
    assert search(table, "27 Feb 2024").get_column("source_id").to_list() == ["b"]
    assert search(table, "a.post").is_empty()  # '.' is a dot here, not "any character"
    assert search(table, "[").is_empty() and search(table, "nothing like this").is_empty()
