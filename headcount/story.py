"""The arc in numbers and words, computed from the data: headline figures and the narrative.

Every change is computed within one series (company, metric, unit, basis); figures on other
bases are named side by side, never subtracted from each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

import polars as pl

from headcount import claims, scope
from headcount.conflicts import ledger
from headcount.dataset import Dataset
from headcount.formatting import quantity, short
from headcount.labels import label
from headcount.periods import Period, in_words, periods
from validation.vocabulary import METRIC_LABELS

HEADLINE_METRICS = ("headcount", "ai_workload_fte", "revenue_per_employee", "valuation")


@dataclass(frozen=True)
class Change:
    """A change between two points of one series."""

    basis: str
    start: dt.date
    end: dt.date
    start_value: float
    end_value: float
    unit: str

    @property
    def ratio(self) -> float:
        return (self.end_value - self.start_value) / self.start_value

    def describe(self) -> str:
        return (
            f"{self.ratio:+.0%} from {quantity(self.start_value, self.unit)} "
            f"({self.start:%b %Y}) to {quantity(self.end_value, self.unit)} ({self.end:%b %Y}), "
            f"same basis: {self.basis}"
        )


@dataclass(frozen=True)
class Filed:
    """The latest figure from a filing, shown beside a newer figure of another kind."""

    value: str
    date: dt.date
    basis: str
    sources: tuple[str, ...]

    def as_of(self, today: dt.date) -> str:
        return as_of(self.date, today)


def stale(day: dt.date, today: dt.date) -> bool:
    """Older than twelve months on ``today``."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return day < year_ago


def as_of(day: dt.date, today: dt.date) -> str:
    return f"as of {day:%b %Y}" + (", over a year old" if stale(day, today) else "")


@dataclass(frozen=True)
class Headline:
    """One card: a figure and, if the data allows, its change on the same series."""

    metric: str
    label: str
    value: str  # the figure, short
    date: dt.date
    basis: str
    unit: str
    sources: tuple[str, ...]  # short citations of the figure
    source_ids: tuple[str, ...]
    change: Change | None = None  # on the figure's own series, or None
    elsewhere: tuple[str, ...] = field(default_factory=tuple)  # other bases, in words
    kind: str = ""  # the kind of claim, in words: 'filing', 'executive statement'
    filed: Filed | None = None  # headcount: the latest filed figure, if not the card's own

    def as_of(self, today: dt.date) -> str:
        """'as of Dec 2024, over a year old': the figure's date, flagged when stale."""
        return as_of(self.date, today)

    @property
    def delta(self) -> str | None:
        if self.change is None:
            return None
        return f"{self.change.ratio:+.0%} {self.change.start:%b %Y} → {self.change.end:%b %Y}"


def _observed(points: pl.DataFrame) -> pl.DataFrame:
    return points.filter(pl.col("role") != claims.TARGET)


def latest(points: pl.DataFrame) -> pl.DataFrame:
    """Every plotted point on the latest date with an observed (non-target) figure."""
    observed = _observed(points)
    if observed.is_empty():
        return observed
    return observed.filter(pl.col("date") == observed.get_column("date").max())


def change_from_peak(points: pl.DataFrame) -> Change | None:
    """From the highest observed figure to the latest figure of that same series."""
    observed = _observed(points)
    if observed.is_empty():
        return None
    peak = observed.sort(["value", "date"], descending=[True, False]).row(0, named=True)
    series = observed.filter(
        (pl.col("basis") == peak["basis"]) & (pl.col("unit") == peak["unit"])
    ).sort("date")
    last = series.row(-1, named=True)
    if last["date"] <= peak["date"]:
        return None
    return Change(
        peak["basis"], peak["date"], last["date"], peak["value"], last["value"], peak["unit"]
    )


