"""The data API's answers, checked against the curated CSV files read here on their own:
filters, citations on every row, clear refusals, ETags and the changes feed."""

from __future__ import annotations

import csv
import gzip
import io
import json
import xml.etree.ElementTree as ET

import pytest

from headcount import api, bootstrap, feeds, ingest
from headcount.site import for_store
from headcount.store import Store
from tests.csvtools import read_rows, to_csv
from validation import parse

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'api.sqlite'}"
    bootstrap.initialise(url)
    return url


def rows_of(reply: api.Reply) -> list[dict]:
    assert reply.status == 200, reply.body
    return json.loads(reply.body)["rows"]


def test_observations_are_filtered_like_the_explorers_links(url):
    reply = api.table_reply(
        "observations",
        "json",
        {"company": ["Klarna"], "metric": ["headcount"], "from": ["2024-01-01"]},
        for_store(url),
    )
    expected = {
        (r["date"], r["value"], r["source_id"])
        for r in read_rows("observations")
        if r["company"] == "Klarna" and r["metric"] == "headcount" and r["date"] >= "2024-01-01"
    }
    got = {(r["date"], r["value"], r["source_id"]) for r in rows_of(reply)}
    assert {(d, float(v), s) for d, v, s in expected} == got
    assert reply.headers["X-Headcount-Revision"] == "1"


def test_a_company_is_found_whatever_its_case_as_on_the_pages(url):
    exact = rows_of(
        api.table_reply("observations", "json", {"company": ["Klarna"]}, for_store(url))
    )
    loose = rows_of(
        api.table_reply("observations", "json", {"company": ["kLARNA"]}, for_store(url))
    )
    assert loose == exact and len(exact) == sum(
        r["company"] == "Klarna" for r in read_rows("observations")
    )


def test_whole_numbers_are_written_as_people_write_them(url):
    """Klarna's filed year-end count of 2022, 5527 in the curated file: not 5527.0."""
    params = {"company": ["Klarna"], "metric": ["headcount"], "to": ["2022-12-31"]}
    csv_reply = api.table_reply("observations", "csv", params, for_store(url))
    lines = csv_reply.body.decode("utf-8-sig").splitlines()
    assert any(",5527,employees," in line for line in lines)
    assert not any(".0,employees," in line for line in lines)
    json_rows = rows_of(api.table_reply("observations", "json", params, for_store(url)))
    assert 5527 in [r["value"] for r in json_rows]
    assert (
        '"value": 5527,'
        in api.table_reply("observations", "json", params, for_store(url)).body.decode()
    )


def test_every_row_carries_its_citation(url):
    sources = {r["source_id"]: r for r in read_rows("sources")}
    reply = api.table_reply("events", "csv", {"company": ["Klarna"]}, for_store(url))
    assert reply.status == 200
    rows = list(csv.DictReader(io.StringIO(reply.body.decode("utf-8-sig"))))
    assert rows
    for row in rows:
        assert row["url"] == sources[row["source_id"]]["url"]
        assert row["publisher"] == sources[row["source_id"]]["publisher"]
        assert sources[row["source_id"]]["url"] in row["citation"]


@pytest.mark.parametrize(
    ("table", "params", "status", "words"),
    [
        ("observations", {"colour": ["red"]}, 400, "'colour' does not apply to observations"),
        ("events", {"metric": ["headcount"]}, 400, "'metric' does not apply to events"),
        ("observations", {"from": ["2024-13-01"]}, 400, "is not a date"),
        ("observations", {"from": ["2024-01-01", "2025-01-01"]}, 400, "given 2 times"),
        ("observations", {"rev": ["0"]}, 404, "revisions are 1 to 1"),
        ("observations", {"rev": ["abc"]}, 400, "is not a revision number"),
        ("salaries", {}, 404, "there is no table 'salaries'"),
        (
            "observations",
            {"company": ["Nope"]},
            400,
            "there is no company 'Nope'; company is one of: ",
        ),
        ("events", {"company": ["Klarna", "Nope"]}, 400, "there is no company 'Nope'"),
        ("observations", {"metric": ["salary"]}, 400, "there is no metric 'salary'"),
    ],
)
def test_a_bad_request_is_refused_with_what_is_wrong(url, table, params, status, words):
    reply = api.table_reply(table, "json", params, for_store(url))
    assert reply.status == status
    assert words in json.loads(reply.body)["error"]


def test_an_unchanged_answer_is_a_304_and_a_named_revision_is_cached_for_good(url):
    first = api.table_reply("sources", "json", {}, for_store(url))
    again = api.table_reply(
        "sources", "json", {}, for_store(url), if_none_match=first.headers["ETag"]
    )
    assert again.status == 304 and again.body == b""
    # Only an address that names the store as well as the revision means the same data for
    # good: without the store, it may answer for another store after a reset.
    store = first.headers["X-Headcount-Store"]
    named = api.table_reply("sources", "json", {"rev": ["1"], "store": [store]}, for_store(url))
    assert named.status == 200 and "immutable" in named.headers["Cache-Control"]
    unnamed = api.table_reply("sources", "json", {"rev": ["1"]}, for_store(url))
    assert "immutable" not in unnamed.headers["Cache-Control"]
    assert "immutable" not in first.headers["Cache-Control"]


