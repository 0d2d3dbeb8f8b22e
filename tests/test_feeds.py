"""The changes feed as a feed reader gets it (issue 24, issue 23.5): each entry names the rows
its revision changed, links to that revision's changes, and a feed per company or per cause of
an AI claim holds only what concerns it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from headcount import bootstrap, feeds, ingest
from headcount.site import for_store
from headcount.store import Store
from tests.csvtools import read_rows, to_csv
from tests.test_api_http import get
from validation import parse

ATOM = "{http://www.w3.org/2005/Atom}"
KLARNA_CHANGED = (
    "Klarna · headcount · 2024-12-31 · 3,500 employees (full-time employees at year end "
    "(F-1); source f1-paymentsdive): changed value 3,422 employees -> 3,500 employees"
)
IBM_REMOVED = (
    "IBM · roles AI could replace (forecast) · 2023-05-01 · 7,800 roles (back-office roles the "
    "CEO said could be replaced by AI and automation over five years (30% of about 26,000); "
    "source fortune-ibm-2023-05-01): removed"
)


def publish(store: Store, rows: list[dict[str, str]], note: str) -> None:
    proposal = ingest.prepare(
        [parse.parse("observations.csv", to_csv(rows))], store, mode="replace"
    )
    assert proposal.ok, proposal.problems
    ingest.publish(proposal, store, "analyst@example.org", note, acknowledge=True)


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Revision 2 changes a Klarna figure and removes an IBM forecast; revision 3 changes
    only an IBM note."""
    url = f"sqlite:///{tmp_path_factory.mktemp('feeds') / 'feeds.sqlite'}"
    bootstrap.initialise(url)
    store = Store(url)
    rows = read_rows("observations")
    klarna = next(
        i
        for i, r in enumerate(rows)
        if (r["company"], r["date"], r["source_id"]) == ("Klarna", "2024-12-31", "f1-paymentsdive")
        and r["metric"] == "headcount"
    )
    rows[klarna] = {**rows[klarna], "value": "3500"}
    rows = [r for r in rows if r["metric"] != "roles_ai_could_replace" or r["company"] != "IBM"]
    publish(store, rows, "Klarna corrected, IBM forecast withdrawn")
    ibm = next(i for i, r in enumerate(rows) if (r["company"], r["metric"]) == ("IBM", "headcount"))
    rows[ibm] = {**rows[ibm], "note": "Context for the forecast"}
    publish(store, rows, "IBM note")
    return url


def entries(url: str, **params: str) -> dict[str, ET.Element]:
    reply = feeds.feed_reply(for_store(url), {k: [v] for k, v in params.items()})
    assert reply.status == 200, reply.body
    feed = ET.fromstring(reply.body)
    return {e.findtext(f"{ATOM}title") or "": e for e in feed.findall(f"{ATOM}entry")}


def lines(entry: ET.Element) -> list[str]:
    return (entry.findtext(f"{ATOM}content") or "").split("\n")


def test_an_entry_names_the_rows_its_revision_changed(url):
    listed = entries(url)
    assert list(listed) == ["Revision 3", "Revision 2", "Revision 1"]
    assert sorted(lines(listed["Revision 2"])) == sorted([KLARNA_CHANGED, IBM_REMOVED])
    assert lines(listed["Revision 3"]) == [
        "IBM · headcount · 2023-05-01 · 260,000 employees (employees, approximate (Bloomberg "
        "interview); source fortune-ibm-2023-05-01): changed note Context for the 7,800 "
        "forecast -> Context for the forecast"
    ]
    summary = listed["Revision 2"].findtext(f"{ATOM}summary")
    assert summary == (
        "Klarna corrected, IBM forecast withdrawn (observations: 0 added, 1 changed, 1 removed)"
    )


def test_a_long_entry_names_twenty_rows_and_counts_the_rest(url):
    first = lines(entries(url)["Revision 1"])
    tables = ("observations", "events", "sources", "framings", "notices")
    every = sum(len(read_rows(name)) for name in tables)
    assert len(first) == 21
    assert all(line.endswith(": added") for line in first[:20])
    assert first[20] == f"and {every - 20:,} more"


