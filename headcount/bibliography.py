"""The Sources page's bibliography in words: what each source is, how reliable, and which
figures and events cite it ("Klarna, Headcount: 3,422 employees (31 Dec 2024)"), never codes,
"None" or midnight times."""

from __future__ import annotations

import polars as pl

from headcount.formatting import quantity
from headcount.labels import day, label

COLUMNS = (
    "publisher",
    "title",
    "published",
    "url",
    "via",
    "reliability",
    "citations",
    "cited_by",
    "quote",
    "source_id",
    "accessed",
)


def _figure(row: dict[str, object]) -> str:
    """One observation as a reader cites it, with the cause of an AI claim if it has one."""
    text = (
        f"{row['company']}, {label('metric', row['metric'])}: "
        f"{quantity(row['value'], row['unit'])} ({day(row['date'])})"  # type: ignore[arg-type]
    )
    cause = label("attribution", row.get("attribution"))
    return f"{text}; cause: {cause}" if cause else text


def _event(row: dict[str, object]) -> str:
    text = f"{row['company']}, event: {row['title']} ({day(row['date'])})"  # type: ignore[arg-type]
    cause = label("attribution", row.get("attribution"))
    return f"{text}; cause: {cause}" if cause else text


def _cited(rows: pl.DataFrame, say: object) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_id": rows.get_column("source_id"),
            "item": [say(r) for r in rows.iter_rows(named=True)],  # type: ignore[operator]
        },
        schema={"source_id": pl.String, "item": pl.String},
    )


def _words(column: str, vocabulary: str) -> pl.Expr:
    return pl.col(column).map_elements(lambda c: label(vocabulary, c), return_dtype=pl.String)


def _day(column: str) -> pl.Expr:
    return pl.col(column).map_elements(day, return_dtype=pl.String).fill_null("")


def bibliography(
    sources: pl.DataFrame, observations: pl.DataFrame, events: pl.DataFrame
) -> pl.DataFrame:
    """Every source with its grade in words, how many figures and events cite it and which,
    and empty text (not "None") where a source has no date, via or quote."""
    cited_by = (
        pl.concat([_cited(observations, _figure), _cited(events, _event)])
        .group_by("source_id")
        .agg(pl.col("item").sort().alias("cited_by"))
    )
    return (
        sources.join(cited_by, on="source_id", how="left")
        .with_columns(pl.col("cited_by").fill_null([]).list.len().alias("citations"))
        .with_columns(
            pl.col("cited_by").list.join("; "),
            _words("reliability", "reliability"),
            _day("published"),
            _day("accessed"),
            pl.col("via").fill_null(""),
            pl.col("quote").fill_null(""),
        )
        .select(COLUMNS)
        .sort("publisher", "title")
    )


def search(table: pl.DataFrame, query: str) -> pl.DataFrame:
    """The rows of the bibliography in which any cell contains ``query``, ignoring case; the
    text is matched as typed (a '.' or '(' is a character, not a pattern)."""
    if not query:
        return table
    text = pl.concat_str(
        [pl.col(c).cast(pl.String).fill_null("") for c in table.columns], separator=" "
    ).str.to_lowercase()
    return table.filter(text.str.contains(query.lower(), literal=True))
