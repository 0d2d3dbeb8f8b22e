"""The next annual figure of each company (issue 23.5), from written-out filings: the year end
its filings show, a year on, plus the delay its own sources show (or the stated default), and
overdue once the data is current to a later day."""

from __future__ import annotations

import datetime as dt

import pytest

from headcount import claimcheck, nextfigure
from headcount.dataset import Dataset
from tests.csvtools import written_dataset

BASIS = "employees at fiscal year end (10-K)"
OBSERVATIONS = f"""company,metric,date,period,value,unit,basis,claim_type,source_id,note,attribution
Acme,headcount,2023-06-30,instant,1000,employees,{BASIS},filing,acme-2023,,
Acme,headcount,2024-06-30,instant,900,employees,{BASIS},filing,acme-2024,,
Acme,headcount,2025-06-30,instant,950,employees,{BASIS},filing,acme-2025,,
Acme,headcount,2023-06-30,instant,1000,employees,{BASIS},filing,acme-prospectus,,
Acme,headcount,2025-09-30,instant,960,employees,employees at quarter end (10-Q),filing,acme-q1,,
Acme,revenue,2025-09-30,quarter,5000000,USD,quarterly revenue (10-Q),filing,acme-q1,,
Beta,headcount,2024-12-31,instant,300,employees,{BASIS},filing,beta-2024,,
Gamma,headcount,2025-12-31,instant,70,employees,{BASIS},filing,gamma-2025,,
Delta,headcount,2026-01-10,instant,40,employees,staff stated by the CEO,executive_statement,delta-ceo,,
"""
SOURCES = """source_id,publisher,title,url,accessed,published,via,reliability,quote,language
acme-2023,Acme Inc. (Form 10-K),Annual report 2023,https://example.org/a23,2026-11-01,2023-08-29,,primary,1000 employees,en
acme-2024,Acme Inc. (Form 10-K),Annual report 2024,https://example.org/a24,2026-11-01,2024-09-12,,primary,900 employees,en
acme-2025,Acme Inc. (Form 10-K),Annual report 2025,https://example.org/a25,2026-11-01,,,primary,950 employees,en
acme-prospectus,Acme Inc. (prospectus),Prospectus,https://example.org/ap,2026-11-01,2026-02-01,,primary,1000 employees,en
acme-q1,Acme Inc. (Form 10-Q),Quarterly report,https://example.org/aq,2026-11-01,2025-10-02,,primary,960 employees and 5000000,en
beta-2024,Beta plc (annual report),Annual report 2024,https://example.org/b24,2026-11-01,,,primary,300 employees,en
gamma-2025,Gamma AB (annual report),Annual report 2025,https://example.org/g25,2026-12-01,2026-02-14,,primary,70 employees,en
delta-ceo,Delta CEO,Interview,https://example.org/d,2026-11-01,,,secondary,40 employees,en
"""
EVENTS = """company,date,kind,title,source_id,detail,attribution
Delta,2026-01-10,hiring_freeze,Hiring paused,delta-ceo,,
"""
FRAMINGS = """company,claim,source_id,shows,evidence_id
Delta,Delta replaced its staff with AI,delta-ceo,Delta paused hiring.,delta-ceo
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    texts = {"observations": OBSERVATIONS, "events": EVENTS, "sources": SOURCES}
    texts["framings"] = FRAMINGS
    return written_dataset(tmp_path_factory.mktemp("next"), texts, dt.date(2026, 12, 2))


def rows(data: Dataset, as_of: dt.date | None) -> dict[str, dict[str, str]]:
    table = nextfigure.in_words(nextfigure.next_figures(data, as_of))
    return {row["company"]: row for row in table.to_dicts()}


def test_the_next_year_end_and_its_expected_month_come_from_the_companys_filings(data):
    got = rows(data, dt.date(2026, 9, 1))
    # Acme's years end on 30 June (the 10-Q's quarter end is not a year end); its reports came
    # 60 and 74 days after (the prospectus, 19 months on, is not the report): 67 days.
    assert got["Acme"] == {
        "company": "Acme",
        "next annual figure": "year ending 30 Jun 2026",
        "expected by about": "Sep 2026",
        "status": "not yet due",
        "expected from": "its sources: published 67 days after the year end (median of 2 years)",
    }
    assert got["Beta"]["next annual figure"] == "year ending 31 Dec 2025"
    assert got["Beta"]["expected by about"] == "Apr 2026"  # 120 days: no source gives a day
    assert got["Beta"]["expected from"] == (
        "assumed 120 days after the year end: no source gives its day"
    )
    assert got["Gamma"]["expected by about"] == "Feb 2027"
    assert "Delta" not in got  # no filed series, so no fiscal calendar to go by


def test_a_figure_is_overdue_once_the_data_is_current_to_a_later_day(data):
    as_of = claimcheck.current_to(data)
    assert as_of == dt.date(2026, 12, 1)  # the latest day a source was checked
    got = rows(data, as_of)
    assert {company: row["status"] for company, row in got.items()} == {
        "Acme": "overdue",  # due about 5 Sep 2026
        "Beta": "overdue",  # due about 30 Apr 2026
        "Gamma": "not yet due",  # due about 14 Feb 2027
    }
    assert rows(data, dt.date(2026, 9, 5))["Acme"]["status"] == "not yet due"  # the day itself
    assert rows(data, dt.date(2026, 9, 6))["Acme"]["status"] == "overdue"


def test_a_year_end_on_29_february_recurs_on_28_february():
    assert nextfigure.a_year_after(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
