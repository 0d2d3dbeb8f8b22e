"""Links never break: any query string opens every page with a notice, never an exception."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from headcount import share
from tests.apptest import open_app
from tests.csvtools import read_rows

PAGES = ("arc", "explorer", "sources", "history", "upload")
COMPANIES = sorted({r["company"] for r in read_rows("observations")})
DATES = sorted(r["date"] for r in read_rows("observations"))
FIRST, LAST = dt.date.fromisoformat(DATES[0]), dt.date.fromisoformat(DATES[-1])

dates = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat)
values = st.one_of(
    dates,
    st.sampled_from([*COMPANIES, "headcount", "valuation", "0", "1", "", "ai_does_work"]),
    # A revision's near misses: other digits, a number beyond any store, signs and spaces.
    st.sampled_from(["2", "\u0663", "99999999999999999999", "-1", "+1", " 1", "1.0", "0x1"]),
    # An embed's values: its charts, Streamlit's switches, and their near misses.
    st.sampled_from(
        ["arc", "revenue_per_employee", "headcount-employees", "revenue-sek", "true", "True"]
    ),
    st.sampled_from(["dark_theme", "light_theme", "show_toolbar", "false", "arc "]),
    st.text(max_size=12),
    st.text(min_size=2000, max_size=3000, alphabet="9-"),  # a huge value
)
queries = st.dictionaries(
    st.one_of(
        st.sampled_from(
            [*share.PARAMETERS, *share.EMBED_PARAMETERS, *share.STREAMLIT_PARAMETERS, "EMBED"]
        ),
        st.text(min_size=1, max_size=8),
    ),
    st.lists(values, min_size=1, max_size=3),  # repeated keys
    max_size=5,
)


# Each example opens the app once or twice (about two seconds a run): the suite tries a few
# per page, every run new ones; `HEADCOUNT_LINKS_PROFILE=links-thorough` tries many.
settings.register_profile(
    "links-suite", max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("links-thorough", settings.get_profile("links-suite"), max_examples=50)
PROFILE = settings.get_profile(os.environ.get("HEADCOUNT_LINKS_PROFILE", "links-suite"))


def open_page(page: str, query: dict[str, list[str]], embedded: bool = False) -> AppTest:
    # What the browser says when the address has embed=true (Streamlit hides the parameter).
    context = {"is_embedded": embedded, "url": "http://127.0.0.1:8501/"}
    return open_app(page, query, context=context, check=False)


@pytest.mark.parametrize("page", PAGES)
@settings(PROFILE)
@given(query=queries, embedded=st.booleans())
def test_any_query_string_opens_every_page(page, query, embedded):
    at = open_page(page, query, embedded)
    assert not at.exception, (query, embedded, at.exception)


# The links the issue saw break, one by one, on every page.
BROKEN = [
    {"from": ["2022-12-31"]},  # what "Copy link" gives after changing only the start year
    {"to": ["2023-06-30"]},
    {"from": ["2030-01-01"]},
    {"to": ["2030-01-01"]},
    {"from": ["2024-01-01"], "to": ["2030-01-01"]},
    {"from": ["1900-01-01"], "to": ["1900-06-01"]},
    {"from": ["2025-01-01"], "to": ["2023-01-01"]},
    {"from": ["2023-01-01", "nonsense"], "index": ["yes", "1"], "compare": ["A", "A"]},
    {"rev": ["1"], "from": ["2030-01-01"]},  # a pinned link whose date left that revision
]


@pytest.mark.parametrize("query", BROKEN)
@pytest.mark.parametrize("page", ("arc", "explorer", "sources"))
def test_one_date_out_of_range_or_reversed_opens_the_page(page, query):
    at = open_page(page, query)
    assert not at.exception, at.exception


# Embeds whose links were cut, doubled or edited by hand.
MANGLED_EMBEDS = [
    {"chart": [""]},
    {"chart": ["arc", "nope"], "company": ["Klarna", "Nope"]},
    {"chart": ["x" * 3000]},
    {"chart": ["revenue-sek"], "metric": ["revenue"], "from": ["2030-01-01"]},
    {"chart": ["<script>"], "embed_options": ["dark_theme", "???"]},
]


@pytest.mark.parametrize("query", MANGLED_EMBEDS)
@pytest.mark.parametrize("page", ("arc", "explorer"))
def test_a_mangled_embed_shows_one_chart_and_says_why(page, query):
    at = open_page(page, query, embedded=True)
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 1  # never more than the one chart, never a table
    assert len(at.get("arrow_data_frame")) == 0 and len(at.sidebar) == 0


def test_explorer_opens_a_one_date_link_at_that_date_to_the_last():
    start = dt.date.fromisoformat(DATES[len(DATES) // 2])
    at = open_page("explorer", {"from": [start.isoformat()]})
    assert at.date_input(key="range").value == (start, LAST)
    assert at.query_params["from"] in (start.isoformat(), [start.isoformat()])


def test_a_date_past_the_data_is_dropped_with_a_notice_naming_the_data_end():
    at = open_page("arc", {"from": ["2999-01-01"]})  # the first page opened shows the notice
    notice = at.info[0].value.replace("\\", "")
    assert "from=2999-01-01" in notice and LAST.isoformat() in notice
    at.switch_page("views/explorer.py").run()
    assert at.date_input(key="range").value == (FIRST, LAST)
    assert "from" not in at.query_params


# rev= as a link may carry it mangled: every page shows the latest and says what was wrong.
# The test store holds one revision. (tests/test_pinned_pages.py: a good rev= on two.)
MANGLED_REVS = [
    (["abc"], "rev='abc' is not a revision number"),
    (["0"], "rev=0 is not a revision; revisions are 1 to 1."),
    (["2"], "rev=2 is not a revision; revisions are 1 to 1."),
    (["99999999999999999999"], "rev='99999999999999999999' is not a revision number"),
    (["\u0663"], "rev='\u0663' is not a revision number"),
    ([""], "rev='' is not a revision number"),
    (["1", "2"], "The link names 2 revisions ('1', '2')"),
    (["<script>alert(1)</script>"], "rev='<script>alert(1)</script>' is not a revision number"),
]


@pytest.mark.parametrize(("values", "notice"), MANGLED_REVS)
def test_a_mangled_rev_shows_the_latest_and_says_why(values, notice):
    at = open_page("arc", {"company": ["IBM"], "rev": values})  # the first page says it
    assert not at.exception, at.exception
    said = " ".join(i.value for i in at.info).replace("\\", "")
    assert notice in said and "Showing the latest, revision 1." in said.replace(
        "showing", "Showing"
    ), said
    assert "rev" not in at.query_params  # the address bar shows the latest, unpinned
    assert at.query_params["company"] in ("IBM", ["IBM"])  # the rest of the link still counts


@pytest.mark.parametrize("values", [["abc"], ["99999999999999999999"], ["1", "2"]])
@pytest.mark.parametrize("page", ("explorer", "claims", "sources", "history", "upload"))
def test_every_page_opens_a_mangled_rev_unpinned(page, values):
    at = open_page(page, {"company": ["IBM"], "rev": values})
    assert not at.exception, at.exception
    assert "rev" not in at.query_params
    assert not any(b.label in ("Show the latest", "Follow new revisions") for b in at.button)


@pytest.mark.parametrize("values", [["abc"], ["1", "2"]])
def test_a_mangled_rev_in_an_embed_shows_the_chart_and_says_why(values):
    at = open_page("arc", {"company": ["IBM"], "rev": values, "chart": ["arc"]}, embedded=True)
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 1
    said = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "showing the latest, revision 1." in said.lower(), said
