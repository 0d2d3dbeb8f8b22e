"""WARN notices of a company in a window of days: the claim check's third number.

A notice given by two sources is two rows of notices.csv (each cited); here it is one notice
with both sources, so no worker is counted twice. A notice is the same when company, state,
day filed, workers and site agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from headcount import citations
from headcount.labels import day

NOTICE_KEY = ("company", "state", "filed", "workers", "site")
# No notices at all (a claim checked without the table).
NONE = pl.DataFrame(
    schema={
        "company": pl.String,
        "state": pl.String,
        "filed": pl.Date,
        "workers": pl.Float64,
        "site": pl.String,
        "cause": pl.String,
        "source_id": pl.String,
    }
)


@dataclass(frozen=True)
class Window:
    """The days whose notices are set beside a claim, and how they are said."""

    start: dt.date
    end: dt.date

    def words(self) -> str:
        return f"{day(self.start)} to {day(self.end)}"


@dataclass(frozen=True)
class Notices:
    """The distinct notices of one company filed within a window."""

    window: Window
    rows: pl.DataFrame  # one row per notice: NOTICE_KEY, cause, source_ids

    @property
    def count(self) -> int:
        return self.rows.height

    @property
    def workers(self) -> int:
        return int(self.rows.get_column("workers").sum())

    @property
    def source_ids(self) -> tuple[str, ...]:
        ids = self.rows.get_column("source_ids").explode().drop_nulls().to_list()
        return tuple(dict.fromkeys(ids))

    def states(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.rows.get_column("state").to_list())))

    def causes(self) -> dict[str, int]:
        """Each cause as the forms give it, verbatim, with the notices that give it."""
        given = self.rows.get_column("cause").drop_nulls().to_list()
        return {cause: given.count(cause) for cause in dict.fromkeys(given)}

    def words(self, name: Callable[[Sequence[str]], str] = lambda ids: "") -> str:
        """'2 notices, 73 workers (CA, NY); the form's cause: "…" (1 notice), according to
        <publishers>' (``name``: citations.named, never ids), or that the data holds none in
        the window."""
        if not self.count:
            return f"none in the data for {self.window.words()}"
        said = (
            f"{self.count} notice{'s' if self.count != 1 else ''}, {self.workers:,} worker"
            f"{'s' if self.workers != 1 else ''} ({', '.join(self.states())}), filed "
            f"{self.window.words()}"
        )
        causes = "; ".join(
            f"\u201c{cause}\u201d ({n} notice{'s' if n != 1 else ''})"
            for cause, n in self.causes().items()
        )
        if causes:
            said += f"; cause on the form: {causes}"
        who = name(self.source_ids)
        return f"{said}, according to {who}" if who else said


def distinct(notices: pl.DataFrame) -> pl.DataFrame:
    """One row per notice, with every source that gives it, in the order filed."""
    return (
        notices.sort("source_id")
        .group_by(list(NOTICE_KEY), maintain_order=True)
        .agg(
            pl.col("cause").drop_nulls().first(),
            pl.col("source_id").alias("source_ids"),
        )
        .sort("filed", "state", "site", nulls_last=True)
    )


def within(notices: pl.DataFrame, company: str, window: Window) -> Notices:
    """The notices of ``company`` filed from the window's first day to its last."""
    mine = notices.filter(
        (pl.col("company") == company) & pl.col("filed").is_between(window.start, window.end)
    )
    return Notices(window, distinct(mine))


def listed(notices: pl.DataFrame, company: str, sources: pl.DataFrame) -> pl.DataFrame:
    """A company's notices as the page lists them: one row per notice, days as people write
    them, whole workers, the cause verbatim or that the form gives none, and who reports it
    (its sources' publishers)."""
    rows = distinct(notices.filter(pl.col("company") == company))
    return rows.select(
        pl.col("filed").map_elements(day, return_dtype=pl.String),
        "state",
        pl.col("workers").cast(pl.Int64),
        pl.col("site").fill_null("not given"),
        pl.col("cause").fill_null("none on the form"),
        pl.col("source_ids")
        .map_elements(lambda ids: citations.named(list(ids), sources), return_dtype=pl.String)
        .alias("sources"),
    )
