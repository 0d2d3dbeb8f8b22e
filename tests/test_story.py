"""Headline figures, narrative and the conflicts ledger, checked against the CSVs themselves."""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest

from headcount import arcview, conflicts, dataset, story
from tests.csvtools import observations_of, read_rows


@pytest.fixture(scope="module")
def data():
    return dataset.load_curated().dataset


def spine_rows() -> list[dict]:
    rows = observations_of("Klarna", "headcount")
    filed = [r for r in rows if r["claim_type"] == "filing"]
    basis = max({r["basis"] for r in filed}, key=lambda b: sum(r["basis"] == b for r in filed))
    return sorted((r for r in rows if r["basis"] == basis), key=lambda r: r["date"])


def test_headcount_card_is_the_latest_figure_beside_the_latest_filed_one(data):
    card = story.headline(story.metric_points(data, "Klarna")["headcount"], "headcount")
    assert card is not None
    rows = [r for r in observations_of("Klarna", "headcount") if r["claim_type"] != "target"]
    latest = max(r["date"] for r in rows)
    # Read in data/curated/observations.csv: the CEO's 'about 3,000' on the 20VC podcast
    # (episode of 2026-02-16) is the newest figure; the F-1's 3,422 at the end of 2024 the newest filed one.
    assert (card.value, card.date, card.kind) == (
        "3,000",
        dt.date(2026, 2, 16),
        "executive statement",
    )
    assert card.date.isoformat() == latest
    spine = spine_rows()
    assert card.filed is not None
    assert (card.filed.value, card.filed.date) == ("3,422", dt.date(2024, 12, 31))
    assert card.filed.basis == spine[-1]["basis"] == "full-time employees at year end (F-1)"
    # The card's own series (the podcast's basis) has one date: no change, and above all
    # none computed against the filed series.
    assert card.change is None


def test_a_card_flags_a_figure_older_than_twelve_months():
    day = dt.date(2024, 12, 31)
    assert story.as_of(day, dt.date(2025, 12, 31)) == "as of Dec 2024"
    assert story.as_of(day, dt.date(2026, 1, 1)) == "as of Dec 2024, over a year old"
    assert not story.stale(dt.date(2025, 3, 1), dt.date(2026, 2, 28))
    assert story.stale(dt.date(2023, 2, 27), dt.date(2024, 2, 29))


def test_the_first_sentence_names_the_periods_the_events_open(data):
    events = [e for e in read_rows("events") if e["company"] == "Klarna"]
    firsts = {
        kind: min(e["date"] for e in events if e["kind"] == kind)
        for kind in ("hiring_freeze", "ai_deployment", "rehiring")
    }
    # events.csv: the freeze began in practice in Sep 2023, the assistant's results came in
    # Feb 2024 and the first rehiring in May 2025.
    assert firsts == {
        "hiring_freeze": "2023-09-01",
        "ai_deployment": "2024-02-27",
        "rehiring": "2025-05-08",
    }
    first = story.narrative(data, "Klarna", story.metric_points(data, "Klarna"))[0]
    assert first == (
        "Klarna's arc in its events: hiring freeze (Sep 2023), then AI takes over work "
        "(Feb 2024), then humans back (May 2025)."
    )


def test_no_card_change_ever_spans_two_bases(data):
    changes = [
        (company, card.basis, card.change.basis)
        for company in data.companies()
        for card in story.headlines(story.metric_points(data, company))
        if card.change is not None
    ]
    # Klarna alone has changes on its AI workload and its market value (700 -> 853 FTE,
    # $7.15B -> $5.22B); four other companies on their headcount (IBM, Microsoft, Meta,
    # Dropbox: 2,693 -> 2,204). UPS's newest figure (a fact sheet of January 2026) is a
    # series of one, so its card shows no change.
    assert len(changes) >= 6
    assert [c for c in changes if c[1] != c[2]] == []


def test_valuation_card_does_not_subtract_a_private_round_from_a_market_value(data):
    points = story.metric_points(data, "Klarna")["valuation"]
    card = story.headline(points, "valuation")
    assert card is not None
    # The newest figure is a market capitalisation ($5.22B, 19 Feb 2026); its change runs
    # from the same series' $7.15B (18 Feb 2026), never from the $45.6B private round of 2021.
    assert (card.value, card.date) == ("$5.2B", dt.date(2026, 2, 19))
    assert card.change is not None
    assert card.change.basis == card.basis
    assert (card.change.start, card.change.start_value) == (dt.date(2026, 2, 18), 7.15e9)
    # With that series cut to its one newest figure there is no change to show: the peak of
    # another basis is named beside the card, not subtracted.
    alone = points.filter((points["basis"] != card.basis) | (points["date"] == card.date))
    lone = story.headline(alone, "valuation")
    assert lone is not None and lone.basis == card.basis
    assert lone.change is None
    assert [line for line in lone.elsewhere if line.startswith("On another basis")] != []


def test_narrative_states_the_spine_fall_from_the_data(data):
    spine = spine_rows()
    peak = max(spine, key=lambda r: float(r["value"]))
    last = spine[-1]
    first_sentence = next(
        s
        for s in story.narrative(data, "Klarna", story.metric_points(data, "Klarna"))
        if "went from" in s
    )
    assert f"{float(peak['value']):,.0f}" in first_sentence
    assert f"{float(last['value']):,.0f}" in first_sentence
    assert peak["basis"] in first_sentence