def latest_change(points: pl.DataFrame) -> Change | None:
    """The change between the last two dates of the most recently updated series."""
    observed = _observed(points).filter(pl.col("role") == claims.LINE)
    if observed.is_empty():
        return None
    newest = observed.sort("date").row(-1, named=True)
    series = observed.filter(
        (pl.col("basis") == newest["basis"]) & (pl.col("unit") == newest["unit"])
    ).sort("date")
    dates = series.get_column("date").unique().sort()
    before = series.filter(pl.col("date") == dates[-2]).row(0, named=True)
    after = series.filter(pl.col("date") == dates[-1]).row(0, named=True)
    return Change(
        newest["basis"],
        before["date"],
        after["date"],
        before["value"],
        after["value"],
        newest["unit"],
    )


def _figure(points: pl.DataFrame, prefer_spine: bool) -> dict:
    """The card's figure: the latest on the spine (for headcount, where a filed series is what
    to trust), else the latest date; among figures on that date, the one most sources give."""
    observed = _observed(points)
    spine = observed.filter(pl.col("spine")) if prefer_spine else observed.clear()
    pool = spine if spine.height else observed
    return _best_supported(pool, cast(dt.date, pool.get_column("date").max()))


def _series(points: pl.DataFrame, figure: dict) -> pl.DataFrame:
    return _observed(points).filter(
        (pl.col("basis") == figure["basis"]) & (pl.col("unit") == figure["unit"])
    )


def metric_points(
    data: Dataset, company: str, metrics: tuple[str, ...] = HEADLINE_METRICS
) -> dict[str, pl.DataFrame]:
    """Each metric's plotted points for a company: what the cards, narrative and charts share."""
    return {metric: claims.points(claims.claims_for(data, company, metric)) for metric in metrics}


def headline(points: pl.DataFrame, metric: str) -> Headline | None:
    """The card of one metric, from that metric's plotted points: only figures of the whole
    company (a figure of a part, such as one team, never takes or joins the card)."""
    points = scope.whole_company(points)
    if _observed(points).is_empty():
        return None
    figure = _figure(points, prefer_spine=False)
    series = _series(points, figure)
    from_peak = metric in ("headcount", "valuation")
    change = change_from_peak(series) if from_peak else latest_change(series)
    elsewhere: list[str] = []
    same_day = _observed(points).filter(
        (pl.col("date") == figure["date"]) & (pl.col("label") != figure["label"])
    )
    for other in same_day.iter_rows(named=True):
        elsewhere.append(f"Same date, other source or basis: {other['label']} ({other['basis']})")
    filed = _filed(points, figure) if metric == "headcount" else None
    later = _observed(points).filter(pl.col("date") > figure["date"]).sort("date")
    if later.height:
        last = later.filter(pl.col("date") == later.get_column("date").max())
        labels = " / ".join(dict.fromkeys(last.get_column("label")))
        bases = "; ".join(dict.fromkeys(last.get_column("basis")))
        day = cast(dt.date, last.get_column("date").first())
        elsewhere.append(f"Latest statement, own basis: {labels} ({day:%b %Y}, {bases})")
    if change is None:
        other_change = change_from_peak(points) if from_peak else latest_change(points)
        if other_change is not None and other_change.basis != figure["basis"]:
            elsewhere.append(f"On another basis: {other_change.describe()}")
    return Headline(
        metric=metric,
        label=METRIC_LABELS[metric],
        value=short(figure["value"], figure["unit"]),
        date=figure["date"],
        basis=figure["basis"],
        unit=figure["unit"],
        sources=tuple(figure["cited_list"]),
        source_ids=tuple(figure["source_ids"]),
        change=change,
        elsewhere=tuple(elsewhere),
        kind=", ".join(label("claim_type", c) for c in figure["claim_types"]),
        filed=filed,
    )


def _filed(points: pl.DataFrame, figure: dict) -> Filed | None:
    """The latest filed figure (the spine's first), unless it is the card's figure itself."""
    filed = _observed(points).filter(pl.col("claim_types").list.contains("filing"))
    if filed.is_empty():
        return None
    spine = filed.filter(pl.col("spine"))
    pool = spine if spine.height else filed
    row = _best_supported(pool, cast(dt.date, pool.get_column("date").max()))
    if row["date"] == figure["date"] and row["value"] == figure["value"]:
        return None
    return Filed(
        short(row["value"], row["unit"]), row["date"], row["basis"], tuple(row["cited_list"])
    )


