"""The read-only data API: every table of a revision as CSV or JSON at a stable URL.

    /api/observations.csv?company=Klarna&metric=headcount&from=2022-01-01&to=2025-12-31
    /api/events.json?company=Klarna&rev=3
    /api/revisions.json          /api/changes.atom (headcount/feeds.py)

Filters are the Explorer's link parameters (company, metric, basis, from, to) plus ``rev`` and
``store``; a parameter that is unknown, malformed or does not apply to the table is refused with
a 400 that says why, never ignored. Every row carries its citation fields. Responses name their
revision (``X-Headcount-Revision``) and their store (``X-Headcount-Store``, the store's identity,
headcount/site.py) and carry an ETag made from both: a store that was reset has another identity,
so no client's tag from the old one matches. A revision of a store never changes, so a response
for an explicit ``rev`` of a named ``store`` may be cached for good.

The request handling is plain functions over the process's site (headcount/site.py: the same
store and per-revision cache as the pages), wrapped as Starlette routes by ``routes``; tests
drive both, the routes through the running server.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import polars as pl

from headcount import citations, exports, faults, revisiontext, schema, share
from headcount.formatting import plain_number
from headcount.replies import Reply
from headcount.replies import refuse as _refuse
from headcount.site import Site
from validation.tables import TABLES

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

# A table's filters: the link parameters (headcount/share.py) whose column it has.
TABLE_FILTERS: dict[str, tuple[str, ...]] = {
    table.name: tuple(
        parameter.name
        for parameter in share.VIEW_PARAMETERS
        if parameter.api_column in table.column_names
    )
    for table in TABLES.values()
}
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
# Filters that take several values (any of them): all but the dates' bounds.
REPEATABLE = tuple(
    parameter.name
    for parameter in share.VIEW_PARAMETERS
    if parameter.api_column and parameter.kind != "date"
)
# Smaller bodies are sent as they are: as Starlette's GZipMiddleware, which Streamlit's
# server puts in front of every route, leaves them.
GZIP_MINIMUM = 500


def _date(name: str, text: str) -> dt.date:
    day = share.link_date(text)  # the links' own rule: YYYY-MM-DD in ASCII digits
    if day is None:
        raise ValueError(f"{name}={share.quoted(text)} is not a date; write it as YYYY-MM-DD")
    return day


def _etag(store: str, revision: int, path: str, params: Mapping[str, Sequence[str]]) -> str:
    canonical = urlencode(sorted((k, v) for k, vs in params.items() for v in vs))
    digest = hashlib.sha256(f"{store}|{revision}|{path}|{canonical}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def _iso(moment: dt.datetime) -> str:
    """A timestamp with its zone, as Atom requires: the store writes UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).isoformat()


def _json_rows(frame: pl.DataFrame) -> list[dict[str, object]]:
    rows = frame.to_dicts()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, dt.date | dt.datetime):
                row[key] = value.isoformat()
            elif isinstance(value, float):
                row[key] = plain_number(value)
    return rows


def _known(name: str, values: Sequence[str], names: Sequence[str]) -> list[str]:
    """Each value as the data names it (matched as the pages' links are, case aside), or a
    ValueError naming the value and what it may be: an unknown company is a mistake to say,
    not an empty answer."""
    found = []
    for value in values:
        match = share.matched(value, names)
        if match is None:
            raise ValueError(f"there is no {name} {value!r}; {name} is one of: {', '.join(names)}")
        found.append(match)
    return found


