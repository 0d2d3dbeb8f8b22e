"""Problems as data: one row per thing a person must fix, with where, what and how.

A problem report is a Polars frame with the columns of ``PROBLEM_SCHEMA``; ``line`` counts the
lines of the file as a text editor does (the header is line 1, 0 means the whole file).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import polars as pl

PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "line": pl.Int64(),
    "column": pl.String(),
    "value": pl.String(),
    "problem": pl.String(),
    "hint": pl.String(),
}
PROBLEM_COLUMNS: tuple[str, ...] = tuple(PROBLEM_SCHEMA)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    value: str
    problem: str
    hint: str


def frame(problems: list[Problem] | tuple[Problem, ...] = ()) -> pl.DataFrame:
    """A problem report from individual problems (the empty report when there are none)."""
    return pl.DataFrame([asdict(p) for p in problems], schema=PROBLEM_SCHEMA, orient="row")


def combine(reports: list[pl.DataFrame]) -> pl.DataFrame:
    """One report, ordered by file and line so a person can walk through it top to bottom."""
    reports = [r.select(PROBLEM_COLUMNS).cast(PROBLEM_SCHEMA) for r in reports if r.height]
    if not reports:
        return frame()
    return pl.concat(reports).sort(["file", "line", "column"], maintain_order=True)


def as_records(report: pl.DataFrame) -> list[dict[str, object]]:
    return report.select(PROBLEM_COLUMNS).to_dicts()
