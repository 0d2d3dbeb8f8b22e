"""The only core module that imports Streamlit: the shared store and cached loading.

The store (an engine and its pool) is opened once per process; reading never writes to it.
Only that first opening may initialise a store, and only the embedded default one whose database
has no tables (headcount/bootstrap.py). A loaded revision is cached by store URL and revision
id, so every session sees a newly published revision on its next rerun while unchanged revisions
are never read twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import polars as pl
import streamlit as st

from headcount import bootstrap, dataset, diff, settings
from headcount.schema import INIT, SchemaMismatch
from headcount.store import Store
from validation import problems

T = TypeVar("T")
NO_REVISION = (
    "The store holds no published revision yet, so there is nothing to show. Whoever runs "
    f"this app can load the curated data as its first revision with `{INIT}` (with --store "
    "and the store's URL when it is not the default one)."
)


def store_url() -> str:
    """$HEADCOUNT_STORE_URL, else [store] url in Streamlit secrets, else the SQLite default."""
    configured = settings.current()
    if not configured.store_is_default:
        return configured.store_url
    try:
        return str(st.secrets["store"]["url"])
    except (KeyError, FileNotFoundError, AttributeError):
        return configured.store_url


@st.cache_resource(show_spinner=False)
def _opened(url: str) -> tuple[Store, pl.DataFrame | None]:
    try:
        return bootstrap.open_for_app(url, url == settings.DEFAULT_STORE_URL)
    except SchemaMismatch as mismatch:  # nothing cached: the next run after an init or upgrade
        st.error(str(mismatch), icon=":material/database:")
        st.stop()


def _store(url: str) -> Store:
    return _opened(url)[0]


def store() -> Store:
    return _store(store_url())


# A resource, not data: st.cache_data would pickle and unpickle the whole dataset on every
# rerun of every session (seconds at millions of rows). Polars frames are never changed in
# place here, so all sessions can share one copy per revision.
@st.cache_resource(show_spinner="Loading and validating the data…", max_entries=4)
def _load(url: str, revision: int) -> dataset.Loaded:
    return dataset.load_tables(_store(url).read(revision), revision)


@st.cache_resource(show_spinner=False, max_entries=512)
def _memo(url: str, revision: int, view: str, key: str, _compute: Callable[[], T]) -> T:
    return _compute()


def per_revision(data: dataset.Dataset, view: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per published revision, view and key (e.g. the arc of a company),
    shared by all sessions. Only for pure functions of the dataset; data that did not come
    from the store (no revision) is computed every time."""
    if data.revision is None:
        return compute()
    return _memo(store_url(), data.revision, view, key, compute)


def _latest(url: str) -> tuple[int | None, pl.DataFrame]:
    """The latest revision's id. A store without revisions ends the page with what to run,
    or, when the app's first start could not seed the default store, returns no id and the
    curated data's problems."""
    the_store, refused = _opened(url)
    revision = the_store.latest_id()
    if revision is not None:
        return revision, problems.frame()
    if refused is not None and refused.height:
        return None, refused
    st.info(NO_REVISION, icon=":material/database:")
    st.stop()


def load_latest() -> dataset.Loaded:
    """The whole latest revision, validated (the pages that work across companies)."""
    url = store_url()
    revision, problems = _latest(url)
    if revision is None:
        return dataset.Loaded(None, problems)
    return _load(url, revision)


@st.cache_resource(show_spinner=False, max_entries=8)
def _catalog(url: str, revision: int) -> dataset.Catalog:
    return dataset.Catalog.from_counts(_store(url).catalog(revision), revision)


def latest_catalog() -> tuple[dataset.Catalog | None, pl.DataFrame]:
    """The companies, bases and dates of the latest revision, counted by the database; or,
    when the app's first start could not seed the default store, the curated data's problems."""
    url = store_url()
    revision, problems = _latest(url)
    if revision is None:
        return None, problems
    return _catalog(url, revision), problems


# Published revisions passed the validation gate as a whole; one company's rows are checked
# again as they are read (they may have been written past the gate). Only if they fail is the
# whole revision validated, so the report names lines of `headcount export`'s files.
@st.cache_resource(show_spinner=False, max_entries=256)
def _company(url: str, revision: int, company: str) -> dataset.Loaded:
    part = dataset.load_tables(_store(url).read_company(company, revision), revision)
    if part.ok:
        return part
    whole = _load(url, revision)
    return whole if not whole.ok else part


def load_company(revision: int, company: str) -> dataset.Loaded:
    """One company's rows of a revision (with every source and framing), validated."""
    return _company(store_url(), revision, company)


# Revisions never change, so neither does what differs between two of them.
@st.cache_resource(show_spinner="Comparing the revisions…", max_entries=16)
def _changes(url: str, older: int, newer: int) -> dict[str, diff.TableDiff]:
    return _store(url).changes(older, newer)


def revision_changes(older: int, newer: int) -> dict[str, diff.TableDiff]:
    """What differs between two revisions, read from the store as the change itself."""
    return _changes(store_url(), older, newer)
