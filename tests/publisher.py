"""A publishing process for the crash and race tests (tests/test_crashes.py forks it with
``serve``), driven line by line over a pipe.

Commands (one per line), each answered by one line:
- ``prepare TAG``: read the latest revision and prepare a change that adds one observation
  tagged TAG; answers ``ready BASE``.
- ``prepare-bulk ROWS``: read the latest revision and prepare a large change: add ROWS
  generated observations if they are absent, remove them if present; answers ``ready BASE``.
- ``go``: publish what was prepared; answers ``won REVISION`` or ``refused MESSAGE``.

Imports and the store connection happen once, before ``ready``, so a ``go`` sent to several
processes at once starts their publishes together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection

import polars as pl

from headcount import diff
from headcount.outcomes import Refused
from headcount.store import Store

BULK_COMPANY = "Crash Test Co"


def serve(url: str, connection: Connection) -> None:
    """The same publisher, reading its commands from and answering on ``connection``."""

    def commands() -> Iterable[str]:
        while True:
            try:
                yield connection.recv()
            except EOFError:
                return

    run(url, commands(), connection.send)


def run(url: str, commands: Iterable[str], say: Callable[[str], object]) -> None:
    store = Store(url)
    prepared: tuple[dict, dict, int | None] | None = None
    say("started")
    for line in commands:
        command, _, argument = line.strip().partition(" ")
        if command == "prepare":
            prepared = _one_row(store, argument)
        elif command == "prepare-bulk":
            prepared = _bulk(store, int(argument))
        elif command == "go" and prepared is not None:
            tables, changes, base = prepared
            outcome = store.publish(tables, changes, base, "crash-test", "race")
            if isinstance(outcome, Refused):
                say(f"refused {outcome.reason}")
            else:
                say(f"won {outcome.revision.id}")
            continue
        elif command == "exit":
            return
        else:
            say(f"unknown {command}")
            continue
        say(f"ready {prepared[2]}")


def _one_row(store: Store, tag: str) -> tuple[dict, dict, int | None]:
    base = store.latest_id()
    current = store.read(base)
    row = (
        current["observations"]
        .head(1)
        .with_columns(
            pl.lit(f"race {tag}").alias("basis"), pl.lit(f"published by {tag}").alias("note")
        )
    )
    proposed = {**current, "observations": pl.concat([current["observations"], row])}
    return proposed, diff.diff(current, proposed), base


def _bulk(store: Store, rows: int) -> tuple[dict, dict, int | None]:
    base = store.latest_id()
    current = store.read(base)
    observations = current["observations"]
    present = observations.filter(pl.col("company") == BULK_COMPANY)
    if present.height:
        changed = observations.filter(pl.col("company") != BULK_COMPANY)
    else:
        template = observations.head(1)
        extra = pl.concat([template] * rows).with_columns(
            pl.lit(BULK_COMPANY).alias("company"),
            pl.format("bulk row {}", pl.int_range(rows)).alias("basis"),
        )
        changed = pl.concat([observations, extra])
    proposed = {**current, "observations": changed}
    return proposed, diff.diff(current, proposed), base
