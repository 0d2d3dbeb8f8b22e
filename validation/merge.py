"""What an upload makes of the published tables: each uploaded table replaces its published
one, or is merged into it by key. The judge (validation/judge.py) checks the result as a whole
and the store (headcount/diff.py) writes its difference: both from this one function."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import polars as pl

from validation.tables import TABLES

Mode = Literal["replace", "upsert"]
MODES: tuple[Mode, ...] = ("replace", "upsert")


def apply(
    current: Mapping[str, pl.DataFrame], upload: Mapping[str, pl.DataFrame], mode: Mode
) -> dict[str, pl.DataFrame]:
    """The tables after an upload: each uploaded table replaces its current one, or is merged
    into it by key (uploaded rows win). Tables not uploaded stay as they are."""
    result = dict(current)
    for name, rows in upload.items():
        table = TABLES[name]
        rows = rows.select(table.column_names)
        if mode == "replace" or name not in current:
            result[name] = rows
            continue
        keys = may_match(rows.select(table.key), current[name], table.key[0])
        kept = (
            current[name]
            .select(table.column_names)
            .join(keys, on=list(table.key), how="anti", nulls_equal=True)
        )
        result[name] = pl.concat([kept, rows.cast(kept.schema, strict=False)], how="vertical")
    return result


def may_match(rows: pl.DataFrame, other: pl.DataFrame, column: str) -> pl.DataFrame:
    """The rows that a join with ``other`` on columns starting with ``column`` (nulls equal)
    can match: those whose ``column`` occurs in ``other``. An upload of a million new rows
    against a few hundred published ones then joins the few that share a company, instead of
    hashing every row's whole key."""
    value = pl.col(column)
    return rows.filter(value.is_in(other.get_column(column).unique().implode()) | value.is_null())
