"""The validation gate: parsed files in, one verdict out (typed tables plus a problem report).

Order: parse problems, then the Pandera models per file, then the cross-table rules across the
given files and the context (the tables of the current revision) as the upload leaves it: in a
replace a given table stands alone, in an upsert it adds to the context's (validation/merge.py).
A cell that failed to parse is reported once, not again by the model that sees it as null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandera.polars as pa
import polars as pl

from validation import catalogue, lookalike, merge, models, problems, rules
from validation.merge import Mode
from validation.parse import LINE, ParsedFile
from validation.rules import FILE
from validation.tables import MAX_TEXT, ColumnKind, Table


@dataclass
class Verdict:
    files: list[ParsedFile]
    tables: dict[str, pl.DataFrame]
    problems: pl.DataFrame
    # What the rules find in the context's rows the upload leaves behind (a framing citing a
    # source that a replaced sources table drops): not the files' problems, the judge's.
    left_behind: pl.DataFrame = field(default_factory=lambda: problems.frame())

    @property
    def ok(self) -> bool:
        return self.problems.height == 0

    @property
    def readable(self) -> bool:
        return all(parsed.readable for parsed in self.files)


# Rows per Pandera call. Pandera lists every failing cell; a junk file of 1.6 million rows
# gave 11 million failure cases at once. Chunks keep that to what one chunk can fail.
CHUNK_ROWS = 100_000
PLACEHOLDER: dict[ColumnKind, pl.Expr] = {
    "date": pl.lit(dt.date(2000, 1, 1), dtype=pl.Date),
    "number": pl.lit(0.0, dtype=pl.Float64),
}


REVEALED = ("text.invisible_in_name", "text.mixed_scripts", "text.hidden_characters")
FAILURE_SCHEMA = {
    "column": pl.String,
    "check": pl.String,
    "failure_case": pl.String,
    "index": pl.Int64,
}


def _model_frame(parsed: ParsedFile) -> pl.DataFrame:
    """The frame the model sees: a cell that did not parse is already reported, so it gets a
    placeholder the model accepts instead of the null it would report as empty."""
    assert parsed.table is not None and parsed.frame is not None
    frame = parsed.frame.select(parsed.table.column_names)
    for kind, placeholder in PLACEHOLDER.items():
        for column in parsed.table.columns_of_kind(kind):
            failed = parsed.unparsed.get(column)
            if failed is not None:
                frame = frame.with_columns(
                    pl.when(failed).then(placeholder).otherwise(pl.col(column)).alias(column)
                )
    return frame


def _failures(schema: pa.DataFrameSchema, frame: pl.DataFrame) -> pl.DataFrame:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return errors.failure_cases.filter(pl.col("index").is_not_null()).select(
            "column",
            "check",
            pl.col("failure_case").cast(pl.String).fill_null(""),
            pl.col("index").cast(pl.Int64),
        )
    return pl.DataFrame(schema=FAILURE_SCHEMA)


def model_problems(parsed: ParsedFile) -> pl.DataFrame:
    """Run the table's Pandera model on a parsed file, chunk by chunk, and word its failures:
    the first of each kind in full, the rest counted."""
    if parsed.table is None or parsed.frame is None:
        return problems.frame()
    schema = models.schema(parsed.table)
    frame = _model_frame(parsed)
    limit = problems.per_kind()
    kind = ["column", "check"]
    kept: list[pl.DataFrame] = []
    tallies: list[pl.DataFrame] = []
    for offset in range(0, frame.height, CHUNK_ROWS):
        failures = _failures(schema, frame.slice(offset, CHUNK_ROWS)).with_columns(
            pl.col("index") + offset
        )
        # One more than is listed: the first unlisted failure says where the rest start.
        rank = pl.int_range(pl.len()).over(kind)
        kept.append(
            problems.detached(failures.sort("index", maintain_order=True).filter(rank <= limit))
        )
        tallies.append(failures.group_by(kind).agg(pl.len().alias("count")))
    if not kept:
        return problems.frame()
    lines = parsed.frame.select(pl.col(LINE).alias("line")).with_row_index("index")
    located = (
        pl.concat(kept)
        .sort("index", maintain_order=True)
        .with_columns(pl.int_range(pl.len()).over(kind).alias("rank"))
        .filter(pl.col("rank") <= limit)
        # Joins keep the left order: a cell's failures stay in the order of its checks.
        .join(lines.with_columns(pl.col("index").cast(pl.Int64)), on="index", maintain_order="left")
    )
    counts = pl.concat(tallies).group_by(kind).agg(pl.col("count").sum())
    table = parsed.table
    words = pl.DataFrame(
        [(c, k, *_words(table, c, k)) for c, k in counts.select(kind).iter_rows()],
        schema={
            "column": pl.String,
            "check": pl.String,
            "code": pl.String,
            "problem": pl.String,
            "hint": pl.String,
        },
        orient="row",
    )
    listed = (
        located.filter(pl.col("rank") < limit)
        .join(words, on=kind, maintain_order="left")
        .select(
            "code",
            pl.lit(parsed.name).alias("file"),
            "line",
            "column",
            # What cannot be seen is written out, or the value would look correct.
            pl.when(pl.col("check").is_in(REVEALED))
            .then(pl.col("failure_case").map_elements(lookalike.reveal, return_dtype=pl.String))
            .otherwise(pl.col("failure_case"))
            .alias("value"),
            "problem",
            "hint",
        )
    )
    more = (
        located.filter(pl.col("rank") == limit)
        .join(counts, on=kind)
        .join(words, on=kind)
        .with_columns(pl.col("count") - limit)
    )
    return problems.combine([listed, problems.frame(_more(parsed, more, limit))])


def _words(table: Table, column: str, check: str) -> tuple[str, str, str]:
    """The code, problem and hint of a failed check on a column of the table. The schema names
    its checks by their codes (models); Pandera's nullability check is the one it names."""
    code = "value.missing" if check == models.NOT_NULLABLE else check
    if code not in catalogue.CATALOGUE:
        code = "contract.failed_check"
    spec = next((c for c in table.columns if c.name == column), None)
    fields = {
        "column": column,
        "check": check,
        "allowed": ", ".join(spec.vocabulary) if spec else "",
        "bound": spec.bounds[1] if spec and spec.bounds else 0.0,
        "limit": MAX_TEXT,
    }
    return (code, *catalogue.words(code, **fields))


