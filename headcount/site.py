"""The site: one object per process (as Datasette has one) holding the settings, the opened
store and the per-revision reads with their cache. The pages, embeds, downloads and the data
API reach data only through it, so they always read the same store, and a revision is read
and validated once for all of them.

app.py's server builds it from the environment and Streamlit's secrets
(ui/server.py, `site`); the command line builds one from ``--store``
(`for_store`). Nothing here imports Streamlit.

Every per-revision value is keyed by the store's identity as well as the revision's number: a
store that was reset and published again has a revision 2 with other rows, and neither the
cache nor an HTTP cache (the API's ETags) may take one for the other.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Hashable
from dataclasses import replace
from functools import lru_cache
from typing import TypeVar

import polars as pl

from headcount import bootstrap, dataset, diff, settings
from headcount.memo import Memo
from headcount.reads import Revision
from headcount.settings import Settings
from headcount.store import Store

T = TypeVar("T")
# The data API's cache of encoded answers: at most this many, weighing this much together
# (one company's observations as CSV are ~80 kB with the curated data).
BODY_ENTRIES = 1024
BODY_BYTES = 64 * 2**20


class Site:
    """The settings, the opened store and the per-revision reads of one process."""

    def __init__(self, settings: Settings, *, may_seed: bool = True) -> None:
        """``may_seed``: the app's first opening of the embedded default store may create and
        seed it (headcount/bootstrap.py); the command line's never does (`headcount init`)."""
        self.settings = settings
        self.may_seed = may_seed
        self._identity = ""
        self._opening = threading.Lock()
        self._opened: tuple[Store, pl.DataFrame | None] | None = None
        # Sizes as the pages' caches had them: a whole revision is large, a company small.
        self._revisions: Memo[dataset.Loaded] = Memo(4)
        self._catalogs: Memo[dataset.Catalog] = Memo(8)
        self._companies: Memo[dataset.Loaded] = Memo(256)
        self._changes: Memo[dict[str, diff.TableDiff]] = Memo(16)
        self._views: Memo[object] = Memo(512)
        # The data API's encoded answers (headcount/api.py): bytes, so bounded by their size.
        self._bodies: Memo[bytes] = Memo(BODY_ENTRIES, weigh=len, max_weight=BODY_BYTES)

    @property
    def url(self) -> str:
        return self.settings.store_url

    # The store -------------------------------------------------------------------------

    def _open(self) -> tuple[Store, pl.DataFrame | None]:
        # Opened once; a failure (an empty store given by URL, a schema behind) is not kept,
        # so the next request after `headcount init` or `upgrade` opens it.
        with self._opening:
            if self._opened is None:
                if self.may_seed:
                    seeding_default = self.settings.store_is_default
                    self._opened = bootstrap.open_for_app(self.url, seeding_default)
                else:
                    self._opened = (Store(self.url), None)
            return self._opened

    @property
    def store(self) -> Store:
        return self._open()[0]

    def seeding_problems(self) -> pl.DataFrame | None:
        """The curated data's problems when this process's first start could not seed the
        embedded default store with it (None: it was not refused)."""
        return self._open()[1]

    def latest_id(self) -> int | None:
        """The latest revision's number. Each page run and API request asks this first, so
        the store's identity is read again here (in the same query): the reads after it use
        it."""
        latest, first = self.store.latest_and_first()
        # Revision 1 is always the first; without it, this is a store being reset.
        self._identity = _identity(first) if latest is not None and first is not None else ""
        return latest

    def identity(self) -> str:
        """Which store this is, as of the last `latest_id`: made from its first revision's
        record (when and what `headcount init` published), so a store reset and seeded again
        is another store. Empty while the store holds no revision."""
        return self._identity

    # Per-revision reads, shared by every session and request ---------------------------

    def loaded(self, revision: int) -> dataset.Loaded:
        """A whole revision, validated again as it is read: nothing half-valid is shown."""
        return self._revisions.get(
            (self.identity(), revision),
            lambda: dataset.load_tables(self.store.read(revision), revision),
        )

    def has_loaded(self, revision: int) -> bool:
        """Whether `loaded` would answer from the cache (the pages then show no spinner)."""
        return (self.identity(), revision) in self._revisions

    def catalog(self, revision: int) -> dataset.Catalog:
        """The companies, bases and dates of a revision, counted by the database."""
        return self._catalogs.get(
            (self.identity(), revision),
            lambda: dataset.Catalog.from_counts(self.store.catalog(revision), revision),
        )

    def company(self, revision: int, company: str) -> dataset.Loaded:
        """One company's rows of a revision (with every source and framing), validated."""
        return self._companies.get(
            (self.identity(), revision, company), lambda: self._company(revision, company)
        )

    def _company(self, revision: int, company: str) -> dataset.Loaded:
        # Published revisions passed the gate as a whole; one company's rows are checked again
        # as they are read. Only if they fail is the whole revision validated, so the report
        # names lines of `headcount export`'s files.
        part = dataset.load_tables(self.store.read_company(company, revision), revision)
        if part.ok:
            return part
        whole = self.loaded(revision)
        return whole if not whole.ok else part

    def changes(self, older: int, newer: int) -> dict[str, diff.TableDiff]:
        """What differs between two revisions (revisions never change, so neither does this)."""
        return self._changes.get(
            (self.identity(), older, newer), lambda: self.store.changes(older, newer)
        )

    def per_revision(self, revision: int, view: str, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per revision, view and key (e.g. the arc of a company). Only for
        pure functions of the revision's data."""
        value = self._views.get((self.identity(), revision, view, key), compute)
        return value  # type: ignore[return-value]

    def body(self, revision: int, key: Hashable, compute: Callable[[], bytes]) -> bytes:
        """``compute()``, an encoded answer of the data API (the key says to what), once per
        revision while it stays among the most recently used that fit the cache's bounds."""
        return self._bodies.get((self.identity(), revision, key), compute)


def _identity(first: Revision) -> str:
    made = f"{first.created_at.isoformat()}|{sorted(first.hashes.items())}"
    return hashlib.sha256(made.encode()).hexdigest()[:16]


@lru_cache(maxsize=8)
def for_settings(settings: Settings) -> Site:
    """The one site of these settings in this process (settings are read again only by tests
    that change them, which then get the site of the new settings)."""
    return Site(settings)


def for_store(url: str | None) -> Site:
    """The command line's site: the store named by ``--store``, else the configured one
    (the environment: the command line has no Streamlit secrets). It never seeds a store."""
    configured = settings.current()
    return Site(replace(configured, store_url=url) if url else configured, may_seed=False)
