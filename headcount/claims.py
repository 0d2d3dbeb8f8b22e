"""From observations to what a chart may honestly draw: series, the spine, statements, targets.

A series is every row of one company, metric, unit and basis; only a series is ever joined by a
line (never splice bases). Rows that agree on series, date and value are one plotted point with
several sources; rows of one series and date that disagree stay separate points (a conflict).
"""

from __future__ import annotations

from typing import cast

import polars as pl

from headcount import citations, scope
from headcount.dataset import Dataset
from headcount.formatting import quantity
from validation.vocabulary import CLAIM_TYPES

# A figure of part of a company (a scope) is never on the company's own series.
SERIES_KEY: tuple[str, ...] = ("company", "metric", "unit", "basis", "scope")
POINT_KEY: tuple[str, ...] = (*SERIES_KEY, "date", "value")

LINE = "line"  # a point on a series with two or more dates, the one its date's figure
STATEMENT = "statement"  # a lone claim, or one its series' figure of that date outvotes: a marker
TARGET = "target"  # a goal, not an observation: a hollow marker


def claims_for(dataset: Dataset, company: str, metric: str) -> pl.DataFrame:
    """Every observation of one company and metric, with its source and citation."""
    rows = dataset.observations.filter(
        (pl.col("company") == company) & (pl.col("metric") == metric)
    )
    return citations.with_citations(rows, dataset.sources).sort("date", "basis", "source_id")


def events_for(dataset: Dataset, company: str) -> pl.DataFrame:
    """One company's events, with their sources and citations, in date order."""
    rows = dataset.events.filter(pl.col("company") == company)
    return citations.with_citations(rows, dataset.sources).sort("date")


def spine_basis(claims: pl.DataFrame) -> str | None:
    """The series an executive should read first: most filed values, then most dates; always
    a series of the whole company."""
    candidates = (
        scope.whole_company(claims)
        .filter(pl.col("claim_type") != "target")
        .group_by("basis")
        .agg(
            (pl.col("claim_type") == "filing").sum().alias("filed"),
            pl.col("date").n_unique().alias("dates"),
        )
        .filter(pl.col("dates") >= 2)
        .sort(["filed", "dates", "basis"], descending=[True, True, False])
    )
    return cast(str, candidates.get_column("basis").first()) if candidates.height else None


def _strength() -> pl.Expr:
    """The strongest kind of claim among a point's sources: 0 for a filing, then a company
    report, a statement, an estimate (the vocabulary's order)."""
    ranks = {kind: rank for rank, kind in enumerate(CLAIM_TYPES)}
    return (
        pl.col("claim_types").list.eval(pl.element().replace_strict(ranks, default=99)).list.min()
    )


def by_preference(points: pl.DataFrame) -> pl.DataFrame:
    """Points in the order one figure is chosen among several: the one most sources give,
    then the strongest kind of claim, then the smaller value. The same rule picks the figure a
    line passes through on a date and the figure a card shows, and it never depends on the
    order of the rows (an unrelated upload reorders them)."""
    return points.sort(
        [pl.col("source_ids").list.len(), _strength(), pl.col("value")],
        descending=[True, False, False],
        maintain_order=True,
    )


def best(points: pl.DataFrame) -> dict:
    """The preferred figure of ``points`` (see ``by_preference``)."""
    return by_preference(points).row(0, named=True)


def points(claims: pl.DataFrame) -> pl.DataFrame:
    """One row per plotted point: agreeing sources merged, each point with its role and label.

    A line passes through one figure a date (``by_preference``); another figure of the same
    series and date is a marker beside it, so a chart's line and a card never disagree. A
    figure of part of the company (a scope) is a labelled marker, never on a line."""
    claims = scope.with_scope(claims)
    if claims.is_empty():
        return claims.with_columns(
            pl.lit(None, pl.String).alias("role"),
            pl.lit(None, pl.Boolean).alias("spine"),
            pl.lit(None, pl.String).alias("label"),
            pl.lit(None, pl.List(pl.String)).alias("claim_types"),
            pl.lit(None, pl.List(pl.String)).alias("citation_list"),
            pl.lit(None, pl.List(pl.String)).alias("cited_list"),
            pl.lit(None, pl.List(pl.String)).alias("source_ids"),
            pl.lit(None, pl.List(pl.String)).alias("notes"),
            pl.lit(None, pl.List(pl.String)).alias("urls"),
            pl.lit(None, pl.List(pl.String)).alias("attributions"),
        )
    spine = spine_basis(claims)
    merged = claims.group_by(list(POINT_KEY), maintain_order=True).agg(
        pl.col("period").first(),
        pl.col("claim_type").unique(maintain_order=True).alias("claim_types"),
        pl.col("source_id").alias("source_ids"),
        pl.col(citations.CITATION).alias("citation_list"),
        pl.col("cited_as").alias("cited_list"),
        pl.col("url").alias("urls"),
        pl.col("note").drop_nulls().unique(maintain_order=True).alias("notes"),
        _attributions(claims),
    )
    dates_per_series = merged.group_by(list(SERIES_KEY)).agg(
        pl.col("date").n_unique().alias("_dates")
    )
    # The first of each series and date in order of preference is the one on the line.
    merged = by_preference(merged).with_columns(
        (pl.int_range(pl.len()).over([*SERIES_KEY, "date"]) == 0).alias("_chosen")
    )
    is_target = pl.col("claim_types").list.contains("target")
    role = (
        pl.when(is_target)
        .then(pl.lit(TARGET))
        .when((pl.col("_dates") >= 2) & scope.is_whole() & pl.col("_chosen"))
        .then(pl.lit(LINE))
        .otherwise(pl.lit(STATEMENT))
    )
    return (
        merged.join(dates_per_series, on=list(SERIES_KEY), how="left", nulls_equal=True)
        .with_columns(
            role.alias("role"),
            ((pl.col("basis") == pl.lit(spine, pl.String)) & scope.is_whole())
            .fill_null(False)
            .alias("spine"),
            pl.struct("value", "unit", "scope")
            .map_elements(
                lambda r: quantity(r["value"], r["unit"]) + scope.of_part(r["scope"]),
                return_dtype=pl.String,
            )
            .alias("label"),
        )
        .drop("_dates", "_chosen")
        .sort("date", "basis", maintain_order=True)
    )


def _attributions(claims: pl.DataFrame) -> pl.Expr:
    """The causes the merged rows give (the column is optional in older data)."""
    if "attribution" not in claims.columns:
        return pl.lit([], pl.List(pl.String)).alias("attributions")
    return pl.col("attribution").drop_nulls().unique(maintain_order=True).alias("attributions")


def conflicts_within_series(claims: pl.DataFrame) -> pl.DataFrame:
    """Dates on which sources give different values for the same series."""
    return (
        scope.with_scope(claims)
        .group_by([*SERIES_KEY, "date"])
        .agg(
            pl.col("value").n_unique().alias("values"),
            pl.col("value").min().alias("low"),
            pl.col("value").max().alias("high"),
            pl.col("source_id"),
        )
        .filter(pl.col("values") > 1)
        .sort("date")
    )