def table_reply(
    table: str,
    fmt: str,
    params: Mapping[str, Sequence[str]],
    site: Site,
    if_none_match: str | None = None,
    gzip_accepted: bool = False,
) -> Reply:
    """One table of one revision of the site's store, filtered, with citations, as CSV or
    JSON; gzipped when the client accepts it and the body is worth it."""
    if table not in TABLE_FILTERS:
        return _refuse(f"there is no table {table!r}; tables: {', '.join(TABLE_FILTERS)}", 404)
    if fmt not in FORMATS:
        return _refuse(f"there is no format {fmt!r}; formats: csv, json", 404)
    allowed = (*TABLE_FILTERS[table], "rev", "store")
    for name, values in params.items():
        if name not in allowed:
            applies = ", ".join(allowed)
            return _refuse(f"the parameter {name!r} does not apply to {table}; it takes: {applies}")
        if name not in REPEATABLE and len(values) > 1:
            return _refuse(f"the parameter {name!r} is given {len(values)} times; give it once")
    latest = site.latest_id()
    if latest is None:
        return _refuse("the store holds no revision yet", 503)
    identity = site.identity()
    if "store" in params and params["store"][-1] != identity:
        return _refuse(
            f"store={params['store'][-1]!r} is not this server's store (its store is "
            f"{identity!r}): the data at that address was another store's and is not here",
            404,
        )
    try:
        revision = revisiontext.asked_revision(params, latest)
    except revisiontext.RevisionRefused as refused:
        return _refuse(str(refused), refused.status)
    etag = _etag(identity, revision, f"{table}.{fmt}", params)
    headers = {
        "ETag": etag,
        "X-Headcount-Revision": str(revision),
        "X-Headcount-Store": identity,
        # A revision of a named store never changes; without the store, the same address
        # may answer for another store after a reset, and the latest may change: both are
        # checked again soon (the ETag then saves sending the body again).
        "Cache-Control": "public, max-age=31536000, immutable"
        if "rev" in params and "store" in params
        else "public, max-age=60",
        "Access-Control-Allow-Origin": "*",
    }
    if if_none_match and etag in [tag.strip() for tag in if_none_match.split(",")]:
        return Reply(304, b"", FORMATS[fmt], headers)
    # A revision never changes, so neither does its answer to the same filters: encoded once,
    # then served from the site's bounded cache until it is among the least recently used.
    filters = tuple(
        (name, tuple(sorted(set(params[name]))) if name in REPEATABLE else params[name][-1])
        for name in TABLE_FILTERS[table]
        if name in params
    )
    try:
        body = site.body(
            revision,
            (table, fmt, filters),
            lambda: _encoded(site, revision, table, fmt, params),
        )
    except Refused as refused:
        return _refuse(str(refused), refused.status)
    if gzip_accepted and len(body) >= GZIP_MINIMUM:
        # Compressed once too (the server's middleware would compress it on every request,
        # at level 9); it passes a body that names its encoding through unchanged.
        body = site.body(
            revision, (table, fmt, filters, "gzip"), lambda: gzip.compress(body, mtime=0)
        )
        headers = {**headers, "Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    return Reply(200, body, FORMATS[fmt], headers)


class Refused(Exception):
    """A request the data cannot answer: its words and HTTP status (nothing is cached)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _encoded(
    site: Site, revision: int, table: str, fmt: str, params: Mapping[str, Sequence[str]]
) -> bytes:
    """One table of a revision, filtered by ``params``, with citations, as CSV or JSON."""
    # Served data passes the same gate as every page (and shares its cache): nothing half-valid
    # leaves the server.
    loaded = site.loaded(revision)
    if loaded.dataset is None:
        raise Refused(f"revision {revision} did not pass validation; see the dashboard", 503)
    data = loaded.dataset
    frame = getattr(data, table)
    kinds = share.choices(data.catalog.companies, data.catalog.bases)  # counted once a revision
    try:
        for name in TABLE_FILTERS[table]:
            if name not in params:
                continue
            column = pl.col(share.BY_NAME[name].api_column or name)
            if name in REPEATABLE:
                values = _known(name, params[name], kinds[share.BY_NAME[name].allowed])
                frame = frame.filter(column.is_in(values))
            elif name == "from":
                frame = frame.filter(column >= _date(name, params[name][-1]))
            else:  # "to"
                frame = frame.filter(column <= _date(name, params[name][-1]))
    except ValueError as error:
        raise Refused(str(error)) from error
    if table in ("observations", "events", "notices"):
        frame = citations.with_citations(frame, data.sources)
    elif table == "framings":
        frame = citations.with_citations(frame, data.sources).rename(
            {c: f"framing_{c}" for c in ("publisher", "source_title", "url", "via")}
        )
    if fmt == "csv":
        return exports.csv_bytes(frame)
    payload = {"revision": revision, "table": table, "count": frame.height}
    return json.dumps(
        {**payload, "rows": _json_rows(frame)}, ensure_ascii=False, default=str
    ).encode("utf-8")


def revisions_reply(fmt: str, site: Site) -> Reply:
    """Every published revision: id, parent, when, who, note, row counts and the warnings
    its publisher acknowledged (JSON: who and each warning; CSV: who and the warnings in
    words)."""
    if fmt not in FORMATS:
        return _refuse(f"there is no format {fmt!r}; formats: csv, json", 404)
    revisions = site.store.revisions()
    rows: list[dict[str, object]] = [
        {
            "revision": r.id,
            "parent": r.parent_id,
            "published": _iso(r.created_at),
            "author": r.author,
            "note": r.note,
            **{f"{table}_rows": count for table, count in sorted(r.counts.items())},
        }
        for r in revisions
    ]
    latest = str(revisions[-1].id) if revisions else "0"
    headers = {
        "X-Headcount-Revision": latest,
        "X-Headcount-Store": site.identity() if site.latest_id() is not None else "",
        "Cache-Control": "public, max-age=60",
    }
    if fmt == "json":
        for row, r in zip(rows, revisions, strict=True):
            row["acknowledged"] = (
                None
                if r.acknowledged is None
                else {"by": r.acknowledged.by, "warnings": list(r.acknowledged.warnings)}
            )
        return Reply(200, json.dumps({"revisions": rows}).encode("utf-8"), FORMATS[fmt], headers)
    for row, r in zip(rows, revisions, strict=True):
        seen = r.acknowledged
        row["acknowledged_by"] = seen.by if seen else None
        row["acknowledged_warnings"] = (
            " | ".join(f"{w['code']}: {w['problem']}" for w in seen.warnings) if seen else None
        )
    return Reply(200, exports.csv_bytes(pl.DataFrame(rows)), FORMATS[fmt], headers)


def _or_unavailable(answer: Callable[[], Reply]) -> Reply:
    """The answer, or a 503 that says what is wrong with the store and what to do: the same
    words the pages show, never a traceback or a driver's message."""
    try:
        return answer()
    except schema.SchemaMismatch as mismatch:
        return _refuse(str(mismatch), 503)
    except Exception as error:
        fault = faults.describe(error)
        if fault is None:
            raise
        return _refuse(fault.message, 503)


def routes(site: Callable[[], Site]) -> list[BaseRoute]:
    """The API as Starlette routes for ``st.App``, answering from ``site()``, the process's
    site (the pages' own); the work runs in a thread, off the loop."""
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from headcount import feeds  # the changes feed and one revision's changes

    def params_of(request: Request) -> dict[str, list[str]]:
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        return params

    def respond(reply: Reply) -> Response:
        return Response(reply.body, reply.status, reply.headers, reply.media_type)

    async def table(request: Request) -> Response:
        name, fmt = request.path_params["name"], request.path_params["fmt"]
        tag = request.headers.get("if-none-match")
        params = params_of(request)
        # The middleware's own test of whether a client takes gzip.
        gzip_accepted = "gzip" in request.headers.get("accept-encoding", "")
        return respond(
            await guarded(lambda: table_reply(name, fmt, params, site(), tag, gzip_accepted))
        )

    async def revisions(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        return respond(await guarded(lambda: revisions_reply(fmt, site())))

    async def feed(request: Request) -> Response:
        params = params_of(request)
        return respond(await guarded(lambda: feeds.feed_reply(site(), params)))

    async def changes(request: Request) -> Response:
        params = params_of(request)
        return respond(await guarded(lambda: feeds.changes_reply(site(), params)))

    async def guarded(answer: Callable[[], Reply]) -> Reply:
        # In a thread, off the loop; finding the site there too (it reads the secrets file).
        return await run_in_threadpool(_or_unavailable, answer)

    return [
        Route("/api/revisions.{fmt}", revisions, methods=["GET"]),
        Route("/api/changes.atom", feed, methods=["GET"]),
        Route("/api/changes.json", changes, methods=["GET"]),
        Route("/api/{name}.{fmt}", table, methods=["GET"]),
    ]
