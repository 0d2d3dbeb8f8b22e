"""Every chart the pages send passes Plotly's own validation.

The pages hand st.plotly_chart figures it does not check again (ui/cited.py, `unchecked`: the
check cost most of the arc page's script run). Here each figure the arc, the Explorer and the
embeds draw, for every company, is rebuilt with validation on: a misspelt property or a value
out of range fails this test instead of reaching a reader's browser unnoticed.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from tests.apptest import open_app
from tests.csvtools import read_rows

pytestmark = pytest.mark.slow  # a page per company and view: about 30 s
COMPANIES = sorted({row["company"] for row in read_rows("observations")})


def sent_figures(at) -> list[dict]:
    return [json.loads(element.proto.spec) for element in at.get("plotly_chart")]


def assert_valid(figures: list[dict], where: str) -> None:
    for figure in figures:
        try:
            go.Figure(figure)  # validates every property, raising ValueError on any wrong one
        except ValueError as error:
            pytest.fail(f"{where}: {error}")


def figures_of_every_company(at, view: str) -> int:
    """Pick each company in the sidebar, validate what the page sends; the figures drawn."""
    drawn = 0
    for company in COMPANIES:
        at.sidebar.selectbox[0].set_value(company).run()
        assert not at.exception, at.exception
        figures = sent_figures(at)
        assert_valid(figures, f"{view} of {company}")
        drawn += len(figures)
    return drawn


def test_every_chart_of_every_company_is_a_valid_plotly_figure():
    at = open_app()
    drawn = figures_of_every_company(at, "arc")
    at.switch_page("views/explorer.py").run()
    drawn += figures_of_every_company(at, "Explorer")
    assert drawn >= 2 * len(COMPANIES)  # the walk reached the charts


@pytest.mark.parametrize("chart", ["arc", "headcount", "valuation"])
def test_embedded_charts_are_valid_plotly_figures(chart):
    at = open_app(
        "arc",
        {"company": "Klarna", "chart": chart},
        context={"is_embedded": True, "url": "http://example.test:8501/"},
    )
    figures = sent_figures(at)
    assert figures
    assert_valid(figures, f"embedded {chart}")
