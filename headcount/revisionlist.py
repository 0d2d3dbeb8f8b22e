"""The History page's words for revisions: the list, newest first, and the rollback choices."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from headcount import share
from headcount.labels import day
from headcount.reads import Revision

NOTE_CHARS = 40  # of a note in a rollback choice: enough to recognise it in a list


def table(
    revisions: Sequence[Revision], url: str | None = None, company: str | None = None
) -> pl.DataFrame:
    """One row per revision, newest first: who published what when, on which revision, and
    how many rows of each table it holds; given a ``company``, a ``view`` column links to its
    arc as each revision holds it, in the app that serves ``url``."""
    rows = pl.DataFrame(
        [
            {
                "revision": r.id,
                # The first revision was seeded from the curated files; no revision before it.
                "based on": f"revision {r.parent_id}" if r.parent_id else "first revision",
                "published (UTC)": f"{day(r.created_at)}, {r.created_at:%H:%M}",
                "author": r.author,
                "note": r.note,
                **{f"{name} rows": count for name, count in sorted(r.counts.items())},
                # Warnings the publisher saw in the review and published anyway.
                "acknowledged": r.acknowledged.summary() if r.acknowledged else "",
            }
            for r in reversed(revisions)
        ]
    )
    if company is None:
        return rows
    views = [share.arc_link(url, company, r.id) for r in reversed(revisions)]
    # Beside the revision's number, where a reader of a wide table still sees it.
    return rows.insert_column(1, pl.Series("view", views, pl.String))


def choice(revision: Revision) -> str:
    """A revision as the rollback picker lists it: its number, day and the start of its note."""
    return f"{revision.id} ({day(revision.created_at)}, {_start(revision.note)})"


def _start(note: str) -> str:
    """The note's first words, cut between words with an ellipsis when it is long."""
    if len(note) <= NOTE_CHARS:
        return note
    cut = note[:NOTE_CHARS].rsplit(" ", 1)[0] or note[:NOTE_CHARS]
    return cut.rstrip(" ,.;:") + "…"
