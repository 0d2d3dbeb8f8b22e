"""Which part of a company a figure counts: the optional `scope` column (issue 21).

A row without a scope counts the whole company; one with a scope (`engineering`, `Sweden`)
counts a part of it. Only whole-company figures make a company's series, its card and the
filed figures other numbers are checked against; a part is shown only as what it is. This
module is the one place that answers "is this figure company-wide?".
"""

from __future__ import annotations

import polars as pl

COLUMN = "scope"


def with_scope(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows with a scope column (empty for all when the frame predates the column)."""
    if COLUMN in rows.columns:
        return rows
    return rows.with_columns(pl.lit(None, pl.String).alias(COLUMN))


def is_whole() -> pl.Expr:
    """Rows that count the whole company (an empty scope)."""
    scope = pl.col(COLUMN).cast(pl.String)
    return scope.is_null() | (scope.str.strip_chars() == "")


def whole_company(rows: pl.DataFrame) -> pl.DataFrame:
    """Only the figures of the whole company."""
    return with_scope(rows).filter(is_whole())


def of_part(scope: str | None) -> str:
    """' (engineering only)' after a figure of part of a company; nothing for the whole."""
    return f" ({scope} only)" if scope and scope.strip() else ""
