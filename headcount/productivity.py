"""Revenue per employee derived from a company's own filed numbers, kept apart from reported ones.

A derived point divides one fiscal year's filed revenue by the filed headcount at the end of
that same fiscal year: same company, the revenue's currency, the fiscal year-end day on both
rows. It names its formula and cites both inputs. Quarterly or half-year revenue is never
divided by a headcount (the periods would not match), two currencies are never mixed, and a
derived series is never joined to a reported one: charts draw it as its own series.
"""

from __future__ import annotations

from functools import partial

import polars as pl

from headcount import scope
from headcount.formatting import quantity

# Headcount counted as people at a day: the only kind a revenue can be divided by honestly.
HEADCOUNT_UNIT = "employees"
COLUMNS = {
    "company": pl.String,
    "date": pl.Date,
    "value": pl.Float64,
    "unit": pl.String,
    "basis": pl.String,
    "formula": pl.String,
    "revenue": pl.Float64,
    "revenue_basis": pl.String,
    "revenue_source_id": pl.String,
    "headcount": pl.Float64,
    "headcount_basis": pl.String,
    "headcount_source_id": pl.String,
}


def _one_value_per_date(rows: pl.DataFrame) -> pl.DataFrame:
    """A filed series' dates with one agreed value: where sources disagree on a date, that date
    cannot be an input (which value would it divide?); the conflict is shown elsewhere."""
    return (
        rows.group_by("date")
        .agg(
            pl.col("value").n_unique().alias("_values"),
            pl.col("value").first(),
            pl.col("basis").first(),
            pl.col("source_id").sort().first(),
        )
        .filter(pl.col("_values") == 1)
        .drop("_values")
        .sort("date")
    )


def _best_basis(rows: pl.DataFrame) -> str | None:
    """The basis with the most dates (then by name): a company's main filed series."""
    if rows.is_empty():
        return None
    ranked = (
        rows.group_by("basis")
        .agg(pl.col("date").n_unique().alias("dates"))
        .sort(["dates", "basis"], descending=[True, False])
    )
    return str(ranked.get_column("basis").first())


def filed_headcount(observations: pl.DataFrame, company: str) -> pl.DataFrame:
    """The company's filed headcount series (people at a day), one value per date; only
    figures of the whole company."""
    rows = scope.whole_company(observations).filter(
        (pl.col("company") == company)
        & (pl.col("metric") == "headcount")
        & (pl.col("claim_type") == "filing")
        & (pl.col("unit") == HEADCOUNT_UNIT)
    )
    basis = _best_basis(rows)
    if basis is None:
        return _one_value_per_date(rows)
    return _one_value_per_date(rows.filter(pl.col("basis") == basis))


def filed_revenue(observations: pl.DataFrame, company: str) -> dict[str, pl.DataFrame]:
    """The company's filed annual revenue, one series per currency (never mixed); only
    figures of the whole company."""
    rows = scope.whole_company(observations).filter(
        (pl.col("company") == company)
        & (pl.col("metric") == "revenue")
        & (pl.col("claim_type") == "filing")
        & (pl.col("period") == "year")
    )
    series = {}
    for currency in sorted(set(rows.get_column("unit").to_list())):
        in_currency = rows.filter(pl.col("unit") == currency)
        basis = _best_basis(in_currency)
        series[currency] = _one_value_per_date(in_currency.filter(pl.col("basis") == basis))
    return series


def revenue_per_employee(observations: pl.DataFrame, company: str) -> pl.DataFrame:
    """Derived revenue per employee: each fiscal year's filed revenue over the filed headcount
    at that year's end. One series per currency; empty when the filings do not match."""
    headcount = filed_headcount(observations, company).rename(
        {"value": "headcount", "basis": "headcount_basis", "source_id": "headcount_source_id"}
    )
    parts = []
    for currency, revenue in filed_revenue(observations, company).items():
        matched = revenue.rename(
            {"value": "revenue", "basis": "revenue_basis", "source_id": "revenue_source_id"}
        ).join(headcount, on="date", how="inner")
        matched = matched.filter(pl.col("headcount") > 0)
        if matched.is_empty():
            continue
        parts.append(
            matched.with_columns(
                pl.lit(company).alias("company"),
                (pl.col("revenue") / pl.col("headcount")).alias("value"),
                pl.lit(f"{currency}/employee").alias("unit"),
                pl.lit(
                    f"derived: filed annual revenue ({currency}) / filed year-end employees"
                ).alias("basis"),
                pl.format(
                    "{} revenue ({}) / {} employees at year end ({})",
                    # partial binds this turn's currency (a lambda would see the last one).
                    pl.col("revenue").map_elements(
                        partial(quantity, unit=currency), return_dtype=pl.String
                    ),
                    pl.col("revenue_source_id"),
                    pl.col("headcount").map_elements(lambda v: f"{v:,.0f}", return_dtype=pl.String),
                    pl.col("headcount_source_id"),
                ).alias("formula"),
            ).select(list(COLUMNS))
        )
    if not parts:
        return pl.DataFrame(schema=COLUMNS)
    return pl.concat(parts).sort("unit", "date")
