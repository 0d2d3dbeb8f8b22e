"""Deterministic synthetic data for the benchmarks: never committed, always regenerated.

The rows are shaped like the curated ones (every column filled the way an analyst would) but
are plainly synthetic: companies are called "Company 000001", sources "bench-source-0001".
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

SEED = 20261121
SOURCES = 200
# One valid unit per metric, so generated rows pass the units-per-metric rule.
UNITS = {
    "headcount": "employees",
    "ai_workload_fte": "fte",
    "revenue": "USD",
    "revenue_per_employee": "USD/employee",
    "valuation": "USD",
}
METRICS = tuple(UNITS)
SCALE = {
    "headcount": 5_000.0,
    "ai_workload_fte": 500.0,
    "revenue": 2e9,
    "revenue_per_employee": 4e5,
    "valuation": 1e10,
}
START = dt.date(2015, 1, 1)
# The kinds of bad cell a 1%-bad upload carries, one per bad row, in turn.
BAD_CELLS = (
    ("value", "5,527"),
    ("metric", "head count"),
    ("value", "-12"),
    ("date", "31/12/2024"),
    ("source_id", "no-such-source"),
)


def sources(count: int = SOURCES) -> pl.DataFrame:
    ids = [f"bench-source-{i:04d}" for i in range(count)]
    return pl.DataFrame(
        {
            "source_id": ids,
            "publisher": [f"Bench Publisher {i % 17}" for i in range(count)],
            "title": [f"Synthetic benchmark source {i}" for i in range(count)],
            "url": [f"https://example.org/bench/{i}" for i in range(count)],
            "accessed": ["2026-01-01"] * count,
            "published": ["2025-06-30"] * count,
            "via": [None] * count,
            "reliability": ["secondary"] * count,
            "quote": [None] * count,
            "language": ["en"] * count,
        }
    )


def observations(companies: int, months: int, seed: int = SEED) -> pl.DataFrame:
    """companies x metrics x months rows, monthly from 2015-01, every key unique."""
    per_company = len(METRICS) * months
    rows = companies * per_company
    rng = np.random.default_rng(seed)
    index = pl.int_range(rows, dtype=pl.Int64, eager=True)
    frame = pl.DataFrame({"_i": index})
    company = frame["_i"] // per_company
    metric = (frame["_i"] // months) % len(METRICS)
    month = frame["_i"] % months
    dates = pl.date_range(
        START, _add_months(START, months - 1), interval="1mo", eager=True
    ).dt.month_end()
    metric_names = pl.Series(METRICS)
    scales = pl.Series([SCALE[m] for m in METRICS])
    noise = pl.Series(rng.uniform(0.5, 1.5, rows))
    return pl.DataFrame(
        {
            "company": ("Company " + company.cast(pl.String).str.zfill(6)),
            "metric": metric_names.gather(metric),
            "date": dates.gather(month).dt.strftime("%Y-%m-%d"),
            "period": pl.repeat("instant", rows, eager=True),
            "value": (scales.gather(metric) * noise).round(0).cast(pl.Int64),
            "unit": pl.Series([UNITS[m] for m in METRICS]).gather(metric),
            "basis": pl.repeat("synthetic monthly series", rows, eager=True),
            "claim_type": pl.repeat("company_report", rows, eager=True),
            "source_id": "bench-source-" + (company % SOURCES).cast(pl.String).str.zfill(4),
            "note": pl.repeat(None, rows, dtype=pl.String, eager=True),
        }
    )


def with_bad_rows(frame: pl.DataFrame, fraction: float) -> pl.DataFrame:
    """Every (1/fraction)-th row gets one bad cell, cycling through BAD_CELLS."""
    text = frame.with_columns(pl.col("value").cast(pl.String))
    if fraction <= 0:
        return text
    step = round(1 / fraction)
    position = pl.int_range(pl.len())
    bad = position % step == step - 1
    turn = (position // step) % len(BAD_CELLS)
    for kind, (column, value) in enumerate(BAD_CELLS):
        chosen = bad & (turn == kind)
        text = text.with_columns(
            pl.when(chosen).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
        )
    return text


def csv_bytes(frame: pl.DataFrame) -> bytes:
    return frame.write_csv().encode("utf-8")


def observations_csv(rows: int, bad_fraction: float = 0.0) -> bytes:
    months = 120
    companies = max(1, -(-rows // (len(METRICS) * months)))
    frame = observations(companies, months).head(rows)
    return csv_bytes(with_bad_rows(frame, bad_fraction))


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.month - 1 + months
    return dt.date(day.year + total // 12, total % 12 + 1, 1)


def known_problem_count(rows: int, bad_fraction: float) -> int:
    """How many problems a generated upload must produce (one per bad row)."""
    if bad_fraction <= 0:
        return 0
    return rows // round(1 / bad_fraction)


def new_company_csv(source_id: str, rows: int = 200) -> bytes:
    """An observations upload the judge accepts without a problem or a warning: ``rows``
    monthly headcounts (month ends from 2009) of a company the store does not hold, citing
    the published source ``source_id``. Each row's note names it derived, with a formula
    giving its value (its source's quote cannot hold 200 figures; a derived row needs none)."""
    # Early enough that 200 months end before today: only targets may be dated ahead.
    first = dt.date(2009, 1, 1)
    months = pl.date_range(first, _add_months(first, rows - 1), interval="1mo", eager=True)
    values = [1_000 + 7 * i for i in range(rows)]
    frame = pl.DataFrame(
        {
            "company": ["Bench New Company"] * rows,
            "metric": ["headcount"] * rows,
            "date": months.dt.month_end().dt.strftime("%Y-%m-%d"),
            "period": ["instant"] * rows,
            "value": values,
            "unit": ["employees"] * rows,
            "basis": ["employees at month end (synthetic benchmark series)"] * rows,
            "claim_type": ["company_report"] * rows,
            "source_id": [source_id] * rows,
            "note": [f"derived (synthetic benchmark row): {v - 7} + 7" for v in values],
        }
    )
    return csv_bytes(frame)
