"""Cross-column and cross-table rules: units per metric, unique keys, sources that resolve,
dates not in the future.

Each rule takes the combined typed tables (every row with its ``_file`` and ``_line``) and
returns a problem report; none of them raises on bad data.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor

import polars as pl

from validation import catalogue, excel, lookalike, problems, vocabulary
from validation.merge import Known
from validation.parse import LINE
from validation.tables import SOURCE_REFERENCES, TABLES

FILE = "_file"
TARGET_YEARS = 30
Tables = dict[str, pl.DataFrame]


def _report(
    rows: pl.DataFrame, column: str, code: str, fields: Mapping[str, catalogue.Field] | None = None
) -> pl.DataFrame:
    """Problems of one rule in one column, worded by the catalogue's ``code`` (its templates'
    ``fields`` are values or per-row expressions): the first few rows of each file in words,
    the rest counted, so a rule that fails on every row of a junk file builds a small report."""
    if rows.height == 0:  # the usual case: no query to plan for an empty report
        return problems.frame()
    limit = problems.per_kind()
    coded, what, hint = catalogue.worded([(None, code, None)], fields or {})
    ranked = rows.sort(LINE, maintain_order=True).with_columns(
        pl.int_range(pl.len()).over(FILE).alias("_rank")
    )
    listed = ranked.filter(pl.col("_rank") < limit).select(
        coded,
        pl.col(FILE).alias("file"),
        pl.col(LINE).alias("line"),
        pl.lit(column).alias("column"),
        pl.col(column).cast(pl.String).fill_null("").alias("value"),
        what,
        hint,
    )
    rest = (
        ranked.filter(pl.col("_rank") >= limit)
        .group_by(FILE, maintain_order=True)
        .agg(pl.len().alias("more"), pl.col(LINE).min().alias("line"))
    )
    last = listed.group_by("file").agg(pl.col("problem").last())
    more = [
        problems.more_row(code, row[FILE], row["line"], column, row["more"], row["problem"], limit)
        for row in rest.join(last, left_on=FILE, right_on="file").iter_rows(named=True)
    ]
    return problems.combine([listed, problems.frame(more)])


def units_per_metric(tables: Tables, today: dt.date, known: Known) -> pl.DataFrame:
    observations = tables.get("observations")
    if observations is None:
        return problems.frame()
    metric, unit = pl.col("metric"), pl.col("unit")
    # Unknown metrics and units are the models' finding; this rule is about the pairing.
    # One pass of comparisons instead of a join: only the few bad rows are ever copied.
    paired = pl.any_horizontal(
        (metric == name) & unit.is_in(units) for name, units in vocabulary.METRIC_UNITS.items()
    )
    # Judged on the distinct pairs (a handful in a million rows), then only the rows of a bad
    # pair are found: the comparisons on every row took 65 of 70 ms.
    pairs = ["metric", "unit"]
    wrong = (
        observations.group_by(pairs)
        .len()  # (a grouping finds the pairs in a quarter of the time `unique` takes)
        .drop("len")
        .filter(metric.is_in(vocabulary.METRICS) & unit.is_in(vocabulary.UNITS) & ~paired)
    )
    if wrong.height == 0:
        return problems.frame()
    bad = observations.select(FILE, LINE, "metric", "unit").join(
        wrong, on=pairs, how="semi", maintain_order="left"
    )
    allowed = pl.DataFrame(
        {
            "metric": list(vocabulary.METRIC_UNITS),
            "_units": [", ".join(us) for us in vocabulary.METRIC_UNITS.values()],
        }
    )
    return _report(
        bad.join(allowed, on="metric", how="left"),
        "unit",
        "unit.not_allowed_for_metric",
        {"unit": unit, "metric": metric, "units": pl.col("_units")},
    )


def values_not_negative(tables: Tables, today: dt.date, known: Known) -> pl.DataFrame:
    observations = tables.get("observations")
    if observations is None:
        return problems.frame()
    # Only metrics declared signed in the vocabulary (a net loss) may fall below 0.
    signed = ", ".join(vocabulary.SIGNED_METRICS)
    bad = observations.select(FILE, LINE, "value", "metric").filter(
        (pl.col("value") < 0) & ~pl.col("metric").is_in(vocabulary.SIGNED_METRICS)
    )
    return _report(
        bad,
        "value",
        "value.negative",
        {"metric": pl.col("metric"), "signed": signed},
    )


def unique_keys(tables: Tables, today: dt.date, known: Known) -> pl.DataFrame:
    reports = []
    for name, frame in tables.items():
        key = list(TABLES[name].key)
        # Only the columns a rule reads are filtered: a filter copies every column it keeps.
        rows = frame.select(FILE, LINE, *key).filter(
            pl.all_horizontal(pl.col(k).is_not_null() for k in key)
        )
        # Hashing the keys is much cheaper than grouping them; equal hash counts prove there
        # is no duplicate (a hash collision only sends the table down the exact path). The
        # row's hash is a wrapping sum of its cells' hashes, each column with its own seed:
        # half the time of hashing a struct of the key (95 -> 50 ms for a million rows).
        # Equal keys give equal sums, so a duplicate can never go unseen.
        summed = pl.sum_horizontal(pl.col(k).hash(seed) for seed, k in enumerate(key))
        if rows.select(summed.n_unique()).item() == rows.height:
            continue
        first = rows.group_by(key, maintain_order=True).agg(
            pl.col(FILE).first().alias("_first_file"), pl.col(LINE).first().alias("_first_line")
        )
        later = rows.join(first, on=key, how="inner").filter(
            (pl.col(FILE) != pl.col("_first_file")) | (pl.col(LINE) != pl.col("_first_line"))
        )
        where = (
            pl.when(pl.col(FILE) == pl.col("_first_file"))
            .then(pl.format("line {}", pl.col("_first_line")))
            .otherwise(pl.format("line {} of {}", pl.col("_first_line"), pl.col("_first_file")))
        )
        reports.append(
            _report(
                later,
                key[-1],
                "key.duplicate",
                {"where": where, "key": ", ".join(key)},
            )
        )
    return problems.combine(reports)


def _files(frame: pl.DataFrame | None) -> list[str]:
    """The files (or sheets) a table's rows come from, in order of first appearance."""
    return [] if frame is None else frame.get_column(FILE).unique(maintain_order=True).to_list()


