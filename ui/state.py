"""The view state: parsed from the URL when a session starts, kept in widget state while the
person clicks, and written back to the URL on every run, so the address bar is always a link
to what is on screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import polars as pl
import streamlit as st

from headcount import faults, share
from headcount.dataset import Catalog, Dataset
from headcount.streamlit_cache import latest_catalog, load_company, load_latest
from ui.text import escape

VIEW = "_view_from_link"
# Widget keys that hold the view; pages seed them from the link and read them back.
COMPANY, COMPARE, METRICS, BASES, RANGE, INDEX = (
    "company",
    "compare",
    "metrics",
    "bases",
    "range",
    "index",
)


def _stop_with(problems: pl.DataFrame) -> None:
    st.error(
        "The curated data did not pass validation, so nothing is charted. "
        "Each row below says which file, line and column to fix, and how.",
        icon=":material/error:",
    )
    st.dataframe(problems, hide_index=True, width="stretch")
    st.stop()


def dataset_or_stop() -> Dataset:
    """The whole validated dataset, or the problem table on the page and nothing else."""
    loaded = load_latest()
    if loaded.dataset is None:
        _stop_with(loaded.problems)
    return loaded.dataset  # type: ignore[return-value]


def catalog_or_stop() -> Catalog:
    """The latest revision's companies, bases and dates, or the problem table and nothing else."""
    catalog, problems = latest_catalog()
    if catalog is None:
        _stop_with(problems)
    return catalog  # type: ignore[return-value]


def company_or_stop(catalog: Catalog, company: str) -> Dataset:
    """One company's validated rows of the catalog's revision, or the problem table."""
    loaded = load_company(catalog.revision, company)  # type: ignore[arg-type]
    if loaded.dataset is None:
        _stop_with(loaded.problems)
    return loaded.dataset  # type: ignore[return-value]


def companies_or_stop(catalog: Catalog, companies: Sequence[str]) -> Dataset:
    """Several companies' validated rows of the catalog's revision (each company read and
    checked once per revision, shared by all sessions), or the problem table."""
    return Dataset.of_companies([company_or_stop(catalog, company) for company in companies])


@contextmanager
def store_faults_shown() -> Iterator[None]:
    """A full disk, a locked, read-only, lost or unreachable database ends the page with a
    short message saying what happened and what to do, never a traceback with paths; any
    other error is a bug and still fails loudly."""
    try:
        yield
    except Exception as error:
        fault = faults.describe(error)
        if fault is None:
            raise
        st.error(fault.message, icon=":material/database:")
        st.stop()


def _query() -> dict[str, list[str]]:
    return {name: st.query_params.get_all(name) for name in st.query_params}


def link_view(catalog: Catalog) -> share.View:
    """The view the link asked for, parsed once per session; its notices are shown once."""
    if VIEW not in st.session_state:
        parsed = share.parse(_query(), list(catalog.companies), list(catalog.bases))
        st.session_state[VIEW] = parsed.view
        st.session_state["_link_notices"] = parsed.notices
        view = parsed.view
        seed(COMPANY, view.company)
        seed(COMPARE, list(view.compare))
        seed(METRICS, list(view.metrics))
        seed(BASES, list(view.bases))
        seed(INDEX, view.index)
        if view.start or view.end:
            seed(RANGE, (view.start, view.end))
    return st.session_state[VIEW]


def show_link_notices() -> None:
    notices = st.session_state.pop("_link_notices", ())
    if notices:
        st.info(
            "Parts of the link could not be used, so defaults are shown instead: "
            + " ".join(escape(n) for n in notices),
            icon=":material/link_off:",
        )


def seed(key: str, value: object) -> None:
    """Give a widget its value from the link, unless the person has already changed it."""
    if key not in st.session_state:
        st.session_state[key] = value


def date_span(catalog: Catalog) -> tuple[dt.date, dt.date]:
    return catalog.first, catalog.last  # type: ignore[return-value]


def current_view(catalog: Catalog) -> share.View:
    """The view as the widgets hold it now; a range covering all the data is no range."""
    link = link_view(catalog)
    state = st.session_state
    chosen = state.get(RANGE) or (link.start, link.end)
    start, end = (*chosen, None, None)[:2]  # a half-picked range has one date
    lowest, highest = date_span(catalog)
    start = None if start == lowest else start
    end = None if end == highest else end
    return share.View(
        company=state.get(COMPANY, link.company),
        compare=tuple(state.get(COMPARE, link.compare)),
        metrics=tuple(state.get(METRICS) or link.metrics),
        bases=tuple(state.get(BASES, link.bases)),
        start=start,
        end=end,
        index=bool(state.get(INDEX, link.index)),
    )


def publish(view: share.View, catalog: Catalog) -> str:
    """Write the view into the address bar and return the link that reopens it."""
    default = catalog.companies[0]
    st.query_params.from_dict(share.encode(view, default))
    return share.link(st.context.url or "", view, default)


def share_control(link: str) -> None:
    with st.popover("Copy link", icon=":material/link:"):
        st.caption("Anyone with this link sees this view. Copy it with the button on the right.")
        st.code(link, language=None, wrap_lines=True)
