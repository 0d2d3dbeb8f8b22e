"""Numbers and days as people write them in a sentence, for the evidence check.

A quote says "5,527", "5527", "5.5 thousand", "about 3,000", "$1.08 billion", "SEK 19.3
billion", "19,7 miljarder" or "seven hundred"; each is read here as the numbers it can mean,
with the rounding its writing implies ("1.5 million" is 1,450,000 to 1,550,000). A percentage
is a ratio, never a value. Days are read from quotes ("May 14, 2024", "14 May 2024",
"2024-05-14") and from web addresses ("/2024/05/14/").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

SCALES: dict[str, float] = {
    "thousand": 1e3, "thousands": 1e3, "k": 1e3, "tusen": 1e3, "tausend": 1e3,
    "million": 1e6, "millions": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "mio": 1e6,
    "miljon": 1e6, "miljoner": 1e6, "millioner": 1e6, "millionen": 1e6,
    "billion": 1e9, "billions": 1e9, "bn": 1e9, "b": 1e9, "mrd": 1e9, "mdr": 1e9,
    "miljard": 1e9, "miljarder": 1e9, "milliard": 1e9, "milliarder": 1e9, "milliarden": 1e9,
    "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
_SCALE = "|".join(sorted(SCALES, key=len, reverse=True))
# Digits with separators of either convention (5,527 / 5.527 / 5 527 / 19,7 / 1.08).
_NUMBER = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:(?:,\d{2,3})+|(?:\.\d{3})+|(?:[\u00a0\u202f ]\d{3})+)(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)?)"
    rf"(?:\s?({_SCALE})\b\.?)?"
    r"(\s?(?:%|percent\b|per cent\b|procent\b|prosent\b|prozent\b))?",
    re.IGNORECASE,
)
# A table "in millions", "($B)" or "$2,802,574 thousand": its bare numbers count in that unit.
_TABLE_SCALE = re.compile(
    r"\b(thousands?|millions?|billions?)\b|\(\s*\$?\s*(B|M|K|bn|mn)\s*\)", re.IGNORECASE
)
_SHORT_SCALES = {"b": 1e9, "bn": 1e9, "m": 1e6, "mn": 1e6, "k": 1e3}

_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]  # fmt: skip
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_VALUES: dict[str, int] = {w: i for i, w in enumerate(_UNITS)} | {
    w: 10 * (i + 2) for i, w in enumerate(_TENS)
}
_WORD_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_WORD = re.compile(r"[a-z]+", re.IGNORECASE)


@dataclass(frozen=True)
class Written:
    """A number as written: what it says and how far rounding lets the true value lie."""

    value: float
    tolerance: float

    def means(self, value: float) -> bool:
        return abs(abs(value) - self.value) <= self.tolerance + 1e-9 * max(1.0, abs(value))


def _readings(digits: str) -> set[tuple[float, int]]:
    """The numbers a run of digits and separators can mean, each with its decimals:
    '5,527' is 5527 (or 5.527 where a comma marks decimals), '19,7' is 19.7."""
    found: set[tuple[float, int]] = set()
    plain = digits.replace("\u00a0", " ").replace("\u202f", " ").replace(" ", ",")
    for thousands, decimal in ((",", "."), (".", ",")):
        text = plain
        if decimal in text and thousands in text and text.rfind(thousands) > text.rfind(decimal):
            continue
        whole, _, fraction = text.partition(decimal)
        groups = whole.split(thousands)
        # Groups of three, or the Indian grouping of lakhs and crores (2,28,000).
        if len(groups) > 1 and any(len(g) != 3 for g in groups[1:]):
            indian = thousands == "," and len(groups[-1]) == 3
            if not indian or any(len(g) != 2 for g in groups[1:-1]):
                continue
        if (not fraction.isdigit() and fraction) or not all(g.isdigit() for g in groups):
            continue
        number = float("".join(groups) + ("." + fraction if fraction else ""))
        found.add((number, len(fraction)))
    return found


@lru_cache(maxsize=4096)  # bounded: quotes come from uploads too
def numbers_in(text: str | None, context: str = "") -> tuple[Written, ...]:
    """Every number the text writes (in digits or in words), with its rounding; percentages
    are left out. Where the text or its ``context`` (a title, a note) names the unit of a
    table ("in millions", "($B)"), a bare number may also count in that unit."""
    if not text:
        return ()
    found: list[Written] = []
    table_scales = _table_scales(f"{text} {context}")
    for match in _NUMBER.finditer(text):
        digits, scale_word, percent = match.groups()
        if percent:
            continue
        scale = SCALES[scale_word.lower()] if scale_word else 1.0
        for number, decimals in _readings(digits):
            if scale_word:
                found.append(Written(number * scale, 0.5 * 10**-decimals * scale))
            else:
                found.append(Written(number, 0.5 * 10**-decimals if decimals else 0.0))
                found += [Written(number * s, 0.5 * 10**-decimals * s) for s in table_scales]
    found += _in_words(text)
    return tuple(found)


def _table_scales(text: str) -> set[float]:
    """The units a table's numbers may count in, as the text names them."""
    found = set()
    for word, short in _TABLE_SCALE.findall(text):
        found.add(SCALES[word.lower()] if word else _SHORT_SCALES[short.lower()])
    return found


