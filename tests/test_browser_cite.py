"""Cite this, in a real browser against the running server (issue 23.4): the view's address it
gives opens that view of the revision it names, after newer ones were published, and its data
address answers with that revision."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator

import pytest

from harness import AppServer, wait_for_run
from headcount import bootstrap
from headcount.store import STORE_ENV
from tests.test_pinned_pages import corrected_klarna

pytestmark = pytest.mark.browser
CODE = '[data-testid="stCode"] code'


def cited(page, url: str) -> str:
    """The first Cite this text of the page at ``url``, as a reader copies it."""
    page.goto(url)
    expander = page.get_by_text("Cite this", exact=True).first
    expander.wait_for(timeout=120_000)
    expander.click()
    text = page.locator(CODE).filter(has_text="Headcount & AI claims: ").first
    text.wait_for(timeout=60_000)
    return text.text_content() or ""


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        # The arc's heading says its finding: Dropbox's filed 2,693 (2023) and 2,204 (2024).
        ("/?company=Dropbox", "Dropbox: filed headcount fell 18% (2023\u20132024)"),
        ("/claims?company=Klarna", "Claim check"),
    ],
)
def test_the_cited_addresses_open_the_view_and_its_data_of_that_revision(
    app_server, page, path, heading
):
    text = cited(page, app_server.url + path)
    found = re.fullmatch(
        r"Headcount & AI claims: '.+' \(data, revision (\d+)\)\. (\S+) "
        r"\(data: (\S+); accessed \d{4}-\d{2}-\d{2}\)",
        text,
    )
    assert found, text
    revision, view, data = found.groups()
    assert view == f"{app_server.url}{path}&rev={revision}"  # pinned to the revision shown
    with urllib.request.urlopen(data, timeout=30) as reply:
        assert reply.status == 200
        assert reply.headers["X-Headcount-Revision"] == revision
        assert f"rev={revision}" in data
    page.goto(view)
    # The page's first heading (the arc's finding is an h2 under the sidebar's h1).
    first = page.locator('[data-testid="stMain"] :is(h1, h2)').first
    first.wait_for(timeout=120_000)
    assert first.inner_text() == heading


@pytest.fixture
def one_revision_server(tmp_path) -> Iterator[tuple[AppServer, str]]:
    """The app on a store of its own, holding revision 1: the test publishes the next one."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    bootstrap.initialise(url)
    server = AppServer(env={STORE_ENV: url})
    yield server, url
    server.stop()


def filed(page) -> str:
    """The headcount card's line with the latest filed figure, as the reader sees it."""
    line = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="Filed: ").first
    line.wait_for(timeout=120_000)
    return line.inner_text()


def test_a_cited_address_shows_the_cited_revision_after_a_newer_one(page, one_revision_server):
    server, url = one_revision_server
    text = cited(page, f"{server.url}/?company=Klarna")
    view = re.search(r"\. (\S+) \(data: ", text).group(1)  # type: ignore[union-attr]
    assert view == f"{server.url}/?company=Klarna&rev=1"
    assert filed(page).startswith("Filed: 3,422, Dec 2024")

    corrected_klarna(url)  # revision 2: Klarna's 2024 filed headcount is 3,433
    page.goto(view)
    wait_for_run(page)
    assert filed(page).startswith("Filed: 3,422, Dec 2024")  # what the reader cited
    main = page.locator('[data-testid="stMain"]')
    assert "You are looking at revision 1 of 2" in main.inner_text()
    page.get_by_role("button", name="Show the latest").click()
    # The same view without rev= (Klarna, the first company, is the default: left out).
    page.wait_for_url(f"{server.url}/", timeout=60_000)
    page.get_by_text("Filed: 3,433, Dec 2024").wait_for(timeout=60_000)
    # The banner goes once the run ends (Streamlit removes what a run no longer draws).
    page.get_by_text("You are looking at revision").wait_for(state="detached", timeout=60_000)
