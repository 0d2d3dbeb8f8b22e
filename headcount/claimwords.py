"""The Claim check page's overview in words: changes as '-38%', counts with separators, days as
people write them, each company a link to its arc, and a reason wherever a value is missing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from headcount import share
from headcount.claimcheck import Check
from headcount.labels import day

# What a missing value means, said instead of a grey "None".
NO_FILED_SERIES = "no filed series"
NO_FILING_TWO_YEARS_BEFORE = "no filing two years before"
NOT_DERIVABLE = "not derivable"
ONE_YEAR = "one year or none"
NO_CAUSE = "none stated"


def _percent(column: str, missing: str) -> pl.Expr:
    """A change as '-38%' or '+5%', or the words saying why there is none."""
    return (
        pl.when(pl.col(column).is_null())
        .then(pl.lit(missing))
        .otherwise(pl.format("{}%", (pl.col(column) * 100).round(0).cast(pl.Int64)))
        .str.replace(r"^(\d)", "+$1")
        .alias(column)
    )


def _people(value: float) -> str:
    return f"{value:,.0f}"


def overview_in_words(
    table: pl.DataFrame, url: str | None, revision: int | None = None
) -> pl.DataFrame:
    """``claimcheck.overview`` as the page's table shows it, with an ``arc`` link column to
    each company's arc in the app that serves ``url`` (of ``revision``, if the page pins one)."""
    links = [share.arc_link(url, c, revision) for c in table.get_column("company")]
    return table.with_columns(
        pl.Series("arc", links, pl.String),
        _percent("change_two_years", NO_FILING_TWO_YEARS_BEFORE),
        _percent("rpe_change", ONE_YEAR),
        pl.col("filed_headcount")
        .map_elements(_people, return_dtype=pl.String)
        .fill_null(NO_FILED_SERIES),
        pl.col("filed_on").map_elements(day, return_dtype=pl.String).fill_null(""),
        pl.col("newest_figure").map_elements(day, return_dtype=pl.String).fill_null(""),
        pl.col("revenue_per_employee").fill_null(NOT_DERIVABLE),
        pl.col("classes").replace("", NO_CAUSE),
    ).select(
        "arc",
        "filed_headcount",
        "filed_on",
        "change_two_years",
        "claims",
        "classes",
        "revenue_per_employee",
        "rpe_change",
        "newest_figure",
        "stale",
    )


def sources_of(check: Check, sources: pl.DataFrame) -> list[dict[str, Any]]:
    """The sources of a claim itself, as rows (source_id, publisher, url, ...): the filings
    around it are named in the record its card shares."""
    return sources.filter(pl.col("source_id").is_in(list(check.claim_sources))).to_dicts()


def claim_line(check: Check) -> str:
    """One claim as a page lists it: its day, its cause, what was said and by whom, and its
    share of the filed headcount."""
    return " ".join((f"{day(check.date)} · {check.attribution}: {check.said}", *check.own))


def record_words(record: Sequence[str], claims: int) -> str:
    """The filed record shared by ``claims`` claims in a row, said once for all of them."""
    around = "this claim" if claims == 1 else f"these {claims} claims"
    return f"The filed record around {around}: " + " ".join(record)


def claim_title(check: Check) -> str:
    """A claim as a citation names it: 'Klarna, 18 Nov 2025: AI does the work'."""
    return f"{check.company}, {day(check.date)}: {check.attribution}"


def record_sources(check: Check, sources: pl.DataFrame) -> list[dict[str, Any]]:
    """The sources of the filings around a claim (the record its card shares), as rows."""
    ids = [f.source_id for f in (check.before, check.after) if f is not None]
    return sources.filter(pl.col("source_id").is_in(ids)).to_dicts()
