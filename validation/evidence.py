"""The evidence check (issue 21, part 4): every observation against its own source record.

Pure functions: tables in, a problem report out (``validation.problems``), every problem a
warning of the catalogue (``evidence.*``). A row is listed where

- its value is not written in its source's quote in any form (5,527 / 5527 / "5.5 thousand"
  / "$1.08 billion" / "SEK 19.3 billion" / "seven hundred"), unless the row is derived and
  its note names the formula (``derived: 5,527 - 3,422``);
- its date is the first of a month or a year, a placeholder, while the quote or the web
  address gives a day in that month or year;

and a cited source is listed where its page is a live wiki page (no permanent revision
link), its quote is empty, or its publisher is an outlet while the quote reports someone
else's claim (the publisher is who made the claim; the outlet goes in ``via``).

``audit`` checks whole tables (``headcount audit`` on data/curated or a revision);
``for_upload`` checks what an upload adds, against the published sources it may cite.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import polars as pl

from validation import numerals, problems
from validation.parse import LINE
from validation.rules import FILE

# A derived row says so in its note and names what it computes: "derived: 5,527 - 3,422".
DERIVED = re.compile(r"\bderived\b\s*(?:from\b)?[^:]*:\s*(?P<formula>.+)", re.IGNORECASE)
_OPERATOR = re.compile("\\S\\s*[-+/*x\u00d7\u00f7]\\s*\\S")  # - + / * x, times, divided by
# A live wiki page changes after it is read; a revision link ("oldid=") does not.
_WIKI_HOST = re.compile(r"(?i)^https?://(?:[^/]*\.)?[^/]*wiki[^/]*/")
_PERMANENT = re.compile(r"(?i)[?&](?:oldid|diff|curid)=\d|/revisions?/|/history/")
# Words by which a quote gives a claim to someone else than its writer.
_SOMEONE_ELSE = re.compile(
    r"(?i)\b(said|says|told|according to|stated|revealed|announced|wrote|claimed|claims|"
    r"reported|reports|enligt|laut|ifølge)\b"
)
# A publisher that names whose claim it is: a document or speaker in brackets, "reported by".
_NAMES_CLAIMANT = re.compile(r"(?i)\(|\breported by\b|\bas reported\b")
DECLARED_UNDAY = re.compile(r"(?i)\b(month only|year only|day not given|day unknown)\b")


def derived_formula(note: str | None) -> str | None:
    """The formula a derived row's note names, or None when the row does not say it is
    derived with a formula."""
    found = DERIVED.search(note or "")
    if found is None or not _OPERATOR.search(found.group("formula")):
        return None
    return found.group("formula").strip()


def _where(rows: pl.DataFrame, table: str) -> pl.DataFrame:
    """Rows with the file and line they came from (row order when a frame has neither)."""
    if FILE not in rows.columns:
        rows = rows.with_columns(pl.lit(f"{table}.csv").alias(FILE))
    if LINE not in rows.columns:
        rows = rows.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(LINE))
    return rows


def _quantity(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _placeholder_span(day: dt.date) -> tuple[str, dt.date, dt.date] | None:
    """The month or year a first-of-the-month date may stand for, or None for a real day."""
    if day.day != 1:
        return None
    if day.month == 1:
        return "a year", day, dt.date(day.year, 12, 31)
    end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return "a month", day, end


def _given_day(
    row: Mapping[str, object], source: Mapping[str, object]
) -> tuple[str, dt.date] | None:
    """A day the quote (first) or the address gives inside the span a placeholder date stands
    for; a note that declares the day unknown answers for the address, not for the quote."""
    day = row["date"]
    assert isinstance(day, dt.date)
    span = _placeholder_span(day)
    if span is None:
        return None
    _, start, end = span
    candidates = [("quote", d) for d in numerals.days_in(str(source.get("quote") or ""))]
    if not DECLARED_UNDAY.search(str(row.get("note") or "")):
        candidates += [("address", d) for d in numerals.days_in_url(str(source.get("url") or ""))]
    for where, given in candidates:
        if start <= given <= end and given != day:
            return where, given
    return None


def _row_problems(
    row: Mapping[str, object], source: Mapping[str, object] | None
) -> list[problems.Problem]:
    found: list[problems.Problem] = []
    file, line = str(row[FILE]), int(row[LINE])  # type: ignore[call-overload]
    if source is None or not str(source.get("quote") or "").strip():
        return found  # an unknown source is the gate's; an empty quote is the source's
    value = float(row["value"])  # type: ignore[arg-type]
    quote = str(source["quote"])
    # The unit of a table's figures ("in millions", "$2,802,574 thousand") may be named by
    # whose copy was read, its title or the row's note; the digits must still be the quote's.
    scaled = " ".join(
        str(x or "") for x in (source.get("via"), source.get("title"), row.get("note"))
    )
    derived = derived_formula(str(row.get("note") or "")) is not None
    if not derived and not numerals.mentions(value, quote, scaled):
        found.append(
            problems.of(
                "evidence.value_not_in_quote",
                file,
                line,
                "value",
                _quantity(value),
                value=_quantity(value),
                source=row["source_id"],
            )
        )
    given = _given_day(row, source)
    if given is not None:
        where, day = given
        span = _placeholder_span(row["date"])  # type: ignore[arg-type]
        assert span is not None
        found.append(
            problems.of(
                "evidence.date_placeholder",
                file,
                line,
                "date",
                str(row["date"]),
                date=row["date"],
                span=span[0],
                where=f"the source's {where}",
                day=day.isoformat(),
            )
        )
    return found


def _someone_else(quote: str, publisher: str) -> str | None:
    """The words by which the quote gives its claim to someone other than the publisher
    ('a spokesperson said'); 'according to Reuters' with Reuters as publisher is its own."""
    name = publisher.split()[0].lower() if publisher.split() else ""
    for said in _SOMEONE_ELSE.finditer(quote):
        around = quote[max(0, said.start() - 40) : said.end() + 40].lower()
        if not name or name not in around:
            return said.group(0)
    return None


def _source_problems(source: Mapping[str, object], companies: list[str]) -> list[problems.Problem]:
    found: list[problems.Problem] = []
    file, line = str(source[FILE]), int(source[LINE])  # type: ignore[call-overload]
    url, quote = str(source.get("url") or ""), str(source.get("quote") or "").strip()
    if _WIKI_HOST.search(url) and not _PERMANENT.search(url):
        found.append(problems.of("evidence.live_wiki", file, line, "url", url))
    if not quote:
        found.append(problems.of("evidence.empty_quote", file, line, "quote", ""))
    publisher = str(source.get("publisher") or "")
    own = any(publisher.lower().startswith(c.split()[0].lower()) for c in companies if c)
    said = _someone_else(quote, publisher)
    if said and not own and not _NAMES_CLAIMANT.search(publisher):
        found.append(
            problems.of(
                "evidence.outlet_as_publisher",
                file,
                line,
                "publisher",
                publisher,
                publisher=publisher,
                word=said,
            )
        )
    return found


def check(
    observations: pl.DataFrame, sources: pl.DataFrame, cited: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The evidence problems of ``observations`` against ``sources``, and of each source that
    ``cited`` (rows with company and source_id, the observations' own among them; default:
    the observations) cites."""
    observations = _where(observations, "observations")
    sources = _where(sources, "sources")
    by_id = {str(s["source_id"]): s for s in sources.iter_rows(named=True)}
    citing = observations if cited is None else cited
    companies: dict[str, set[str]] = {}
    # Each (source, company) once. Unordered: keeping the order of first citation cost a
    # million-row upload 2.5x the time of this step, and the sources are taken in their own
    # order below.
    for company, source_id in citing.select("company", "source_id").unique().iter_rows():
        companies.setdefault(str(source_id), set()).add(str(company))
    # A row whose source has no quote has nothing to be checked against (its source is listed
    # instead): only the others are read into Python, row by row. A million uploaded rows
    # citing unquoted sources took 5 s here, to find nothing; and when no cited source is
    # quoted, no row is looked at at all.
    quoted = [
        key
        for key, source in by_id.items()
        if key in companies and str(source.get("quote") or "").strip()
    ]
    found = problems.Tally()
    if quoted:
        checked = observations.filter(pl.col("source_id").cast(pl.String).is_in(quoted))
        for row in checked.iter_rows(named=True):
            for problem in _row_problems(row, by_id.get(str(row["source_id"]))):
                found.add(problem)
    for source_id, source in by_id.items():
        if source_id in companies:
            for problem in _source_problems(source, sorted(companies[source_id])):
                found.add(problem)
    return found.frame().sort("file", "line", "column", maintain_order=True)


