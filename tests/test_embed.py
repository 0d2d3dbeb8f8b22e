"""Embedded charts: a page opened in Streamlit's embed mode shows one chart, its source line
and a link back, and nothing else; the share controls offer each chart's snippet."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import open_app
from ui import embed

TIMEOUT = 60
BACK = "View on Headcount \\& AI claims →"


def open_embedded(page: str, url: str, embedded: bool = True, **params: str | list[str]) -> AppTest:
    return open_app(page, params, context={"is_embedded": embedded, "url": url})


def titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def links(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(f"[{BACK}]")]


def popovers(at: AppTest) -> list[str]:
    return [block.proto.popover.label for block in at.get("popover")]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption).replace("\\", "")


def assert_nothing_else(at: AppTest) -> None:
    """No sidebar, no title, cards, tables, toggles or buttons: the chart stands alone."""
    assert len(at.sidebar) == 0
    assert [len(at.get(kind)) for kind in ("title", "metric", "arrow_data_frame", "toggle")] == [
        0,
        0,
        0,
        0,
    ]
    assert len(at.get("popover")) == 0 and len(at.get("download_button")) == 0
    assert len(at.get("plotly_chart")) == 1
    assert len(at.markdown) == 1  # the link back


def test_an_embedded_arc_is_its_chart_its_source_and_a_link_back():
    at = open_embedded("arc", "http://example.test:8501/", company="IBM", chart="arc")
    assert titles(at) == ["IBM: headcount"]  # IBM has no AI work figure
    assert links(at) == [f"[{BACK}](<http://example.test:8501/?company=IBM>)"]
    key, source = re.split(r"\n(?=Sources?: )", captions(at))
    # The chart numbers its events: the frame says what they are (events.csv's IBM rows).
    assert "Pause in back-office hiring" in key
    assert key.startswith("1 · ")
    assert source
    assert_nothing_else(at)


def test_an_embed_picks_the_chart_it_names():
    at = open_embedded("arc", "http://example.test:8501/", company="Klarna", chart="valuation")
    assert titles(at) == ["Klarna: valuation"]
    assert_nothing_else(at)


def test_an_embedded_explorer_chart_links_back_to_its_whole_view():
    at = open_embedded(
        "explorer",
        "http://example.test:8501/explorer",
        compare="IBM",
        metric=["headcount", "revenue"],
        chart="revenue-sek",
    )
    assert titles(at) == ["Revenue (SEK)"]
    assert links(at) == [
        f"[{BACK}](<http://example.test:8501/explorer?compare=IBM&metric=headcount&metric=revenue>)"
    ]
    assert_nothing_else(at)


@pytest.mark.parametrize("page", ["arc", "explorer"])
def test_a_chart_the_view_lacks_shows_the_first_with_a_notice(page):
    at = open_embedded(page, "http://example.test:8501/", chart="<b>pie</b>")
    assert len(at.get("plotly_chart")) == 1
    assert "no chart '<b>pie</b>': showing its first chart" in captions(at)


def test_a_bad_view_in_an_embed_is_noticed_in_the_frame():
    at = open_embedded("arc", "http://example.test:8501/", company="Nope", chart="arc")
    assert titles(at) == ["Klarna: headcount and AI work"]
    assert "'Nope', which is not in the data" in captions(at)


def test_other_pages_embedded_lose_only_the_sidebar():
    at = open_embedded("sources", "http://example.test:8501/sources")
    assert len(at.sidebar) == 0
    assert at.title[0].value == "Sources"


def test_the_chart_parameter_does_nothing_to_a_page_that_is_not_embedded():
    at = open_embedded("arc", "http://example.test:8501/", embedded=False, chart="valuation")
    assert len(at.get("plotly_chart")) == 3 and len(at.metric) > 0
    assert "chart" not in captions(at) + "".join(i.value for i in at.info)


@pytest.mark.parametrize(("page", "count"), [("arc", 3), ("explorer", 1)])
def test_copy_link_offers_a_snippet_per_chart(page, count):
    at = open_embedded(page, "http://example.test:8501/", embedded=False)
    assert "Embed a chart" in [e.label for e in at.expander]
    assert not [c for c in at.code if c.value.startswith("<iframe")]  # computed only when open
    at.session_state["embed_charts"] = True
    at.run()
    snippets = [c.value for c in at.code if c.value.startswith("<iframe")]
    assert len(snippets) == count == len(at.get("plotly_chart"))
    assert all("embed=true" in s and 'loading="lazy"' in s for s in snippets)


def test_pages_without_charts_offer_no_embed():
    at = open_embedded("claims", "http://example.test:8501/claims", embedded=False)
    assert "Copy link" in popovers(at)
    assert "Embed a chart" not in [e.label for e in at.expander]


@pytest.mark.parametrize(
    ("url", "origin", "base", "page", "expected"),
    [
        # Another origin's page frames the app: the browser reports the frame's own address.
        ("http://127.0.0.1:8501", "http://127.0.0.1:8501", "", "", "http://127.0.0.1:8501/"),
        (
            "http://a.test/app/explorer",
            "http://a.test",
            "app",
            "explorer",
            "http://a.test/app/explorer",
        ),
        # A page of the same origin frames it: the browser reports the host page's address.
        (
            "http://a.test/blog/post",
            "http://a.test",
            "app",
            "explorer",
            "http://a.test/app/explorer",
        ),
        ("https://news.test/story", "https://charts.test", "", "", "https://charts.test/"),
        ("http://a.test/explorer", None, "", "explorer", "http://a.test/explorer"),
    ],
)
def test_the_link_back_is_the_apps_own_page(url, origin, base, page, expected):
    assert embed.page_url(url, origin, base, page) == expected
