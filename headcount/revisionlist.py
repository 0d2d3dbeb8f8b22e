"""The History page's words for revisions: the list, newest first, and the rollback choices."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from headcount.labels import day
from headcount.reads import Revision

NOTE_CHARS = 40  # of a note in a rollback choice: enough to recognise it in a list


def table(revisions: Sequence[Revision]) -> pl.DataFrame:
    """One row per revision, newest first: who published what when, on which revision, and
    how many rows of each table it holds."""
    return pl.DataFrame(
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


def choice(revision: Revision) -> str:
    """A revision as the rollback picker lists it: its number, day and the start of its note."""
    return f"{revision.id} ({day(revision.created_at)}, {_start(revision.note)})"


def _start(note: str) -> str:
    """The note's first words, cut between words with an ellipsis when it is long."""
    if len(note) <= NOTE_CHARS:
        return note
    cut = note[:NOTE_CHARS].rsplit(" ", 1)[0] or note[:NOTE_CHARS]
    return cut.rstrip(" ,.;:") + "…"