def sources_resolve(tables: Tables, today: dt.date, known: Known) -> pl.DataFrame:
    sources = tables.get("sources")
    known_ids = (
        sources.get_column("source_id").implode()
        if sources is not None
        else pl.Series([[]], dtype=pl.List(pl.String))
    )
    # The message names where the ids were looked up (a workbook's sheet, a file, the
    # published revision), and where the missing one belongs for the row's own file or sheet.
    files = _files(sources)
    looked = " or ".join(excel.place(f) for f in files) or "any sources table (none was given)"
    reports = []
    for name, columns in SOURCE_REFERENCES.items():
        frame = tables.get(name)
        if frame is None:
            continue
        for column in columns:
            values = known.get((name, column))
            if values is not None and values.drop_nulls().is_in(known_ids).all():
                continue  # every id the column holds is a source's
            dangling = frame.select(FILE, LINE, column).filter(
                pl.col(column).is_not_null() & ~pl.col(column).is_in(known_ids)
            )
            target = {f: excel.sheets_table(f, "sources", files) for f in _files(dangling)}
            reports.append(
                _report(
                    dangling,
                    column,
                    "source.unknown",
                    {
                        "column": column,
                        "sources": looked,
                        "target": pl.col(FILE).replace_strict(target, return_dtype=pl.String),
                    },
                )
            )
    return problems.combine(reports)


def dates_not_future(tables: Tables, today: dt.date, known: Known) -> pl.DataFrame:
    reports = []
    later = pl.lit(today, dtype=pl.Date)
    observations = tables.get("observations")
    if observations is not None:
        future = observations.select(FILE, LINE, "date", "claim_type").filter(
            (pl.col("date") > later) & (pl.col("claim_type").fill_null("") != "target")
        )
        reports.append(
            _report(
                future,
                "date",
                "date.after_today_not_target",
                {"column": "date", "today": today.isoformat()},
            )
        )
        # A target may lie ahead, but not further than anyone plans: a year such as 9999
        # is a typo, and far dates break the pages' date types (pandas stops in 2262).
        horizon = today.replace(year=today.year + TARGET_YEARS, day=min(today.day, 28))
        distant = observations.select(FILE, LINE, "date", "claim_type").filter(
            (pl.col("date") > pl.lit(horizon, dtype=pl.Date))
            & (pl.col("claim_type").fill_null("") == "target")
        )
        reports.append(
            _report(
                distant,
                "date",
                "date.too_far_ahead",
                {"years": TARGET_YEARS, "horizon": horizon.isoformat()},
            )
        )
    checks = [
        ("events", "date"),
        ("sources", "accessed"),
        ("sources", "published"),
        ("notices", "filed"),
    ]
    for name, column in checks:
        frame = tables.get(name)
        if frame is None:
            continue
        future = frame.select(FILE, LINE, column).filter(pl.col(column) > later)
        reports.append(
            _report(
                future,
                column,
                "date.after_today",
                {"column": column, "today": today.isoformat()},
            )
        )
    return problems.combine(reports)


# Where each kind of name is written: a company is the same company in every table.
NAMED: dict[str, tuple[tuple[str, str], ...]] = {
    "company": (
        ("observations", "company"),
        ("events", "company"),
        ("framings", "company"),
        ("notices", "company"),
    ),
    "source_id": (("sources", "source_id"),),
    "publisher": (("sources", "publisher"),),
}


