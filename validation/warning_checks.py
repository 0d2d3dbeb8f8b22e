"""The warnings of an upload's review: the evidence check and plausibility, on the rows the
upload adds or changes (a row published as it is was checked when it was published).

``review(uploaded, published)`` is what the review shows beside the change; publishing with
warnings needs an acknowledgement, recorded with the revision. Warnings never refuse a file:
every code here has the severity "warning" in the catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from validation import evidence, merge, plausibility, problems
from validation.tables import TABLES


def new_or_changed(
    uploaded: Mapping[str, pl.DataFrame],
    published: Mapping[str, pl.DataFrame],
    known: merge.Known | None = None,
) -> dict[str, pl.DataFrame]:
    """The uploaded rows that are not already published exactly as they are. ``known``: the
    upload's distinct values (merge.Known)."""
    fresh = {}
    for name, rows in uploaded.items():
        current = published.get(name)
        columns = [c for c in TABLES[name].column_names if c in rows.columns]
        if current is None or current.is_empty() or not set(columns) <= set(current.columns):
            fresh[name] = rows
            continue
        same = current.select(columns).cast(rows.select(columns).schema)
        # Only rows that share the first column with a published one can be published as
        # they are; the rest are kept whole, not copied.
        first = (known or {}).get((name, columns[0]))
        numbered = merge.may_match(rows.with_row_index("_row"), same, columns[0], first)
        unchanged = numbered.join(same, on=columns, how="semi", nulls_equal=True)["_row"]
        position = pl.int_range(pl.len()).cast(unchanged.dtype)
        fresh[name] = rows.filter(~position.is_in(unchanged.implode())) if unchanged.len() else rows
    return fresh


def review(
    uploaded: Mapping[str, pl.DataFrame],
    published: Mapping[str, pl.DataFrame],
    known: merge.Known | None = None,
) -> pl.DataFrame:
    """Every warning about the rows an upload adds or changes, in file and line order;
    ``uploaded`` rows carry their file and line, ``published`` tables those of the export;
    ``known``: the upload's distinct values (merge.Known), a superset of the fresh rows'."""
    fresh = new_or_changed(uploaded, published, known)
    found = [
        evidence.for_upload(fresh, published),
        plausibility.for_upload(fresh, published, known),
    ]
    return problems.combine([f for f in found if f.height])


def audit(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Every warning of a whole dataset (``headcount audit``): each row against its own source
    record, and each company-wide figure against the company's nearest filed one (a filing
    is its own nearest, so only other kinds of figures are measured)."""
    observations = tables["observations"]
    found = [evidence.audit(tables), plausibility.check(observations, observations)]
    return problems.combine([f for f in found if f.height])


def as_acknowledged(report: pl.DataFrame) -> list[dict[str, object]]:
    """The warnings as a revision records them: what was acknowledged, where."""
    return report.select("code", "file", "line", "column", "value", "problem").to_dicts()
