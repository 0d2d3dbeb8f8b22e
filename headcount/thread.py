"""A claim's later history: the events that answer it, in date order, in words.

Claims change after they are made: walked back, contradicted by the company itself, reversed
by rehiring. An event names the claim it answers by the claim's day (the `answers` column of
events.csv; a claim is a company's AI-workforce statement or event of that day), so the thread
under a claim is every event of its company answering that day, oldest first.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from headcount import citations
from headcount.dataset import Dataset
from headcount.labels import day, label


def _said(event: dict[str, object], sources: pl.DataFrame) -> str:
    kind = label("kind", event["kind"])
    cause = f" ({label('attribution', event['attribution'])})" if event.get("attribution") else ""
    who = citations.named([str(event["source_id"])], sources)
    said = f"{day(event['date'])}: {kind}{cause}: {event['title']}"  # type: ignore[arg-type]
    return f"{said}, according to {who}" if who else said


def later(data: Dataset, company: str, when: dt.date, what: str) -> list[tuple[str, str]]:
    """What came after a claim of ``company`` made on ``when`` (``what``: the claim's own
    words, so an event is never shown answering itself), in date order: each event in words
    with its source."""
    events = data.events
    if "answers" not in events.columns:
        return []
    answering = events.filter(
        (pl.col("company") == company)
        & (pl.col("answers") == when)
        & ~((pl.col("date") == when) & (pl.col("title") == what))
    ).sort("date", "title")
    return [(_said(event, data.sources), str(event["source_id"])) for event in answering.to_dicts()]
