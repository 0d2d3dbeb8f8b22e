"""When each company's next annual figure is due, from its own filed series (issue 23.5).

No calendar is typed in: a company's fiscal year ends where its filed figures end (the latest
company-wide filing of a year or at an instant), so the next ends a year later; it is expected
that long after as the company's own sources were published after their period ends (the
median over the years whose source states its publication day), else after an assumed
``DEFAULT_LAG_DAYS``, said as such. It is overdue when the day the data is current to
(claimcheck.current_to, the freshness rule of every page) is past that.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass

import polars as pl

from headcount.dataset import Dataset
from headcount.labels import day

# Where no source of a company's filings states its publication day: an assumption, named as
# such on the page, not a rule of any regulator.
DEFAULT_LAG_DAYS = 120
# A source published more than a year after the period end is a later document quoting the
# figure (a prospectus, an article), not the annual report that first gave it.
LONGEST_LAG_DAYS = 365
# Fiscal years of 52 or 53 weeks end on a slightly different day each year; a filing further
# from the latest year end than this is a quarter or half-year, not a year end.
YEAR_END_SLACK_DAYS = 7
ANNUAL_PERIODS = ("year", "instant")


@dataclass(frozen=True)
class NextFigure:
    company: str
    period_end: dt.date  # of the next fiscal year
    expected: dt.date  # by about when its figures should be published
    lag_days: int  # publication after the period end, as used
    years_seen: int  # year ends whose publication day a source states (0: the default)
    overdue: bool


def a_year_after(end: dt.date) -> dt.date:
    """The same day a year later (28 Feb after 29 Feb)."""
    try:
        return end.replace(year=end.year + 1)
    except ValueError:
        return end.replace(year=end.year + 1, day=28)


def _year_end(filed: pl.DataFrame) -> dt.date:
    """A day the company's fiscal year ends: where its latest annual amount (revenue of a
    year) ends, else the day of the year its filed figures most often fall on (a 10-Q's
    quarter-end headcount is the odd one out), the latest such."""
    annual = filed.filter(pl.col("period") == "year")
    if not annual.is_empty():
        return annual.get_column("date").max()  # type: ignore[return-value]
    dates: list[dt.date] = filed.get_column("date").to_list()
    often = Counter((d.month, d.day) for d in dates)
    return max(dates, key=lambda d: (often[(d.month, d.day)], d))


def _year_ends(filed: pl.DataFrame, anchor: dt.date) -> pl.DataFrame:
    """The filed rows at a year end like ``anchor`` (the same day of the year, give or take)."""

    def near(date: dt.date) -> bool:
        if (date.month, date.day) == (2, 29):
            date = date.replace(day=28)
        return abs((date.replace(year=anchor.year) - anchor).days) <= YEAR_END_SLACK_DAYS

    return filed.filter(pl.col("date").map_elements(near, return_dtype=pl.Boolean))


def next_figures(data: Dataset, as_of: dt.date | None) -> list[NextFigure]:
    """For each company with a filed series, its next annual figure, in company order."""
    filed = data.observations.filter(
        (pl.col("claim_type") == "filing")
        & pl.col("scope").is_null()
        & pl.col("period").is_in(ANNUAL_PERIODS)
    ).join(data.sources.select("source_id", "published"), on="source_id", how="left")
    found = []
    for company in data.companies():
        mine = filed.filter(pl.col("company") == company)
        if mine.is_empty():
            continue
        ends = _year_ends(mine, _year_end(mine))
        latest: dt.date = ends.get_column("date").max()  # type: ignore[assignment]
        # Each year end's first publication that a source states, within a year of it.
        lags = (
            ends.filter(pl.col("published").is_not_null())
            .with_columns((pl.col("published") - pl.col("date")).dt.total_days().alias("lag"))
            .filter((pl.col("lag") > 0) & (pl.col("lag") <= LONGEST_LAG_DAYS))
            .group_by("date")
            .agg(pl.col("lag").min())
            .get_column("lag")
            .to_list()
        )
        lag = round(statistics.median(lags)) if lags else DEFAULT_LAG_DAYS
        end = a_year_after(latest)
        expected = end + dt.timedelta(days=lag)
        overdue = as_of is not None and as_of > expected
        found.append(NextFigure(company, end, expected, lag, len(lags), overdue))
    return found


def in_words(figures: list[NextFigure]) -> pl.DataFrame:
    """The Sources page's table: one row per company, every cell words."""

    def basis(figure: NextFigure) -> str:
        if not figure.years_seen:
            return f"assumed {figure.lag_days} days after the year end: no source gives its day"
        years = "1 year" if figure.years_seen == 1 else f"median of {figure.years_seen} years"
        return f"its sources: published {figure.lag_days} days after the year end ({years})"

    return pl.DataFrame(
        [
            {
                "company": f.company,
                "next annual figure": f"year ending {day(f.period_end)}",
                "expected by about": f"{f.expected:%b %Y}",
                "status": "overdue" if f.overdue else "not yet due",
                "expected from": basis(f),
            }
            for f in figures
        ],
        schema=dict.fromkeys(
            ("company", "next annual figure", "expected by about", "status", "expected from"),
            pl.String,
        ),
    )
