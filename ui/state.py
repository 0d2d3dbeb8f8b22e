"""The view state: parsed from the URL when a session starts, kept in widget state while the
person clicks, and written back to the URL on every run, so the address bar is always a link
to what is on screen.

The view includes the revision the link pins (rev=, headcount/share.py): the shown revision,
which every page reads here (`catalog_or_stop`, `dataset_or_stop`, `company_or_stop`), is that
one while the session's view pins it, else the latest. Upload and History are about the store:
they read the latest whatever the view pins, and keep the pin for the other pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

import polars as pl
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from headcount import faults, revisiontext, share
from headcount.dataset import Catalog, Dataset
from ui import server
from ui.text import escape

VIEW = "_view_shown"  # the view last parsed from a link or published to the address bar
SEEN = "_query_seen"  # the address's query as last parsed or published
SEEN_PAGE = "_page_seen"  # ... and the page it was on
LEFT_BEHIND = "_pages_left_behind"  # pages whose switch left an empty history entry
EMBEDDABLE = "_embeddable"  # (page, its kind of charts) of the page whose charts can be embedded
LATEST = "_latest_seen"  # the store's latest revision, as this run last read it
UNPINNED = "_unpinned"  # after "Show the latest": the view's query without its rev=, to parse
# Widget keys that hold the view, as the link's parameters declare them (headcount/share.py);
# pages seed them from the link and read them back. One range widget holds from= and to=.
COMPANY, COMPARE, METRICS, BASES, RANGE, INDEX, STATEMENTS, ATTRIBUTIONS, LOG = (
    share.BY_NAME[name].widget
    for name in (
        "company",
        "compare",
        "metric",
        "basis",
        "from",
        "index",
        "statements",
        "cause",
        "log",
    )
)


def _stop_with(problems: pl.DataFrame) -> None:
    st.error(
        "The curated data did not pass validation, so nothing is charted. "
        "Each row below says which file, line and column to fix, and how.",
        icon=":material/error:",
    )
    st.dataframe(problems, hide_index=True, width="stretch")
    st.stop()


def _shown(latest_only: bool = False) -> tuple[int | None, pl.DataFrame]:
    """The revision on screen: the one the view pins (or the link about to be parsed pins),
    else the latest; None, with the curated data's problems, when the app's first start could
    not seed the default store."""
    latest, problems = server.latest_revision()
    st.session_state[LATEST] = latest
    if latest is None or latest_only:
        return latest, problems
    asked = _link_to_parse()
    if asked is not None:
        pinned = share.pinned(asked, latest).revision
    else:
        pinned = st.session_state[VIEW].revision
    # A store reset since the view was pinned may hold fewer revisions: then the latest.
    return (pinned if pinned is not None and pinned <= latest else latest), problems


def shown_catalog() -> Catalog | None:
    """The shown revision's companies, bases and dates (the sidebar's); None when the default
    store could not be seeded (the page then says why)."""
    revision, _ = _shown()
    return None if revision is None else server.catalog(revision)


def dataset_or_stop(latest: bool = False) -> Dataset:
    """The whole validated dataset of the shown revision (``latest``: of the latest, whatever
    the view pins), or the problem table on the page and nothing else."""
    revision, problems = _shown(latest_only=latest)
    if revision is None:
        _stop_with(problems)
    loaded = server.load(revision)  # type: ignore[arg-type]
    if loaded.dataset is None:
        _stop_with(loaded.problems)
    return loaded.dataset  # type: ignore[return-value]


def catalog_or_stop() -> Catalog:
    """The shown revision's companies, bases and dates, or the problem table and nothing else."""
    revision, problems = _shown()
    if revision is None:
        _stop_with(problems)
    return server.catalog(revision)  # type: ignore[arg-type]


def company_or_stop(catalog: Catalog, company: str) -> Dataset:
    """One company's validated rows of the catalog's revision, or the problem table."""
    loaded = server.load_company(catalog.revision, company)  # type: ignore[arg-type]
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


def embedded() -> bool:
    """True when the page was opened in Streamlit's embed mode (``embed=true``, any case): a
    chart in someone else's page. Streamlit hides embed and embed_options from
    st.query_params; only the browser's own reading of the address reaches the script."""
    return bool(st.context.is_embedded)


def chart_asked() -> list[str]:
    """The link's chart= values (an embed's choice among the page's charts)."""
    return st.query_params.get_all(share.CHART)


def embeddable(kind: str) -> None:
    """Mark the page on screen as one whose charts (of ``kind``, ui/embed.py) the share
    popover offers as embeds; other pages' popovers offer none."""
    st.session_state[EMBEDDABLE] = (_page(), kind)


def embeddable_kind() -> str | None:
    """The kind of charts the page on screen offers as embeds, if it marked itself so."""
    page, kind = st.session_state.get(EMBEDDABLE, (None, None))
    return kind if page == _page() else None


def _query() -> dict[str, list[str]]:
    return {name: st.query_params.get_all(name) for name in st.query_params}


def _history_navigation() -> bool:
    """True when the browser's back or forward button started this run."""
    return bool(getattr(get_script_run_ctx(), "is_history_navigation", False))


def _page() -> str:
    return str(getattr(get_script_run_ctx(), "page_script_hash", ""))


