"""Headline figures, narrative and the conflicts ledger, checked against the CSVs themselves."""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest

from headcount import conflicts, dataset, story
from tests.csvtools import observations_of, read_rows


@pytest.fixture(scope="module")
def data():
    return dataset.load_curated().dataset


def spine_rows() -> list[dict]:
    rows = observations_of("Klarna", "headcount")
    filed = [r for r in rows if r["claim_type"] == "filing"]
    basis = max({r["basis"] for r in filed}, key=lambda b: sum(r["basis"] == b for r in filed))
    return sorted((r for r in rows if r["basis"] == basis), key=lambda r: r["date"])


def test_headcount_card_is_the_latest_spine_figure_and_its_fall_from_the_peak(data):
    card = story.headline(story.metric_points(data, "Klarna")["headcount"], "headcount")
    spine = spine_rows()
    peak = max(spine, key=lambda r: float(r["value"]))
    last = spine[-1]
    assert card.value == f"{float(last['value']):,.0f}"
    assert card.date.isoformat() == last["date"]
    assert card.basis == last["basis"]
    assert card.change.basis == last["basis"]
    assert card.change.ratio == pytest.approx(float(last["value"]) / float(peak["value"]) - 1)
    later = [
        r
        for r in observations_of("Klarna", "headcount")
        if r["date"] > last["date"] and r["claim_type"] != "target"
    ]
    if later:
        assert any(line.startswith("Latest statement") for line in card.elsewhere)


def test_no_card_change_ever_spans_two_bases(data):
    for company in data.companies():
        for card in story.headlines(story.metric_points(data, company)):
            if card.change is not None:
                assert card.change.basis == card.basis


def test_valuation_card_does_not_subtract_a_private_round_from_a_market_value(data):
    card = story.headline(story.metric_points(data, "Klarna")["valuation"], "valuation")
    rows = [r for r in observations_of("Klarna", "valuation") if r["claim_type"] != "target"]
    latest = max(r["date"] for r in rows)
    assert card.date.isoformat() == latest
    same_series = [r for r in rows if r["basis"] == card.basis]
    if len({r["date"] for r in same_series}) < 2:
        assert card.change is None
        assert any(line.startswith("On another basis") for line in card.elsewhere)


def test_narrative_states_the_spine_fall_from_the_data(data):
    spine = spine_rows()
    peak = max(spine, key=lambda r: float(r["value"]))
    last = spine[-1]
    first_sentence = story.narrative(data, "Klarna", story.metric_points(data, "Klarna"))[0]
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
    first = story.narrative(renamed, "Klarna", story.metric_points(renamed, "Klarna"))[0]
    assert first.startswith("On its quarterly filing series, Klarna went from"), first


def test_narrative_says_whether_headcount_kept_falling_after_rehiring(data):
    events = sorted(
        (e for e in read_rows("events") if e["company"] == "Klarna" and e["kind"] == "rehiring"),
        key=lambda e: e["date"],
    )
    start = events[0]["date"]
    heads = [r for r in observations_of("Klarna", "headcount") if r["claim_type"] != "target"]
    before = max((r for r in heads if r["date"] < start), key=lambda r: r["date"])
    after = [float(r["value"]) for r in heads if r["date"] >= start]
    verdict = "all lower" if max(after) < float(before["value"]) else "not all lower"
    sentence = next(
        s
        for s in story.narrative(data, "Klarna", story.metric_points(data, "Klarna"))
        if "rehiring" in s
    )
    assert verdict in sentence
    month = dt.date.fromisoformat(start).strftime("%b %Y")
    assert month in sentence


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
        assert (
            abs(row["value_a"] - row["value_b"]) / max(row["value_a"], row["value_b"])
            > conflicts.TOLERANCE
        )
        assert (row["date_b"] - row["date_a"]).days <= conflicts.WINDOW_DAYS
    keys = [
        (r["metric"], r["date_a"], r["value_a"], r["date_b"], r["value_b"])
        for r in ledger.iter_rows(named=True)
    ]
    assert len(keys) == len(set(keys))
    # The Q3 2025 AI workload: 853 in two sources and 800 in a third is one conflict.
    fte = [r for r in observations_of("Klarna", "ai_workload_fte") if r["date"] == "2025-11-18"]
    if len({r["value"] for r in fte}) > 1:
        assert ledger.filter(ledger["metric"] == "ai_workload_fte").height == 1
