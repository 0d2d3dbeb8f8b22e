"""The conflicts ledger: claims about the same thing, at about the same time, that disagree.

Two observations conflict when they share company, metric, unit, period and scope (a figure of
part of a company never conflicts with the whole), lie at most
``WINDOW_DAYS`` apart, come from different sources, and differ by more than ``TOLERANCE`` of the
larger value. Targets are goals, not claims about the present, and are left out.
"""

from __future__ import annotations

import polars as pl

from headcount import citations, scope

WINDOW_DAYS = 45
TOLERANCE = 0.05
SIDE_COLUMNS = ("date", "value", "basis", "claim_type", "source_id", "cited_as", "url")


def ledger(
    observations: pl.DataFrame,
    sources: pl.DataFrame,
    window_days: int = WINDOW_DAYS,
    tolerance: float = TOLERANCE,
) -> pl.DataFrame:
    """One row per conflicting pair, the earlier claim as ``a``, the later as ``b``."""
    claims = citations.with_citations(
        scope.with_scope(observations)
        .filter(pl.col("claim_type") != "target")
        .with_row_index("_id"),
        sources,
    )
    keep = ["_id", "company", "metric", "unit", "period", "scope", *SIDE_COLUMNS]
    left = claims.select(keep)
    right = claims.select(keep)
    pairs = (
        left.join(
            right,
            on=["company", "metric", "unit", "period", "scope"],
            suffix="_b",
            nulls_equal=True,
        )
        .rename({column: f"{column}_a" for column in ("_id", *SIDE_COLUMNS)})
        .filter(
            (pl.col("source_id_a") != pl.col("source_id_b"))
            & (
                (pl.col("date_a") < pl.col("date_b"))
                # On one date, the lower value goes first, so each pair appears once.
                | ((pl.col("date_a") == pl.col("date_b")) & (pl.col("value_a") < pl.col("value_b")))
            )
            & ((pl.col("date_b") - pl.col("date_a")).dt.total_days() <= window_days)
        )
        .with_columns(
            (
                (pl.col("value_b") - pl.col("value_a")).abs()
                / pl.max_horizontal("value_a", "value_b")
            ).alias("difference")
        )
        .filter(pl.col("difference") > tolerance)
    )
    # Several copies of one figure are one claim: keep one pair per pair of (value, basis).
    return (
        pairs.unique(
            ["company", "metric", "date_a", "value_a", "basis_a", "date_b", "value_b", "basis_b"],
            keep="first",
            maintain_order=True,
        )
        .drop("_id_a", "_id_b")
        .sort("company", "metric", "date_a")
    )
