"""An upload, from files to a reviewable proposal: parse, validate against the current revision,
merge or replace, validate the result as a whole, and diff it against what is published.

The proposal remembers the revision it was based on; publishing it writes exactly its diff, or
is refused when someone else published in between.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from headcount import diff, settings
from headcount.dataset import in_export_order, load_curated, revision_label
from headcount.outcomes import Outcome, Refused
from headcount.reads import Acknowledged
from headcount.store import Store
from validation import excel, judge, problems, warning_checks
from validation.parse import ParsedFile
from validation.rules import FILE
from validation.tables import TABLES


def tagged(tables: dict[str, pl.DataFrame], revision: int | None) -> dict[str, pl.DataFrame]:
    """Published tables with the file and line each row has in the revision's export, so
    rules can point at published rows too."""
    return {
        name: in_export_order(name, frame).with_columns(
            pl.lit(revision_label(revision, name)).alias(FILE)
        )
        for name, frame in tables.items()
    }


@dataclass(frozen=True)
class Proposal:
    """The judge's verdict on an upload (validation/judge.py: what would be published, or why
    not, and the warnings publishing must acknowledge) against revision `base`, and the change
    it makes to it."""

    base: int | None
    mode: diff.Mode
    current: dict[str, pl.DataFrame]
    verdict: judge.Verdict
    changes: dict[str, diff.TableDiff] = field(default_factory=dict)

    @property
    def files(self) -> list[ParsedFile]:
        return self.verdict.files

    @property
    def proposed(self) -> dict[str, pl.DataFrame]:
        return self.verdict.proposed

    @property
    def problems(self) -> pl.DataFrame:
        """Each refuses the upload."""
        return self.verdict.problems

    @property
    def warnings(self) -> pl.DataFrame:
        """What the review asks about without refusing (the evidence check, plausibility):
        publishing them needs an acknowledgement, recorded with the revision."""
        return self.verdict.warnings

    @property
    def ok(self) -> bool:
        return self.verdict.ok

    @property
    def readable(self) -> bool:
        return self.verdict.readable

    @property
    def empty(self) -> bool:
        return all(change.empty for change in self.changes.values())


def prepare(
    files: Sequence[ParsedFile],
    store: Store,
    mode: diff.Mode = "upsert",
    today: dt.date | None = None,
) -> Proposal:
    """Judge uploaded files against the latest revision (validation/judge.py, the judge
    `headcount validate` asks too) and say exactly what would change."""
    base = store.latest_id()
    current = store.read(base)
    if not files:
        return Proposal(base, mode, current, judge.Verdict([], {}, {}, problems.frame()))
    verdict = judge.judge(files, tagged(current, base), mode, today)
    changes = diff.diff(current, verdict.proposed) if verdict.ok else {}
    return Proposal(base, mode, current, verdict, changes)


def for_review(proposal: Proposal) -> Proposal:
    """The proposal as a session keeps it until publishing: the problems, the change and the
    proposed tables, without the typed rows of the uploaded files or the tables it was
    checked against (for a large upload, several times the file's size)."""
    files = [
        ParsedFile(parsed.name, parsed.table, None, parsed.problems, parsed.readable)
        for parsed in proposal.files
    ]
    verdict = dataclasses.replace(proposal.verdict, files=files, uploaded={})
    return dataclasses.replace(proposal, verdict=verdict, current={})


def max_upload_mb() -> float:
    """The largest upload accepted, in MB (settings: HEADCOUNT_MAX_UPLOAD_MB)."""
    return settings.current().max_upload_mb


def parse_uploads(uploads: Sequence[tuple[str, bytes]]) -> list[ParsedFile]:
    """Parse uploaded files (an .xlsx workbook gives one per sheet, validation.excel); one
    over the size limit is refused before it is read."""
    limit = max_upload_mb()
    return [
        parsed
        for name, data in uploads
        for parsed in (
            excel.parse_any(name, data)
            if len(data) <= limit * 2**20
            else [_too_large(name, data, limit)]
        )
    ]


def _too_large(name: str, data: bytes, limit: float) -> ParsedFile:
    size = f"{len(data) / 2**20:,.3g} MB"
    problem = problems.of("file.too_large", name, 0, "", size, limit=limit)
    return ParsedFile(name, problems=problems.frame([problem]), readable=False)


UNACKNOWLEDGED = (
    "The review shows {count} warning(s); nothing was written. Check each one, then publish "
    "acknowledging them ({how}): the revision records which warnings you acknowledged."
)


def publish(
    proposal: Proposal,
    store: Store,
    author: str,
    note: str,
    acknowledge: bool = False,
    how: str = "tick the acknowledgement",
) -> Outcome:
    """Write the reviewed change: `Published`, or `Refused` with nothing written (the store
    moved on since the proposal was made, the change is empty, or it has warnings that were
    not ``acknowledge``d). Acknowledged warnings are recorded with the revision, by author."""
    if not proposal.ok:
        raise ValueError("an invalid proposal cannot be published")
    seen = proposal.warnings
    if seen.height and not acknowledge:
        reason = UNACKNOWLEDGED.format(count=problems.count(seen), how=how)
        return Refused(reason, "unacknowledged", seen)
    acknowledged = (
        Acknowledged(author, tuple(warning_checks.as_acknowledged(seen))) if seen.height else None
    )
    return store.publish(
        proposal.proposed, proposal.changes, proposal.base, author, note, acknowledged
    )


def rollback(store: Store, target: int, author: str, note: str) -> Outcome:
    """Publish a new revision whose tables equal those of revision ``target`` (which must
    exist: KeyError otherwise); refused if nothing would change or the store moved on."""
    base = store.latest_id()
    wanted = store.read(target)
    changes = diff.diff(store.read(base), wanted)
    return store.publish(wanted, changes, base, author, note)


SEED_AUTHOR = "data/curated"
SEED_NOTE = "The curated dataset shipped with the app"


def seed(store: Store) -> Outcome:
    """Make revision 1 from the curated data (settings: HEADCOUNT_CURATED_DIR). Refused,
    nothing written, when the store already holds a revision ('not_empty'; also when another
    process seeded it first) or the curated data is invalid ('invalid', with its problems)."""
    if store.latest_id() is not None:
        return Refused("The store already holds revisions; nothing was written.", "not_empty")
    loaded = load_curated()
    if loaded.dataset is None:
        return Refused(
            "The curated data did not pass validation; nothing was written.",
            "invalid",
            loaded.problems,
        )
    tables = {name: getattr(loaded.dataset, name) for name in TABLES}
    outcome = store.publish(tables, diff.diff({}, tables), None, SEED_AUTHOR, SEED_NOTE)
    if isinstance(outcome, Refused) and outcome.kind == "conflict":
        # Another process seeded first: its revision 1 is the same data.
        return Refused("Another process seeded the store first; nothing was written.", "not_empty")
    return outcome
