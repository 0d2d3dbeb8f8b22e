"""Back and forward in a real browser restore each view with its state, the Explorer's
compare set included; a page switch keeps it too."""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot .main-svg'
COMPARE = '[data-testid="stMultiSelect"]:has(input[aria-label="Compare with"])'


def eventually(page, read, expected):
    """What ``read()`` gives once it is ``expected``, or after 20 s: the rerun an address
    change starts takes a moment to reach the page. The pause is Playwright's own, not
    time.sleep: ``page.url`` is a copy that only its event loop brings up to date."""
    for _ in range(40):
        value = read()
        if value == expected:
            break
        page.wait_for_timeout(500)
    return value


def chips(page) -> list[str]:
    """The companies in the Explorer's compare box, as the page shows them."""
    box = page.locator(COMPARE)
    box.wait_for(timeout=30_000)
    return sorted(box.locator("[data-tag] span[title]").all_inner_texts())


def shown(page, expected: tuple[list[str], bool]) -> tuple[list[str], bool]:
    """The compare set and the index switch as the page shows them, once they are as expected."""
    return eventually(page, lambda: (chips(page), index(page).is_checked()), expected)


def add_company(page, name: str) -> None:
    page.locator(COMPARE).locator("input").click()
    page.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")


def settled(page, url_part: str, present: bool = True) -> None:
    if present:
        page.wait_for_url(f"**{url_part}**", timeout=30_000)
    else:
        page.wait_for_function(f"!location.search.includes({url_part!r})", timeout=30_000)
    page.wait_for_selector(CHART, timeout=60_000)
    # The run that the address change started must finish before the page is read.
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


def went_back(page) -> None:
    """Back one entry of the tab's history, once the browser is on it: its place in the
    history says so whatever its address (two entries may have the same one)."""
    before = page.evaluate("navigation.currentEntry.index")
    page.go_back()
    page.wait_for_function(
        "(before) => navigation.currentEntry.index < before", arg=before, timeout=30_000
    )


def index(page):
    return page.get_by_role("switch", name="Index (base year = 100)")


def test_back_and_forward_restore_the_explorers_compare_set(page, app_server):
    page.goto(f"{app_server.url}/explorer")
    page.wait_for_selector(CHART, timeout=60_000)
    add_company(page, "Salesforce")
    settled(page, "compare=Salesforce")
    add_company(page, "IBM")
    settled(page, "compare=IBM")
    page.get_by_text("Index (base year", exact=False).click()
    settled(page, "index=1")
    assert shown(page, (["IBM", "Salesforce"], True)) == (["IBM", "Salesforce"], True)

    page.go_back()
    settled(page, "index=1", present=False)
    assert shown(page, (["IBM", "Salesforce"], False)) == (
        ["IBM", "Salesforce"],
        False,
    )  # the compare set stays

    page.go_back()
    settled(page, "compare=IBM", present=False)
    assert shown(page, (["Salesforce"], False)) == (["Salesforce"], False)

    page.go_back()
    settled(page, "compare=", present=False)
    assert shown(page, ([], False)) == ([], False)

    page.go_forward()
    settled(page, "compare=Salesforce")
    assert shown(page, (["Salesforce"], False)) == (["Salesforce"], False)
    page.go_forward()
    settled(page, "compare=IBM")
    page.go_forward()
    settled(page, "index=1")
    assert shown(page, (["IBM", "Salesforce"], True)) == (["IBM", "Salesforce"], True)
    page.screenshot(path=str(ARTIFACTS / "explorer-after-back-and-forward.png"))


def test_a_page_switch_and_back_keep_the_compare_set(page, app_server):
    page.goto(f"{app_server.url}/explorer")
    page.wait_for_selector(CHART, timeout=60_000)
    add_company(page, "Salesforce")
    settled(page, "compare=Salesforce")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Sources").click()
    page.get_by_role("heading", name="Sources").wait_for(timeout=60_000)
    page.wait_for_url("**/sources?compare=Salesforce", timeout=30_000)
    # Streamlit's page switch may leave an entry of the Sources page without the query behind
    # (more than one under load, none when its address is rewritten in time). Going back into
    # such an entry keeps the view (it used to reset it, dropping the compare set); the reader
    # goes back until the Explorer is reached, and every entry on the way keeps the set.
    for _ in range(3):
        went_back(page)
        # On the Explorer, or on an entry of Sources that keeps the set: a Sources entry shown
        # without its query gets it back from the app, or the wait fails.
        address = page.wait_for_function(
            "() => (location.pathname.endsWith('/explorer')"
            " || location.search.includes('compare=Salesforce')) && location.href",
            timeout=20_000,
        ).json_value()
        if "/explorer" in address:
            break
    assert eventually(page, lambda: page.url.endswith("/explorer?compare=Salesforce"), True), (
        page.url
    )
    page.wait_for_selector(CHART, timeout=60_000)
    assert eventually(page, lambda: chips(page), ["Salesforce"]) == ["Salesforce"]
