"""Numbers in words people read: '5,527 employees', '$45.6B', 'SEK 7.0M per employee'."""

from __future__ import annotations

from validation.vocabulary import CURRENCIES

SYMBOLS = {"USD": "$", "EUR": "€"}


def compact(value: float) -> str:
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:,.{1 if value / size < 100 else 0}f}{suffix}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def money(value: float, currency: str) -> str:
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{compact(value)}" if symbol else f"{currency} {compact(value)}"


def quantity(value: float, unit: str) -> str:
    """A value with its unit as a reader expects it."""
    if unit in CURRENCIES:
        return money(value, unit)
    if unit.endswith("/employee"):
        return f"{money(value, unit.split('/')[0])} per employee"
    if unit == "fte":
        return f"{value:,.0f} FTE"
    if unit == "employees":
        return f"{value:,.0f} employees"
    return f"{value:,g} {unit}"


def short(value: float, unit: str) -> str:
    """The label next to a marker: the number alone where the axis already names the unit."""
    if unit == "employees":
        return f"{value:,.0f}"
    return quantity(value, unit).removesuffix(" per employee")
