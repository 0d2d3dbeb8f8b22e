"""AppTest: the Upload and History pages, each test on its own store."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from headcount import bootstrap, ingest, preview
from headcount.settings import ROOT
from headcount.store import STORE_ENV, Store
from tests.apptest import open_expanders
from tests.csvtools import with_cell

TIMEOUT = 60
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "test-only-cookie-secret",
    "client_id": "dashboard",
    "client_secret": "test-only-client-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture
def store(tmp_path, monkeypatch) -> Store:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv(STORE_ENV, url)
    bootstrap.initialise(url)
    store = Store(url)
    return store


ANALYST = {"is_logged_in": True, "email": "ana@example.org", "email_verified": True}
ANALYSTS = {"emails": ["ana@example.org"]}


def open_page(page: str, user: dict | None = None, analysts: dict | None = None) -> AppTest:
    """A page as a signed-in user (AppTest has no loopback client: its connection is a mock,
    so the no-sign-in path is covered by the browser tests against a real server)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.secrets["analysts"] = analysts or {}
        at.user = user
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="uploads").upload(name, data, "text/csv").run()
    assert not at.exception, at.exception
    return at


def publish_button(at: AppTest):
    return next(b for b in at.button if b.label.startswith("Publish revision"))


def acknowledge(at: AppTest) -> AppTest:
    """Tick the acknowledgement of the review's warnings (a changed value is in no quote)."""
    return at.checkbox(key="acknowledge_warnings").check().run()


@pytest.mark.slow  # measured: among the costliest of the quick loop
def test_valid_upload_shows_the_diff_and_publishes_exactly_it(store):
    data, _ = with_cell("observations", 3, "value", "4999")
    at = upload(open_page("upload", ANALYST, ANALYSTS), "observations.csv", data)
    changed = next(m for m in at.metric if m.label == "Rows changed")
    assert changed.value == "1"
    assert ",5527,4999" in at.dataframe[0].value.to_csv()  # old and new, as written
    assert publish_button(at).disabled  # no note yet
    at.text_input(key="publish_note").input("one figure corrected").run()
    # 4,999 is written in no quote of its source: a warning, and publishing needs it ticked.
    warned = at.dataframe[-1].value.to_dict("records")
    assert [(w["code"], w["value"]) for w in warned] == [("evidence.value_not_in_quote", "4,999")]
    assert publish_button(at).disabled
    acknowledge(at)
    publish_button(at).click().run()
    assert "Published revision 2" in at.success[-1].value
    assert store.latest_id() == 2
    assert 4999.0 in store.read(2)["observations"].get_column("value").to_list()
    assert store.revision(2).note == "one figure corrected"
    seen = store.revision(2).acknowledged
    assert seen is not None and [w["value"] for w in seen.warnings] == ["4,999"]


def test_the_preview_of_the_arc_after_publishing_is_drawn_once_opened(store):
    data, _ = with_cell("observations", 3, "value", "4999")
    at = upload(open_page("upload", ANALYST, ANALYSTS), "observations.csv", data)
    captions = " ".join(c.value for c in at.caption).replace("\\", "")  # as markdown shows it
    assert ":material/check_circle: Checked observations.csv." in captions
    assert "Preview the arc after publishing" in [e.label for e in at.expander]
    assert not at.get("plotly_chart")  # nothing drawn for a preview nobody opened
    at = open_expanders(at, "Preview the arc after publishing")
    assert "**Klarna after publishing**" in [m.value for m in at.markdown]
    [chart] = at.get("plotly_chart")
    figure = json.loads(chart.proto.spec)
    assert "Klarna" in figure["layout"]["title"]["text"]
    # The changed figure is ringed (headcount/preview.py): 4,999 is among the marked points.
    marked = [t for t in figure["data"] if t.get("name") == preview.MARKED]
    assert marked and 4999 in marked[0]["y"], marked


def test_invalid_upload_lists_problems_and_offers_no_publish(store):
    data, line = with_cell("events", 2, "date", "2024-02-30")
    at = upload(open_page("upload", ANALYST, ANALYSTS), "events.csv", data)
    problems = at.dataframe[0].value.to_dict("records")
    assert problems[0]["line"] == line and problems[0]["column"] == "date"
    assert problems[0]["value"] == "2024-02-30"
    assert not [b for b in at.button if b.label.startswith("Publish revision")]
    assert store.latest_id() == 1


def test_publish_refused_when_someone_published_meanwhile(store):
    data, _ = with_cell("observations", 3, "value", "4999")
    at = upload(open_page("upload", ANALYST, ANALYSTS), "observations.csv", data)
    other, _ = with_cell("observations", 7, "value", "1234")
    theirs = ingest.prepare([ingest.parse_uploads([("o.csv", other)])[0]], store, "upsert")
    ingest.publish(theirs, store, "bob", "bob was quicker", acknowledge=True)
    at.text_input(key="publish_note").input("mine").run()
    acknowledge(at)
    publish_button(at).click().run()
    said = [w.value.replace("\\", "") for w in at.warning]
    assert any("publishing this review would be refused" in text for text in said), said
    assert "Refused" in at.error[0].value and "bob" in at.error[0].value
    assert store.latest_id() == 2


def test_signed_in_non_analyst_cannot_publish(store):
    at = open_page(
        "upload",
        {"is_logged_in": True, "email": "eve@example.com", "email_verified": True},
        {"domains": ["example.org"]},
    )
    # Nothing to publish from: checking a file needs the analyst role too (issue 12.2).
    assert not at.get("file_uploader")
    assert "not on the analysts list" in at.warning[0].value.replace("\\", "")


