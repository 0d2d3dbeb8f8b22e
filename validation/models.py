"""Pandera models (Polars backend) of the three tables: the column-level rules of the contract.

Rules that need more than one column or table (units per metric, keys, sources, dates against
today) live in ``validation.rules``. Every check here has a name that ``describe`` turns into a
sentence a person can act on.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from validation import lookalike, vocabulary
from validation.tables import EVENTS, FRAMINGS, OBSERVATIONS, SOURCES, Table

ALL_UNITS: tuple[str, ...] = tuple(
    sorted({u for us in vocabulary.METRIC_UNITS.values() for u in us})
)
MAX_VALUE = 1e15  # no claimed value comes near this; more means a typo or the wrong unit
# Markup a renderer could act on: HTML tags, script URLs, markdown images, control characters.
MARKUP = r"(?i)<[a-z/!?]|javascript:|!\[[^\]]*\]\(|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
HTTP_URL = r"(?i)^https?://[a-z0-9\[][^\s<>\"]*$"
LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$"
MAX_TEXT = 5_000  # characters in one cell: a long quote fits, a pasted page or a binary does not

ALLOWED: dict[str, tuple[str, ...]] = {
    "metric": vocabulary.METRICS,
    "unit": ALL_UNITS,
    "period": vocabulary.PERIODS,
    "claim_type": vocabulary.CLAIM_TYPES,
    "kind": vocabulary.EVENT_KINDS,
    "reliability": vocabulary.RELIABILITY,
    "attribution": vocabulary.ATTRIBUTIONS,
}


def _plain(column: pl.Expr) -> pl.Expr:
    return column.is_null() | ~column.str.contains(MARKUP)


# Names and keys: what tells one company, series or source from another. Invisible characters
# are refused in them; other text may hold joiners (emoji, Persian) but no direction controls.
NAMES: dict[str, tuple[str, ...]] = {
    "observations": ("company", "basis", "source_id"),
    "events": ("company", "title", "source_id"),
    "sources": ("source_id", "publisher"),
    "framings": ("company", "claim", "source_id", "evidence_id"),
}


def _free_text(table: Table) -> tuple[str, ...]:
    return tuple(c for c in table.columns_of_kind("text") if c not in NAMES[table.name])


def _visible(data: pa.PolarsData) -> pl.LazyFrame:
    column = pl.col(data.key)
    return data.lazyframe.select(column.is_null() | ~column.str.contains(lookalike.INVISIBLE))


def _shown_as_written(data: pa.PolarsData) -> pl.LazyFrame:
    column = pl.col(data.key)
    return data.lazyframe.select(column.is_null() | ~column.str.contains(lookalike.HIDDEN_IN_TEXT))


def _short(data: pa.PolarsData) -> pl.LazyFrame:
    column = pl.col(data.key)
    return data.lazyframe.select(column.is_null() | (column.str.len_chars() <= MAX_TEXT))


class Observations(pa.DataFrameModel):
    company: str = pa.Field()
    metric: str = pa.Field(isin=vocabulary.METRICS)
    date: pl.Date = pa.Field()
    period: str = pa.Field(isin=vocabulary.PERIODS)
    # The sign is checked per metric (rules.values_not_negative): a net loss is below 0.
    value: float = pa.Field(ge=-MAX_VALUE, le=MAX_VALUE)
    unit: str = pa.Field(isin=ALL_UNITS)
    basis: str = pa.Field()
    claim_type: str = pa.Field(isin=vocabulary.CLAIM_TYPES)
    source_id: str = pa.Field()
    note: str = pa.Field(nullable=True)
    attribution: str = pa.Field(nullable=True, isin=vocabulary.ATTRIBUTIONS)

    @pa.check("value", name="finite")
    def finite(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_finite())

    @pa.check("company", "basis", "source_id", "note", name="plain_text")
    def plain_text(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_plain(pl.col(data.key)))

    @pa.check(*NAMES["observations"], name="visible_name")
    def visible_name(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _visible(data)

    @pa.check(*_free_text(OBSERVATIONS), name="shown_as_written")
    def shown_as_written(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _shown_as_written(data)

    @pa.check(*OBSERVATIONS.columns_of_kind("text"), name="short_text")
    def short_text(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _short(data)


class Events(pa.DataFrameModel):
    company: str = pa.Field()
    date: pl.Date = pa.Field()
    kind: str = pa.Field(isin=vocabulary.EVENT_KINDS)
    title: str = pa.Field()
    source_id: str = pa.Field()
    detail: str = pa.Field(nullable=True)
    attribution: str = pa.Field(nullable=True, isin=vocabulary.ATTRIBUTIONS)

    @pa.check("company", "title", "source_id", "detail", name="plain_text")
    def plain_text(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_plain(pl.col(data.key)))

    @pa.check(*NAMES["events"], name="visible_name")
    def visible_name(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _visible(data)

    @pa.check(*_free_text(EVENTS), name="shown_as_written")
    def shown_as_written(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _shown_as_written(data)

    @pa.check(*EVENTS.columns_of_kind("text"), name="short_text")
    def short_text(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _short(data)


class Sources(pa.DataFrameModel):
    source_id: str = pa.Field()
    publisher: str = pa.Field()
    title: str = pa.Field()
    url: str = pa.Field()
    accessed: pl.Date = pa.Field()
    published: pl.Date = pa.Field(nullable=True)
    via: str = pa.Field(nullable=True)
    reliability: str = pa.Field(nullable=True, isin=vocabulary.RELIABILITY)
    quote: str = pa.Field(nullable=True)
    language: str = pa.Field(nullable=True)

    @pa.check("url", name="http_url")
    def http_url(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(HTTP_URL))

    @pa.check("language", name="language_code")
    def language_code(cls, data: pa.PolarsData) -> pl.LazyFrame:
        column = pl.col(data.key)
        return data.lazyframe.select(column.is_null() | column.str.contains(LANGUAGE))

    @pa.check("source_id", "publisher", "title", "via", "quote", name="plain_text")
    def plain_text(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_plain(pl.col(data.key)))

    @pa.check(*NAMES["sources"], name="visible_name")
    def visible_name(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _visible(data)

    @pa.check(*_free_text(SOURCES), name="shown_as_written")
    def shown_as_written(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _shown_as_written(data)

    @pa.check(*SOURCES.columns_of_kind("text"), name="short_text")
    def short_text(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _short(data)


class Framings(pa.DataFrameModel):
    company: str = pa.Field()
    claim: str = pa.Field()
    source_id: str = pa.Field()
    shows: str = pa.Field()
    evidence_id: str = pa.Field()

    @pa.check("company", "claim", "source_id", "shows", "evidence_id", name="plain_text")
    def plain_text(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_plain(pl.col(data.key)))

    @pa.check(*NAMES["framings"], name="visible_name")
    def visible_name(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _visible(data)

    @pa.check(*_free_text(FRAMINGS), name="shown_as_written")
    def shown_as_written(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _shown_as_written(data)

    @pa.check(*FRAMINGS.columns_of_kind("text"), name="short_text")
    def short_text(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _short(data)


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "observations": Observations,
    "events": Events,
    "sources": Sources,
    "framings": Framings,
}


def describe(column: str, check: str) -> tuple[str, str]:
    """The problem and the fix, in words, for a failed Pandera check on a column."""
    if check == "not_nullable":
        return f"{column} is empty", f"Every row needs a value in {column!r}."
    if check.startswith("isin"):
        allowed = ", ".join(ALLOWED.get(column, ()))
        return f"not an allowed {column}", f"Use one of: {allowed}."
    if check.startswith(("greater_than_or_equal_to", "less_than_or_equal_to")):
        return (
            "implausibly large value",
            f"Values beyond ±{MAX_VALUE:.0e} are refused: check for extra digits or a wrong unit.",
        )
    if check == "finite":
        return "not a finite number", "Give a real number; leave the row out if unknown."
    if check == "plain_text":
        return (
            "contains markup or control characters",
            "Write plain text: no HTML tags, script links, markdown images or control characters.",
        )
    if check == "visible_name":
        return (
            "contains an invisible or direction-control character",
            "Retype the name: it holds a character nobody can see (a zero-width space or "
            "joiner, a byte order mark, a soft hyphen or a direction control), shown in the "
            "value as <U+...>, which makes it a different name that looks the same.",
        )
    if check == "shown_as_written":
        return (
            "contains a direction-control or zero-width character",
            "Remove it (shown in the value as <U+...>): direction overrides and isolates, byte "
            "order marks and zero-width spaces change how text reads without being seen.",
        )
    if check == "short_text":
        return (
            f"text longer than {MAX_TEXT:,} characters",
            "Shorten it to the sentence that matters; link to the full text through the source.",
        )
    if check == "http_url":
        return (
            "not an http(s) web address",
            "Give the full address of the page you read, starting with https:// or http://.",
        )
    if check == "language_code":
        return "not a language code", "Use a short code such as en, de or sv."
    return f"failed the check {check}", "Correct the value to match the data contract."
