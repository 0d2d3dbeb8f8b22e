"""A claim's whole story on the Claim check, on a company written out here (Nordlys): the claim
beside its WARN notices and filed headcount in one line, the figures the data holds for it, and
what came after it. Every number a test expects is read off the tables below."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from headcount import bootstrap, citations, claimcheck
from headcount.dataset import Dataset
from headcount.settings import CURATED_ENV
from headcount.store import STORE_ENV
from tests.apptest import open_app
from tests.csvtools import written_dataset
from validation.tables import TABLES

FILED = "employees at fiscal year end (10-K)"
AI_WORK = "support work done by the assistant as FTE equivalent (company claim)"
OBSERVATIONS = f"""company,metric,date,period,value,unit,basis,claim_type,source_id,note,attribution
Nordlys,headcount,2023-12-31,instant,2000,employees,{FILED},filing,nordlys-10k,,
Nordlys,headcount,2024-12-31,instant,1700,employees,{FILED},filing,nordlys-10k,,
Nordlys,ai_workload_fte,2024-03-01,instant,700,fte,{AI_WORK},company_report,nordlys-pr,,ai_does_work
Nordlys,ai_workload_fte,2025-06-02,instant,850,fte,{AI_WORK},executive_statement,nordlys-ceo,,ai_does_work
Nordlys,ai_workload_fte,2025-06-02,instant,800,fte,{AI_WORK},press_estimate,nordlys-blog,,ai_does_work
Nordlys,ai_workload_fte,2025-06-02,instant,850,fte,{AI_WORK},executive_statement,nordlys-call,,ai_does_work
"""
# Two later events answer the claims of 1 Mar 2024: a walk-back, then rehiring.
EVENTS = """company,date,kind,title,source_id,detail,attribution,answers
Nordlys,2024-03-01,ai_deployment,Assistant takes over support chats,nordlys-pr,,ai_does_work,
Nordlys,2024-04-01,layoff,Cuts 400 support jobs,nordlys-pr,,ai_named_reason,
Nordlys,2025-04-15,rehiring,Hires human support agents again,nordlys-call,,,2024-03-01
Nordlys,2024-09-10,other,CEO: the assistant replaced no agent,nordlys-ceo,,ai_disputed,2024-03-01
"""
SOURCES = """source_id,publisher,title,url,accessed,published,via,reliability,quote,language
nordlys-10k,Nordlys Inc. (Form 10-K),Annual report,https://example.org/10k,2026-12-01,,,primary,"2,000 and 1,700 employees",en
nordlys-pr,Nordlys Inc. (press release),Assistant,https://example.org/pr,2026-12-01,,,primary,"the work of 700 agents",en
nordlys-ceo,Nordlys CEO,Interview,https://example.org/ceo,2026-12-01,,,secondary,"850 agents now",en
nordlys-call,Nordlys Inc. (earnings call),Call,https://example.org/call,2026-12-01,,,primary,"850 agents",en
nordlys-blog,Some Blog,Recap,https://example.org/blog,2026-12-01,,,low,"800 agents",en
ny-warn,New York State Department of Labor,WARN notices,https://example.org/ny,2026-12-01,,,primary,"62 workers",en
ca-warn,California EDD,WARN report,https://example.org/ca,2026-12-01,,,primary,"11 workers",en
ca-news,Local News,Layoffs,https://example.org/news,2026-12-01,,,secondary,"11 workers",en
"""
# Two notices in the window of the 700 claim (one given by two sources), one after it.
NOTICES = """company,state,filed,workers,site,cause,source_id,note
Nordlys,NY,2024-04-10,62,"New York, NY",technological innovation or automation,ny-warn,
Nordlys,CA,2024-05-02,11,San Francisco,,ca-warn,
Nordlys,CA,2024-05-02,11,San Francisco,,ca-news,
Nordlys,CA,2025-02-03,30,Oakland,,ca-warn,
"""
FRAMINGS = """company,claim,source_id,shows,evidence_id
Nordlys,Nordlys fired 700 agents for AI,nordlys-blog,The 700 is work done by the assistant.,nordlys-pr
"""
TODAY = dt.date(2026, 12, 2)


def texts() -> dict[str, str]:
    return {
        "observations": OBSERVATIONS,
        "events": EVENTS,
        "sources": SOURCES,
        "framings": FRAMINGS,
        "notices": NOTICES,
    }


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder: Path = tmp_path_factory.mktemp("claimthread")
    return written_dataset(folder, texts(), TODAY)


def check_of(data: Dataset, day: dt.date, what: str) -> claimcheck.Check:
    return next(c for c in claimcheck.checks(data, "Nordlys") if c.date == day and what in c.claim)


def test_a_claim_reads_beside_its_warn_notices_and_filed_headcount_in_one_line(data):
    check = check_of(data, dt.date(2024, 3, 1), "700")
    assert check.line == (
        f"Claimed: 700 FTE ({AI_WORK})"
        " · WARN notices: 2 notices, 73 workers (CA, NY), filed 31 Dec 2023 to 31 Dec 2024;"
        " cause on the form: “technological innovation or automation” (1 notice)"
        ", according to New York State Department of Labor; Local News; California EDD"
        " · Filed headcount: 2,000 (31 Dec 2023) → 1,700 (31 Dec 2024), -15%"
    )
    # The notices are cited with the claim and the filings.
    assert {"ny-warn", "ca-warn", "ca-news", "nordlys-10k"} <= set(check.source_ids)


def test_a_claim_with_no_filing_after_it_looks_a_year_on_for_notices(data):
    check = check_of(data, dt.date(2025, 6, 2), "850")
    assert check.line == (
        f"Claimed: 850 FTE ({AI_WORK})"
        " · WARN notices: 1 notice, 30 workers (CA), filed 31 Dec 2024 to 2 Jun 2026,"
        " according to California EDD"
        " · Filed headcount: 1,700 (31 Dec 2024), no filing after it yet"
    )


def test_a_notice_the_data_holds_is_not_in_the_line_of_a_claim_outside_its_window(tmp_path):
    # Only the notice of February 2025 is left: the 700 claim's window ends 31 Dec 2024.
    later = NOTICES.splitlines()[0] + "\n" + NOTICES.splitlines()[-1] + "\n"
    data = written_dataset(tmp_path, {**texts(), "notices": later}, TODAY)
    check = check_of(data, dt.date(2024, 3, 1), "700")
    assert "WARN notices: none in the data for 31 Dec 2023 to 31 Dec 2024" in check.line


def test_each_figure_the_data_holds_for_a_claim_and_the_one_the_card_shows(data):
    figures = check_of(data, dt.date(2024, 3, 1), "700").figures
    assert figures is not None
    assert figures.lines(lambda ids: citations.named(ids, data.sources)) == [
        f"1 Mar 2024: 700 FTE, {AI_WORK} (company report) (this claim), according to "
        "Nordlys Inc. (press release)",
        f"2 Jun 2025: 800 FTE, {AI_WORK} (press estimate), according to Some Blog",
        f"2 Jun 2025: 850 FTE, {AI_WORK} (executive statement) (on the card), according to "
        "Nordlys Inc. (earnings call); Nordlys CEO",
    ]
    assert figures.why.startswith(
        "The arc's card shows 850 FTE (2 Jun 2025): the latest date the data holds for this "
        "measure, and of that date's 2 figures the one most sources give (2 sources)."
    )


def test_a_cut_is_set_beside_the_warn_notices_filed_near_it(data):
    figures = check_of(data, dt.date(2024, 4, 1), "Cuts 400").figures
    assert figures is not None
    assert figures.lines(lambda ids: citations.named(ids, data.sources)) == [
        "1 Apr 2024: “Cuts 400 support jobs”, the event as reported (this claim), according "
        "to Nordlys Inc. (press release)",
        "10 Apr 2024: 62 workers, WARN notice filed in NY, New York, NY, according to New "
        "York State Department of Labor",
        "2 May 2024: 11 workers, WARN notice filed in CA, San Francisco, according to Local "
        "News; California EDD",
    ]
    assert "WARN notices are drawn on no chart" in figures.why
    alone = check_of(data, dt.date(2024, 9, 10), "replaced no agent").figures
    assert alone is not None and len(alone.figures) == 1
    assert alone.why.endswith(
        "The data holds no WARN notice of Nordlys filed within 90 days of it."
    )


def test_a_claims_later_history_is_told_under_it_in_date_order(data):
    check = check_of(data, dt.date(2024, 3, 1), "700")
    assert [words for words, _ in check.later] == [
        "10 Sep 2024: Other (AI denied or disputed): CEO: the assistant replaced no agent, "
        "according to Nordlys CEO",
        "15 Apr 2025: Humans back: Hires human support agents again, according to Nordlys "
        "Inc. (earnings call)",
    ]
    assert {"nordlys-ceo", "nordlys-call"} <= set(check.source_ids)  # each has its Open
    assert check_of(data, dt.date(2024, 4, 1), "Cuts 400").later == ()


def run_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    folder = tmp_path / "curated"
    folder.mkdir()
    for name, text in texts().items():
        (folder / TABLES[name].filename).write_text(text, encoding="utf-8")
    monkeypatch.setenv(CURATED_ENV, str(folder))
    url = f"sqlite:///{tmp_path / 'claims.sqlite'}"
    monkeypatch.setenv(STORE_ENV, url)
    bootstrap.initialise(url)  # `headcount init`: the written-out tables are revision 1
    return open_app("claims", {"company": "Nordlys"})


def test_the_claim_check_page_shows_each_claims_line(tmp_path, monkeypatch):
    at = run_page(tmp_path, monkeypatch)
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown).replace("\\", "")
    assert (
        "Claimed: 700 FTE · WARN notices: 2 notices, 73 workers (CA, NY), filed 31 Dec 2023 "
        "to 31 Dec 2024" in text.replace(f" ({AI_WORK})", "")
    )
    assert "Filed headcount: 2,000 (31 Dec 2023) → 1,700 (31 Dec 2024), -15%" in text
    captions = "\n".join(c.value for c in at.caption).replace("\\", "")
    assert "Every figure the data holds for it:" in captions
    assert "2 May 2024: 11 workers, WARN notice filed in CA, San Francisco" in captions
    assert "The arc's card shows 850 FTE (2 Jun 2025)" in captions
    assert "What came after it:" in text
    assert (
        "15 Apr 2025: Humans back: Hires human support agents again, according to Nordlys "
        "Inc. (earnings call)" in text
    )
    assert "[nordlys" not in text and "[ny-warn" not in text  # publishers, never ids
    assert "The data links no later event to it." in text  # the cut of 1 Apr 2024
    listed = at.dataframe[1].value.to_dict("records")
    assert listed == [
        {
            "filed": "10 Apr 2024",
            "state": "NY",
            "workers": 62,
            "site": "New York, NY",
            "cause": "technological innovation or automation",
            "sources": "New York State Department of Labor",
        },
        {
            "filed": "2 May 2024",
            "state": "CA",
            "workers": 11,
            "site": "San Francisco",
            "cause": "none on the form",
            "sources": "Local News; California EDD",
        },
        {
            "filed": "3 Feb 2025",
            "state": "CA",
            "workers": 30,
            "site": "Oakland",
            "cause": "none on the form",
            "sources": "California EDD",
        },
    ]
