"""The one citation line: who, what, whose copy, where and how reliable, in words."""

from __future__ import annotations

import datetime as dt

from headcount.citations import by_filing, cite, copy, quotation, short, view_citation

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


def test_a_filed_figure_names_the_filing_first_and_the_copy_read_second() -> None:
    assert cite(SOURCE) == (
        "Form F-1 of Klarna Group plc, read in Breitbart reporting the F-1: "
        "'Registration statement' (2025-03-14). https://www.sec.gov/example "
        "(accessed 2026-11-21; secondary source)"
    )


def test_a_source_that_is_no_filing_names_its_publisher_then_whose_copy() -> None:
    interview = {**SOURCE, "publisher": "Bloomberg Television (CEO interview)"}
    assert cite(interview) == (
        "Bloomberg Television (CEO interview): 'Registration statement' (2025-03-14), "
        "via Breitbart reporting the F-1. https://www.sec.gov/example "
        "(accessed 2026-11-21; secondary source)"
    )


def test_citation_names_the_grade_in_words_not_its_code() -> None:
    assert cite({**SOURCE, "reliability": "low"}).endswith(
        "(accessed 2026-11-21; low-reliability source)"
    )


def test_citation_without_address_or_optional_fields() -> None:
    bare = {**SOURCE, "published": None, "via": None, "reliability": None}
    assert cite(bare, url=False) == (
        "Form F-1 of Klarna Group plc: 'Registration statement'. (accessed 2026-11-21)"
    )
    assert short(SOURCE) == "Klarna Group plc (Form F-1), via Breitbart reporting the F-1"


def test_copies_of_one_filing_are_grouped_under_it_and_other_sources_stand_alone() -> None:
    payments = {**SOURCE, "source_id": "f1-pd", "via": "Payments Dive reporting the F-1"}
    telegraph = {**SOURCE, "source_id": "t", "publisher": "The Telegraph", "via": None}
    groups = by_filing([SOURCE, telegraph, payments])
    assert [(name, [r["source_id"] for r in rows]) for name, rows in groups] == [
        ("Form F-1 of Klarna Group plc", ["klarna_f1", "f1-pd"]),
        (None, ["t"]),
    ]
    assert copy(payments, url=False) == (
        "Payments Dive reporting the F-1: 'Registration statement' (2025-03-14). "
        "(accessed 2026-11-21; secondary source)"
    )


def test_a_view_is_cited_in_plain_text_and_bibtex_with_its_revision() -> None:
    cited = view_citation(
        "Klarna: headcount & AI work",
        "http://dash.example/?company=Klarna",
        7,
        "http://dash.example/api/observations.csv?company=Klarna&rev=7",
        dt.date(2026, 12, 6),
    )
    assert cited.text == (
        "Headcount & AI claims: 'Klarna: headcount & AI work' (data, revision 7). "
        "http://dash.example/?company=Klarna "
        "(data: http://dash.example/api/observations.csv?company=Klarna&rev=7; "
        "accessed 2026-12-06)"
    )
    assert cited.bibtex == (
        "@misc{headcount-klarna-headcount-ai-work-r7,\n"
        "  title = {Klarna: headcount \\& AI work},\n"
        "  author = {Headcount \\& AI claims},\n"
        "  howpublished = {\\url{http://dash.example/?company=Klarna}},\n"
        "  year = {2026},\n"
        "  note = {Data, revision 7: "
        "\\url{http://dash.example/api/observations.csv?company=Klarna&rev=7}. "
        "Accessed 2026-12-06}\n"
        "}"
    )


def test_a_quote_is_put_in_quotation_marks_once():
    assert quotation("we expect fewer people") == "\u201cwe expect fewer people\u201d"
    # Words that open with the speaker's own quotation mark are not wrapped again.
    spoken = '"It\'s hard to know," Jassy said.'
    assert quotation(spoken) == spoken
    assert (
        quotation(" \u201cAI first,\u201d the memo said ") == "\u201cAI first,\u201d the memo said"
    )
