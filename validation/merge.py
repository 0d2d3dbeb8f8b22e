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
# The distinct values of columns, by (table, column), where they are known before a rule asks:
# the parse finds them for an upload's text columns (ParsedFile.distinct). Possibly more
# values than the column holds, never fewer, so they can only tell where not to look.
Known = Mapping[tuple[str, str], pl.Series]


def _kept(
    current: pl.DataFrame, rows: pl.DataFrame, key: list[str], known: pl.Series | None = None
) -> pl.DataFrame:
    """The current rows an upsert of ``rows`` keeps: those whose key it does not give (only
    the uploaded keys that can match are joined: may_match)."""
    keys = may_match(rows.select(key), current, key[0], known)
    return current.join(keys, on=key, how="anti", nulls_equal=True)


def whole(
    current: Mapping[str, pl.DataFrame],
    upload: Mapping[str, pl.DataFrame],
    mode: Mode,
    known: Known | None = None,
) -> dict[str, pl.DataFrame]:
    """The tables after an upload as the rules see them: every row keeps the columns it came
    with (its file and line), so a problem points at the upload or at the published row.
    In an upsert a table of the upload adds to the published one (a workbook's old sources
    sheet is not the whole list of sources); in a replace it is the whole table. ``known``:
    the upload's distinct values, where the parse found them."""
    result = dict(current)
    for name, rows in upload.items():
        if mode == "replace" or name not in current:
            result[name] = rows
            continue
        key = list(TABLES[name].key)
        kept = _kept(current[name], rows, key, (known or {}).get((name, key[0])))
        result[name] = pl.concat([kept, rows.select(kept.columns)], how="vertical_relaxed")
    return result


def apply(
    current: Mapping[str, pl.DataFrame],
    upload: Mapping[str, pl.DataFrame],
    mode: Mode,
    known: Known | None = None,
) -> dict[str, pl.DataFrame]:
    """The tables after an upload: each uploaded table replaces its current one, or is merged
    into it by key (uploaded rows win). Tables not uploaded stay as they are. ``known``: the
    upload's distinct values, where the parse found them."""
    result = dict(current)
    for name, rows in upload.items():
        table = TABLES[name]
        rows = rows.select(table.column_names)
        if mode == "replace" or name not in current:
            result[name] = rows
            continue
        key = list(table.key)
        first = (known or {}).get((name, key[0]))
        kept = _kept(current[name].select(table.column_names), rows, key, first)
        result[name] = pl.concat([kept, rows.cast(kept.schema, strict=False)], how="vertical")
    return result


def may_match(
    rows: pl.DataFrame, other: pl.DataFrame, column: str, known: pl.Series | None = None
) -> pl.DataFrame:
    """The rows that a join with ``other`` on columns starting with ``column`` (nulls equal)
    can match: those whose ``column`` occurs in ``other``. An upload of a million new rows
    against a few hundred published ones then joins the few that share a company, instead of
    hashing every row's whole key. ``known``: the distinct values of the rows' ``column``
    (Known): when none of them occurs in ``other``, no row is looked at (a new company's
    million rows: 8 ms a call)."""
    value = pl.col(column)
    values = other.get_column(column).unique()
    if (
        known is not None
        and known.dtype == values.dtype
        and not known.is_null().any()
        and not known.is_in(values.implode()).any()
    ):
        return rows.clear()
    return rows.filter(value.is_in(values.implode()) | value.is_null())
