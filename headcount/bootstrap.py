"""`headcount init`: an empty database becomes a store at the latest schema holding the curated
data as revision 1. Reads never do this (opening an empty store is refused, naming this
command); the one exception is the app's first start on the embedded default store.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from headcount import ingest, schema
from headcount.outcomes import Outcome, Refused
from headcount.store import Store, StoreNotInitialised


@dataclass(frozen=True)
class Initialised:
    """What `initialise` did (a refusal, nothing written, is ``seeded`` as `Refused`)."""

    created_schema: bool  # the database was empty and now has the schema
    seeded: Outcome | None  # None: the store already held revisions, left as it was


def initialise(url: str, *, seed: bool = True) -> Initialised:
    """Create the schema of an empty database and seed it from the curated data (``seed``:
    False leaves it without revisions, for tests that publish their own first one). A store
    already at the current schema and holding revisions is left as it is; one behind or ahead
    raises `schema.SchemaMismatch` (run `headcount upgrade`), nothing changed."""
    store = Store(url, as_is=True)
    try:
        created = store.create()
        if not created:
            with store.engine.connect() as connection:
                schema.require_current(connection, store.default)
        if not seed or store.latest_id() is not None:
            return Initialised(created, None)
        return Initialised(created, ingest.seed(store))
    finally:
        store.engine.dispose()


def open_for_app(url: str, default_store: bool) -> tuple[Store, pl.DataFrame | None]:
    """The store the app reads, opened once per process, and the curated data's problems if
    initialising it just now was refused because of them.

    Only the embedded default store is initialised here, and only when its database has no
    tables at all (so `streamlit run app.py` works on a fresh clone); any other store must be
    initialised by whoever deployed it, and an empty one raises `StoreNotInitialised`, whose
    message says how."""
    try:
        return Store(url), None
    except StoreNotInitialised:
        if not default_store or not _has_no_tables(url):
            raise
    seeded = initialise(url).seeded
    problems = seeded.problems if isinstance(seeded, Refused) else None
    return Store(url), problems


def _has_no_tables(url: str) -> bool:
    store = Store(url, as_is=True)
    try:
        return store.has_no_tables()
    finally:
        store.engine.dispose()
