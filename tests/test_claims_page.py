"""The Claim check page in AppTest, on the small company of test_claimcheck: each claim with
the filings around it, the overview with a link to each company's arc, and the download."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from headcount import bootstrap
from headcount.settings import CURATED_ENV
from headcount.store import STORE_ENV
from tests import test_claimcheck as fixture
from tests.apptest import open_app, open_expanders
from validation.tables import TABLES


def run_claims(tmp_path, monkeypatch, **params: str) -> AppTest:
    folder = tmp_path / "curated"
    folder.mkdir()
    texts = {
        "observations": fixture.OBSERVATIONS,
        "events": fixture.EVENTS,
        "sources": fixture.SOURCES,
        "framings": fixture.FRAMINGS,
    }
    for name, text in texts.items():
        (folder / TABLES[name].filename).write_text(text, encoding="utf-8")
    monkeypatch.setenv(CURATED_ENV, str(folder))
    url = f"sqlite:///{tmp_path / 'claims.sqlite'}"
    monkeypatch.setenv(STORE_ENV, url)
    bootstrap.initialise(url)  # `headcount init`
    return open_app("claims", params)


def test_each_claim_is_shown_against_the_filings_around_it(tmp_path, monkeypatch):
    at = run_claims(tmp_path, monkeypatch, company="Acme")
    text = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert "Last filing before: 1,000 employees on 31 Dec 2022" in text
    assert "First filing after: 800 employees on 31 Dec 2023" in text
    assert "No filing since" in text  # the 2025 layoff
    captions = "\n".join(c.value for c in at.caption).replace("\\", "")
    assert "AI does the work" in captions and "AI named as a reason" in captions
    assert "AI does the work of 150 agents" in captions  # the source's words


def test_the_overview_links_each_company_to_its_arc(tmp_path, monkeypatch):
    at = run_claims(tmp_path, monkeypatch)
    table = at.dataframe[0].value
    assert sorted(table["arc"].str.extract(r"company=(\w+)", expand=False)) == ["Acme", "Beta"]
    assert list(table["filed_headcount"]) == ["820", "no filed series"]
    assert list(table["filed_on"]) == ["31 Dec 2024", ""]
    # Missing figures are said in words, never a grey None.
    assert list(table["change_two_years"]) == ["-18%", "no filing two years before"]
    assert "None" not in table.astype(str).to_string()
    assert at.get("download_button")


def test_each_claim_offers_its_citation_in_plain_text_and_bibtex(tmp_path, monkeypatch):
    """Issue 23.4: the view's address, the revision and its data address, the day accessed."""
    # Acme is the default: named anyway; the address pins the revision shown (rev=1).
    page = "http://dash.example:8501/claims?company=Acme&rev=1"
    at = run_claims(tmp_path, monkeypatch)
    at.context = {"url": "http://dash.example:8501/claims"}  # the address the browser reports
    at.run()
    assert not at.exception
    assert not any(c.value.startswith("Headcount & AI claims: ") for c in at.code)  # closed
    codes = [c.value for c in open_expanders(at, "Cite this").code]
    today = dt.date.today().isoformat()
    data = "http://dash.example:8501/api/observations.csv?company=Acme&rev=1"
    assert (
        "Headcount & AI claims: 'Acme, 1 Mar 2023: AI does the work' (data, revision 1). "
        f"{page} (data: {data}; accessed {today})"
    ) in codes
    bibtex = next(c for c in codes if c.startswith("@misc{headcount-acme-1-mar-2023"))
    assert "  title = {Acme, 1 Mar 2023: AI does the work},\n" in bibtex
    assert f"  howpublished = {{\\url{{{page}}}}},\n" in bibtex
    assert f"  note = {{Data, revision 1: \\url{{{data}}}. Accessed {today}}}\n" in bibtex


def test_the_claims_name_their_sources_and_say_the_filed_record_once(tmp_path, monkeypatch):
    at = run_claims(tmp_path, monkeypatch, company="Acme")
    text = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert "[acme-" not in text and "acme-ceo" not in text
    assert "according to Acme CEO." in text
    # The two claims of 2023 sit between the same filings: their record is said once.
    assert text.count("Last filing before: 1,000 employees on 31 Dec 2022") == 1
    assert "The filed record around these 2 claims" in text
    captions = "\n".join(c.value for c in at.caption).replace("\\", "")
    assert "Form 10-K of Acme Inc.: 'Annual report'." in captions  # the filing, named first