def _in_words(text: str) -> list[Written]:
    """Numbers written as words: 'seven hundred', 'two thousand', 'forty-five million'."""
    found: list[Written] = []
    total = current = 0
    seen = False
    for word in [*_WORD.findall(text.replace("-", " ")), ""]:
        word = word.lower()
        if word in WORD_VALUES:
            current += WORD_VALUES[word]
            seen = True
        elif word == "hundred" and seen:
            current = (current or 1) * 100
        elif word in _WORD_SCALES and seen:
            total += (current or 1) * _WORD_SCALES[word]
            current = 0
        elif word == "and" and seen:
            continue
        else:
            if seen:
                found.append(Written(float(total + current), 0.0))
            total = current = 0
            seen = False
    return found


def mentions(value: float, text: str | None, context: str = "") -> bool:
    """Whether the text writes ``value`` in some form (a sign is not needed: a loss is
    written as 'a loss of $244 million'); ``context`` may name a table's unit, never the
    digits."""
    return any(written.means(value) for written in numbers_in(text, context))


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_PATTERNS = (
    # 2024-05-14
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    # May 14, 2024
    (
        re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I),
        ("m", "d", "y"),
    ),
    # 14 May 2024
    (
        re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})\b", re.I),
        ("d", "m", "y"),
    ),
)
_URL_DAYS = (
    re.compile(r"/(\d{4})/(\d{1,2})/(\d{1,2})(?:/|$)"),
    re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)"),
)


def _day(year: str, month: str, day: str) -> dt.date | None:
    number = MONTHS.get(month.lower()) if not month.isdigit() else int(month)
    try:
        return dt.date(int(year), number or 0, int(day))
    except ValueError:
        return None


def days_in(text: str | None) -> list[dt.date]:
    """Every full date (a day, not a month or a year alone) written in a sentence."""
    found: list[dt.date] = []
    for pattern, order in _DAY_PATTERNS:
        for match in pattern.finditer(text or ""):
            parts = dict(zip(order, match.groups(), strict=True))
            day = _day(parts["y"], parts["m"], parts["d"])
            if day is not None:
                found.append(day)
    return found


def days_in_url(url: str | None) -> list[dt.date]:
    """Days a web address gives in its path (/2025/05/18/, 2025-05-18, 20250518)."""
    found: list[dt.date] = []
    for pattern in _URL_DAYS:
        for match in pattern.finditer(url or ""):
            day = _day(*match.groups())
            if day is not None:
                found.append(day)
    return found
