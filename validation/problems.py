"""Problems as data: one row per thing a person must fix, with where, what and how.

A problem report is a Polars frame with the columns of ``PROBLEM_SCHEMA``; ``code`` is the
stable code of the problem's kind in ``validation.catalogue``, which also words it; ``line``
counts the lines of the file as a text editor does (the header is line 1, 0 means the whole
file).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

import polars as pl

from validation import catalogue

PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "code": pl.String(),
    "file": pl.String(),
    "line": pl.Int64(),
    "column": pl.String(),
    "value": pl.String(),
    "problem": pl.String(),
    "hint": pl.String(),
}
PROBLEM_COLUMNS: tuple[str, ...] = tuple(PROBLEM_SCHEMA)
# A kind of problem: the same thing wrong in the same column, in any file of the upload. A
# person fixes a kind once, so listing its first few rows is enough; listing 14 million of them
# (a junk file) took 4 GB of server memory. The rest of a kind is one summary row, with the
# kind's code. Not per file: a workbook of 5,000 sheets (each a file of the report) gave 5,000
# rows of one kind.
KIND: tuple[str, ...] = ("column", "code", "problem")
PER_KIND_ENV = "HEADCOUNT_PROBLEMS_PER_KIND"
DEFAULT_PER_KIND = 50
# A cell's value is shown to identify it, not to be read whole: a 400,000-character cell would
# otherwise be copied into every report, table and download of it.
MAX_VALUE_CHARS = 200


@dataclass(frozen=True)
class Problem:
    code: str
    file: str
    line: int
    column: str
    value: str
    problem: str
    hint: str


def of(
    code: str,
    file: str,
    line: int,
    column: str = "",
    value: str = "",
    variant: str | None = None,
    /,
    **fields: object,
) -> Problem:
    """One problem of the catalogue's ``code``, worded from its templates and ``fields``."""
    what, hint = catalogue.words(code, variant, **fields)
    return Problem(code, file, line, column, value, what, hint)


def frame(problems: list[Problem] | tuple[Problem, ...] = ()) -> pl.DataFrame:
    """A problem report from individual problems (the empty report when there are none)."""
    return pl.DataFrame([asdict(p) for p in problems], schema=PROBLEM_SCHEMA, orient="row")


def detached(rows: pl.DataFrame) -> pl.DataFrame:
    """A copy that shares no memory with the frame its rows were filtered from. Polars lets a
    few filtered rows keep the whole source's string buffers alive: 300 problems kept 400 MB
    of a junk file's cells (and with it the session that holds the report)."""
    return pl.DataFrame(rows.to_dict(as_series=False), schema=rows.schema)


def per_kind() -> int:
    """How many problems of one kind a report lists (HEADCOUNT_PROBLEMS_PER_KIND, at least 1)."""
    try:
        return max(1, int(os.environ.get(PER_KIND_ENV) or DEFAULT_PER_KIND))
    except ValueError:
        return DEFAULT_PER_KIND


def shortened(value: str | None) -> str | None:
    """A value cut to MAX_VALUE_CHARS, saying how long the whole cell was. A value already
    cut (it is a little longer than the limit) is left as it is."""
    if value is None or len(value) <= MAX_VALUE_CHARS + 40:
        return value
    return f"{value[:MAX_VALUE_CHARS]}… ({len(value):,} characters)"


MORE = r"^and ([\d,]+) more of the same kind: "


def count(report: pl.DataFrame) -> int:
    """How many problems a capped report stands for: its rows plus the rest it counts."""
    more = report.select(
        pl.col("problem").str.extract(MORE).str.replace_all(",", "").cast(pl.Int64).sum()
    ).item()
    return report.height + (more or 0) - report.filter(pl.col("problem").str.contains(MORE)).height


def summarised(report: pl.DataFrame) -> bool:
    """Whether a report counts the rest of some kind in one row instead of listing it."""
    return report.select(pl.col("problem").str.contains(MORE).any()).item() is True


def more_row(
    code: str, file: str, line: int, column: str, more: int, problem: str, limit: int
) -> Problem:
    """The row that stands for the unlisted rest of a kind, on the line where the rest start;
    it keeps the kind's code."""
    return Problem(
        code,
        file,
        line,
        column,
        "",
        catalogue.MORE_PROBLEM.format(more=more, problem=problem),
        catalogue.MORE_HINT.format(limit=limit),
    )


