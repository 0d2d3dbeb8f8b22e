"""The arc's periods, derived from a company's events: hiring freeze, AI takes over work,
humans back. Each starts at the first event of its kind and lasts until the next one starts
(the last until the end of the data), so the chart and the narrative name the same spans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from headcount.labels import in_sentence

# Event kind that opens a period, and the period's name as the chart and narrative say it.
PERIOD_NAMES: dict[str, str] = {
    "hiring_freeze": "Hiring freeze",
    "ai_deployment": "AI takes over work",
    "rehiring": "Humans back",
}


@dataclass(frozen=True)
class Period:
    kind: str
    name: str
    start: dt.date
    end: dt.date


def periods(events: pl.DataFrame, end: dt.date) -> list[Period]:
    """The periods the events open, in date order; one ending at or before its start (an
    event after the end of the data, or two kinds on one day) is left out."""
    starts = (
        events.filter(pl.col("kind").is_in(list(PERIOD_NAMES)))
        .group_by("kind")
        .agg(pl.col("date").min())
        .sort("date", "kind")
    )
    found = list(starts.iter_rows())
    spans: list[Period] = []
    for position, (kind, start) in enumerate(found):
        stop = found[position + 1][1] if position + 1 < len(found) else max(end, start)
        if stop > start:
            spans.append(Period(kind, PERIOD_NAMES[kind], start, stop))
    return spans


def in_words(spans: list[Period]) -> str:
    """The arc as one clause: 'hiring freeze (Sep 2023), AI takes over work (Feb 2024),
    humans back (Feb 2025)'; '' when the events open no period."""
    return ", then ".join(f"{in_sentence(p.name)} ({p.start:%b %Y})" for p in spans)
