"""Each AI-workforce claim set against the company's own filed record, in generated sentences.

A claim is a statement (observation) or an event that carries an attribution class. The record
around it is the company's filed headcount series: the last filing on or before the claim and
the first one after it, on one basis, so the change is never computed across bases. Revenue per
employee comes from `productivity` (filed revenue over filed year-end headcount). Where the
record cannot answer (no filing yet, no filed series) the sentence says so and no verdict is
given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import polars as pl

from headcount import citations, figures, notices, productivity, thread
from headcount.dataset import Dataset
from headcount.formatting import quantity
from headcount.labels import day, label

# The WARN notices set beside a claim are those filed between the filings around it; where a
# filing is missing, this many days before or after the claim stand in for it.
NOTICE_REACH = dt.timedelta(days=365)
STALE_AFTER_DAYS = 365  # a figure older than this on the day the data is current to is stale
# The overview's change is over two years of filings: the filing nearest the day two years
# before the latest, within this many days (a fiscal year may end on 31 January one year and
# 1 February another). A series with a gap has no such filing, and no change is given.
TWO_YEARS = dt.timedelta(days=730)
TWO_YEARS_SLACK_DAYS = 45
# Claims whose number is an amount of work or of roles taken by AI: only those are set against
# the headcount as a share (a statement of total staff or a target is not a share of anything).
SHARE_METRICS = ("ai_workload_fte", "roles_ai_could_replace")


CLAIM_COLUMNS: dict[str, pl.DataType] = {
    "company": pl.String(),
    "date": pl.Date(),
    "what": pl.String(),
    "metric": pl.String(),
    "value": pl.Float64(),
    "unit": pl.String(),
    "attribution": pl.String(),
    "source_ids": pl.List(pl.String),
    "quote": pl.String(),
}


@dataclass(frozen=True)
class Filing:
    date: dt.date
    value: float
    basis: str
    source_id: str


@dataclass(frozen=True)
class Check:
    """One claim and what the filed record shows around it."""

    company: str
    date: dt.date
    claim: str  # the claim in words
    attribution: str  # its class, as a label
    claim_sources: tuple[str, ...]  # every source that makes this claim
    quote: str
    before: Filing | None
    after: Filing | None
    change: float | None  # relative change of filed headcount from before to after
    share: float | None  # the claim's size as a share of filed headcount before it
    rpe_before: str | None
    rpe_after: str | None
    verdict: str | None  # "fell", "rose", "unchanged"; None where the record cannot answer
    said: str  # the claim and who made it (its day is the card's)
    own: tuple[str, ...]  # what holds for this claim alone (its share of the headcount)
    record: tuple[str, ...]  # the filed record around it, the same for every claim between
    warn: notices.Notices | None = None  # the WARN notices filed in the claim's window
    line: str = ""  # claim, notices and filed headcount in one line
    figures: figures.Figures | None = None  # every figure the data holds for the claim
    later: tuple[tuple[str, str], ...] = ()  # the events that answer it: words, source id

    @property
    def sentences(self) -> tuple[str, ...]:
        return (self.said, *self.own, *self.record)

    @property
    def source_ids(self) -> tuple[str, ...]:
        ids = list(self.claim_sources)
        for filing in (self.before, self.after):
            if filing is not None and filing.source_id not in ids:
                ids.append(filing.source_id)
        for source_id in self.warn.source_ids if self.warn else ():
            if source_id not in ids:
                ids.append(source_id)
        for figure in self.figures.figures if self.figures else ():
            ids.extend(s for s in figure.source_ids if s not in ids)
        ids.extend(dict.fromkeys(s for _, s in self.later if s not in ids))
        return tuple(ids)


def claims(data: Dataset, company: str | None = None) -> pl.DataFrame:
    """Every AI-workforce statement and event (rows with an attribution class), in date order,
    with the quote of its source: the words that justify the class."""
    observations = data.observations
    events = data.events
    if "attribution" not in observations.columns or "attribution" not in events.columns:
        return pl.DataFrame(schema=CLAIM_COLUMNS)
    statements = observations.filter(pl.col("attribution").is_not_null()).select(
        "company",
        "date",
        pl.struct("value", "unit", "basis")
        .map_elements(
            lambda r: f"{quantity(r['value'], r['unit'])} ({r['basis']})", return_dtype=pl.String
        )
        .alias("what"),
        "metric",
        "value",
        "unit",
        "attribution",
        "source_id",
    )
    happenings = events.filter(pl.col("attribution").is_not_null()).select(
        "company",
        "date",
        pl.col("title").alias("what"),
        pl.lit(None, pl.String).alias("metric"),
        pl.lit(None, pl.Float64).alias("value"),
        pl.lit(None, pl.String).alias("unit"),
        "attribution",
        "source_id",
    )
    every = pl.concat([statements, happenings])
    if company is not None:
        every = every.filter(pl.col("company") == company)
    # One claim made by several sources is one claim with all of them.
    quoted = every.join(data.sources.select("source_id", "quote"), on="source_id", how="left")
    return (
        quoted.sort("source_id")
        .group_by(["company", "date", "what", "metric", "value", "unit", "attribution"])
        .agg(
            pl.col("source_id").alias("source_ids"),
            pl.col("quote").drop_nulls().first().alias("quote"),
        )
        .select(list(CLAIM_COLUMNS))
        .sort("company", "date", "what")
    )


def _filing(row: dict[str, object] | None) -> Filing | None:
    if row is None:
        return None
    return Filing(row["date"], row["value"], row["basis"], row["source_id"])  # type: ignore[arg-type]


def _around(series: pl.DataFrame, when: dt.date) -> tuple[Filing | None, Filing | None]:
    before = series.filter(pl.col("date") <= when).tail(1).to_dicts()
    after = series.filter(pl.col("date") > when).head(1).to_dicts()
    return _filing(before[0] if before else None), _filing(after[0] if after else None)


def _people(value: float) -> str:
    return f"{value:,.0f}"


def _rpe_at(derived: pl.DataFrame, filing: Filing | None) -> str | None:
    if filing is None:
        return None
    rows = derived.filter(pl.col("date") == filing.date).to_dicts()
    return " and ".join(quantity(r["value"], r["unit"]) for r in rows) or None


def _record(
    company: str,
    series: pl.DataFrame,
    before: Filing | None,
    after: Filing | None,
    name: Callable[[Sequence[str]], str],
) -> list[str]:
    """What the filed record shows around a claim, in words that hold for every claim between
    the same two filings (a page says it once for all of them)."""
    if series.is_empty():
        return [
            f"The data holds no filed headcount series for {company}: the filed record cannot "
            "show whether these claims appeared in the headcount."
        ]
    basis = str(series.get_column("basis").first())
    record = []
    if before is None:
        record.append(f"No filed headcount before (basis: {basis}).")
    else:
        record.append(
            f"Last filing before: {_people(before.value)} employees on {day(before.date)} "
            f"({basis}; {name([before.source_id])})."
        )
    if after is None:
        record.append(
            "No filing since: the filed record cannot show the effect yet, so no verdict."
        )
    else:
        record.append(
            f"First filing after: {_people(after.value)} employees on {day(after.date)} "
            f"({name([after.source_id])})."
        )
    if before is not None and after is not None and before.value > 0:
        change = (after.value - before.value) / before.value
        record.append(
            "On the same basis, filed headcount was unchanged between the two filings."
            if after.value == before.value
            else f"On the same basis, filed headcount {'fell' if change < 0 else 'rose'} "
            f"{abs(change):.0%} between the two filings."
        )
    return record


def window(
    when: dt.date, before: Filing | None, after: Filing | None, as_of: dt.date | None
) -> notices.Window:
    """The days whose WARN notices are set beside a claim: from the filing before it to the
    filing after it, the span its headcount change covers. Without a filing before, a year
    before the claim; without one after, a year after it, but not past the day the data is
    current to."""
    start = before.date if before else when - NOTICE_REACH
    if after is not None:
        return notices.Window(start, after.date)
    end = when + NOTICE_REACH
    if as_of is not None:
        end = max(when, min(end, as_of))
    return notices.Window(start, end)


def _filed_words(series: pl.DataFrame, before: Filing | None, after: Filing | None) -> str:
    """The filed headcount around a claim, in the one line's few words."""
    if series.is_empty():
        return "no filed series"
    if before is None and after is None:
        return "no filing around it"
    first = f"{_people(before.value)} ({day(before.date)})" if before else "no filing before it"
    if after is None:
        return f"{first}, no filing after it yet"
    second = f"{_people(after.value)} ({day(after.date)})"
    if before is None or before.value <= 0:
        return f"{first}, then {second}"
    change = (after.value - before.value) / before.value
    return f"{first} → {second}, {change:+.0%}"