def _values(view: share.View, catalog: Catalog) -> dict[str, object]:
    """Each widget's value for a view."""
    lowest, highest = date_span(catalog)
    values: dict[str, object] = {
        # Always a whole range inside the data: the date input refuses a half or a wider one.
        RANGE: (view.start or lowest, view.end or highest),
    }
    for parameter in share.VIEW_PARAMETERS:
        value = getattr(view, parameter.field)
        if parameter.kind == "choices":
            values[parameter.widget] = list(value)
        elif parameter.kind in ("company", "switch"):
            values[parameter.widget] = value
    return values


def _link_to_parse() -> dict[str, list[str]] | None:
    """The query this run takes the view from: the link when the session starts or when the
    back or forward button brings another address, or the view without its revision after
    "Show the latest"; None: the view on screen stays."""
    if UNPINNED in st.session_state:
        return st.session_state[UNPINNED]
    query = _query()
    changed = st.session_state.get(SEEN) != query and _history_navigation()
    if changed and not query and _page() in st.session_state.get(LEFT_BEHIND, ()):
        # Back into the empty address a page switch left behind (Streamlit drops the query when
        # it switches pages; the view was written into the next entry): not a view of its own.
        changed = False
    return query if VIEW not in st.session_state or changed else None


def link_view(catalog: Catalog) -> share.View:
    """The view on screen: parsed from the link when the session starts and again when the
    back or forward button brings another address (its notices shown once), checked against
    the catalog of the revision it pins; otherwise the view last published, which also
    refills the widgets a page switch discarded."""
    query = _link_to_parse()
    if query is not None:
        st.session_state.pop(UNPINNED, None)
        parsed = share.parse(
            query,
            list(catalog.companies),
            list(catalog.bases),
            date_span(catalog),
            st.session_state.get(LATEST),
        )
        st.session_state[VIEW] = parsed.view
        st.session_state[SEEN] = _query()
        st.session_state[SEEN_PAGE] = _page()
        st.session_state["_link_notices"] = parsed.notices
        for key, value in _values(parsed.view, catalog).items():
            st.session_state[key] = value
    view: share.View = st.session_state[VIEW]
    # Streamlit forgets a widget's value on a run that does not draw it (the Explorer's
    # choices while the arc is shown); the published view gives it back.
    for key, value in _values(view, catalog).items():
        if key not in st.session_state:
            st.session_state[key] = value
    return view


def show_link_notices() -> None:
    """What the link did, where the reader looks first: the revision it pins, if any, and
    the parts of it that could not be used (once)."""
    _show_pin()
    notices = st.session_state.pop("_link_notices", ())
    if notices:
        st.info(
            "Parts of the link could not be used, so defaults are shown instead: "
            + " ".join(escape(n) for n in notices),
            icon=":material/link_off:",
        )


def pin_words() -> str | None:
    """The sentence a page pinned to a revision says first (None: the page shows the latest,
    unpinned)."""
    view: share.View | None = st.session_state.get(VIEW)
    latest = st.session_state.get(LATEST)
    if view is None or view.revision is None or latest is None or view.revision > latest:
        return None  # unpinned, or pinned in a store since reset (the latest is shown)
    return revisiontext.pinned_words(view.revision, latest, server.published(view.revision))


def _unpin() -> None:
    """After "Show the latest": the same view, checked again against the latest's data."""
    view: share.View = st.session_state[VIEW]
    st.session_state[UNPINNED] = share.encode(replace(view, revision=None), default_company="")


def _show_pin() -> None:
    words = pin_words()
    if words is None:
        return
    view: share.View = st.session_state[VIEW]
    behind = view.revision != st.session_state.get(LATEST)
    # One quiet line, not a boxed notice: on a phone the takeaway and the chart should still
    # come first; the words say what is shown and the button how to leave it.
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key="pinned"):
        st.caption(f":material/history: {escape(words)}", width="stretch")
        st.button(
            "Show the latest" if behind else "Follow new revisions",
            key="show_latest",
            on_click=_unpin,
            type="tertiary",
            icon=":material/update:",
            help="The same view of the latest data; the address drops rev=.",
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
    start = None if start is None or start <= lowest else start
    end = None if end is None or end >= highest else end
    fields: dict[str, object] = {"start": start, "end": end}
    for parameter in share.VIEW_PARAMETERS:
        linked = getattr(link, parameter.field)
        if parameter.kind == "choices":
            picked = tuple(state.get(parameter.widget, linked))
            # A choice that cannot be empty (the metrics: their default is not) keeps the
            # link's values when every one is taken out.
            fields[parameter.field] = picked or (linked if share.default(parameter.field) else ())
        elif parameter.kind == "switch":
            fields[parameter.field] = bool(state.get(parameter.widget, linked))
        elif parameter.kind == "company":
            fields[parameter.field] = state.get(parameter.widget, linked)
        elif parameter.kind == "revision":  # no widget: the link's, until "Show the latest"
            fields[parameter.field] = linked
    return share.View(**fields)  # type: ignore[arg-type]


def publish(view: share.View, catalog: Catalog) -> str:
    """Write the view into the address bar and return the link that reopens it."""
    default = catalog.companies[0]
    params = share.encode(view, default)
    page = _page()
    if page != st.session_state.get(SEEN_PAGE) and params and not _query():
        # A page switch arrived without the query: this run writes it into a new history
        # entry, and the empty one before it is remembered as no view of its own.
        st.session_state[LEFT_BEHIND] = {*st.session_state.get(LEFT_BEHIND, ()), page}
    st.query_params.from_dict(params)
    # What back and forward compare against: only another address is another view.
    st.session_state[VIEW] = view
    st.session_state[SEEN] = _query()
    st.session_state[SEEN_PAGE] = page
    return share.link(st.context.url or "", view, default)
