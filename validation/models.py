"""Pandera schemas (Polars backend) of the tables, generated from the contract in
``validation.tables``: the column-level rules.

Every check is named by the catalogue code of the problem it finds (``validation.catalogue``),
so the gate words a failure by its name; Pandera's own nullability check is
``not_nullable``. Rules that need more than one column or table (units per metric, keys,
sources, dates against today) live in ``validation.rules``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

import pandera.polars as pa
import polars as pl

from validation import lookalike, tables, vocabulary
from validation.tables import MAX_TEXT, TABLES, Column, ColumnKind, Table

ALL_UNITS, MAX_VALUE = vocabulary.UNITS, tables.MAX_VALUE  # as benchmarks/ name them
# Markup a renderer could act on: HTML tags, script URLs, markdown images, control characters.
MARKUP = r"(?i)<[a-z/!?]|javascript:|!\[[^\]]*\]\(|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
NOT_NULLABLE = "not_nullable"  # Pandera's name for a null in a required column

DTYPES: dict[ColumnKind, type[pl.DataType]] = {
    "text": pl.String,
    "date": pl.Date,
    "number": pl.Float64,
}


def _holds(code: str, test: Callable[[pl.Expr], pl.Expr]) -> pa.Check:
    """A check named by its code that ``test`` holds for each value of the column; an empty
    cell passes (whether a column may be empty is its nullability)."""

    def check(data: pa.PolarsData) -> pl.LazyFrame:
        column = pl.col(data.key)
        return data.lazyframe.select(column.is_null() | test(column))

    return pa.Check(check, name=code)


def _checks(column: Column) -> Iterator[pa.Check]:
    """The column's checks, in the order their problems are listed for one cell."""
    if column.kind == "number":
        yield _holds("value.infinite", lambda value: value.is_finite())
    if column.pattern is not None:
        regex = column.pattern.regex
        yield _holds(column.pattern.code, lambda value: value.str.contains(regex))
    if column.kind == "text":
        if column.plain:
            yield _holds("text.markup", lambda value: ~value.str.contains(MARKUP))
        if column.role == "name":
            yield _holds("text.invisible_in_name", lambda v: ~v.str.contains(lookalike.INVISIBLE))
            mixed = lookalike.MIXED_SCRIPTS
            yield _holds("text.mixed_scripts", lambda value: ~value.str.contains(mixed))
        else:
            hidden = lookalike.HIDDEN_IN_TEXT
            yield _holds("text.hidden_characters", lambda value: ~value.str.contains(hidden))
        yield _holds("text.too_long", lambda value: value.str.len_chars() <= MAX_TEXT)
    if column.vocabulary:
        allowed = column.vocabulary
        yield _holds("value.not_allowed", lambda value: value.is_in(allowed))
    if column.bounds is not None:
        low, high = column.bounds
        if low > -MAX_VALUE:  # a floor of meaning (a notice names at least one worker)
            yield _holds("value.too_small", lambda value: value >= low)
        yield _holds("value.implausible", lambda value: value.abs() <= high)


@cache
def schema(table: Table) -> pa.DataFrameSchema:
    """The Pandera schema of a table: each column's type, nullability and checks."""
    return pa.DataFrameSchema(
        {
            column.name: pa.Column(
                DTYPES[column.kind], checks=list(_checks(column)), nullable=not column.required
            )
            for column in table.columns
        },
        name=table.name,
    )


SCHEMAS: dict[str, pa.DataFrameSchema] = {name: schema(table) for name, table in TABLES.items()}