def one_line(
    what: str,
    warn: notices.Notices,
    filed: str,
    name: Callable[[Sequence[str]], str] = lambda ids: "",
) -> str:
    """What was claimed, what the WARN notices say and what filed headcount did, one line."""
    return f"Claimed: {what} · WARN notices: {warn.words(name)} · Filed headcount: {filed}"


def check(
    claim: dict[str, object],
    series: pl.DataFrame,
    derived: pl.DataFrame,
    name: Callable[[Sequence[str]], str] = lambda ids: "",
    filed_notices: pl.DataFrame | None = None,
    as_of: dt.date | None = None,
) -> Check:
    """One claim against the filed headcount ``series``, derived revenue per employee and the
    company's WARN notices; ``name`` says who its sources are (publishers, never ids:
    ``citations.named``)."""
    company = str(claim["company"])
    when: dt.date = claim["date"]  # type: ignore[assignment]
    before, after = _around(series, when)
    warn = notices.within(
        filed_notices if filed_notices is not None else notices.NONE,
        company,
        window(when, before, after, as_of),
    )
    who = name(claim["source_ids"])  # type: ignore[arg-type]
    said = f"{claim['what']}" + (f", according to {who}." if who else ".")
    record = _record(company, series, before, after, name)
    own: list[str] = []
    change = share = None
    verdict = None
    if before is not None and after is not None and before.value > 0:
        change = (after.value - before.value) / before.value
        verdict = (
            "unchanged"
            if after.value == before.value
            else ("fell" if after.value < before.value else "rose")
        )
    value, unit = claim.get("value"), claim.get("unit")
    if (
        before is not None
        and before.value > 0
        and value is not None
        and (claim.get("metric") in SHARE_METRICS)
    ):
        share = float(value) / before.value  # type: ignore[arg-type]
        own.append(
            f"The claim's {quantity(float(value), str(unit))} is {share:.0%} of the filed "  # type: ignore[arg-type]
            "headcount before it."
        )
    rpe_before, rpe_after = _rpe_at(derived, before), _rpe_at(derived, after)
    if rpe_before or rpe_after:
        record.append(
            "Revenue per employee derived from the filings: "
            f"{rpe_before or 'not derivable'} before, {rpe_after or 'not derivable yet'} after."
        )
    return Check(
        company=company,
        date=when,
        claim=str(claim["what"]),
        attribution=label("attribution", claim["attribution"]),
        claim_sources=tuple(claim["source_ids"]),  # type: ignore[arg-type]
        quote=str(claim.get("quote") or ""),
        before=before,
        after=after,
        change=change,
        share=share,
        rpe_before=rpe_before,
        rpe_after=rpe_after,
        verdict=verdict,
        said=said,
        own=tuple(own),
        record=tuple(record),
        warn=warn,
        line=one_line(str(claim["what"]), warn, _filed_words(series, before, after), name),
    )