def _more(parsed: ParsedFile, more: pl.DataFrame, limit: int) -> list[problems.Problem]:
    """One row per kind with more failures than are listed: how many more, from which line."""
    return [
        problems.more_row(
            row["code"],
            parsed.name,
            row["line"],
            row["column"],
            row["count"],
            row["problem"],
            limit,
        )
        for row in more.iter_rows(named=True)
    ]


def combined_tables(files: Sequence[ParsedFile]) -> dict[str, pl.DataFrame]:
    """The typed rows of all files per table, each row tagged with its file and line."""
    parts: dict[str, list[pl.DataFrame]] = {}
    for parsed in files:
        if parsed.table is None or parsed.frame is None:
            continue
        tagged = parsed.frame.with_columns(pl.lit(parsed.name).alias(FILE))
        parts.setdefault(parsed.table.name, []).append(tagged)
    return {name: pl.concat(frames) for name, frames in parts.items()}


def validate(
    files: Sequence[ParsedFile],
    context: Mapping[str, pl.DataFrame] | None = None,
    today: dt.date | None = None,
    mode: Mode = "replace",
) -> Verdict:
    """Validate the given files against each other and the context tables as the upload
    leaves them (``mode``: the given tables replace the context's, or add to them by key)."""
    today = today or dt.date.today()
    reports = [parsed.problems for parsed in files]
    reports += [model_problems(parsed) for parsed in files]
    given = combined_tables(files)
    everything = merge.whole(context or {}, given, mode)
    names = [parsed.name for parsed in files]
    cross = rules.check(everything, today)
    reports.append(cross.filter(pl.col("file").is_in(names)))
    left_behind = cross.filter(~pl.col("file").is_in(names))
    return Verdict(list(files), given, problems.combine(reports), left_behind)