def test_narrative_never_says_series_twice(data):
    spine = spine_rows()[0]["basis"]
    renamed = dataclasses.replace(
        data,
        observations=data.observations.with_columns(
            pl.col("basis").replace(spine, "quarterly filing series")
        ),
    )
    said = story.narrative(renamed, "Klarna", story.metric_points(renamed, "Klarna"))
    fall = next(s for s in said if "went from" in s)
    assert fall.startswith("On its quarterly filing series, Klarna went from"), fall


def test_narrative_names_statements_after_rehiring_beside_the_filing_never_against_it(data):
    events = sorted(
        (e for e in read_rows("events") if e["company"] == "Klarna" and e["kind"] == "rehiring"),
        key=lambda e: e["date"],
    )
    start = events[0]["date"]
    heads = observations_of("Klarna", "headcount")
    filed = max(
        (r for r in heads if r["date"] < start and r["claim_type"] == "filing"),
        key=lambda r: r["date"],
    )
    sentence = next(
        s
        for s in story.narrative(data, "Klarna", story.metric_points(data, "Klarna"))
        if "rehiring" in s
    )
    assert (start, filed["value"]) == ("2025-05-08", "3422")  # as read in the CSVs
    assert sentence.startswith("After the first sign of rehiring (May 2025), the headcount")
    assert "the last filed figure before it is 3,422 (Dec 2024" in sentence
    assert "lower" not in sentence and "higher" not in sentence  # no verdict across bases


def test_narrative_mentions_disagreement_when_the_ledger_has_some(data):
    ledger = conflicts.ledger(
        data.observations.filter(data.observations["company"] == "Klarna"), data.sources
    )
    sentences = story.narrative(data, "Klarna", story.metric_points(data, "Klarna"))
    assert any("disagree" in s for s in sentences) == (ledger.height > 0)


def test_ledger_pairs_disagreeing_sources_once_and_never_agreeing_ones(data):
    ledger = conflicts.ledger(data.observations, data.sources)
    assert ledger.height > 0
    for row in ledger.iter_rows(named=True):
        assert row["source_id_a"] != row["source_id_b"]
        # The ledger's rule: more than 5% apart, at most 45 days apart.
        assert abs(row["value_a"] - row["value_b"]) / max(row["value_a"], row["value_b"]) > 0.05
        assert (row["date_b"] - row["date_a"]).days <= 45
    keys = [
        (r["metric"], r["date_a"], r["value_a"], r["date_b"], r["value_b"])
        for r in ledger.iter_rows(named=True)
    ]
    assert len(keys) == len(set(keys))
    # The Q3 2025 AI workload: 853 in two sources and 800 in a third is one conflict.
    fte = [r for r in observations_of("Klarna", "ai_workload_fte") if r["date"] == "2025-11-18"]
    assert sorted(r["value"] for r in fte) == ["800", "853", "853", "853"]
    assert ledger.filter(ledger["metric"] == "ai_workload_fte").height == 1


def test_the_figures_download_holds_every_headline_row_in_words_with_its_citation(data):
    from headcount import arcview, exports

    table = arcview.build(data, "Klarna").figures_table()
    metrics = ("headcount", "ai_workload_fte", "revenue_per_employee", "valuation")
    rows = [r for m in metrics for r in observations_of("Klarna", m)]
    assert table.height == len(rows)
    lengths = table.get_column("citation").str.len_chars().to_list()
    assert all(n is not None and n > 0 for n in lengths)  # every row cites its source
    urls = {r["source_id"]: r["url"] for r in read_rows("sources")}
    assert set(table.get_column("url")) == {urls[r["source_id"]] for r in rows}
    kinds = set(table.get_column("kind of claim"))
    assert not any("_" in k for k in kinds)  # words, not codes
    text = exports.csv_bytes(table).decode("utf-8-sig")
    assert "kind of claim" in text.splitlines()[0] and "citation" in text.splitlines()[0]


def test_revenue_per_employee_chart_draws_the_series_derived_from_filings_apart(data):
    filed = [
        r
        for r in read_rows("observations")
        if r["company"] == "Amazon" and r["claim_type"] == "filing"
    ]
    heads = {
        r["date"]: float(r["value"])
        for r in filed
        if r["metric"] == "headcount" and r["unit"] == "employees"
    }
    revenue = {
        r["date"]: float(r["value"])
        for r in filed
        if r["metric"] == "revenue" and r["period"] == "year" and r["unit"] == "USD"
    }
    expected = {d: revenue[d] / heads[d] for d in revenue if d in heads}
    assert len(expected) >= 3  # Amazon files both for several years
    (side,) = [s for s in arcview.build(data, "Amazon").side if s.metric == "revenue_per_employee"]
    assert side.figure is not None
    derived = [t for t in side.figure.data if t.name and t.name.startswith("derived")]
    assert len(derived) == 1  # its own legend entry, joined to nothing reported
    got = {str(x)[:10]: y for x, y in zip(derived[0].x, derived[0].y, strict=True)}
    assert got == pytest.approx(expected)
    assert derived[0].line.dash == "dash" and derived[0].marker.symbol == "square-open"
