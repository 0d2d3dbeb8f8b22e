"""The one citation formatter: hover texts, tables, exports and pages all cite through here.

A citation names who made the claim, the page we read and whose copy it was, so a reader can
judge it without leaving the dashboard: "Klarna Group plc (Form F-1): 'Title' (2025-05-18),
via Breitbart reporting the F-1. https://... (accessed 2026-11-21; secondary source)".
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from validation.vocabulary import RELIABILITY_LABELS

CITATION = "citation"


def _text(row: Mapping[str, object], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def grade(reliability: str) -> str:
    """A source's reliability in the words of a citation ("secondary source"), not its code;
    an unknown code is shown as it is rather than hidden."""
    words = RELIABILITY_LABELS.get(reliability, reliability)
    return words.split(" (", 1)[0]


def cite(source: Mapping[str, object], url: bool = True) -> str:
    """A one-line citation of a sources.csv row (without its address if ``url`` is False,
    for places that show the address as a link of its own)."""
    parts = [f"{_text(source, 'publisher')}: '{_text(source, 'title')}'"]
    if _text(source, "published"):
        parts[0] += f" ({_text(source, 'published')})"
    if _text(source, "via"):
        parts.append(f"via {_text(source, 'via')}")
    accessed = f"accessed {_text(source, 'accessed')}"
    if _text(source, "reliability"):
        accessed += f"; {grade(_text(source, 'reliability'))}"
    address = f"{_text(source, 'url')} " if url else ""
    return ", ".join(parts) + f". {address}({accessed})"


def short(source: Mapping[str, object]) -> str:
    """Who said it and whose copy we read, for tight spaces such as hover labels."""
    via = _text(source, "via")
    return _text(source, "publisher") + (f", via {via}" if via else "")


def with_citations(rows: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame:
    """Rows that carry a source_id, joined to their source's fields and formatted citation."""
    cited = sources.with_columns(
        pl.struct(sources.columns).map_elements(cite, return_dtype=pl.String).alias(CITATION),
        pl.struct(sources.columns).map_elements(short, return_dtype=pl.String).alias("cited_as"),
    ).select(
        "source_id",
        pl.col("publisher"),
        pl.col("title").alias("source_title"),
        "url",
        "via",
        "reliability",
        "cited_as",
        CITATION,
    )
    return rows.join(cited, on="source_id", how="left")
