"""Every figure the data holds for one claim, which of them the arc uses, and why.

A claim's number is rarely the only one: the same measure is said again later or by another
source with another value (Klarna's 700, then 853 or 800 agents), and a cut announced in one
number is filed in WARN notices in another. For a statement (an observation) the figures are
every point of the same company, metric, unit and scope, as the charts draw them (agreeing
sources merged); the one the arc's card shows is chosen by ``story.headline``, and said here in
its own terms. For an event the figures are its title and the WARN notices filed near it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import polars as pl

from headcount import claims, notices, scope, story
from headcount.dataset import Dataset
from headcount.labels import day, label

# WARN notices are filed at least 60 days before the layoff they announce, often on the day
# it is announced; a notice filed this many days either side of an event is set beside it.
EVENT_REACH = dt.timedelta(days=90)


@dataclass(frozen=True)
class Figure:
    date: dt.date
    words: str  # "853 FTE", "262 workers (WARN notice, CA, San Francisco)"
    basis: str  # what is counted, or what kind of record it is
    source_ids: tuple[str, ...]
    this: bool = False  # the claim's own figure
    used: bool = False  # the figure the arc's card shows


@dataclass(frozen=True)
class Figures:
    figures: tuple[Figure, ...]
    why: str  # which figure the charts use, and why, in a sentence

    def lines(self, name: Callable[[Sequence[str]], str] = lambda ids: "") -> list[str]:
        """Each figure in words, in date order, marked where it is this claim's or the card's,
        with who gives it (``name``: citations.named, never ids)."""
        out = []
        for figure in self.figures:
            marks = [
                m for m, on in (("this claim", figure.this), ("on the card", figure.used)) if on
            ]
            said = f"{day(figure.date)}: {figure.words}, {figure.basis}"
            if marks:
                said += f" ({'; '.join(marks)})"
            who = name(figure.source_ids)
            out.append(f"{said}, according to {who}" if who else said)
        return out


def _statement(data: Dataset, claim: dict[str, object]) -> Figures:
    company, metric, unit = str(claim["company"]), str(claim["metric"]), str(claim["unit"])
    claimed = set(cast(list[str], claim["source_ids"]))
    points = claims.points(claims.claims_for(data, company, metric))
    points = points.filter(pl.col("unit") == unit).with_columns(scope.is_whole().alias("_whole"))
    card = story.headline(points, metric)
    found = []
    for point in points.sort("date", "value").iter_rows(named=True):
        ids = tuple(point["source_ids"])
        kinds = ", ".join(label("claim_type", c) for c in point["claim_types"])
        found.append(
            Figure(
                date=point["date"],
                words=str(point["label"]),
                basis=f"{point['basis']} ({kinds})",
                source_ids=ids,
                this=point["date"] == claim["date"]
                and point["value"] == claim["value"]
                and bool(set(ids) & claimed),
                used=card is not None
                and point["date"] == card.date
                and point["basis"] == card.basis
                and ids == card.source_ids
                and point["_whole"],
            )
        )
    return Figures(tuple(found), _why_card(points, card))


def _why_card(points: pl.DataFrame, card: story.Headline | None) -> str:
    if card is None:
        return (
            "No card shows this measure: every figure of it counts part of the company. The "
            "chart draws each one as a labelled marker."
        )
    same_day = scope.whole_company(points).filter(
        (pl.col("date") == card.date) & (pl.col("role") != claims.TARGET)
    )
    reason = "the latest date the data holds for this measure"
    if same_day.height > 1:
        given = len(card.source_ids)
        reason += (
            f", and of that date's {same_day.height} figures the one most sources give "
            f"({given} source{'s' if given != 1 else ''})"
        )
    return (
        f"The arc's card shows {card.value} ({day(card.date)}): {reason}. The chart draws every "
        "figure above as its own point; only figures on one basis are joined by a line."
    )


def _event(data: Dataset, claim: dict[str, object]) -> Figures:
    company, when = str(claim["company"]), claim["date"]
    assert isinstance(when, dt.date)
    ids = tuple(cast(list[str], claim["source_ids"]))
    found = [
        Figure(
            when,
            f"\u201c{claim['what']}\u201d",
            "the event as reported",
            ids,
            this=True,
        )
    ]
    near = notices.within(
        data.notices, company, notices.Window(when - EVENT_REACH, when + EVENT_REACH)
    )
    for row in near.rows.iter_rows(named=True):
        site = f", {row['site']}" if row["site"] else ""
        workers = int(row["workers"])
        found.append(
            Figure(
                date=row["filed"],
                words=f"{workers:,} worker{'s' if workers != 1 else ''}",
                basis=f"WARN notice filed in {row['state']}{site}",
                source_ids=tuple(row["source_ids"]),
            )
        )
    found.sort(key=lambda figure: figure.date)
    listed = (
        f"Notices filed within {EVENT_REACH.days} days of the event are listed here."
        if near.count
        else f"The data holds no WARN notice of {company} filed within {EVENT_REACH.days} days "
        "of it."
    )
    why = f"The arc marks the event by its title; WARN notices are drawn on no chart. {listed}"
    return Figures(tuple(found), why)


def for_claim(data: Dataset, claim: dict[str, object]) -> Figures:
    """Every figure the data holds for a claim (a row of ``claimcheck.claims``)."""
    if claim.get("metric") is None:
        return _event(data, claim)
    return _statement(data, claim)