def audit(tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Every observation of a whole dataset, and every source its observations and events
    cite."""
    cited = [
        tables[name].select("company", "source_id")
        for name in ("observations", "events")
        if name in tables
    ]
    return check(tables["observations"], tables["sources"], pl.concat(cited))


def for_upload(
    uploaded: Mapping[str, pl.DataFrame], published: Mapping[str, pl.DataFrame]
) -> pl.DataFrame:
    """What an upload adds: its observations against its own sources or, where it cites a
    published one, that; and its sources that its rows cite (or every source it uploads)."""
    observations = uploaded.get("observations")
    mine = uploaded.get("sources")
    if observations is None and mine is None:
        return problems.frame()
    known = published.get("sources")
    sources = pl.concat(
        [
            frame.select("source_id", "publisher", "url", "quote", "via", "title", FILE, LINE)
            for frame in (mine, known)
            if frame is not None and FILE in frame.columns and LINE in frame.columns
        ]
    ).unique("source_id", keep="first", maintain_order=True)
    rows = observations if observations is not None else pl.DataFrame(
        schema={"company": pl.String, "source_id": pl.String, "value": pl.Float64,
                "date": pl.Date, "note": pl.String, FILE: pl.String, LINE: pl.Int64}
    )  # fmt: skip
    # Each (company, source) pair found once, for the check and for the sources no row
    # cites: finding the cited sources again on every row cost a million-row upload 20 ms.
    # (A grouping finds the pairs in two thirds of the time `unique` takes: 22 -> 16 ms.)
    pairs = rows.group_by("company", "source_id").len().drop("len")
    found = check(rows, sources, pairs)
    if mine is not None:
        # Sources uploaded without a row citing them here are checked too, for the companies
        # whose published rows (or uploaded events) cite them, as `audit` judges them; a
        # source nobody cites is judged by its words alone.
        uncited = mine.filter(~pl.col("source_id").is_in(pairs.get_column("source_id").implode()))
        citers = _citing_companies(
            [published.get("observations"), published.get("events"), uploaded.get("events")]
        )
        alone = [
            p
            for s in _where(uncited, "sources").iter_rows(named=True)
            for p in _source_problems(s, citers.get(str(s["source_id"]), []))
        ]
        found = pl.concat([found, problems.frame(alone)])
    return found


def _citing_companies(frames: list[pl.DataFrame | None]) -> dict[str, list[str]]:
    """Which companies cite each source, over the given tables (absent ones skipped)."""
    names: dict[str, set[str]] = {}
    for frame in frames:
        if frame is None or not {"company", "source_id"} <= set(frame.columns):
            continue
        for company, source_id in frame.select("company", "source_id").iter_rows():
            names.setdefault(str(source_id), set()).add(str(company))
    return {source_id: sorted(companies) for source_id, companies in names.items()}
