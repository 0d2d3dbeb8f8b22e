"""Pages pinned to a revision with rev= (issue 23.4): a link, and the address "Cite this" gives,
reopens the data of the revision it names, says so, and keeps saying so while the reader
clicks around; without rev= the pages show the latest.

The store: revision 1 the curated data, revision 2 corrects Klarna's filed headcount at the
end of 2024 (3,422 in the F-1 and its copies) to 3,433."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from headcount import bootstrap, diff
from headcount.outcomes import Published
from headcount.store import STORE_ENV, Store
from tests.apptest import open_app, open_expanders

OLD, NEW = "3,422", "3,433"  # Klarna's filed 2024 year-end headcount in revisions 1 and 2
URL = "http://127.0.0.1:8501/"


def corrected_klarna(url: str) -> None:
    """Publish a revision that changes one Klarna figure: every copy of the filed year-end
    2024 headcount, 3,422, becomes 3,433."""
    store = Store(url)
    current = store.read()
    figure = (
        (pl.col("company") == "Klarna")
        & (pl.col("metric") == "headcount")
        & (pl.col("date") == dt.date(2024, 12, 31))
        & (pl.col("value") == 3422)
    )
    observations = current["observations"]
    assert observations.filter(figure).height == 3  # the F-1 and two copies of it
    changed = {
        **current,
        "observations": observations.with_columns(
            pl.when(figure).then(3433).otherwise(pl.col("value")).alias("value")
        ),
    }
    outcome = store.publish(
        changed, diff.diff(current, changed), store.latest_id(), "ana", "Klarna's 2024 corrected"
    )
    assert isinstance(outcome, Published), outcome
    store.engine.dispose()


def two_revisions(folder: Path) -> str:
    url = f"sqlite:///{folder / 'store.sqlite'}"
    bootstrap.initialise(url)
    corrected_klarna(url)
    return url


@pytest.fixture(scope="module")
def two_revision_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    return two_revisions(tmp_path_factory.mktemp("pinned"))


@pytest.fixture
def pinned_store(two_revision_store, monkeypatch) -> str:
    monkeypatch.setenv(STORE_ENV, two_revision_store)
    return two_revision_store


def published_day(url: str, revision: int) -> str:
    at = Store(url).revision(revision).created_at
    return f"{at.day} {at:%b %Y}"


def main_text(at) -> str:
    """What the page says in its main area: its markdown, captions, headings and notices,
    without the backslashes Streamlit's escaping adds."""
    parts = [e.value for kind in ("markdown", "caption", "header", "info") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts).replace("\\", "")


def filed_line(at) -> str:
    """The headcount card's line with the latest filed figure."""
    lines = [c.value.replace("\\", "") for c in at.caption]
    lines = [line for line in lines if line.startswith("Filed: ")]
    assert len(lines) == 1, lines
    return lines[0]


def query(at) -> dict[str, list[str]]:
    """The address bar's query as the page last wrote it (AppTest keeps one value or a list)."""
    return {k: [v] if isinstance(v, str) else list(v) for k, v in at.query_params.items()}


def rev_of(at) -> list[str]:
    return query(at).get("rev", [])


def banner(url: str, revision: int, latest: int) -> str:
    return (
        f"You are looking at revision {revision} of {latest} "
        f"(published {published_day(url, revision)}). The latest data may differ."
    )


@pytest.mark.slow  # among the quick loop's costliest (--durations, 2026-12-07)
def test_the_arc_of_rev_1_shows_the_old_figure_and_says_so(pinned_store):
    at = open_app(None, {"company": "Klarna", "rev": "1"}, context={"url": URL})
    assert filed_line(at).startswith(f"Filed: {OLD}, Dec 2024")
    assert banner(pinned_store, 1, 2) in main_text(at)
    assert [b.label for b in at.button if b.label == "Show the latest"] == ["Show the latest"]
    assert rev_of(at) == ["1"]  # the address bar keeps it

    latest = open_app(None, {"company": "Klarna"}, context={"url": URL})
    assert filed_line(latest).startswith(f"Filed: {NEW}, Dec 2024")
    assert "You are looking at revision" not in main_text(latest)
    assert rev_of(latest) == []


def test_a_pinned_session_keeps_its_revision_while_the_reader_clicks_around(pinned_store):
    at = open_app(None, {"company": "Klarna", "rev": "1"}, context={"url": URL})
    at.selectbox(key="company").select("IBM").run()
    assert rev_of(at) == ["1"] and query(at)["company"] == ["IBM"]
    at.selectbox(key="company").select("Klarna").run()
    at.switch_page("views/explorer.py").run()
    assert not at.exception, at.exception
    assert rev_of(at) == ["1"]
    assert banner(pinned_store, 1, 2) in main_text(at)
    plotted = at.dataframe[0].value
    filed = plotted[
        (plotted["company"] == "Klarna") & (plotted["date"].astype(str) == "2024-12-31")
    ]
    assert set(filed["value"]) == {3422}
    at.switch_page("views/arc.py").run()
    assert filed_line(at).startswith(f"Filed: {OLD},") and rev_of(at) == ["1"]


