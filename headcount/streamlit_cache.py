"""The only core module that imports Streamlit: the shared store and cached loading.

The store (an engine and its pool) is one per process. A loaded revision is cached by store URL
and revision id, so every session sees a newly published revision on its next rerun while
unchanged revisions are never read twice.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from headcount import dataset, ingest
from headcount.store import STORE_ENV, Store, default_url

T = TypeVar("T")


def store_url() -> str:
    """$HEADCOUNT_STORE_URL, else [store] url in Streamlit secrets, else the SQLite default."""
    if os.environ.get(STORE_ENV):
        return default_url()
    try:
        return str(st.secrets["store"]["url"])
    except (KeyError, FileNotFoundError, AttributeError):
        return default_url()


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


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


def load_latest() -> dataset.Loaded:
    """The latest revision, validated; a new store is first seeded from data/curated (not
    cached, so a corrected curated folder is picked up on the next run)."""
    url = store_url()
    the_store = _store(url)
    revision = the_store.latest_id()
    if revision is None:
        problems = ingest.seed(the_store)
        if problems.height:
            return dataset.Loaded(None, problems)
        revision = the_store.latest_id()
    return _load(url, revision)
