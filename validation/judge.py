"""The one judge of an upload. `headcount validate`, `headcount publish` and the Upload page all
ask it, so they always agree: a file `validate` calls valid is never refused by `publish` for
its content, and the other way round.

    judge(uploaded, published, mode="upsert", today=None) -> Verdict

``uploaded`` are the parsed files (validation/parse.py, validation/excel.py); ``published`` the
tables of the revision they would change (None or {}: nothing published yet), each row tagged
with ``_file`` and ``_line`` where it stands in that revision's export (headcount/ingest.py
`tagged`); untagged tables are tagged here as ``observations.csv (published)`` by row order.

The verdict holds the problems that refuse the upload and, apart, the warnings that do not
(an analyst reads and acknowledges them): checks that only warn, given the uploaded and the
published tables, join `WARNING_CHECKS`.

Order: the two-files rule of a replace, then the gate (validation/gate.py: parse problems, the
column checks, the cross-table rules across the published tables as the upload leaves them,
validation/merge.py `whole`: in add-and-update mode an uploaded table adds to the published
one, so a workbook's old sources sheet does not hide a source published since), then the
published rows the upload leaves behind: replacing the sources must not strand a published
row that cites a source it drops.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from validation import gate, merge, problems, warning_checks
from validation.merge import Mode
from validation.parse import LINE, ParsedFile
from validation.rules import FILE

# A check that warns: (uploaded typed tables, published tables, the upload's distinct values
# where known: merge.Known) -> problems, none refusing.
WarningCheck = Callable[
    [Mapping[str, pl.DataFrame], Mapping[str, pl.DataFrame], merge.Known], pl.DataFrame
]
# The evidence check and plausibility, on the rows the upload adds or changes.
WARNING_CHECKS: tuple[WarningCheck, ...] = (warning_checks.review,)


NO_PROBLEMS = problems.frame  # (the name `problems` is a field below)


@dataclass(frozen=True)
class Verdict:
    files: list[ParsedFile]
    uploaded: dict[str, pl.DataFrame]  # the typed rows of the upload per table, tagged
    proposed: dict[str, pl.DataFrame]  # the published tables after the upload ({}: refused)
    problems: pl.DataFrame  # each refuses the upload
    warnings: pl.DataFrame = field(default_factory=NO_PROBLEMS)  # none refuses it

    @property
    def ok(self) -> bool:
        """Nothing refuses the upload (and there was something to judge)."""
        return self.problems.height == 0 and bool(self.proposed)

    @property
    def readable(self) -> bool:
        return all(parsed.readable for parsed in self.files)


def judge(
    uploaded: Sequence[ParsedFile],
    published: Mapping[str, pl.DataFrame] | None,
    mode: Mode = "upsert",
    today: dt.date | None = None,
) -> Verdict:
    """The upload's verdict against the published tables: what would be published, or why not."""
    files = list(uploaded)
    today = today or dt.date.today()
    current = _tagged(published or {})
    twice = _two_files_for_one_table(files) if mode == "replace" else problems.frame()
    if twice.height:
        return Verdict(files, {}, {}, twice)
    verdict = gate.validate(files, context=current, today=today, mode=mode)
    if not verdict.ok or not files:
        return Verdict(files, verdict.tables, {}, verdict.problems)
    if verdict.left_behind.height:  # published rows the upload strands, at their lines
        return Verdict(files, verdict.tables, {}, verdict.left_behind)
    known = verdict.known
    proposed = merge.apply(_untagged(current), _untagged(verdict.tables), mode, known)
    warned = problems.combine([check(verdict.tables, current, known) for check in WARNING_CHECKS])
    return Verdict(files, verdict.tables, proposed, problems.frame(), warned)


def _two_files_for_one_table(files: list[ParsedFile]) -> pl.DataFrame:
    """Replacing a table from two files would keep only one of them: refused, naming both."""
    names = [parsed.table.name for parsed in files if parsed.table is not None]
    twice = sorted({name for name in names if names.count(name) > 1})
    return problems.frame(
        [
            problems.of("upload.two_files_for_table", parsed.name, 0, table=name)
            for parsed in files
            for name in twice
            if parsed.table is not None and parsed.table.name == name
        ]
    )


def _tagged(published: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Published tables with a file and line on every row (kept when the caller gave them)."""
    tagged = {}
    for name, frame in published.items():
        if FILE not in frame.columns:
            frame = frame.with_columns(pl.lit(f"{name}.csv (published)").alias(FILE))
        if LINE not in frame.columns:
            frame = frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(LINE))
        tagged[name] = frame
    return tagged


def _untagged(tables: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    return {name: frame.drop(LINE, FILE) for name, frame in tables.items()}