def lookalike_names(tables: Tables, today: dt.date, known: Known) -> pl.DataFrame:
    """A name that differs from another only in lookalike letters (a Cyrillic Ka for a Latin
    K, a full-width letter) is flagged, naming the other: the plain one where there is one,
    else the one on more rows."""
    reports = []
    for kind, places in NAMED.items():
        rows = [
            tables[name].select(
                FILE, LINE, pl.col(column).alias("_name"), pl.lit(column).alias("_column")
            )
            for name, column in places
            if name in tables
        ]
        if not rows:
            continue
        # Most uploads have no two names alike: that is seen on the distinct names (a few
        # thousand in a million rows; an upload's are known from its parse) before any row
        # is grouped.
        distinct = pl.concat(
            [
                known.get((name, column), tables[name].get_column(column)).unique().alias("_name")
                for name, column in places
                if name in tables
            ]
        ).unique()
        alike = lookalike.skeleton(pl.col("_name")).is_duplicated()
        if not distinct.drop_nulls().to_frame().select(alike.any()).item():
            continue
        named = pl.concat(rows).filter(pl.col("_name").is_not_null())
        names = (
            named.group_by("_name")
            .agg(pl.len().alias("_rows"), pl.col(LINE).min().alias("_first"))
            .with_columns(
                lookalike.skeleton(pl.col("_name")).alias("_skeleton"),
                lookalike.plain(pl.col("_name")).alias("_plain"),
            )
            .filter(pl.col("_skeleton").is_duplicated())
        )
        if names.height == 0:
            continue
        # The name the others imitate: plain first, then the most used, then the first seen.
        original = (
            names.sort(["_plain", "_rows", "_first"], descending=[True, True, False])
            .group_by("_skeleton", maintain_order=True)
            .agg(pl.col("_name").first().alias("_original"))
        )
        imitations = names.join(original, on="_skeleton").filter(
            pl.col("_name") != pl.col("_original")
        )
        for column in {column for _, column in places}:
            flagged = (
                named.filter(pl.col("_column") == column)
                .join(imitations.select("_name", "_original"), on="_name")
                .rename({"_name": column})
            )
            reports.append(
                _report(
                    flagged,
                    column,
                    "name.lookalike",
                    {"kind": kind.replace("_", " "), "original": pl.col("_original")},
                ).with_columns(
                    # The lookalike letters written out: the value would look correct.
                    pl.col("value").map_elements(lookalike.reveal, return_dtype=pl.String)
                )
            )
    return problems.combine(reports)


def answers_a_claim(tables: Tables, today: dt.date, known: Known) -> pl.DataFrame:
    """An event's ``answers`` names the day of an earlier claim of its company: a row of
    observations or events with an attribution on that day, not after the event."""
    events = tables.get("events")
    if events is None or "answers" not in events.columns:
        return problems.combine([])
    days = [
        frame.filter(pl.col("attribution").is_not_null()).select("company", "date")
        for frame in (tables.get("observations"), events)
        if frame is not None and "attribution" in frame.columns
    ]
    claimed = (
        pl.concat(days).unique()
        if days
        else pl.DataFrame(schema={"company": pl.String, "date": pl.Date})
    )
    answering = events.filter(pl.col("answers").is_not_null())
    unknown = answering.join(
        claimed, left_on=["company", "answers"], right_on=["company", "date"], how="anti"
    )
    later = answering.filter(pl.col("answers") > pl.col("date"))
    return problems.combine(
        [
            _report(unknown, "answers", "answers.no_claim", {"company": pl.col("company")}),
            _report(later, "answers", "answers.after_event"),
        ]
    )


# A rule: the tables as the upload leaves them, today, and the distinct values known of their
# columns (merge.Known: a rule may skip its row-by-row look where they show nothing to find).
RULES: tuple[Callable[[Tables, dt.date, Known], pl.DataFrame], ...] = (
    units_per_metric,
    values_not_negative,
    unique_keys,
    sources_resolve,
    dates_not_future,
    lookalike_names,
    answers_a_claim,
)


# Threads for the checks of one upload: the rules are independent reads of the same tables.
WORKERS = max(2, min(4, os.cpu_count() or 1))


def check(
    tables: Tables, today: dt.date, pool: Executor | None = None, known: Known | None = None
) -> pl.DataFrame:
    """Every rule's problems, in the order of RULES. The rules run side by side, in ``pool``
    (else one of their own): most are a few Polars steps on one chunk of a column (one core
    each), and Polars releases the GIL. Called from outside the pool: it waits on it."""
    if pool is None:
        with ThreadPoolExecutor(max_workers=WORKERS) as own:
            return check(tables, today, own, known)
    found = list(pool.map(lambda rule: rule(tables, today, known or {}), RULES))
    return problems.combine(found)