def checks(data: Dataset, company: str | None = None) -> list[Check]:
    """Every claim of one company (or all) against its company's filed record."""
    found = claims(data, company)

    def who(ids: Sequence[str]) -> str:
        return citations.named(ids, data.sources)

    results = []
    as_of = current_to(data)
    for name in dict.fromkeys(found.get_column("company").to_list()):
        series = productivity.filed_headcount(data.observations, name)
        derived = productivity.revenue_per_employee(data.observations, name)
        for claim in found.filter(pl.col("company") == name).to_dicts():
            checked = check(claim, series, derived, who, data.notices, as_of)
            results.append(
                replace(
                    checked,
                    figures=figures.for_claim(data, claim),
                    later=tuple(thread.later(data, name, claim["date"], str(claim["what"]))),
                )
            )
    return results


def by_record(found: Sequence[Check]) -> list[tuple[tuple[str, ...], list[Check]]]:
    """Claims in order, those in a row between the same two filings together with the record
    they share, so a page says it once (not under every claim)."""
    groups: list[tuple[tuple[str, ...], list[Check]]] = []
    for one in found:
        if groups and groups[-1][0] == one.record and groups[-1][1][-1].company == one.company:
            groups[-1][1].append(one)
        else:
            groups.append((one.record, [one]))
    return groups


def current_to(data: Dataset) -> dt.date | None:
    """The day the dataset is current to: the latest day any source was checked."""
    value = data.sources.get_column("accessed").max()
    return value  # type: ignore[return-value]