def test_the_changes_feed_names_each_revision_and_what_it_changed(url):
    store = Store(url)
    rows = read_rows("sources")
    rows[0] = {**rows[0], "title": rows[0]["title"] + " (corrected)"}
    proposal = ingest.prepare([parse.parse("sources.csv", to_csv(rows))], store)
    assert proposal.ok, proposal.problems
    ingest.publish(proposal, store, "analyst@example.org", "Title corrected", acknowledge=True)
    feed = ET.fromstring(feeds.feed_reply(for_store(url)).body)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Revision 2", "Revision 1"]
    newest = entries[0]
    assert newest.findtext(f"{ATOM}author/{ATOM}name") == "analyst@example.org"
    summary = newest.findtext(f"{ATOM}summary") or ""
    assert "Title corrected" in summary
    assert "sources: 0 added, 1 changed, 0 removed" in summary
    listed = json.loads(api.revisions_reply("json", for_store(url)).body)["revisions"]
    assert [r["revision"] for r in listed] == [1, 2]


def test_a_site_answering_again_after_a_publish_serves_the_new_revision(url):
    # One site, as the server has: its answers are kept per revision, never past one.
    site = for_store(url)
    before = rows_of(api.table_reply("sources", "json", {}, site))
    store = Store(url)
    rows = read_rows("sources")
    rows[0] = {**rows[0], "title": rows[0]["title"] + " (corrected)"}
    proposal = ingest.prepare([parse.parse("sources.csv", to_csv(rows))], store)
    ingest.publish(proposal, store, "analyst@example.org", "Title corrected", acknowledge=True)
    after = api.table_reply("sources", "json", {}, site)
    assert after.headers["X-Headcount-Revision"] == "2"
    titles = {r["source_id"]: r["title"] for r in rows_of(after)}
    assert titles[rows[0]["source_id"]] == rows[0]["title"]
    assert {r["source_id"]: r["title"] for r in before}[rows[0]["source_id"]] != rows[0]["title"]
    again = api.table_reply("sources", "json", {"rev": ["1"]}, site)
    assert rows_of(again) == before


def test_a_client_that_takes_gzip_gets_the_same_rows_compressed(url):
    site = for_store(url)
    plain = api.table_reply("observations", "csv", {"company": ["Klarna"]}, site)
    packed = api.table_reply(
        "observations", "csv", {"company": ["Klarna"]}, site, gzip_accepted=True
    )
    assert packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.body) < len(plain.body) and gzip.decompress(packed.body) == plain.body
    assert "Content-Encoding" not in plain.headers


def test_an_unreachable_store_is_a_503_saying_what_to_do_not_a_traceback():
    closed = "postgresql+psycopg://postgres@127.0.0.1:1/nothing"  # nothing listens on port 1
    reply = api._or_unavailable(lambda: api.table_reply("sources", "json", {}, for_store(closed)))
    assert reply.status == 503
    message = json.loads(reply.body)["error"]
    assert "Nothing was written; the published data is unchanged." in message
    assert "Traceback" not in message and "127.0.0.1:1" not in message


NOTICES = """company,state,filed,workers,site,cause,source_id,note
Klarna,NY,2024-03-04,62,"New York, NY",technological innovation or automation,verge-fstech-2022-05,
Klarna,CA,2024-05-01,11,,,verge-fstech-2022-05,
"""


def test_notices_are_served_as_csv_and_json_with_their_citations(url):
    store = Store(url)
    proposal = ingest.prepare([parse.parse("notices.csv", NOTICES.encode())], store)
    assert proposal.ok, proposal.problems
    ingest.publish(proposal, store, "analyst@example.org", "Two notices", acknowledge=True)
    source = next(r for r in read_rows("sources") if r["source_id"] == "verge-fstech-2022-05")
    reply = api.table_reply("notices", "csv", {"company": ["Klarna"]}, for_store(url))
    assert reply.status == 200 and reply.headers["X-Headcount-Revision"] == "2"
    rows = list(csv.DictReader(io.StringIO(reply.body.decode("utf-8-sig"))))
    assert [(r["state"], r["filed"], r["workers"], r["site"]) for r in rows] == [
        ("NY", "2024-03-04", "62", "New York, NY"),
        ("CA", "2024-05-01", "11", ""),
    ]
    assert rows[0]["cause"] == "technological innovation or automation"
    assert all(r["url"] == source["url"] and source["url"] in r["citation"] for r in rows)
    json_rows = rows_of(api.table_reply("notices", "json", {"company": ["Klarna"]}, for_store(url)))
    assert [r["workers"] for r in json_rows] == [62, 11]
    assert json_rows[0]["publisher"] == source["publisher"]
