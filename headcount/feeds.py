"""What each published revision changed, row by row: the Atom feed and one revision's changes.

    /api/changes.atom                      every revision, newest first
    /api/changes.atom?company=Klarna       only revisions that changed Klarna's rows, naming those
    /api/changes.atom?cause=ai_does_work   only rows of AI claims of that cause
    /api/changes.json?rev=3                the rows revision 3 changed (what an entry links to)

An entry names the rows its revision added, changed (old -> new) and removed, up to
``ENTRY_ROWS`` of them and then how many more. A source row belongs to a company's feed when
the company's rows cite it. Links are relative to the feed's own address, never built from
the request's Host header, which anyone can forge (issue 25.10); the Atom ids are URNs named by
the store's identity, the same whatever address the feed is read at.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode
from xml.etree import ElementTree

import polars as pl

from headcount import revisiontext, share
from headcount.diff import TableDiff, diff
from headcount.formatting import plain_number, quantity
from headcount.labels import in_sentence, label
from headcount.replies import Reply, refuse
from headcount.revisiontext import shown  # XML cannot hold control characters
from validation.vocabulary import ATTRIBUTIONS

if TYPE_CHECKING:
    from headcount.reads import Revision
    from headcount.site import Site

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50  # the newest revisions in the changes feed
ENTRY_ROWS = 20  # rows an entry names; the rest are counted ("and 12 more")
CELL_CHARS = 80  # of a changed text cell (a quote may be a paragraph)
# The filters a feed takes, each once: the link parameters of the same name (headcount/share.py).
FILTERS = ("company", "cause")


@dataclass(frozen=True)
class RowChange:
    """One row a revision changed, in words, with what it concerns (for the filters)."""

    table: str
    change: str  # added, changed, removed
    text: str  # 'Klarna · headcount · 2024-12-31 · 3,422 employees (...): added'
    companies: frozenset[str]
    causes: frozenset[str]
    row: dict[str, object]  # the row as it is now (removed: as it was), for the JSON reply


@dataclass(frozen=True)
class Changed:
    revision: Revision
    rows: tuple[RowChange, ...]


def _cell(column: str, row: Mapping[str, object], cut: bool = False) -> str:
    """A value as the entry writes it: a figure with its unit, a date as YYYY-MM-DD, nothing
    as '(empty)'; ``cut``: a long text (a changed quote may be a paragraph) to its start."""
    value = row.get(column)
    if value is None or value == "":
        return "(empty)"
    if column == "value" and isinstance(value, int | float):
        return quantity(float(value), str(row.get("unit") or ""))
    if isinstance(value, dt.date):
        return value.isoformat()
    text = shown(str(value))
    return text if not cut or len(text) <= CELL_CHARS else text[:CELL_CHARS] + "…"


def _row_words(table: str, row: Mapping[str, object]) -> str:
    """Which row this is, as a reader recognises it."""
    if table == "observations":
        scope = f" [{_cell('scope', row)}]" if row.get("scope") else ""
        metric = in_sentence(label("metric", row["metric"]))
        return (
            f"{_cell('company', row)} · {metric}{scope} · {_cell('date', row)} · "
            f"{_cell('value', row)} ({_cell('basis', row)}; source {_cell('source_id', row)})"
        )
    if table == "events":
        kind = in_sentence(label("kind", row["kind"]))
        return f"{_cell('company', row)} · {kind} · {_cell('date', row)} · {_cell('title', row)}"
    if table == "sources":
        return f"source {_cell('source_id', row)} ({_cell('publisher', row)})"
    return f"{_cell('company', row)} · mistaken framing: {_cell('claim', row)}"


def _json_row(row: Mapping[str, object]) -> dict[str, object]:
    return {
        key: value.isoformat()
        if isinstance(value, dt.date)
        else plain_number(value)
        if isinstance(value, float)
        else value
        for key, value in row.items()
    }


def _concerns(row: Mapping[str, object]) -> tuple[set[str], set[str]]:
    companies = {str(row["company"])} if row.get("company") else set()
    causes = {str(row["attribution"])} if row.get("attribution") else set()
    return companies, causes


def _change(
    table: str, kind: str, row: dict[str, object], words: str, cited_by: frozenset[str]
) -> RowChange:
    companies, causes = _concerns(row)
    return RowChange(
        table,
        kind,
        f"{_row_words(table, row)}: {words}",
        cited_by if table == "sources" else frozenset(companies),
        frozenset(causes),
        _json_row(row),
    )


def row_changes(
    changes: Mapping[str, TableDiff], citing: Mapping[str, frozenset[str]]
) -> tuple[RowChange, ...]:
    """Every row ``changes`` adds, changes and removes, in words; ``citing``: the companies
    whose rows cite each source (a source's change concerns them)."""
    # A source also concerns the companies whose rows this revision changed and cite it.
    cited = {source: set(companies) for source, companies in citing.items()}
    for change in changes.values():
        for frame in (change.opened, change.closed):
            if "company" in frame.columns and "source_id" in frame.columns:
                for company, source in frame.select("company", "source_id").iter_rows():
                    cited.setdefault(str(source), set()).add(str(company))

    def cited_by(row: Mapping[str, object]) -> frozenset[str]:
        return frozenset(cited.get(str(row.get("source_id")), ()))

    found: list[RowChange] = []
    for name, change in changes.items():
        for row in change.added.iter_rows(named=True):
            found.append(_change(name, "added", row, "added", cited_by(row)))
        for old, new in zip(
            change.replaced.iter_rows(named=True), change.changed.iter_rows(named=True), strict=True
        ):
            cells = [
                f"{column} {_cell(column, old, cut=True)} -> {_cell(column, new, cut=True)}"
                for column in change.table.column_names
                if old[column] != new[column]
            ]
            made = _change(name, "changed", new, "changed " + "; ".join(cells), cited_by(new))
            # A row whose company or cause changed concerns the old one as well as the new.
            companies, causes = _concerns(old)
            found.append(
                RowChange(
                    made.table,
                    made.change,
                    made.text,
                    made.companies | (frozenset() if name == "sources" else companies),
                    made.causes | causes,
                    made.row,
                )
            )
        for row in change.removed.iter_rows(named=True):
            found.append(_change(name, "removed", row, "removed", cited_by(row)))
    return tuple(found)


def _citing(site: Site, latest: int) -> dict[str, frozenset[str]]:
    """Each source's citing companies in the latest revision (none if it did not validate)."""
    data = site.loaded(latest).dataset
    if data is None:
        return {}
    pairs = pl.concat(
        [
            data.observations.select("source_id", "company"),
            data.events.select("source_id", "company"),
            data.framings.select("source_id", "company"),
            data.framings.select(pl.col("evidence_id").alias("source_id"), "company"),
        ]
    ).unique()
    grouped = pairs.group_by("source_id").agg(pl.col("company"))
    return {source: frozenset(companies) for source, companies in grouped.iter_rows()}


def _revision_changes(site: Site, revision: Revision) -> dict[str, TableDiff]:
    """What ``revision`` changed: against its parent, or (the first) everything it holds."""
    if revision.parent_id is None:
        return diff({}, site.store.read(revision.id))
    return site.changes(revision.parent_id, revision.id)


def changed(site: Site, latest: int) -> list[Changed]:
    """The newest revisions up to ``latest``, newest first, with the rows each changed:
    computed once per latest revision of the store (each change is a diff of two revisions)
    and shared by every request and every filter until another revision is published."""

    def compute() -> list[Changed]:
        citing = _citing(site, latest)
        revisions = [r for r in site.store.revisions() if r.id <= latest][-FEED_ENTRIES:][::-1]
        return [
            Changed(revision, row_changes(_revision_changes(site, revision), citing))
            for revision in revisions
        ]

    return site.per_revision(latest, "api", "feed", compute)


def kept(rows: Sequence[RowChange], company: str | None, cause: str | None) -> list[RowChange]:
    """The rows that concern ``company`` and ``cause`` (None: any)."""
    return [
        row
        for row in rows
        if (company is None or company in row.companies) and (cause is None or cause in row.causes)
    ]


def _tally(rows: Sequence[RowChange]) -> str:
    """The rows changed per table: 'sources: 0 added, 1 changed, 0 removed'."""
    tables = list(dict.fromkeys(row.table for row in rows))
    kinds = ("added", "changed", "removed")
    return (
        "; ".join(
            f"{table}: "
            + ", ".join(
                f"{sum(r.table == table and r.change == kind for r in rows):,} {kind}"
                for kind in kinds
            )
            for table in tables
        )
        or "no rows changed"
    )


def entry_text(rows: Sequence[RowChange]) -> str:
    """An entry's content: a line per row, at most ``ENTRY_ROWS``, then how many more."""
    lines = [row.text for row in rows[:ENTRY_ROWS]]
    if len(rows) > ENTRY_ROWS:
        lines.append(f"and {len(rows) - ENTRY_ROWS:,} more")
    return "\n".join(lines) or "no rows changed"


def _filters(
    params: Mapping[str, Sequence[str]], allowed: Sequence[str], site: Site, latest: int
) -> tuple[str | None, str | None]:
    """The company and cause a request asks for, as the data names them; a ValueError naming
    what is wrong and what is allowed (the data API's words, headcount/api.py)."""
    for name, values in params.items():
        if name not in allowed:
            raise ValueError(f"the parameter {name!r} does not apply here; it takes: {allowed}")
        if len(values) > 1:
            raise ValueError(f"the parameter {name!r} is given {len(values)} times; give it once")
    company = cause = None
    if "company" in params:
        data = site.loaded(latest).dataset
        companies = data.catalog.companies if data is not None else ()
        company = _one("company", params["company"][-1], companies)
    if "cause" in params:
        cause = _one("cause", params["cause"][-1], ATTRIBUTIONS)
    return company, cause


def _one(name: str, value: str, names: Sequence[str]) -> str:
    found = share.matched(value, names)  # as the pages' links match, case aside
    if found is None:
        raise ValueError(f"there is no {name} {value!r}; {name} is one of: {', '.join(names)}")
    return found


def _query(**values: str | int | None) -> str:
    return urlencode({k: v for k, v in values.items() if v is not None})


def _child(parent: ElementTree.Element, tag: str, text: str) -> ElementTree.Element:
    """A text element under ``parent``; the builder escapes what XML reserves."""
    element = ElementTree.SubElement(parent, tag)
    element.text = text
    return element


def _iso(moment: dt.datetime) -> str:
    """A timestamp with its zone, as Atom requires: the store writes UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat()


def feed_reply(site: Site, params: Mapping[str, Sequence[str]] | None = None) -> Reply:
    """An Atom feed of published revisions, newest first: who, when, note, and the rows each
    changed; with company= or cause=, only the revisions that changed such rows, naming only
    those rows."""
    latest = site.latest_id()
    try:
        company, cause = (
            _filters(params or {}, FILTERS, site, latest) if latest is not None else (None, None)
        )
    except ValueError as error:
        return refuse(str(error))
    listed = changed(site, latest) if latest is not None else []
    urn = f"urn:headcount:{site.identity() or 'empty'}"
    filtered = company is not None or cause is not None
    entries = [(c.revision, kept(c.rows, company, cause)) for c in listed]
    if filtered:
        entries = [(revision, rows) for revision, rows in entries if rows]
    about = " · ".join(
        part for part in (company, label("attribution", cause) if cause else None) if part
    )
    feed = ElementTree.Element("feed", xmlns=ATOM)
    _child(
        feed,
        "title",
        "Headcount & AI claims: published revisions" + (f" ({about})" if about else ""),
    )
    query = _query(company=company, cause=cause)
    _child(feed, "id", f"{urn}:changes" + (f"?{query}" if query else ""))
    newest = entries[0][0].created_at if entries else None
    _child(feed, "updated", _iso(newest) if newest else "1970-01-01T00:00:00+00:00")
    ElementTree.SubElement(
        feed, "link", rel="self", href="changes.atom" + (f"?{query}" if query else "")
    )
    for revision, rows in entries:
        entry = ElementTree.SubElement(feed, "entry")
        _child(entry, "title", f"Revision {revision.id}")
        _child(entry, "id", f"{urn}:revision:{revision.id}")
        _child(entry, "updated", _iso(revision.created_at))
        _child(ElementTree.SubElement(entry, "author"), "name", shown(revision.author))
        # Where the reader sees this revision's changes (the same filters), and the page of
        # every revision.
        href = "changes.json?" + _query(rev=revision.id, company=company, cause=cause)
        ElementTree.SubElement(entry, "link", rel="alternate", type="application/json", href=href)
        ElementTree.SubElement(entry, "link", rel="related", type="text/html", href="../history")
        _child(entry, "summary", f"{shown(revision.note)} ({_tally(rows)})")
        _child(entry, "content", entry_text(rows)).set("type", "text")
    body = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Reply(200, body, "application/atom+xml", {"Cache-Control": "max-age=60"})


def changes_reply(site: Site, params: Mapping[str, Sequence[str]]) -> Reply:
    """The rows one revision changed (rev=, default the latest), each in words and as data,
    filtered as the feed is: what a feed entry links to."""
    latest = site.latest_id()
    if latest is None:
        return refuse("the store holds no revision yet", 503)
    try:
        company, cause = _filters(params, ("rev", *FILTERS), site, latest)
    except ValueError as error:
        return refuse(str(error))
    try:
        number = revisiontext.asked_revision(params, latest)
    except revisiontext.RevisionRefused as refused:
        return refuse(str(refused), refused.status)
    # The feed's revisions are worked out once per latest revision; an older one here.
    listed = {c.revision.id: c for c in changed(site, latest)}
    if number in listed:
        revision, every = listed[number].revision, listed[number].rows
    else:
        revision = site.store.revision(number)
        every = row_changes(_revision_changes(site, revision), _citing(site, latest))
    rows = kept(every, company, cause)
    payload = {
        "revision": revision.id,
        "parent": revision.parent_id,
        "published": _iso(revision.created_at),
        "author": revision.author,
        "note": revision.note,
        "company": company,
        "cause": cause,
        "count": len(rows),
        "rows": [
            {"table": row.table, "change": row.change, "text": row.text, "row": row.row}
            for row in rows
        ],
    }
    body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
    headers = {
        "X-Headcount-Revision": str(revision.id),
        "X-Headcount-Store": site.identity(),
        "Cache-Control": "public, max-age=60",
        "Access-Control-Allow-Origin": "*",
    }
    return Reply(200, body, "application/json", headers)