def stale_series(data: Dataset) -> pl.DataFrame:
    """Series (company, metric, unit, basis) whose newest figure is more than a year older than
    the day the data is current to: what an analyst should look for first."""
    as_of = current_to(data)
    newest = data.observations.group_by("company", "metric", "unit", "basis").agg(
        pl.col("date").max().alias("newest"), pl.len().alias("figures")
    )
    if as_of is None:
        return newest.clear()
    return newest.filter(
        (pl.lit(as_of) - pl.col("newest")).dt.total_days() > STALE_AFTER_DAYS
    ).sort("company", "metric", "newest")


def _two_years_before(series: pl.DataFrame, latest: dt.date) -> list[dict]:
    """The filing of ``series`` nearest the day two years before ``latest``, if one is within
    the slack (as a one-row list, like the latest)."""
    target = latest - TWO_YEARS
    near = [
        row for row in series.to_dicts() if abs((row["date"] - target).days) <= TWO_YEARS_SLACK_DAYS
    ]
    return sorted(near, key=lambda row: abs((row["date"] - target).days))[:1]


def overview(data: Dataset) -> pl.DataFrame:
    """One row per company: its filed headcount now and two years before, its claims and their
    classes, derived revenue per employee and its change, and how fresh its figures are."""
    as_of = current_to(data)
    found = claims(data)
    rows = []
    for company in data.companies():
        series = productivity.filed_headcount(data.observations, company)
        derived = productivity.revenue_per_employee(data.observations, company)
        latest = series.tail(1).to_dicts()
        earlier = _two_years_before(series, latest[0]["date"]) if latest else []
        mine = found.filter(pl.col("company") == company)
        newest = data.observations.filter(pl.col("company") == company).get_column("date").max()
        rpe = (
            derived.filter(pl.col("unit") == derived.get_column("unit").first())
            if (derived.height)
            else derived
        )
        rpe_rows = rpe.to_dicts()
        rows.append(
            {
                "company": company,
                "filed_headcount": latest[0]["value"] if latest else None,
                "filed_on": latest[0]["date"] if latest else None,
                "change_two_years": (
                    (latest[0]["value"] - earlier[0]["value"]) / earlier[0]["value"]
                    if latest and earlier and earlier[0]["value"]
                    else None
                ),
                "claims": mine.height,
                "classes": ", ".join(
                    label("attribution", c)
                    for c in sorted(set(mine.get_column("attribution").to_list()))
                ),
                "revenue_per_employee": (
                    quantity(rpe_rows[-1]["value"], rpe_rows[-1]["unit"]) if rpe_rows else None
                ),
                "rpe_change": (
                    (rpe_rows[-1]["value"] - rpe_rows[0]["value"]) / rpe_rows[0]["value"]
                    if len(rpe_rows) >= 2
                    else None
                ),
                "newest_figure": newest,
                "stale": (
                    as_of is not None
                    and isinstance(newest, dt.date)
                    and (as_of - newest).days > STALE_AFTER_DAYS
                ),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "company": pl.String,
            "filed_headcount": pl.Float64,
            "filed_on": pl.Date,
            "change_two_years": pl.Float64,
            "claims": pl.Int64,
            "classes": pl.String,
            "revenue_per_employee": pl.String,
            "rpe_change": pl.Float64,
            "newest_figure": pl.Date,
            "stale": pl.Boolean,
        },
    )


def overview_cited(data: Dataset) -> pl.DataFrame:
    """The overview as a download: each row with the citations of the filed headcount it
    shows and of the claims it counts, so the file carries its sources."""
    table = overview(data)
    found = claims(data)
    cited = citations.with_citations(
        pl.DataFrame({"source_id": data.sources.get_column("source_id")}), data.sources
    )
    by_id = dict(
        zip(cited.get_column("source_id"), cited.get_column(citations.CITATION), strict=True)
    )
    headcount_sources = []
    claim_sources = []
    for company in table.get_column("company"):
        series = productivity.filed_headcount(data.observations, company)
        latest = series.tail(1).get_column("source_id").to_list()
        headcount_sources.append(" | ".join(by_id.get(s, s) for s in latest))
        ids = found.filter(pl.col("company") == company).get_column("source_ids").explode()
        claim_sources.append(" | ".join(by_id.get(s, s) for s in sorted(set(ids.drop_nulls()))))
    return table.with_columns(
        pl.Series("filed_headcount_source", headcount_sources, pl.String),
        pl.Series("claim_sources", claim_sources, pl.String),
    )
