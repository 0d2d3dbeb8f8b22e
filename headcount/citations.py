"""The one citation formatter: hover texts, tables, exports, prose and pages all cite through here.

A citation names who made the claim, the page we read and whose copy it was, so a reader can
judge it without leaving the dashboard. A figure from a filing names the filing first and the
copy it was read through second: "Form F-1 of Klarna Group plc, read in Breitbart reporting the
F-1: 'Title' (2025-05-18). https://... (accessed 2026-11-21; secondary source)". Prose names
publishers, never source ids (`named`); a view of the dashboard is cited as a dataset
(`view_citation`: plain text and BibTeX, as Our World in Data offers).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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


# A publisher that names a form it filed: "Klarna Group plc (Form F-1)", "Duolingo, Inc.
# (Form 10-K)", "Microsoft Corporation (Form 10-K FY2025)". The contract asks the publisher to
# be the original document (validation/tables.py), so the form is read from there.
FORM = re.compile(r"^(?P<company>.+?),?\s*\((?P<form>Form [^)]+)\)\s*$")


def filing(source: Mapping[str, object]) -> str | None:
    """The filing a source reports, as a citation names it first ("Form F-1 of Klarna Group
    plc"); None when its publisher names no filed form."""
    found = FORM.match(_text(source, "publisher"))
    if found is None:
        return None
    return f"{found['form']} of {found['company']}"


def _page(source: Mapping[str, object]) -> str:
    page = f"'{_text(source, 'title')}'"
    published = _text(source, "published")
    return f"{page} ({published})" if published else page


def _where(source: Mapping[str, object], url: bool) -> str:
    accessed = f"accessed {_text(source, 'accessed')}"
    if _text(source, "reliability"):
        accessed += f"; {grade(_text(source, 'reliability'))}"
    address = f"{_text(source, 'url')} " if url else ""
    return f"{address}({accessed})"


def cite(source: Mapping[str, object], url: bool = True) -> str:
    """A one-line citation of a sources.csv row (without its address if ``url`` is False,
    for places that show the address as a link of its own). A filing comes first, then
    whose copy of it we read."""
    filed = filing(source)
    if filed:
        return (
            f"{filed}, read in {copy(source, url)}"
            if _text(source, "via")
            else (f"{filed}: {copy(source, url)}")
        )
    via = _text(source, "via")
    head = f"{_text(source, 'publisher')}: {_page(source)}" + (f", via {via}" if via else "")
    return f"{head}. {_where(source, url)}"


def copy(source: Mapping[str, object], url: bool = True) -> str:
    """The copy of a filing we read, for a place that has named the filing already:
    "Breitbart reporting the F-1: 'Title' (2025-05-18). https://... (accessed ...)"."""
    via = _text(source, "via")
    return f"{via + ': ' if via else ''}{_page(source)}. {_where(source, url)}"


def by_filing(
    rows: Sequence[Mapping[str, object]],
) -> list[tuple[str | None, list[Mapping[str, object]]]]:
    """Sources grouped under the filing they report, in the order first cited, so a figure
    from a filing names the filing once and then each copy it was read through; a source that
    reports no filing stands on its own (no filing: None)."""
    groups: dict[str | None, list[Mapping[str, object]]] = {}
    alone: list[tuple[str | None, list[Mapping[str, object]]]] = []
    order: list[str | None] = []
    for row in rows:
        filed = filing(row)
        if filed is None:
            alone.append((None, [row]))
            order.append(None)
        elif filed in groups:
            groups[filed].append(row)
        else:
            groups[filed] = [row]
            order.append(filed)
    standalone = iter(alone)
    return [(name, groups[name]) if name is not None else next(standalone) for name in order]


OPENING_QUOTES = "\"\u201c\u2018'\u00ab"


def quotation(words: str) -> str:
    """A source's words in quotation marks, unless they open with their own: a quote that
    starts with a speaker's words and ends with who said them ('"It's hard ...," Jassy said.')
    already shows where the speech is, and wrapping it again reads as doubled marks."""
    words = words.strip()
    if words.startswith(tuple(OPENING_QUOTES)):
        return words
    return f"\u201c{words}\u201d"


def short(source: Mapping[str, object]) -> str:
    """Who said it and whose copy we read, for tight spaces such as hover labels."""
    via = _text(source, "via")
    return _text(source, "publisher") + (f", via {via}" if via else "")


def named(ids: Sequence[str], sources: pl.DataFrame) -> str:
    """The sources of ``ids`` as prose names them: each publisher once, in the order first
    cited ("Klarna Group plc (Form F-1); Fortune"), never their ids; empty when none is known."""
    publishers = dict(sources.select("source_id", "publisher").iter_rows())
    return "; ".join(dict.fromkeys(str(publishers[i]) for i in ids if i in publishers))


@dataclass(frozen=True)
class ViewCitation:
    """A view of the dashboard cited as a dataset: in a sentence and as a BibTeX entry."""

    text: str
    bibtex: str


PUBLISHER = "Headcount & AI claims"  # the dashboard, as its pages' title names it


def _bibtex_value(text: str) -> str:
    """Text inside a BibTeX field's braces: braces and backslashes of data are escaped."""
    return re.sub(r"([{}\\%&#_$])", r"\\\1", text)


def view_citation(
    title: str, url: str, revision: int | None, data_url: str, accessed: dt.date
) -> ViewCitation:
    """How to cite one view (a chart or a claim) of the dashboard: the publisher, the view's
    title, its address, the revision of the data it shows with the data API's address of that
    revision (which serves it unchanged for good), and the day it was read."""
    of_revision = f", revision {revision}" if revision is not None else ""
    text = (
        f"{PUBLISHER}: '{title}' (data{of_revision}). {url} "
        f"(data: {data_url}; accessed {accessed.isoformat()})"
    )
    key = re.sub(r"[^a-z0-9]+", "-", f"headcount {title} r{revision or 0}".lower()).strip("-")
    # Values as written in BibTeX: the data's text escaped, addresses in \url (which takes
    # '&', '%' and '#' as they are).
    fields = {
        "title": _bibtex_value(title),
        "author": _bibtex_value(PUBLISHER),
        "howpublished": f"\\url{{{url}}}",
        "year": str(accessed.year),
        "note": f"Data{of_revision}: \\url{{{data_url}}}. Accessed {accessed.isoformat()}",
    }
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return ViewCitation(text, f"@misc{{{key},\n{body}\n}}")


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
