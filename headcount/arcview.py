"""Everything the arc page shows for one company, computed from a dataset in one place.

It is a pure function of (dataset, company), so the page can keep it per published revision
and company: switching back to a company already seen costs no recomputation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go
import polars as pl

from headcount import charts, citations, claims, exports, productivity, scope, story
from headcount.dataset import Dataset
from headcount.formatting import quantity
from headcount.labels import day, in_sentence, label
from headcount.periods import Period, periods

# The two smaller charts under the arc: metric and its label.
SIDE_CHARTS = (
    ("revenue_per_employee", "Revenue per employee"),
    ("valuation", "Valuation"),
)


@dataclass(frozen=True)
class SideChart:
    metric: str
    label: str
    figure: go.Figure | None
    hidden_units: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArcView:
    company: str
    title: str
    claimed: dict[str, pl.DataFrame]
    events: pl.DataFrame
    headlines: list[story.Headline]
    sentences: list[str]
    arc: go.Figure | None
    side: list[SideChart] = field(default_factory=list)
    periods: list[Period] = field(default_factory=list)
    event_list: list[str] = field(default_factory=list)  # '1 · 10 Jun 2021 · IPO: ...'

    @property
    def every_row(self) -> pl.DataFrame:
        return pl.concat(list(self.claimed.values()), how="vertical")

    def events_table(self) -> pl.DataFrame:
        """Every event on the arc in words, each with its source: the table under the
        figures' table."""

        def kind(code: str) -> str:
            return label("kind", code)

        def cause(code: str) -> str:
            return label("attribution", code)

        return self.events.select(
            "date",
            pl.col("kind").map_elements(kind, return_dtype=pl.String),
            "title",
            pl.col("detail").fill_null(""),
            pl.col("attribution")
            .map_elements(cause, return_dtype=pl.String)
            .fill_null("")
            .alias("cause given"),
            pl.col("cited_as").alias("source"),
            "url",
        )

    def cited_sources(self, sources: pl.DataFrame) -> list[str]:
        """The full citation of every source a figure or an event on the page cites, once
        each, in the order they first appear."""
        ids = [*self.every_row.get_column("source_id"), *self.events.get_column("source_id")]
        cited = citations.with_citations(
            pl.DataFrame({"source_id": list(dict.fromkeys(ids))}, schema={"source_id": pl.String}),
            sources,
        )
        return cited.get_column(citations.CITATION).to_list()

    def figures_table(self) -> pl.DataFrame:
        """Every figure behind the page in words, each with its full citation: what the
        table shows and the CSV download holds."""
        rows = scope.with_scope(self.every_row)
        return rows.select(
            pl.col("metric").map_elements(lambda c: label("metric", c), return_dtype=pl.String),
            "date",
            pl.struct("value", "unit")
            .map_elements(lambda r: quantity(r["value"], r["unit"]), return_dtype=pl.String)
            .alias("figure"),
            "value",
            "unit",
            "basis",
            # The part of the company a figure counts; empty: the whole company.
            pl.col("scope").cast(pl.String).fill_null("").alias("part counted"),
            pl.col("claim_type")
            .map_elements(lambda c: label("claim_type", c), return_dtype=pl.String)
            .alias("kind of claim"),
            pl.col("attribution")
            .map_elements(lambda c: label("attribution", c), return_dtype=pl.String)
            .fill_null("")
            .alias("cause given"),
            pl.col("cited_as").alias("source"),
            "citation",
            "url",
        )


def details(headline: story.Headline) -> list[str]:
    """What a card leaves one click away: basis, change, other bases and every source."""
    lines = [f"Basis: {headline.basis}"]
    if headline.delta:
        lines.append(f"Change on this series: {headline.delta}")
    if headline.filed is not None:
        lines.append(f"Filed figure's basis: {headline.filed.basis}")
    lines.extend(headline.elsewhere)
    lines.extend(f"Source: {source}" for source in headline.sources)
    return lines


def card_lines(headline: story.Headline, today: dt.date) -> list[str]:
    """The lines under a card's figure: 'Sep 2025, over a year old · company report' (date,
    freshness and kind, short), and the latest filed figure when the card shows another."""
    lines = [f"{headline.as_of(today).removeprefix('as of ')} · {headline.kind}"]
    if headline.filed is not None:
        # Older than the card's figure: flagged here only if that one is not already.
        filed = headline.filed
        when = f"{filed.date:%b %Y}" if story.stale(headline.date, today) else filed.as_of(today)
        lines.append(f"Filed: {filed.value}, {when.removeprefix('as of ')}")
    return lines