def capped(
    report: pl.DataFrame, limit: int | None = None, totals: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The first ``limit`` problems of each kind (in line order), and for a kind with more,
    one row that says how many more there are and from where they start. A report that
    already holds such rows (reports of several files, each capped) is capped as a whole:
    their counts join the kind's.

    ``totals`` (columns problem, len) gives the true count per problem when the report of one
    file and column holds only the first ``limit`` + 1 rows of each kind.
    """
    limit = per_kind() if limit is None else limit
    if report.height <= limit and totals is None:
        return report
    summarised = pl.col("problem").str.contains(MORE)
    earlier = report.filter(summarised).with_columns(
        pl.col("problem").str.extract(MORE).str.replace_all(",", "").cast(pl.Int64).alias("more"),
        pl.col("problem").str.replace(MORE, ""),
    )
    rank = pl.int_range(pl.len()).over(KIND)
    ranked = (
        report.filter(~summarised)
        .sort("line", maintain_order=True)
        .with_columns(rank.alias("_rank"))
    )
    kept = ranked.filter(pl.col("_rank") < limit).drop("_rank")
    unlisted = ranked.filter(pl.col("_rank") >= limit).with_columns(
        pl.lit(1, pl.Int64).alias("more")
    )
    if totals is not None:
        unlisted = (
            unlisted.group_by(KIND, maintain_order=True)
            .agg(pl.col("file", "line").first())
            .join(
                totals.select("problem", (pl.col("len") - limit).cast(pl.Int64).alias("more")),
                on="problem",
            )
        )
    columns = [*KIND, "file", "line", "more"]
    rest = (
        pl.concat([unlisted.select(columns), earlier.select(columns)])
        .group_by(KIND, maintain_order=True)
        .agg(pl.col("file", "line").first(), pl.col("more").sum())
    )
    summary = [
        more_row(
            row["code"], row["file"], row["line"], row["column"], row["more"], row["problem"], limit
        )
        for row in rest.iter_rows(named=True)
    ]
    return pl.concat([kept, frame(summary)])


def combine(reports: list[pl.DataFrame]) -> pl.DataFrame:
    """One report, ordered by file and line so a person can walk through it top to bottom;
    each kind capped and each value shortened, so the report stays small whatever the file."""
    reports = [
        capped(r.select(PROBLEM_COLUMNS).cast(pl.Schema(PROBLEM_SCHEMA)))
        for r in reports
        if r.height
    ]
    if not reports:
        return frame()
    # Capped again as one: the cap is per upload, whatever the number of files or sheets.
    whole = capped(pl.concat(reports)) if len(reports) > 1 else reports[0]
    report = detached(whole.sort(["file", "line", "column"], maintain_order=True))
    return report.with_columns(
        pl.Series("value", [shortened(v) for v in report["value"]], dtype=pl.String)
    )


def as_records(report: pl.DataFrame) -> list[dict[str, object]]:
    return report.select(PROBLEM_COLUMNS).to_dicts()


class Tally:
    """Problems collected as they are found, at most ``limit`` per file and code; the rest
    only counted, as one row per file and code that says what they are in the catalogue's
    words for the kind. For warnings, whose words name their figures (so the words cannot
    tell their kind, as ``capped`` needs), and whose checks run row by row: a junk upload of
    a million rows keeps 50 problems, not a million."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = per_kind() if limit is None else limit
        self.kept: list[Problem] = []
        self.seen: dict[tuple[str, str], int] = {}
        self.rest: dict[tuple[str, str], tuple[int, str]] = {}  # first line and column

    def add(self, problem: Problem) -> None:
        key = (problem.file, problem.code)
        count = self.seen.get(key, 0)
        self.seen[key] = count + 1
        if count < self.limit:
            self.kept.append(problem)
        elif key not in self.rest or problem.line < self.rest[key][0]:
            self.rest[key] = (problem.line, problem.column)

    def frame(self) -> pl.DataFrame:
        summary = [
            more_row(
                code,
                file,
                line,
                column,
                self.seen[(file, code)] - self.limit,
                catalogue.CATALOGUE[code].kind,
                self.limit,
            )
            for (file, code), (line, column) in self.rest.items()
        ]
        return frame([*self.kept, *summary])