def headlines(points: Mapping[str, pl.DataFrame]) -> list[Headline]:
    found = (headline(points[metric], metric) for metric in HEADLINE_METRICS)
    return [h for h in found if h is not None]


def _month(day: dt.date) -> str:
    return f"{day:%b %Y}"


def _best_supported(points: pl.DataFrame, day: dt.date) -> dict:
    """The figure on a date chosen as the chart's line chooses it (claims.by_preference)."""
    return claims.best(points.filter(pl.col("date") == day))


def _years(first: dt.date, last: dt.date) -> str:
    """'2022-2024' for year ends alike, 'Mar 2024-Jan 2025' otherwise (with an en dash)."""
    if first.month == last.month:
        return f"{first.year}\N{EN DASH}{last.year}"
    return f"{first:%b %Y}\N{EN DASH}{last:%b %Y}"


def _stated(rows: pl.DataFrame) -> str:
    """'filed at 800' or 'stated at 810-820' (en dash): the figures' range, and whether all
    are filed."""
    low = float(cast(float, rows.get_column("value").min()))
    high = float(cast(float, rows.get_column("value").max()))
    figures = f"{low:,.0f}" if low == high else f"{low:,.0f}\N{EN DASH}{high:,.0f}"
    filed = rows.get_column("claim_types").list.eval(pl.element() == "filing").list.all().all()
    return f"{'filed' if filed else 'stated'} at {figures}"


def takeaway(company: str, points: Mapping[str, pl.DataFrame], spans: list[Period]) -> str:
    """The arc's finding in one line, as Our World in Data titles say theirs, from the data
    alone: the filed line from its first to its last figure, then the headcount figures
    stated since humans came back (the rehiring period), or those after the line ends. Each
    clause names its own figures; none is subtracted from a figure on another basis."""
    headcount = _observed(scope.whole_company(points["headcount"]))
    clauses: list[str] = []
    line = headcount.filter(pl.col("spine") & (pl.col("role") == claims.LINE)).sort("date")
    since = line.get_column("date").max() if line.height else None
    if line.height:
        first, last = line.row(0, named=True), line.row(-1, named=True)
        ratio = (last["value"] - first["value"]) / first["value"] if first["value"] else 0.0
        filed = _stated(line).startswith("filed")
        move = f"fell {-ratio:.0%}" if ratio < 0 else f"rose {ratio:.0%}"
        if f"{abs(ratio):.0%}" == "0%":
            move = "held level"
        clauses.append(
            f"{'filed ' if filed else ''}headcount {move} ({_years(first['date'], last['date'])})"
        )
    rehiring = next((p for p in spans if p.kind == "rehiring"), None)
    if rehiring is not None:
        after = headcount.filter(pl.col("date") >= rehiring.start)
        figures = _stated(after) if after.height else "no headcount figure since"
        clauses.append(f"since humans came back ({rehiring.start:%b %Y}), {figures}")
    elif headcount.height:
        later = headcount if since is None else headcount.filter(pl.col("date") > since)
        if later.height:
            day = cast(dt.date, later.get_column("date").max())
            figure = _stated(pl.DataFrame([_best_supported(later, day)]))
            clauses.append(f"{'then ' if since else 'headcount '}{figure} ({day:%b %Y})")
    if not clauses:
        ai = _observed(points["ai_workload_fte"])
        if ai.height:
            day = cast(dt.date, ai.get_column("date").max())
            row = _best_supported(ai, day)
            clauses.append(f"AI said to do the work of {row['label']} ({day:%b %Y})")
    return f"{company}: " + ("; ".join(clauses) if clauses else "headcount and AI")


