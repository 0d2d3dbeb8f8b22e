"""The data API through real HTTP from the running dashboard: `streamlit run app.py` serves the
page and the data from one process."""

from __future__ import annotations

import csv
import gzip
import io
import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

from tests.csvtools import read_rows


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_curl_of_a_data_url_returns_the_rows_with_citations(app_server):
    status, headers, body = get(f"{app_server.url}/api/observations.csv?company=Klarna")
    assert status == 200
    assert headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    expected = [r for r in read_rows("observations") if r["company"] == "Klarna"]
    assert len(rows) == len(expected)
    sources = {r["source_id"]: r["url"] for r in read_rows("sources")}
    assert all(row["url"] == sources[row["source_id"]] for row in rows)
    assert headers["x-headcount-revision"] == "1"


def test_a_client_that_takes_gzip_gets_the_same_csv_compressed(app_server):
    address = f"{app_server.url}/api/observations.csv?company=Klarna"
    _, _, plain = get(address)
    status, headers, body = get(address, {"Accept-Encoding": "gzip"})
    assert (status, headers["content-encoding"]) == (200, "gzip")
    assert "Accept-Encoding" in headers["vary"]
    assert gzip.decompress(body) == plain and len(body) < len(plain)


def test_a_second_request_with_the_etag_is_not_modified(app_server):
    _, headers, _ = get(f"{app_server.url}/api/sources.json")
    status, _, body = get(f"{app_server.url}/api/sources.json", {"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")


def test_an_unknown_parameter_is_a_400_that_names_it(app_server):
    status, _, body = get(f"{app_server.url}/api/events.json?metric=headcount")
    assert status == 400
    assert "'metric' does not apply to events" in json.loads(body)["error"]


def test_the_changes_feed_is_atom(app_server):
    status, headers, body = get(f"{app_server.url}/api/changes.atom")
    assert status == 200 and headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(body)
    assert feed.find("{http://www.w3.org/2005/Atom}entry") is not None


@pytest.mark.parametrize(
    "rev", ["\u0663", "\uff11", "9" * 5000, str(2**63), "+1", " 1", "1_0", "1.0"]
)
def test_a_rev_that_is_not_ascii_digits_is_a_400_that_says_so(app_server, rev):
    url = f"{app_server.url}/api/sources.json?{urlencode({'rev': rev})}"
    status, headers, body = get(url)
    assert status == 400, (status, body[:300])
    assert "is not a revision number" in json.loads(body)["error"]
    assert "x-headcount-revision" not in headers


@pytest.mark.parametrize(
    "date",
    ["20220101", "2022-W01-1", "\u0662\u0660\u0662\u0662-\u0660\u0661-\u0660\u0661", "2022-1-1"],
)
def test_a_date_not_written_yyyy_mm_dd_is_a_400(app_server, date):
    status, _, body = get(f"{app_server.url}/api/events.json?{urlencode({'from': date})}")
    assert status == 400, (status, body[:300])
    assert "YYYY-MM-DD" in json.loads(body)["error"]


def test_the_feeds_links_do_not_follow_the_host_header(app_server):
    # Issue 25.10: a request with a forged Host made the feed link to the forger's site,
    # where a cache or a reader would keep it.
    status, _, body = get(f"{app_server.url}/api/changes.atom", {"Host": "evil.example"})
    assert status == 200
    assert b"evil.example" not in body
    feed = ET.fromstring(body)
    atom = "{http://www.w3.org/2005/Atom}"
    links = [link.get("href") or "" for link in feed.iter(f"{atom}link")]
    assert links and all(not urlsplit(href).netloc for href in links), links
    # A reader resolves them against the feed's own address: the pages of the server it asked.
    feed_url = f"{app_server.url}/api/changes.atom"
    assert urljoin(feed_url, links[0]) == feed_url
    assert {urljoin(feed_url, href) for href in links[1:]} == {
        f"{app_server.url}/history",
        f"{app_server.url}/api/changes.json?rev=1",
    }