def test_show_the_latest_drops_the_revision(pinned_store):
    at = open_app(None, {"company": "IBM", "rev": "1"}, context={"url": URL})
    next(b for b in at.button if b.label == "Show the latest").click().run()
    assert not at.exception, at.exception
    assert rev_of(at) == [] and query(at)["company"] == ["IBM"]
    assert "You are looking at revision" not in main_text(at)
    at.selectbox(key="company").select("Klarna").run()
    assert filed_line(at).startswith(f"Filed: {NEW},")


def test_the_latest_revision_pinned_says_the_link_stays_on_it(pinned_store):
    at = open_app(None, {"company": "Klarna", "rev": "2"}, context={"url": URL})
    assert filed_line(at).startswith(f"Filed: {NEW},")
    said = (
        f"You are looking at revision 2, the latest (published {published_day(pinned_store, 2)})."
        " This link stays on it."
    )
    assert said in main_text(at)
    assert [b.label for b in at.button if b.label == "Follow new revisions"] == [
        "Follow new revisions"
    ]


def cite_texts(at) -> list[str]:
    """The text of every Cite this block, each opened as a reader would."""
    at = open_expanders(at, "Cite this")
    return [c.value for c in at.code if c.value.startswith("Headcount & AI claims: ")]


def test_cite_this_pins_the_page_address_to_the_revision_shown(pinned_store):
    latest = open_app(None, {"company": "Klarna"}, context={"url": URL})
    cited = cite_texts(latest)
    assert cited and all(f"{URL}?company=Klarna&rev=2 " in text for text in cited), cited
    pinned = open_app(None, {"company": "Klarna", "rev": "1"}, context={"url": URL})
    cited = cite_texts(pinned)
    assert cited and all(f"{URL}?company=Klarna&rev=1 " in text for text in cited), cited
    assert all("(data, revision 1)" in text for text in cited)
    # The share popover's link lands on the same view: pinned too (Klarna, the first company,
    # is the default one and left out), and so is its data.
    shared = [c.value for c in pinned.code if c.value.startswith(URL)]
    assert f"{URL}?rev=1" in shared, shared
    data = [c.value for c in pinned.code if c.value.startswith(f"{URL}api/")]
    assert data == ["http://127.0.0.1:8501/api/observations.csv?company=Klarna&rev=1"]


@pytest.mark.slow  # among the quick loop's costliest (--durations, 2026-12-07)
def test_claims_and_sources_of_rev_1_show_its_figures(pinned_store):
    claims = open_app("claims", {"company": "Klarna", "rev": "1"}, context={"url": URL})
    assert f"{OLD} employees on 31 Dec 2024" in main_text(claims)
    assert f"{NEW} employees" not in main_text(claims)
    assert banner(pinned_store, 1, 2) in main_text(claims)
    arcs = claims.dataframe[0].value["arc"].tolist()
    assert f"{URL}?company=Klarna&rev=1" in arcs

    sources = open_app("sources", {"rev": "1"}, context={"url": URL})
    cited_by = " ".join(str(c) for c in sources.dataframe[0].value["cited_by"])
    assert f"Klarna, Headcount: {OLD} employees (31 Dec 2024)" in cited_by
    assert f"Headcount: {NEW} employees" not in cited_by
    latest = open_app("sources", {}, context={"url": URL})
    cited_by = " ".join(str(c) for c in latest.dataframe[0].value["cited_by"])
    assert f"Klarna, Headcount: {NEW} employees (31 Dec 2024)" in cited_by


def trace_values(at) -> set[float]:
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    return {y for trace in figure["data"] for y in (trace.get("y") or []) if y is not None}


def test_a_pinned_embed_draws_that_revision_and_links_back_to_it(pinned_store):
    context = {"is_embedded": True, "url": URL}
    pinned = open_app(None, {"company": "Klarna", "chart": "arc", "rev": "1"}, context=context)
    assert 3422 in trace_values(pinned) and 3433 not in trace_values(pinned)
    back = [m.value for m in pinned.markdown if "View on" in m.value]
    assert back == [f"[View on Headcount \\& AI claims →](<{URL}?rev=1>)"], back
    latest = open_app(None, {"company": "Klarna", "chart": "arc"}, context=context)
    assert 3433 in trace_values(latest) and 3422 not in trace_values(latest)


@pytest.mark.parametrize("page", ["history", "upload"])
def test_history_and_upload_are_about_the_store_and_say_nothing_of_a_pin(pinned_store, page):
    at = open_app(page, {"company": "Klarna", "rev": "1"}, context={"url": URL})
    assert "You are looking at revision" not in main_text(at)


def test_history_offers_each_revision_s_arc(pinned_store):
    at = open_app("history", {"company": "Klarna"}, context={"url": URL})
    views = at.dataframe[0].value["view"].tolist()
    assert views == [f"{URL}?company=Klarna&rev=2", f"{URL}?company=Klarna&rev=1"]


def test_a_rev_beyond_the_latest_shows_the_latest_and_says_why(pinned_store):
    at = open_app(None, {"company": "Klarna", "rev": "3"}, context={"url": URL})
    assert filed_line(at).startswith(f"Filed: {NEW},")
    notice = at.info[0].value.replace("\\", "")
    assert "rev=3 is not a revision; revisions are 1 to 2. Showing the latest, revision 2." in (
        notice
    )
    assert rev_of(at) == []
