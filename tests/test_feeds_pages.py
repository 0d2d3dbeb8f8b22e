"""What a reader of the Sources and arc pages gets of issue 23.5: the next annual figure of
each company with a filed series, overdue ones named, and a link to the company's feed."""

from __future__ import annotations

import datetime as dt

from tests.apptest import open_app
from tests.csvtools import read_rows
from ui.text import escape  # how every page writes data text


def link_buttons(at) -> dict[str, str]:
    return {button.proto.label: button.proto.url for button in at.get("link_button")}


def test_sources_lists_each_companys_next_annual_figure_and_its_feed():
    at = open_app("sources", {"company": "Klarna"})
    headers = [header.value for header in at.header]
    assert "Next annual figures" in headers
    table = next(
        frame.value for frame in at.dataframe if "next annual figure" in frame.value.columns
    )
    filed = [r for r in read_rows("observations") if r["claim_type"] == "filing"]
    assert sorted(table["company"]) == sorted({r["company"] for r in filed})
    # Klarna's filings end on 31 December: its next is the year after its latest filed year.
    latest = max(
        r["date"] for r in filed if r["company"] == "Klarna" and r["period"] in ("year", "instant")
    )
    klarna = table[table["company"] == "Klarna"].iloc[0]
    assert klarna["next annual figure"] == f"year ending 31 Dec {int(latest[:4]) + 1}"
    assert set(table["status"]) <= {"overdue", "not yet due"}
    overdue = list(table[table["status"] == "overdue"]["company"])  # in the table's order
    as_of = max(dt.date.fromisoformat(r["accessed"]) for r in read_rows("sources"))
    caption = f"Overdue on {as_of.day} {as_of:%b %Y}: {', '.join(overdue) or 'none'}."
    assert any(escape(caption) in element.value for element in at.caption)
    assert link_buttons(at)["Follow changes to Klarna (Atom)"].endswith(
        "/api/changes.atom?company=Klarna"
    )


def test_the_arc_page_links_to_the_companys_feed():
    at = open_app("arc", {"company": "IBM"})
    assert link_buttons(at)["Follow changes (Atom)"].endswith("/api/changes.atom?company=IBM")
