"""The Claim check page in AppTest, on the small company of test_claimcheck: each claim with
the filings around it, the overview with a link to each company's arc, and the download."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from headcount import bootstrap
from headcount.settings import CURATED_ENV
from headcount.store import STORE_ENV
from tests import test_claimcheck as fixture
from tests.apptest import open_app
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
    assert "Last filing before it: 1,000 employees on 31 Dec 2022" in text
    assert "First filing after it: 800 employees on 31 Dec 2023" in text
    assert "No filing after it yet" in text  # the 2025 layoff
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
