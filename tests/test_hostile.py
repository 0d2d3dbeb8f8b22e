"""Hostile text in every text column and in query parameters is shown as text on every page:
no dialog opens, no injected element appears, no request leaves for another host.

Two stores: one where payloads that validation lets through (markdown, LaTeX, Streamlit colour
directives, Plotly hover templates, spreadsheet formulas, entities) were published the normal
way, and one where script and HTML payloads were written straight into the database, past
validation, as an attacker with database access or an older, laxer version could have done.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from urllib.parse import quote, urlparse

import polars as pl
import pytest

from harness import AppServer, wait_for_run
from headcount import bootstrap, diff, ingest
from headcount.outcomes import Published
from headcount.store import STORE_ENV, Store
from tests.csvtools import read_rows, to_csv

pytestmark = pytest.mark.browser
MARK = "pwned"
# Let through by validation: they are only dangerous if something renders them.
PASSING = [
    f"[{MARK} link](https://evil.example/{MARK})",
    f"**{MARK}** :red[{MARK}] $\\{MARK}$ 1 < 2 > 0",
    f"%{{customdata[1]}} %{{x}} {MARK}",
    f'=HYPERLINK("https://evil.example/{MARK}") &lt;script&gt;{MARK}',
]
# Stopped by validation; written past it to prove the pages escape on their own.
SCRIPTS = [
    f'<script>window.{MARK}=1;alert("{MARK}")</script>',
    f'<img src="https://evil.example/{MARK}.png" onerror="alert(\'{MARK}\')">',
    f'<a href="javascript:alert(1)" id="{MARK}">{MARK}</a>',
    f"![{MARK}](https://evil.example/{MARK}.png)",
]
# Bare addresses that GitHub-flavoured markdown would turn into live links (issue 12.6), in
# the forms that slipped past escaping: after an underscore or asterisk, without a scheme,
# with a broken scheme, as e-mail addresses and as markdown autolinks.
LINKS = [
    "_www.evil.example/x www.evil.example *www.evil.example*",
    "evil.example/x https:/x __https://evil.example/y__ HTTP://EVIL.EXAMPLE/z",
    "eve@evil.example _eve@evil.example_ mailto:eve@evil.example xmpp:eve@evil.example",
    "*eve@evil.example* (www.evil.example) ~www.evil.example~ [www.evil.example]",
]
# Refused in data (markup), but a link may carry them.
AUTOLINKS = ["<https://evil.example/a>", "<eve@evil.example>", "*<www.evil.example>*"]
SELECTORS = ", ".join(
    [
        f"#{MARK}",
        'img[src*="evil.example"]',
        "iframe",
        "object",
        "embed",
        'a[href^="javascript:"]',
        # A link whose target is the evil host (in any case). Our own links may carry a
        # company's name in their query, encoded (the feed of 'Evil Co www.evil.example').
        'a[href*="//evil.example" i]',
        'a[href*="//www.evil.example" i]',
        'a[href*="@evil.example" i]',
        'a[href^="mailto:"]',
    ]
)
INJECTED = (
    f"() => [...document.querySelectorAll({SELECTORS!r})].map(e => 'in ' + "
    "e.closest('[data-testid]')?.getAttribute('data-testid') + ': ' + "
    "e.parentElement.outerHTML.slice(0, 300))"
    f'.concat(window.{MARK} ? ["window.{MARK} was set"] : [])'
)


def hostile_tables(
    store: Store, payloads: list[str], source_id: str = "evil-source"
) -> dict[str, pl.DataFrame]:
    """The latest revision plus a company whose every text cell carries a payload."""
    current = store.read()
    company = f"Evil Co {payloads[0]}"
    source = (
        current["sources"]
        .head(1)
        .with_columns(
            pl.lit(source_id).alias("source_id"),
            pl.lit(payloads[1 % len(payloads)]).alias("publisher"),
            pl.lit(payloads[2 % len(payloads)]).alias("title"),
            pl.lit(payloads[3 % len(payloads)]).alias("quote"),
            pl.lit(payloads[0]).alias("via"),
        )
    )
    observations = (
        current["observations"]
        .filter(pl.col("company") == "Klarna")
        .filter(pl.col("metric").is_in(["headcount", "ai_workload_fte"]))
        .with_columns(
            pl.lit(company).alias("company"),
            pl.lit(payloads[1 % len(payloads)]).alias("note"),
            pl.concat_str(pl.col("basis"), pl.lit(" " + payloads[2 % len(payloads)])).alias(
                "basis"
            ),
        )
    )
    events = (
        current["events"]
        .filter(pl.col("company") == "Klarna")
        .with_columns(
            pl.lit(company).alias("company"),
            pl.format("{} #{}", pl.lit(payloads[3 % len(payloads)]), pl.int_range(pl.len())).alias(
                "title"
            ),
            pl.lit(payloads[0]).alias("detail"),
        )
    )
    framing = (
        current["framings"]
        .head(1)
        .with_columns(
            pl.lit(company).alias("company"),
            pl.lit(payloads[1 % len(payloads)]).alias("claim"),
            pl.lit(payloads[2 % len(payloads)]).alias("shows"),
        )
    )
    return {
        "observations": pl.concat([current["observations"], observations]),
        "events": pl.concat([current["events"], events]),
        "sources": pl.concat([current["sources"], source]),
        "framings": pl.concat([current["framings"], framing]),
    }


def csv_of(frame: pl.DataFrame) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(frame.columns)
    writer.writerows(["" if v is None else str(v) for v in row] for row in frame.iter_rows())
    return out.getvalue().encode("utf-8")


def publish_as_an_analyst(store: Store, tables: dict[str, pl.DataFrame], note: str) -> None:
    uploads = [(f"{name}.csv", csv_of(frame)) for name, frame in tables.items()]
    proposal = ingest.prepare(ingest.parse_uploads(uploads), store, "upsert")
    assert proposal.ok, proposal.problems.to_dicts()
    assert isinstance(ingest.publish(proposal, store, "ana", note, acknowledge=True), Published)


@pytest.fixture(scope="module")
def published_server(tmp_path_factory) -> Iterator[AppServer]:
    """Payloads that validation lets through (PASSING) and address-like text (LINKS), each on
    a company of its own, published through the upload path as an analyst would: one server
    for both, as a real store would hold both."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'published.sqlite'}"
    bootstrap.initialise(url)
    store = Store(url)
    publish_as_an_analyst(store, hostile_tables(store, PASSING), "hostile but valid text")
    publish_as_an_analyst(store, hostile_tables(store, LINKS, "link-source"), LINKS[0])
    store.engine.dispose()
    server = AppServer(env={STORE_ENV: url})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def script_server(tmp_path_factory) -> Iterator[AppServer]:
    """Script payloads written into the store without validation."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'scripts.sqlite'}"
    bootstrap.initialise(url)
    store = Store(url)
    current = store.read()
    tables = hostile_tables(store, SCRIPTS)
    written = store.publish(tables, diff.diff(current, tables), 1, SCRIPTS[0], SCRIPTS[1])
    assert isinstance(written, Published)
    store.engine.dispose()
    server = AppServer(env={STORE_ENV: url})
    yield server
    server.stop()


class Watch:
    """Everything a page does that hostile text could cause."""

    def __init__(self, page, server: AppServer) -> None:
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        local = urlparse(server.url).netloc
        page.on("dialog", self._dialog)
        page.on(
            "request",
            lambda request: (
                None
                if urlparse(request.url).netloc == local
                or request.url.startswith(("data:", "blob:"))
                else self.foreign.append(request.url)
            ),
        )
        self.page = page

    def _dialog(self, dialog) -> None:
        """A dialog is a script that ran: noted, and closed so the page goes on."""
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visit(self, url: str, ready: str) -> None:
        self.page.goto(url)
        self.page.wait_for_selector(ready, timeout=60_000)
        wait_for_run(self.page)  # every element of the run has arrived

    def assert_clean(self, where: str) -> None:
        assert self.dialogs == [], (where, self.dialogs)
        assert self.foreign == [], (where, self.foreign)
        assert self.page.evaluate(INJECTED) == [], where


def test_valid_but_hostile_text_is_shown_as_text_on_every_page(page, published_server):
    server, company = published_server, f"Evil Co {PASSING[0]}"
    watch = Watch(page, server)
    chart = '[data-testid="stPlotlyChart"] .js-plotly-plot .scatterlayer .trace'
    table = '[data-testid="stDataFrame"]'
    where = quote(company)
    watch.visit(f"{server.url}/?company={where}", chart)
    watch.assert_clean("arc")
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Evil Co [pwned link](https://evil.example/pwned)" in body  # literal, not a link
    # Hover every point of the arc: hover labels carry titles, notes and sources.
    points = page.locator(f"{chart} .point").all()[:6]
    assert len(points) == 6  # the Evil Co arc has more points than that
    for point in points:
        point.hover(force=True)
        page.wait_for_timeout(100)
        hover = page.locator(".hoverlayer").first.text_content() or ""
        assert "%{customdata" not in hover or MARK in hover
    watch.assert_clean("arc hover")
    for path, ready in (
        (f"explorer?company={where}", chart),
        ("sources", table),
        ("history", table),
        ("upload", "[data-testid='stFileUploader']"),
    ):
        watch.visit(f"{server.url}/{path}", ready)
        watch.assert_clean(path)


def test_script_payloads_written_past_validation_never_run(page, script_server):
    watch = Watch(page, script_server)
    # The revision does not validate, so every page shows the problem table instead.
    watch.visit(script_server.url, '[data-testid="stDataFrame"]')
    assert "did not pass validation" in page.locator("[data-testid='stMain']").inner_text()
    watch.assert_clean("arc")
    for path in ("explorer", "sources", "history"):
        watch.visit(f"{script_server.url}/{path}", '[data-testid="stDataFrame"]')
        watch.assert_clean(path)


def test_hostile_query_parameters_fall_back_with_a_text_notice(page, app_server):
    watch = Watch(page, app_server)
    payload = quote(SCRIPTS[0])
    image = quote(SCRIPTS[1])
    chart = '[data-testid="stPlotlyChart"] .js-plotly-plot .scatterlayer .trace'
    url = (
        f"{app_server.url}/?company={payload}&metric={image}&from={payload}&index={image}"
        f"&rev={payload}"
    )
    watch.visit(url, chart)
    notices = page.locator("[data-testid='stMain']").inner_text()
    assert "<script>" in notices  # shown, as text
    assert """rev='<script>window.pwned=1;alert("…' is not a revision number""" in notices
    watch.assert_clean("query parameters")
    watch.visit(
        f"{app_server.url}/explorer?company={payload}&compare={image}&basis={payload}"
        f"&rev={image}&rev=1",
        chart,
    )
    watch.assert_clean("explorer query parameters")
    assert "The link names 2 revisions" in main_text(page)
    assert read_rows("observations")  # the curated data still loads beside hostile links


INVISIBLE = ("\u2060", "\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad")


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_address_like_text_in_data_never_becomes_a_link(page, published_server):
    server, company = published_server, f"Evil Co {LINKS[0]}"
    watch = Watch(page, server)
    chart = '[data-testid="stPlotlyChart"] .js-plotly-plot .scatterlayer .trace'
    where = quote(company)
    for path, ready in (
        (f"?company={where}", chart),
        (f"explorer?company={where}", chart),
        ("sources", '[data-testid="stDataFrame"]'),
        ("history", '[data-testid="stDataFrame"]'),
    ):
        watch.visit(f"{server.url}/{path}", ready)
        watch.assert_clean(path)
        shown = main_text(page)
        assert not any(mark in shown for mark in INVISIBLE), path
    watch.visit(f"{server.url}/?company={where}", chart)
    shown = main_text(page)
    assert company in shown  # the title reads (and copies) exactly as written
    watch.visit(f"{server.url}/sources", '[data-testid="stDataFrame"]')
    shown = main_text(page)
    # The framing's claim and what it shows, character for character.
    assert LINKS[1] in shown and LINKS[2] in shown
    # A citation's address copies exactly: no invisible character after "https:".
    assert "https://" in shown


@pytest.mark.parametrize("path", ["", "explorer", "sources"])
def test_an_address_in_the_link_is_shown_in_the_notice_as_text(page, app_server, path):
    watch = Watch(page, app_server)
    for payload in ("_www.evil.example/x", LINKS[2], *AUTOLINKS):
        watch.visit(
            f"{app_server.url}/{path}?company={quote(payload)}",
            "[data-testid='stAlertContentInfo']",
        )
        watch.assert_clean(f"{path or 'arc'} notice for {payload}")
        notice = page.locator("[data-testid='stAlertContentInfo']").first.inner_text()
        # Long values are quoted cut short (40 characters and an ellipsis).
        shown = payload if len(payload) <= 40 else payload[:40] + "…"
        assert shown in notice, notice


# Every line the upload's progress line shows while it works, and any link or bold text that
# ever appears in it (the "Reading NAME" line lasts only while the file is read).
WATCH_STATUS = """
window.__labels = []; window.__marked = [];
new MutationObserver(() => {
  for (const label of document.querySelectorAll('.st-key-upload_progress')) {
    const text = label.innerText;
    if (!window.__labels.includes(text)) window.__labels.push(text);
    for (const e of label.querySelectorAll('a, strong, em, img')) window.__marked.push(e.outerHTML);
  }
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def test_the_uploaded_file_name_is_shown_as_text(page, app_server):
    """Issue 12.10: the name is the uploader's own text and must not become markdown."""
    name = "**pwned** [x](http:evil.example) _www.evil.example_ eve@evil.example.csv"
    rows = read_rows("observations")
    junk = [dict(rows[0], note=f"row {n}") for n in range(20_000)]  # slow enough to be seen
    watch = Watch(page, app_server)
    page.add_init_script(WATCH_STATUS)
    watch.visit(f"{app_server.url}/upload", "[data-testid='stFileUploader']")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": to_csv(rows + junk)}
    )
    # The line once checked names the file: no race with how fast the reading step passed.
    page.get_by_text("Checked ").wait_for(timeout=120_000)
    labels = page.evaluate("window.__labels")
    assert any(f"Checked {name}." in label for label in labels), labels  # character for character
    assert page.evaluate("window.__marked") == []
    watch.assert_clean("upload progress line")