def narrative(data: Dataset, company: str, points: Mapping[str, pl.DataFrame]) -> list[str]:
    """A few sentences about the arc, each built from figures in the data; ``points`` are the
    company's plotted points per metric (see ``metric_points``)."""
    sentences: list[str] = []
    # The company's headcount in words is company-wide: a part (one team) is not its headcount.
    headcount = scope.whole_company(points["headcount"])
    events = data.events.filter(pl.col("company") == company).sort("date")
    dates = [d for p in points.values() if p.height for d in p.get_column("date").to_list()]
    arc = in_words(periods(events, max(dates))) if dates else ""
    if arc:
        # The arc in words first: the same periods the chart shades.
        sentences.append(f"{company}'s arc in its events: {arc}.")
    fall = change_from_peak(headcount.filter(pl.col("spine"))) if headcount.height else None
    if fall is not None:
        lost = fall.start_value - fall.end_value
        # A basis may already name itself a series ("synthetic monthly series").
        series = fall.basis if fall.basis.lower().endswith("series") else f"{fall.basis} series"
        sentences.append(
            f"On its {series}, {company} went from {fall.start_value:,.0f} "
            f"({fall.start:%d %b %Y}) to {fall.end_value:,.0f} ({fall.end:%d %b %Y}): "
            f"{fall.ratio:+.0%}, {lost:,.0f} fewer."
        )
    freezes = events.filter(pl.col("kind") == "hiring_freeze")
    if freezes.height:
        freeze_dates = " and ".join(_month(d) for d in freezes.get_column("date"))
        sentences.append(
            f"Hiring freeze: {freeze_dates} (" + "; ".join(freezes.get_column("title")) + ")."
        )
    ai = points["ai_workload_fte"]
    ai = _observed(ai) if ai.height else ai
    if ai.height:
        first = _best_supported(ai, cast(dt.date, ai.get_column("date").min()))
        last = _best_supported(ai, cast(dt.date, ai.get_column("date").max()))
        text = (
            f"The company said its AI did the work of {first['value']:,.0f} full-time "
            f"agents ({_month(first['date'])})"
        )
        if last["date"] > first["date"]:
            text += f" and of {last['value']:,.0f} by {_month(last['date'])}"
            others = ai.filter(
                (pl.col("date") == last["date"]) & (pl.col("value") != last["value"])
            )
            if others.height:
                text += (
                    " ("
                    + ", ".join(
                        f"{r['value']:,.0f} in {r['cited_list'][0]}"
                        for r in others.iter_rows(named=True)
                    )
                    + ")"
                )
        sentences.append(
            text + ": a claimed work equivalent, not a count of jobs cut at the company."
        )
    rehiring = events.filter(pl.col("kind") == "rehiring")
    observed = _observed(headcount) if headcount.height else headcount
    if rehiring.height and observed.height:
        start = cast(dt.date, rehiring.get_column("date").first())
        before = observed.filter(pl.col("date") < start).sort("date")
        after = observed.filter(pl.col("date") >= start).sort("date")
        if after.height:
            later = ", ".join(
                f"{r['value']:,.0f} ({_month(r['date'])})" for r in after.iter_rows(named=True)
            )
            # Never subtracted across bases (errors.md A13): the statements are named beside
            # the last filed figure, not judged against it.
            filed = before.filter(pl.col("claim_types").list.contains("filing"))
            beside = ""
            if filed.height:
                last = filed.row(-1, named=True)
                filed_since = observed.filter(
                    (pl.col("date") > start) & pl.col("claim_types").list.contains("filing")
                ).height
                beside = (
                    f"; the last filed figure before it is {last['value']:,.0f} "
                    f"({_month(last['date'])}, {last['basis']})"
                    + ("" if filed_since else ", and no filing has come since")
                )
            sentences.append(
                f"After the first sign of rehiring ({_month(start)}), the headcount figures "
                f"stated were {later}, each on its own basis{beside}."
            )
    disputes = ledger(data.observations.filter(pl.col("company") == company), data.sources).filter(
        pl.col("metric").is_in(list(HEADLINE_METRICS))
    )
    if disputes.height:
        example = disputes.row(0, named=True)
        sentences.append(
            f"Sources disagree in {disputes.height} places on this page, for example "
            f"{quantity(example['value_a'], example['unit'])} ({example['cited_as_a']}, "
            f"{example['date_a']}) against {quantity(example['value_b'], example['unit'])} "
            f"({example['cited_as_b']}, {example['date_b']}); "
            "the Sources page lists them all."
        )
    return sentences
