"""History after a rollback, in headless Chromium, without a reload (issue 24, item 9): the
pickers, the comparison under them, the rollback button, the note and the sidebar all speak of
the revision the rollback published, and a second rollback publishes and says so. The browser
is a loopback client, so it may publish."""

from __future__ import annotations

import pytest

from headcount.store import STORE_ENV, Store
from tests.conftest import ARTIFACTS, AppServer
from tests.test_roundtrips import klarna_figures, three_revisions

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path):
    url = three_revisions(tmp_path)
    server = AppServer(env={STORE_ENV: url})
    yield server, url
    server.stop()


def picked(page, label: str) -> str:
    """The value a selectbox shows, as the person sees it (its combobox's text)."""
    return page.get_by_role("combobox", name=label, exact=True).input_value()


def test_history_after_a_rollback_speaks_of_the_new_revision(browser, server):
    app, url = server
    store = Store(url)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{app.url}/history?company=Klarna")
        button = page.get_by_role("button", name="Publish a copy of revision 2")
        button.wait_for(timeout=90_000)
        assert picked(page, "Company") == f"Klarna · {klarna_figures(store, 3)} figures"
        page.get_by_label("Note (required)").fill("undo step 3")
        page.get_by_label("Note (required)").press("Enter")
        button.click()
        page.get_by_text("Published revision 4, equal to revision 2.").wait_for(timeout=60_000)
        page.wait_for_timeout(1_500)  # let the rerun's last deltas land
        assert store.latest_id() == 4
        # The pickers propose the new latest change, and the comparison below is of it.
        assert picked(page, "From") == "3"
        assert picked(page, "To") == "4"
        removed = page.locator('[data-testid="stMetric"]').filter(has_text="Rows removed").first
        assert removed.inner_text().split()[-1] == "1"
        # The rollback proposes undoing the latest revision, and the button says the same.
        assert picked(page, "Make the data equal to revision").startswith("3")
        again = page.get_by_role("button", name="Publish a copy of revision 3")
        assert again.is_visible()
        # The note of the rollback that was published is not offered for the next one.
        assert page.get_by_label("Note (required)").input_value() == ""
        assert again.is_disabled()
        # The sidebar counts the figures of the revision now shown.
        assert picked(page, "Company") == f"Klarna · {klarna_figures(store, 4)} figures"
        page.screenshot(path=str(ARTIFACTS / "history-after-rollback.png"))

        # A second rollback publishes and says so.
        page.get_by_label("Note (required)").fill("redo step 3")
        page.get_by_label("Note (required)").press("Enter")
        again.click()
        page.get_by_text("Published revision 5, equal to revision 3.").wait_for(timeout=60_000)
        assert store.latest_id() == 5
    finally:
        context.close()