def brief(
    view: ArcView,
    sources: pl.DataFrame,
    link: str,
    today: dt.date,
    figures: Sequence[go.Figure | dict],
) -> str:
    """The page as the offline HTML brief: its cards (figure, lines and details), narrative,
    the charts as drawn, the numbered events and the citation of every source."""
    cards = [
        (h.label, h.value, " · ".join([*card_lines(h, today), *details(h)])) for h in view.headlines
    ]
    return exports.brief_html(
        title=view.title,
        link=link,
        cards=cards,
        sentences=view.sentences,
        figures=figures,
        citations=view.cited_sources(sources),
        events=view.event_list,
    )


def _event_list(numbered: pl.DataFrame) -> list[str]:
    return [
        f"{e['number']} · {day(e['date'])} · {label('kind', e['kind'])}: {e['title']}"
        for e in numbered.iter_rows(named=True)
    ]


def claims_link(company: str, count: int) -> str:
    """The words of the link to the Claim check page: 'All 3 claims of Klarna ...', but 'The
    claim of CrowdStrike ...' for one."""
    if count == 1:
        return f"The claim of {company} on the Claim check page"
    return f"All {count} claims of {company} on the Claim check page"


def no_headline(data: Dataset, company: str) -> str:
    """What the arc says when a company has none of the headline figures: which it lacks, and
    which figures the data does hold for it (Snap's revenue), so the page does not claim that
    there are none."""
    wanted = " or ".join(
        [
            ", ".join(in_sentence(label("metric", m)) for m in story.HEADLINE_METRICS[:-1]),
            in_sentence(label("metric", story.HEADLINE_METRICS[-1])),
        ]
    )
    held = (
        data.observations.filter(pl.col("company") == company)
        .group_by("metric")
        .len()
        .sort("metric")
    )
    if held.height == 0:
        return f"No figures for {company} in the data yet."
    counted = ", ".join(
        f"{n:,} {in_sentence(label('metric', metric))} figure{'s' if n != 1 else ''}"
        for metric, n in held.iter_rows()
    )
    return (
        f"No {wanted} figures for {company} yet. The data holds {counted}: "
        "see them in the Explorer or under Figures."
    )


def build(data: Dataset, company: str) -> ArcView:
    metrics = story.HEADLINE_METRICS
    claimed = {metric: claims.claims_for(data, company, metric) for metric in metrics}
    points = {metric: claims.points(rows) for metric, rows in claimed.items()}
    events = claims.events_for(data, company)
    headlines = story.headlines(points)
    arc = None
    shown = (points["headcount"], points["ai_workload_fte"])
    spans: list[Period] = []
    numbered = events.clear().with_columns(pl.lit(0, pl.Int64).alias("number"))
    if any(p.height for p in shown):
        end: dt.date = max(d for p in shown if p.height for d in p.get_column("date").to_list())
        spans = periods(events, end)
        arc = charts.arc_figure(*shown, events, company, spans)
        numbered = charts.numbered_events(events, charts.arc_span(*shown, events))
    cards = {headline.metric: headline for headline in headlines}
    side = []
    # Revenue per employee derived from the company's own filings, drawn beside what it reports.
    derived = productivity.revenue_per_employee(data.observations, company)
    for metric, name in SIDE_CHARTS:
        mine = derived if metric == "revenue_per_employee" else derived.clear()
        if metric not in cards and mine.is_empty():
            side.append(SideChart(metric, name, None))
            continue
        # One unit per axis: SEK and USD figures are never drawn on the same scale.
        unit = cards[metric].unit if metric in cards else str(mine.get_column("unit").first())
        drawn = claims.points(claimed[metric].filter(pl.col("unit") == unit))
        # The title names the metric; the axis only its unit, short enough for its height.
        axis = unit.replace("/", " per ")
        figure = charts.metric_figure(
            drawn, f"{company}: {name.lower()}", axis, mine.filter(pl.col("unit") == unit)
        )
        hidden = tuple(sorted(set(points[metric].get_column("unit")) - {unit}))
        side.append(SideChart(metric, name, figure, hidden))
    return ArcView(
        company=company,
        title=story.takeaway(company, points, spans),
        claimed=claimed,
        events=events,
        headlines=headlines,
        sentences=story.narrative(data, company, points),
        arc=arc,
        side=side,
        periods=spans,
        event_list=_event_list(numbered),
    )
