"""The server's one site (headcount/site.py), built from the environment and Streamlit's
secrets, and the pages' ways into it: the Streamlit side of the store, so the core
(headcount/) never imports Streamlit.

The pages, embeds, downloads and the data API (app.py hands it `site`) all read through the
same site, so they show the same store, and each revision is read and validated once per
process for all of them. A session sees a newly published revision on its next rerun.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TypeVar

import polars as pl
import streamlit as st

from headcount import dataset, diff, settings
from headcount.schema import INIT, SchemaMismatch
from headcount.site import Site, for_settings
from headcount.store import Store
from validation import problems

T = TypeVar("T")
NO_REVISION = (
    "The store holds no published revision yet, so there is nothing to show. Whoever runs "
    f"this app can load the curated data as its first revision with `{INIT}` (with --store "
    "and the store's URL when it is not the default one)."
)


def _secrets() -> Mapping[str, object]:
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, OSError):  # no secrets file: nothing is configured there
        return {}


def site() -> Site:
    """This process's site: the store named by $HEADCOUNT_STORE_URL, else by ``[store] url``
    in Streamlit's secrets, else the embedded default (headcount/settings.py decides)."""
    import os

    return for_settings(settings.from_environment(os.environ, _secrets()))


def store_url() -> str:
    return site().url


def _opened() -> Site:
    """The site, its store opened; a store whose schema is not this version's ends the page
    with what to run (nothing is kept: the next run after an upgrade opens it)."""
    the_site = site()
    try:
        the_site.store  # noqa: B018 - opening is the point
    except SchemaMismatch as mismatch:
        st.error(str(mismatch), icon=":material/database:")
        st.stop()
    return the_site


def store() -> Store:
    return _opened().store


def per_revision(data: dataset.Dataset, view: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per published revision, view and key (e.g. the arc of a company),
    shared by all sessions. Only for pure functions of the dataset; data that did not come
    from the store (no revision) is computed every time."""
    if data.revision is None:
        return compute()
    return site().per_revision(data.revision, view, key, compute)


def latest_revision() -> tuple[int | None, pl.DataFrame]:
    """The latest revision's id. A store without revisions ends the page with what to run, or,
    when the app's first start could not seed the default store, returns no id and the curated
    data's problems."""
    the_site = _opened()
    revision = the_site.latest_id()
    if revision is not None:
        return revision, problems.frame()
    refused = the_site.seeding_problems()
    if refused is not None and refused.height:
        return None, refused
    st.info(NO_REVISION, icon=":material/database:")
    st.stop()


def load(revision: int) -> dataset.Loaded:
    """A whole revision, validated (the pages that work across companies)."""
    the_site = site()
    if the_site.has_loaded(revision):
        return the_site.loaded(revision)
    with st.spinner("Loading and validating the data…"):
        return the_site.loaded(revision)


def catalog(revision: int) -> dataset.Catalog:
    """The companies, bases and dates of a revision, counted by the database."""
    return site().catalog(revision)


def published(revision: int) -> dt.datetime:
    """When a revision was published (its record never changes: kept per revision)."""
    return site().per_revision(
        revision, "published", "", lambda: site().store.revision(revision).created_at
    )


def load_company(revision: int, company: str) -> dataset.Loaded:
    """One company's rows of a revision (with every source and framing), validated."""
    return site().company(revision, company)


def revision_changes(older: int, newer: int) -> dict[str, diff.TableDiff]:
    """What differs between two revisions, read from the store as the change itself."""
    with st.spinner("Comparing the revisions…"):
        return site().changes(older, newer)
