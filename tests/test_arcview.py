"""What the arc page shows besides its charts: the cards' lines, the events table and the
brief, from the curated data and from hand-made cards."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from headcount import arcview, dataset, story
from tests.csvtools import read_rows, written_dataset

TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def klarna() -> tuple[dataset.Dataset, arcview.ArcView]:
    data = dataset.load_curated().dataset
    assert data is not None
    return data, arcview.build(data, "Klarna")


def card(date: dt.date, filed: story.Filed | None = None) -> story.Headline:
    return story.Headline(
        metric="headcount",
        label="Headcount",
        value="3,000",
        date=date,
        basis="employees, CEO",
        unit="employees",
        sources=("A blog", "Reuters"),
        source_ids=("blog", "reuters"),
        kind="executive statement",
        filed=filed,
        elsewhere=("Also 3,100 employees on another basis",),
    )


FILED = story.Filed("3,422", dt.date(2024, 12, 31), "employees at year end", ("Klarna plc",))


def test_a_fresh_card_flags_its_older_filed_figure_as_over_a_year_old():
    assert arcview.card_lines(card(dt.date(2026, 6, 1), FILED), TODAY) == [
        "Jun 2026 · executive statement",
        "Filed: 3,422, Dec 2024, over a year old",
    ]


def test_a_stale_card_says_so_once_and_its_filed_figure_gives_only_its_month():
    assert arcview.card_lines(card(dt.date(2025, 3, 1), FILED), TODAY) == [
        "Mar 2025, over a year old · executive statement",
        "Filed: 3,422, Dec 2024",
    ]
    assert arcview.card_lines(card(dt.date(2026, 6, 1)), TODAY) == [
        "Jun 2026 · executive statement"
    ]


def test_a_cards_details_give_basis_other_bases_and_every_source():
    assert arcview.details(card(dt.date(2026, 6, 1), FILED)) == [
        "Basis: employees, CEO",
        "Filed figure's basis: employees at year end",
        "Also 3,100 employees on another basis",
        "Source: A blog",
        "Source: Reuters",
    ]


def test_the_events_table_lists_every_event_in_words_with_its_source(klarna):
    _, shown = klarna
    table = shown.events_table()
    events = [e for e in read_rows("events") if e["company"] == "Klarna"]
    assert table.columns == [
        "date", "kind", "title", "detail", "cause given", "source", "url"
    ]  # fmt: skip
    assert sorted(table.get_column("title")) == sorted(e["title"] for e in events)
    kinds = set(table.get_column("kind"))
    assert kinds and not any("_" in k for k in kinds)  # words, not codes
    causes = {e["attribution"] for e in events if e["attribution"]}
    assert causes and not causes & set(table.get_column("cause given"))
    assert table.null_count().sum_horizontal().item() == 0  # empty cells, never None
    urls = {s["source_id"]: s["url"] for s in read_rows("sources")}
    assert sorted(table.get_column("url")) == sorted(urls[e["source_id"]] for e in events)


def test_the_brief_holds_cards_narrative_events_and_every_cited_source(klarna):
    data, shown = klarna
    page = html.unescape(
        arcview.brief(shown, data.sources, "https://dash/?company=Klarna", TODAY, [shown.arc])
    )
    assert html.unescape(shown.title) in page and "https://dash/?company=Klarna" in page
    for headline in shown.headlines:
        assert headline.label in page and headline.value in page
        assert f"Basis: {headline.basis}" in page
    for sentence in shown.sentences:
        assert sentence in page
    assert shown.arc is not None and shown.event_list  # listed under the arc, as on the page
    for line in shown.event_list:
        assert line in page
    cited = {
        r["source_id"]
        for r in read_rows("observations")
        if r["company"] == "Klarna" and r["metric"] in story.HEADLINE_METRICS
    } | {e["source_id"] for e in read_rows("events") if e["company"] == "Klarna"}
    sources = {s["source_id"]: s for s in read_rows("sources")}
    assert len(shown.cited_sources(data.sources)) == len(cited)
    for source_id in cited:
        assert sources[source_id]["url"] in page


def test_a_company_with_no_headline_figure_is_told_what_the_data_does_hold(tmp_path):
    """Written out: Zeta has two revenue figures and nothing a card shows. The arc must not
    say it has no figures at all."""
    observations = (
        "company,metric,date,period,value,unit,basis,claim_type,source_id,note,attribution\n"
        "Zeta,revenue,2024-12-31,year,100,USD,revenue (10-K),filing,z,,\n"
        "Zeta,revenue,2025-12-31,year,120,USD,revenue (10-K),filing,z,,\n"
    )
    sources = (
        "source_id,publisher,title,url,accessed,published,via,reliability,quote,language\n"
        "z,Zeta Inc. (Form 10-K),Annual report,https://example.org/z,2026-12-01,,,primary,"
        '"revenue of $100 and $120",en\n'
    )
    events = (
        "company,date,kind,title,source_id,detail,attribution\n"
        "Zeta,2025-03-01,layoff,Cuts 10 roles citing AI,z,,ai_named_reason\n"
    )
    framings = (
        "company,claim,source_id,shows,evidence_id\n"
        "Zeta,Zeta replaced everyone with AI,z,Ten roles were cut.,z\n"
    )
    tables = {"observations": observations, "events": events, "sources": sources}
    data = written_dataset(tmp_path, {**tables, "framings": framings}, dt.date(2026, 12, 2))
    assert arcview.no_headline(data, "Zeta") == (
        "No headcount, AI workload (FTE), revenue per employee or valuation figures for Zeta "
        "yet. The data holds 2 revenue figures: see them in the Explorer or under Figures."
    )
