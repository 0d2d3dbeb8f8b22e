"""What a publish, a rollback or seeding came to, as a value: published (the new revision) or
refused with the reason, nothing written. Expected outcomes are returned, never raised; a
fault of the store (a full disk, a lost server) still raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from headcount.reads import Revision

RefusalKind = Literal[
    "conflict",  # another revision was published after the one the change was based on
    "nothing_to_publish",  # the change is empty
    "invalid",  # the data did not pass validation (the problems say where and why)
    "not_empty",  # seeding a store that already holds revisions
    "words",  # the note or author cannot be shown (control characters) or is too long
    "unacknowledged",  # the review shows warnings and the publisher did not acknowledge them
]


@dataclass(frozen=True)
class Published:
    revision: Revision


@dataclass(frozen=True)
class Refused:
    reason: str  # in words, for the person who asked
    kind: RefusalKind
    # The validation problems of an 'invalid' refusal (problem rows, as validation reports them).
    problems: pl.DataFrame | None = field(default=None, compare=False)


Outcome = Published | Refused
