"""The validation gate: parsed files in, one verdict out (typed tables plus a problem report).

Order: parse problems, then the Pandera models per file, then the cross-table rules across the
given files and the context (the tables of the current revision that were not given).
A cell that failed to parse is reported once, not again by the model that sees it as null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from validation import models, problems, rules
from validation.parse import LINE, ParsedFile
from validation.rules import FILE


@dataclass
class Verdict:
    files: list[ParsedFile]
    tables: dict[str, pl.DataFrame]
    problems: pl.DataFrame

    @property
    def ok(self) -> bool:
        return self.problems.height == 0

    @property
    def readable(self) -> bool:
        return all(parsed.readable for parsed in self.files)


def model_problems(parsed: ParsedFile) -> pl.DataFrame:
    """Run the table's Pandera model on a parsed file and word its failures."""
    if parsed.table is None or parsed.frame is None:
        return problems.frame()
    model = models.MODELS[parsed.table.name]
    frame = parsed.frame.select(parsed.table.column_names)
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        failures = errors.failure_cases.filter(pl.col("index").is_not_null())
    else:
        return problems.frame()
    words = pl.DataFrame(
        [
            (column, check, *models.describe(column, check))
            for column, check in failures.select("column", "check").unique().iter_rows()
        ],
        schema={"column": pl.String, "check": pl.String, "problem": pl.String, "hint": pl.String},
        orient="row",
    )
    lines = parsed.frame.select(pl.col(LINE).alias("line")).with_row_index("index")
    report = (
        failures.with_columns(pl.col("index").cast(pl.UInt32))
        .join(lines, on="index", how="left")
        .join(words, on=["column", "check"], how="left")
        .select(
            pl.lit(parsed.name).alias("file"),
            "line",
            "column",
            pl.col("failure_case").cast(pl.String).fill_null("").alias("value"),
            "problem",
            "hint",
        )
    )
    # A cell that did not parse is already reported; the model only sees its null.
    return report.join(parsed.problems, on=["line", "column"], how="anti")


def combined_tables(files: list[ParsedFile]) -> dict[str, pl.DataFrame]:
    """The typed rows of all files per table, each row tagged with its file and line."""
    parts: dict[str, list[pl.DataFrame]] = {}
    for parsed in files:
        if parsed.table is None or parsed.frame is None:
            continue
        tagged = parsed.frame.with_columns(pl.lit(parsed.name).alias(FILE))
        parts.setdefault(parsed.table.name, []).append(tagged)
    return {name: pl.concat(frames) for name, frames in parts.items()}


def validate(
    files: list[ParsedFile],
    context: Mapping[str, pl.DataFrame] | None = None,
    today: dt.date | None = None,
) -> Verdict:
    """Validate the given files against each other and the context tables they do not replace."""
    today = today or dt.date.today()
    reports = [parsed.problems for parsed in files]
    reports += [model_problems(parsed) for parsed in files]
    given = combined_tables(files)
    everything = dict(given)
    for name, frame in (context or {}).items():
        if name not in everything:
            everything[name] = frame
    names = {parsed.name for parsed in files}
    cross = rules.check(everything, today).filter(pl.col("file").is_in(list(names)))
    reports.append(cross)
    return Verdict(files, given, problems.combine(reports))
