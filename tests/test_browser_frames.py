"""Clickjacking (issue 25.3): a page on another site frames the dashboard and lures the local
analyst's clicks onto it. Only embed views (``?embed=true``) may be framed by other sites, and
nothing that publishes runs in an embed view. Through the real server and Chromium, the frame
in a plain HTML page served from another origin, as tests/test_browser_embed.py does."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest

from tests.test_browser_embed import HostSite

pytestmark = pytest.mark.browser
LOCAL = "Publishing from this machine"


@pytest.fixture(scope="module")
def host(tmp_path_factory) -> Iterator[HostSite]:
    site = HostSite(tmp_path_factory.mktemp("framer"))
    yield site
    site.stop()


def framed(page, host: HostSite, name: str, src: str):
    """Another site's page with the dashboard address ``src`` in a frame, opened once the
    browser has loaded it and its frame (or refused to): the frame."""
    article = host.publish(name, f'<iframe src="{src}" width="1200" height="900"></iframe>')
    page.goto(article, wait_until="load")
    (frame,) = [f for f in page.frames if f.parent_frame is not None]
    return frame


def headers_of(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return {k.lower(): v for k, v in response.headers.items()}


@pytest.mark.parametrize("path", ["/history", "/upload", "/", "/explorer?embed=false"])
def test_no_page_but_an_embed_shows_in_another_sites_frame(browser, app_server, host, path):
    context = browser.new_context()
    page = context.new_page()
    try:
        name = f"frame{abs(hash(path))}.html"
        frame = framed(page, host, name, f"{app_server.url}{path}")
        # The browser refused to show the app in the frame: an error page of its own stands
        # where the page would be, with nothing of the app in it.
        assert not frame.url.startswith(app_server.url), frame.url
        assert frame.locator("[data-testid='stApp']").count() == 0
    finally:
        context.close()


def test_an_embed_view_of_the_upload_page_in_another_sites_frame_cannot_publish(
    browser, app_server, host
):
    context = browser.new_context()
    page = context.new_page()
    try:
        frame = framed(page, host, "upload-embed.html", f"{app_server.url}/upload?embed=true")
        frame.locator("[data-testid='stAlert']").first.wait_for(timeout=60_000)
        shown = frame.locator("[data-testid='stMain']").inner_text()
        assert "Upload and publish" in shown  # the page did open in the frame
        assert LOCAL not in shown
        assert "embedded" in shown  # and says why it does not publish here
        assert frame.locator("[data-testid='stFileUploader']").count() == 0
    finally:
        context.close()


def test_pages_forbid_framing_by_other_sites_and_embed_views_allow_it(app_server):
    for path in ("/history", "/upload", "/", "/explorer?company=Klarna", "/api/sources.json"):
        headers = headers_of(f"{app_server.url}{path}")
        assert "frame-ancestors 'self'" in headers.get("content-security-policy", ""), path
        assert headers.get("x-frame-options") == "SAMEORIGIN", path
    for path in ("/?chart=arc&embed=true", "/explorer?embed=TRUE&chart=x"):
        headers = headers_of(f"{app_server.url}{path}")
        assert "x-frame-options" not in headers, path
        assert "frame-ancestors" not in headers.get("content-security-policy", ""), path
