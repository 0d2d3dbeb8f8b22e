"""Plausibility (issue 21, part 3): an uploaded figure far from the company's filed figures,
as a statistics agency checks a release before publishing it.

Pure functions: the uploaded rows and the published tables in, a problem report out, every
problem a warning of the catalogue (``plausibility.*``):

- a company-wide headcount under half or over twice the company's nearest filed headcount
  (within two years of its date): is it the whole company?
- a revenue per employee that the filed revenue and filed headcount of the same day
  contradict by more than 10%.

A figure whose row names a scope (part of the company) is never compared with the whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import polars as pl

from validation import merge, problems
from validation.parse import LINE
from validation.rules import FILE

LOW, HIGH = 0.5, 2.0  # a headcount outside these times the filed one is worth a question
NEAR_DAYS = 730  # the filed figure compared with lies at most this far from the row's date
RPE_TOLERANCE = 0.10  # revenue per employee may differ this much from the filed division


def _whole(rows: pl.DataFrame) -> pl.DataFrame:
    if "scope" not in rows.columns:
        return rows
    scope = pl.col("scope").cast(pl.String)
    return rows.filter(scope.is_null() | (scope.str.strip_chars() == ""))


def _filed(observations: pl.DataFrame, metric: str) -> pl.DataFrame:
    return _whole(observations).filter(
        (pl.col("metric") == metric) & (pl.col("claim_type") == "filing")
    )


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


def _relation(ratio: float) -> str:
    return f"{ratio:.0%} of" if ratio < 1 else f"{ratio:.1f} times"


def _headcounts(rows: pl.DataFrame, filed: pl.DataFrame) -> Iterator[problems.Problem]:
    """Each company-wide headcount against the company's nearest filed one."""
    candidates = (
        _whole(rows)
        .filter(
            (pl.col("metric") == "headcount")
            & (pl.col("unit") == "employees")
            & (pl.col("claim_type") != "target")
        )
        .select("company", "date", "value", "source_id", FILE, LINE)
        .sort("date")
    )
    yardstick = (
        filed.filter((pl.col("unit") == "employees") & (pl.col("value") > 0))
        .select(
            "company",
            pl.col("date").alias("filed_date"),
            pl.col("value").alias("filed"),
            pl.col("source_id").alias("filed_source"),
        )
        .sort("filed_date")
    )
    paired = (
        candidates.join_asof(
            yardstick,
            left_on="date",
            right_on="filed_date",
            by="company",
            strategy="nearest",
            tolerance=dt.timedelta(days=NEAR_DAYS),
            check_sortedness=False,  # both sorted by date above; polars cannot check per group
        )
        .filter(pl.col("filed").is_not_null())
        .with_columns((pl.col("value") / pl.col("filed")).alias("_ratio"))
        .filter((pl.col("_ratio") < LOW) | (pl.col("_ratio") > HIGH))
        .sort(FILE, LINE)
    )
    return (
        problems.of(
            "plausibility.far_from_filed",
            row[FILE],
            row[LINE],
            "value",
            _number(row["value"]),
            value=_number(row["value"]),
            date=_day(row["date"]),
            source=row["source_id"],
            relation=_relation(row["_ratio"]),
            company=row["company"],
            filed=_number(row["filed"]),
            filed_date=_day(row["filed_date"]),
            filed_source=row["filed_source"],
        )
        for row in paired.iter_rows(named=True)
    )


def _per_employee(rows: pl.DataFrame, observations: pl.DataFrame) -> Iterator[problems.Problem]:
    """Each company-wide revenue per employee against filed revenue / filed headcount of the
    same company and day, in the same currency."""
    revenue = (
        _filed(observations, "revenue")
        .filter(pl.col("period") == "year")
        .select("company", "date", pl.col("unit").alias("_currency"),
                pl.col("value").alias("_revenue"), pl.col("source_id").alias("_revenue_source"))
        .unique(["company", "date", "_currency"], keep="first", maintain_order=True)
    )  # fmt: skip
    people = (
        _filed(observations, "headcount")
        .filter((pl.col("unit") == "employees") & (pl.col("value") > 0))
        .select("company", "date", pl.col("value").alias("_people"),
                pl.col("source_id").alias("_people_source"))
        .unique(["company", "date"], keep="first", maintain_order=True)
    )  # fmt: skip
    compared = (
        _whole(rows)
        .filter((pl.col("metric") == "revenue_per_employee") & (pl.col("claim_type") != "target"))
        .with_columns(pl.col("unit").str.split("/").list.first().alias("_currency"))
        .join(revenue, on=["company", "date", "_currency"], how="inner")
        .join(people, on=["company", "date"], how="inner")
        .with_columns((pl.col("_revenue") / pl.col("_people")).alias("_derived"))
        .with_columns((pl.col("value") / pl.col("_derived") - 1).abs().alias("_off"))
        .filter(pl.col("_off") > RPE_TOLERANCE)
        .sort(FILE, LINE)
    )
    return (
        problems.of(
            "plausibility.per_employee_contradicts",
            row[FILE],
            row[LINE],
            "value",
            _number(row["value"]),
            value=f"{row['_currency']} {_number(row['value'])}",
            date=_day(row["date"]),
            source=row["source_id"],
            off=f"{row['_off']:.0%}",
            revenue=f"{row['_currency']} {_number(row['_revenue'])}",
            revenue_source=row["_revenue_source"],
            people=_number(row["_people"]),
            people_source=row["_people_source"],
            derived=f"{row['_currency']} {_number(row['_derived'])}",
        )
        for row in compared.iter_rows(named=True)
    )


def check(
    rows: pl.DataFrame, observations: pl.DataFrame, companies: pl.Series | None = None
) -> pl.DataFrame:
    """Warnings for ``rows`` (uploaded observations, with their file and line) against
    ``observations`` (the published ones: the filed figures). ``companies``: the rows'
    distinct companies, where known (merge.Known)."""
    # Each measure needs a filed figure of the row's company: a million uploaded rows of
    # companies without one are not sorted and joined to find nothing.
    filing = observations.filter(pl.col("claim_type") == "filing").get_column("company")
    filed = filing.unique().implode()
    if companies is not None and not companies.is_in(filed).any():
        return problems.frame()
    rows = rows.filter(pl.col("company").is_in(filed))
    if rows.is_empty():
        return problems.frame()
    found = problems.Tally()
    for problem in _headcounts(rows, _filed(observations, "headcount")):
        found.add(problem)
    for problem in _per_employee(rows, observations):
        found.add(problem)
    return found.frame()


def for_upload(
    uploaded: Mapping[str, pl.DataFrame],
    published: Mapping[str, pl.DataFrame],
    known: merge.Known | None = None,
) -> pl.DataFrame:
    """The plausibility warnings of an upload's observations, against the published filed
    figures that the upload does not itself replace (a corrected filing is not measured
    against its old value). ``known``: the upload's distinct values (merge.Known)."""
    rows = uploaded.get("observations")
    filed = published.get("observations")
    if rows is None or filed is None:
        return problems.frame()
    key = ["company", "metric", "date", "basis", "source_id"]
    companies = (known or {}).get(("observations", "company"))
    uploaded_keys = merge.may_match(rows.select(key), filed, key[0], companies)
    kept = filed.join(uploaded_keys, on=key, how="anti", nulls_equal=True)
    return check(rows, kept, companies)
