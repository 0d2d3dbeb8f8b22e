"""The store's SQLite file deleted or replaced under a running app (issue 25.11): publishing
said "read-only" and the data API kept serving the deleted file's data. Both now say the file
is gone, and nothing is served or written."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from headcount import bootstrap, faults, ingest
from headcount.store import STORE_ENV, Store
from tests.conftest import AppServer
from tests.csvtools import read_rows, to_csv
from validation import parse

GONE = "deleted, moved or replaced"


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "store.sqlite"
    bootstrap.initialise(f"sqlite:///{path}")
    return path


def test_a_publish_after_the_file_was_deleted_says_so(path):
    store = Store(f"sqlite:///{path}")
    rows = [{**read_rows("events")[0], "title": "A new event"}]
    proposal = ingest.prepare([parse.parse("events.csv", to_csv(rows))], store, "upsert")
    assert proposal.ok
    path.unlink()
    with pytest.raises(Exception) as raised:
        ingest.publish(proposal, store, "ana", "after the delete")
    fault = faults.describe(raised.value)
    assert fault is not None and GONE in fault.message, raised.value
    assert "read" not in fault.what.lower()  # not "read-only"
    store.engine.dispose()


def test_a_replaced_file_is_not_read_as_the_store(path, tmp_path):
    store = Store(f"sqlite:///{path}")
    assert store.latest_id() == 1
    other = tmp_path / "other.sqlite"
    bootstrap.initialise(f"sqlite:///{other}")
    other.replace(path)  # another file under the store's name
    with pytest.raises(Exception) as raised:
        store.revisions()
    fault = faults.describe(raised.value)
    assert fault is not None and GONE in fault.message
    store.engine.dispose()


@pytest.mark.slow  # measured: among the costliest of the quick loop
def test_the_data_api_stops_serving_a_deleted_file(path):
    server = AppServer(env={STORE_ENV: f"sqlite:///{path}"}, initialise=False)
    try:
        status, body = get(f"{server.url}/api/revisions.json")
        assert status == 200 and [r["revision"] for r in body["revisions"]] == [1]
        path.unlink()
        for route in ("revisions.json", "sources.json", "changes.atom"):
            status, body = get(f"{server.url}/api/{route}")
            assert status == 503, (route, status)
            assert GONE in body["error"]
    finally:
        server.stop()