def test_a_companys_feed_holds_only_the_revisions_and_rows_of_that_company(url):
    listed = entries(url, company="kLARNA")  # as the pages' links, case aside
    assert list(listed) == ["Revision 2", "Revision 1"]
    assert lines(listed["Revision 2"]) == [KLARNA_CHANGED]
    # Revision 1 added every Klarna row and every source Klarna's rows cite.
    first = lines(listed["Revision 1"])
    own = [
        r
        for name in ("observations", "events", "framings")
        for r in read_rows(name)
        if r["company"] == "Klarna"
    ]
    cited = {r["source_id"] for r in own} | {r["evidence_id"] for r in own if "evidence_id" in r}
    assert all(line.startswith("Klarna · ") for line in first[:20])
    assert first[20] == f"and {len(own) + len(cited) - 20:,} more"


def test_a_causes_feed_holds_only_rows_of_that_cause(url):
    listed = entries(url, cause="forecast")
    assert list(listed) == ["Revision 2", "Revision 1"]  # revision 3 changed no forecast
    assert lines(listed["Revision 2"]) == [IBM_REMOVED]


def test_each_entry_links_to_its_revisions_changes_with_the_same_filter(url):
    entry = entries(url, company="Klarna")["Revision 2"]
    alternate = next(
        link.get("href") or ""
        for link in entry.findall(f"{ATOM}link")
        if link.get("rel") == "alternate"
    )
    target = urljoin("http://example.org/api/changes.atom?company=Klarna", alternate)
    parts = urlsplit(target)
    assert parts.path == "/api/changes.json"
    reply = feeds.changes_reply(for_store(url), parse_qs(parts.query))
    got = json.loads(reply.body)
    assert (got["revision"], got["note"]) == (2, "Klarna corrected, IBM forecast withdrawn")
    assert [row["text"] for row in got["rows"]] == [KLARNA_CHANGED]
    assert got["rows"][0]["row"]["value"] == 3500
    assert entry.findtext(f"{ATOM}id", "").endswith(":revision:2")


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"company": ["Nokia Oyj"]}, "there is no company 'Nokia Oyj'; company is one of: Klarna"),
        (
            {"cause": ["robots"]},
            "there is no cause 'robots'; cause is one of: ai_does_work, ai_named_reason, "
            "cuts_fund_ai, ai_disputed, forecast",
        ),
        ({"metric": ["headcount"]}, "the parameter 'metric' does not apply here"),
    ],
)
def test_an_unknown_filter_is_a_400_naming_what_is_allowed(url, params, said):
    for reply in (
        feeds.feed_reply(for_store(url), params),
        feeds.changes_reply(for_store(url), params),
    ):
        assert reply.status == 400
        assert json.loads(reply.body)["error"].startswith(said)


def test_a_revision_that_is_not_there_is_a_404(url):
    reply = feeds.changes_reply(for_store(url), {"rev": ["9"]})
    assert reply.status == 404
    assert json.loads(reply.body)["error"] == "rev=9 is not a revision; revisions are 1 to 3"


def test_the_entry_link_resolves_over_http(app_server):
    feed_url = f"{app_server.url}/api/changes.atom?company=Klarna"
    status, _, body = get(feed_url)
    assert status == 200
    entry = ET.fromstring(body).find(f"{ATOM}entry")
    assert entry is not None
    alternate = next(
        link.get("href") or ""
        for link in entry.findall(f"{ATOM}link")
        if link.get("rel") == "alternate"
    )
    status, headers, body = get(urljoin(feed_url, alternate))
    assert status == 200 and headers["content-type"].startswith("application/json")
    got = json.loads(body)
    klarna = [r for r in read_rows("observations") if r["company"] == "Klarna"]
    assert got["revision"] == 1
    assert sum(row["table"] == "observations" for row in got["rows"]) == len(klarna)
    assert all(row["change"] == "added" for row in got["rows"])
