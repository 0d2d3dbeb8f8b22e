"""Numbers in words people read: '5,527 employees', '$45.6B', 'SEK 7.0M per employee'."""

from __future__ import annotations

import polars as pl

from validation.vocabulary import CURRENCIES

SYMBOLS = {"USD": "$", "EUR": "€"}


def compact(value: float) -> str:
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:,.{1 if value / size < 100 else 0}f}{suffix}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def money(value: float, currency: str) -> str:
    """'$45.6B', '-$273M' (the sign before the symbol, where readers look for it), 'SEK 7.0M'."""
    symbol = SYMBOLS.get(currency)
    sign = "-" if value < 0 else ""
    amount = compact(abs(value))
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{currency} {amount}"


def count(value: float) -> str:
    """A number of things: '3,422', '118M' (never '1.18e+08'), '2.5' only if it has decimals."""
    if abs(value) >= 1e6:
        return compact(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def quantity(value: float, unit: str) -> str:
    """A value with its unit as a reader expects it."""
    if unit in CURRENCIES:
        return money(value, unit)
    if unit.endswith("/employee"):
        return f"{money(value, unit.split('/')[0])} per employee"
    if unit == "fte":
        return f"{count(value)} FTE"
    return f"{count(value)} {unit}"


def short(value: float, unit: str) -> str:
    """The label next to a marker: the number alone where the axis already names the unit."""
    if unit == "employees":
        return count(value)
    return quantity(value, unit).removesuffix(" per employee")


# Numbers in files people take away (CSV, JSON, the diff): as a person writes them in a data
# file, 721000 and not 721000.0; values are stored as floats, and every contract value is
# within ±1e15 (validation), where a float holds a whole number exactly.
WHOLE_BOUND = 1e15


def plain_number(value: float) -> int | float:
    """A whole number as an int (for JSON), any other value as it is."""
    if float(value).is_integer() and abs(value) <= WHOLE_BOUND:
        return int(value)
    return value


def number_text(column: str) -> pl.Expr:
    """A float column as text: whole numbers without '.0', others as Polars writes CSV."""
    value = pl.col(column)
    whole = value.is_finite() & (value.round(0) == value) & (value.abs() <= WHOLE_BOUND)
    return (
        pl.when(whole)
        .then(value.cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(value.cast(pl.String))
        .alias(column)
    )


def plain_numbers(frame: pl.DataFrame) -> pl.DataFrame:
    """Every float column of ``frame`` as `number_text`."""
    return frame.with_columns(
        number_text(name) for name, dtype in frame.schema.items() if dtype.is_float()
    )
