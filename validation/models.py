"""The column-level rules of the tables, generated from the contract in ``validation.tables``:
each column's type, whether it may be empty, and its checks, as Polars expressions; and the
same rules as Pandera schemas (Polars backend).

Every check is named by the catalogue code of the problem it finds (``validation.catalogue``),
so the gate words a failure by its name; a null in a required column is ``not_nullable``, as
Pandera names it. Rules that need more than one column or table (units per metric, keys,
sources, dates against today) live in ``validation.rules``.

The gate runs these expressions itself (`failing`), all of a table's in one pass of Polars,
and does not import Pandera: ``import pandera`` imports pandas whenever pandas is installed
(pandera/__init__.py tries ``import pandas`` first and falls back to its Polars-only exports
only when that import fails), which cost `headcount validate` about 1.4 s of its start-up, and
running each check through Pandera made 1,000,000 rows take several passes. `schema` gives the
same checks as a Pandera schema, which tests/test_models.py runs beside `failing` on every bad
file so that the two keep finding the same cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING

import polars as pl

from validation import lookalike, tables, vocabulary
from validation.tables import MAX_TEXT, TABLES, Column, ColumnKind, Table

if TYPE_CHECKING:
    import pandera.polars as pa

ALL_UNITS, MAX_VALUE = vocabulary.UNITS, tables.MAX_VALUE  # as benchmarks/ name them
# Markup a renderer could act on: HTML tags, script URLs, markdown images, control characters.
MARKUP = r"(?i)<[a-z/!?]|javascript:|!\[[^\]]*\]\(|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
NOT_NULLABLE = "not_nullable"  # Pandera's name for a null in a required column

DTYPES: dict[ColumnKind, type[pl.DataType]] = {
    "text": pl.String,
    "date": pl.Date,
    "number": pl.Float64,
}

# A check's test: the column in, True for each value that passes. An empty cell passes every
# check (whether a column may be empty is its nullability).
Test = Callable[[pl.Expr], pl.Expr]


def checks(column: Column) -> Iterator[tuple[str, Test]]:
    """The column's checks, each named by its code, in the order their problems are listed
    for one cell."""
    if column.kind == "number":
        yield "value.infinite", lambda value: value.is_finite()
    if column.pattern is not None:
        regex = column.pattern.regex
        yield column.pattern.code, lambda value: value.str.contains(regex)
    if column.kind == "text":
        if column.plain:
            yield "text.markup", lambda value: ~value.str.contains(MARKUP)
        if column.role == "name":
            yield "text.invisible_in_name", lambda v: ~v.str.contains(lookalike.INVISIBLE)
            mixed = lookalike.MIXED_SCRIPTS
            yield "text.mixed_scripts", lambda value: ~value.str.contains(mixed)
        else:
            hidden = lookalike.HIDDEN_IN_TEXT
            yield "text.hidden_characters", lambda value: ~value.str.contains(hidden)
        yield "text.too_long", lambda value: value.str.len_chars() <= MAX_TEXT
    if column.vocabulary:
        allowed = column.vocabulary
        yield "value.not_allowed", lambda value: value.is_in(allowed)
    if column.bounds is not None:
        low, high = column.bounds
        if low > -MAX_VALUE:  # a floor of meaning (a notice names at least one worker)
            yield "value.too_small", lambda value: value >= low
        yield "value.implausible", lambda value: value.abs() <= high


def _holds(test: Test, column: pl.Expr) -> pl.Expr:
    return column.is_null() | test(column)


def _missing(column: Column) -> pl.Expr:
    """A required column's empty cells; a number that is NaN counts as empty (as in Pandera)."""
    value = pl.col(column.name)
    return value.is_null() | value.is_nan() if column.kind == "number" else value.is_null()


@cache
def failing(table: Table) -> tuple[tuple[str, str, pl.Expr], ...]:
    """(column, check, expression true on each row that fails the check) for every check of
    the table, in the order Pandera lists them: column by column, a required column's
    ``not_nullable`` first. A check whose result is null passes (Pandera's ``ignore_na``)."""
    found: list[tuple[str, str, pl.Expr]] = []
    for column in table.columns:
        if column.required:
            found.append((column.name, NOT_NULLABLE, _missing(column)))
        for code, test in checks(column):
            held = _holds(test, pl.col(column.name))
            found.append((column.name, code, (~held).fill_null(False)))
    return tuple(found)


@cache
def schema(table: Table) -> pa.DataFrameSchema:
    """The Pandera schema of a table: each column's type, nullability and checks. (Pandera,
    and with it pandas, is imported only here.)"""
    import pandera.polars as pa

    def check(code: str, test: Test) -> pa.Check:
        def run(data: pa.PolarsData) -> pl.LazyFrame:
            return data.lazyframe.select(_holds(test, pl.col(data.key)))

        return pa.Check(run, name=code)

    return pa.DataFrameSchema(
        {
            column.name: pa.Column(
                DTYPES[column.kind],
                checks=[check(code, test) for code, test in checks(column)],
                nullable=not column.required,
            )
            for column in table.columns
        },
        name=table.name,
    )


def schemas() -> dict[str, pa.DataFrameSchema]:
    return {name: schema(table) for name, table in TABLES.items()}