def test_signed_in_analyst_by_domain_can_publish(store):
    data, _ = with_cell("observations", 3, "value", "4999")
    page = open_page(
        "upload",
        {"is_logged_in": True, "email": "ana@example.org", "email_verified": True},
        {"domains": ["example.org"]},
    )
    at = upload(page, "observations.csv", data)
    at.text_input(key="publish_note").input("by domain").run()
    acknowledge(at)
    publish_button(at).click().run()
    assert store.revision(2).author == "ana@example.org"


@pytest.mark.parametrize("verified", [False, None, "false", "yes"])
def test_an_unverified_email_of_an_analysts_domain_cannot_publish(store, verified):
    user = {"is_logged_in": True, "email": "mallory@example.org"}
    if verified is not None:
        user["email_verified"] = verified
    at = open_page("upload", user, {"domains": ["example.org"]})
    # Not an analyst: no file can even be checked (issue 12.2), so nothing to publish from.
    assert not at.get("file_uploader")
    assert "not say this e-mail address is verified" in at.warning[0].value.replace("\\", "")
    assert store.latest_id() == 1


def test_signed_out_user_is_offered_sign_in(store):
    at = open_page("upload", {"is_logged_in": False}, {"emails": ["ana@example.org"]})
    assert any(b.label == "Sign in" for b in at.button)


def test_history_lists_revisions_diffs_and_rolls_back(store):
    data, _ = with_cell("observations", 3, "value", "4999")
    ingest.publish(
        ingest.prepare(ingest.parse_uploads([("observations.csv", data)]), store, "upsert"),
        store,
        "ana",
        "fix",
        acknowledge=True,
    )
    at = open_page("history", ANALYST, ANALYSTS)
    table = at.dataframe[0].value
    assert list(table["revision"]) == [2, 1]
    assert list(table["note"]) == ["fix", store.revision(1).note]
    assert list(table["acknowledged"]) == [
        "1 warning(s) acknowledged by ana: evidence.value_not_in_quote",
        "",
    ]
    assert "1 changed" in " ".join(m.value for m in at.markdown)
    at.selectbox(key="rollback_to").select(1).run()
    at.text_input(key="rollback_note").input("undo the fix").run()
    next(b for b in at.button if b.label.startswith("Publish a copy")).click().run()
    assert "Published revision 3, equal to revision 1" in at.success[0].value
    assert store.revision(3).hashes == store.revision(1).hashes


def publish_change(store: Store, row: int, value: str, note: str) -> None:
    data, _ = with_cell("observations", row, "value", value)
    changes = ingest.prepare(ingest.parse_uploads([("observations.csv", data)]), store, "upsert")
    ingest.publish(changes, store, "ana", note, acknowledge=True)


def test_history_shows_a_rollback_at_once_and_proposes_the_revision_before_the_latest(store):
    publish_change(store, 3, "4999", "first fix")
    publish_change(store, 4, "4998", "second fix")
    at = open_page("history", ANALYST, ANALYSTS)
    assert at.selectbox(key="rollback_to").value == 2  # undo the latest publish
    at.text_input(key="rollback_note").input("undo the second fix").run()
    next(b for b in at.button if b.label.startswith("Publish a copy")).click().run()
    assert not at.exception, at.exception
    # Without a reload: the new revision heads the table, and is the one rolled back from next.
    assert list(at.dataframe[0].value["revision"]) == [4, 3, 2, 1]
    assert at.selectbox(key="rollback_to").value == 3
    assert "Published revision 4, equal to revision 2" in at.success[0].value
    assert store.revision(4).hashes == store.revision(2).hashes


def test_history_table_speaks_in_words(store):
    publish_change(store, 3, "4999", "fix")
    table = open_page("history", ANALYST, ANALYSTS).dataframe[0].value
    assert list(table["based on"]) == ["revision 1", "first revision"]
    published = " ".join(table["published (UTC)"])
    assert "None" not in published and ":00:00" not in published


def test_the_templates_are_drawn_once_their_box_is_opened_even_for_a_reader(store):
    """Templates and format: closed, nothing of it is sent; opened, one template to download
    per table of the contract, also for someone who may not publish (the lock says the
    templates show the format)."""
    at = open_page("upload")
    assert "Templates and format" in [e.label for e in at.expander]
    assert not at.get("download_button")
    at = open_expanders(at, "Templates and format")
    labels = [b.proto.label for b in at.get("download_button")]
    tables = ["observations", "events", "sources", "framings", "notices"]
    assert labels == [f"{name}.csv" for name in tables], labels
    said = " ".join(m.value for m in at.markdown).replace("\\", "")  # as markdown shows it
    assert "UTF-8 CSV with a header row, ISO dates (2024-12-31)" in said


def test_warnings_past_the_listed_ones_are_counted_in_the_review_and_in_the_history(store):
    # 60 sources without a quote: the review lists 50 and one row for the other 10, and
    # says 60, as the revision's record of what was acknowledged does.
    from benchmarks.generate import csv_bytes, sources

    at = open_page("upload", ANALYST, ANALYSTS)
    upload(at, "sources.csv", csv_bytes(sources(60)))
    said = next(w.value for w in at.warning if "warning(s)" in w.value)
    assert said.startswith("60 warning(s):"), said
    assert "The first 50 of each kind are listed, then how many more." in said
    acknowledge(at)
    at.text_input(key="publish_note").input("sixty sources, quotes to follow").run()
    publish_button(at).click().run()
    assert not at.exception, at.exception
    history = open_page("history", ANALYST, ANALYSTS).dataframe[0].value
    assert history["acknowledged"][0] == (
        "60 warning(s) acknowledged by ana@example.org: evidence.empty_quote"
    )
