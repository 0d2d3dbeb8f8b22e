"""One site per process: the pages, the data API and its feed read the same store, the one a
deployer names in `.streamlit/secrets.toml` (as the README tells a Community Cloud deployer to),
through a real `streamlit run app.py` started in a folder holding that file."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import AppServer
from headcount import bootstrap, ingest
from headcount.settings import DEFAULT_STORE_PATH, ROOT, STORE_ENV
from headcount.store import Store
from tests.csvtools import read_rows, to_csv
from tests.test_api_http import get
from validation import parse

ATOM = "{http://www.w3.org/2005/Atom}"
NOTE = "Second revision, only in the store named in secrets"
TITLE_SUFFIX = " (as corrected in revision 2)"
OTHER_SUFFIX = " (another store's revision 2)"
STORE_PATH: dict[str, Path] = {}  # each server's SQLite file, by its address


def store_with_two_revisions(path: Path, suffix: str = TITLE_SUFFIX) -> str:
    """A store whose revision 2 adds ``suffix`` to the first source's title."""
    url = f"sqlite:///{path}"
    bootstrap.initialise(url)
    store = Store(url)
    rows = read_rows("sources")
    rows[0] = {**rows[0], "title": rows[0]["title"] + suffix}
    proposal = ingest.prepare([parse.parse("sources.csv", to_csv(rows))], store)
    assert proposal.ok, proposal.problems
    ingest.publish(proposal, store, "analyst@example.org", NOTE)
    store.engine.dispose()
    return url


@pytest.fixture(scope="module")
def secrets_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The app started where `.streamlit/secrets.toml` names the store, and no
    HEADCOUNT_STORE_URL in its environment."""
    folder = tmp_path_factory.mktemp("deploy")
    url = store_with_two_revisions(folder / "secret.sqlite")
    (folder / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    (folder / ".streamlit" / "secrets.toml").write_text(f'[store]\nurl = "{url}"\n')
    server = AppServer(initialise=False, cwd=folder, unset=(STORE_ENV,))
    STORE_PATH[server.url] = folder / "secret.sqlite"
    yield server
    server.stop()


@pytest.fixture(scope="module")
def other_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The app on another store, also of two revisions, whose revision 2 differs: what a
    client sees after a store is reset and published again."""
    path = tmp_path_factory.mktemp("other") / "other.sqlite"
    url = store_with_two_revisions(path, OTHER_SUFFIX)
    server = AppServer(env={STORE_ENV: url})
    yield server
    server.stop()


def test_the_data_api_serves_the_store_named_in_secrets(secrets_server):
    default_existed = DEFAULT_STORE_PATH.exists()
    status, _, body = get(f"{secrets_server.url}/api/revisions.json")
    assert status == 200, body
    listed = json.loads(body)["revisions"]
    assert [(r["revision"], r["note"]) for r in listed][-1] == (2, NOTE)

    status, headers, body = get(f"{secrets_server.url}/api/sources.csv")
    assert status == 200 and headers["x-headcount-revision"] == "2"
    titles = [row["title"] for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))]
    assert any(title.endswith(TITLE_SUFFIX) for title in titles)

    status, _, body = get(f"{secrets_server.url}/api/changes.atom")
    newest = ET.fromstring(body).find(f"{ATOM}entry")
    assert status == 200 and newest is not None
    assert newest.findtext(f"{ATOM}title") == "Revision 2"
    # Nothing was made or seeded on the side: the embedded default store is as it was.
    assert DEFAULT_STORE_PATH.exists() == default_existed


def test_a_page_and_the_data_api_beside_it_show_the_same_revision(secrets_server, page):
    """The History page compares the secrets' store's revisions 1 and 2, and the data API of
    the same server answers from that revision 2."""
    page.goto(f"{secrets_server.url}/history")
    page.get_by_text("sources.csv: 0 added, 1 changed, 0 removed").wait_for(timeout=60_000)
    status, headers, body = get(f"{secrets_server.url}/api/observations.json")
    assert status == 200, body
    assert headers["x-headcount-revision"] == "2"


def test_a_tag_from_one_store_is_not_taken_for_anothers(secrets_server, other_server):
    """Both stores have a revision 2 with different rows: a client holding the first store's
    tag gets the second store's rows from it, not a 304."""
    address = "/api/sources.csv?rev=2"
    status, first, _ = get(f"{secrets_server.url}{address}")
    assert status == 200
    status, headers, body = get(f"{other_server.url}{address}", {"If-None-Match": first["etag"]})
    assert status == 200, headers
    assert OTHER_SUFFIX in body.decode("utf-8-sig")
    assert headers["x-headcount-store"] != first["x-headcount-store"]


def test_only_an_address_that_names_the_store_is_cached_for_good(secrets_server, other_server):
    status, headers, _ = get(f"{secrets_server.url}/api/sources.json?rev=2")
    assert status == 200
    assert "immutable" not in headers["cache-control"]  # it may mean another store tomorrow
    named = f"/api/sources.json?rev=2&store={headers['x-headcount-store']}"
    status, pinned, _ = get(f"{secrets_server.url}{named}")
    assert status == 200 and "immutable" in pinned["cache-control"]
    status, _, body = get(f"{other_server.url}{named}")
    assert status == 404
    assert "is not this server's store" in json.loads(body)["error"]


def test_the_feed_is_computed_once_per_revision(secrets_server):
    """The feed's summaries are diffs of revisions (about a second each at the shipped data's
    size): worked out for the first request and kept until another revision is published. The
    rows of revision 2 are changed behind the store's back after the first request: only a
    feed worked out again would see it."""
    path = STORE_PATH[secrets_server.url]
    first = summaries(get(f"{secrets_server.url}/api/changes.atom")[2])
    assert first["Revision 2"].endswith("(sources: 0 added, 1 changed, 0 removed)")
    with sqlite3.connect(path) as connection:
        kept = connection.execute("SELECT * FROM rows_sources WHERE _rev_from = 2").fetchall()
        connection.execute("DELETE FROM rows_sources WHERE _rev_from = 2")
    try:
        again = summaries(get(f"{secrets_server.url}/api/changes.atom")[2])
    finally:
        with sqlite3.connect(path) as connection:
            marks = ", ".join("?" for _ in kept[0])
            connection.executemany(f"INSERT INTO rows_sources VALUES ({marks})", kept)
    assert again == first


def summaries(feed: bytes) -> dict[str, str]:
    return {
        entry.findtext(f"{ATOM}title") or "": entry.findtext(f"{ATOM}summary") or ""
        for entry in ET.fromstring(feed).findall(f"{ATOM}entry")
    }
