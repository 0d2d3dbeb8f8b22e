"""Cite this, in a real browser against the running server (issue 23.4): the view's address it
gives opens that view, and its data address answers with the revision it names."""

from __future__ import annotations

import re
import urllib.request

import pytest

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
    assert view == app_server.url + path
    with urllib.request.urlopen(data, timeout=30) as reply:
        assert reply.status == 200
        assert reply.headers["X-Headcount-Revision"] == revision
        assert f"rev={revision}" in data
    page.goto(view)
    # The page's first heading (the arc's finding is an h2 under the sidebar's h1).
    first = page.locator('[data-testid="stMain"] :is(h1, h2)').first
    first.wait_for(timeout=120_000)
    assert first.inner_text() == heading
