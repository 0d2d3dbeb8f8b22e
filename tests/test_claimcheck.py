"""Claim check and derived productivity on a small company whose numbers are written out here:
derived values are their inputs' quotient, bases, currencies and periods are never mixed, every
number a sentence states is in the data, and a claim with no filing after it gets no verdict."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from pathlib import Path

import pytest

from headcount import claimcheck, claimwords, dataset, exports, productivity
from headcount.dataset import Dataset
from tests.csvtools import read_rows, written_dataset

HEADCOUNT_BASIS = "employees at fiscal year end (10-K)"
OBSERVATIONS = f"""company,metric,date,period,value,unit,basis,claim_type,source_id,note,attribution
Acme,headcount,2022-12-31,instant,1000,employees,{HEADCOUNT_BASIS},filing,acme-10k,,
Acme,headcount,2023-12-31,instant,800,employees,{HEADCOUNT_BASIS},filing,acme-10k,,
Acme,headcount,2024-12-31,instant,820,employees,{HEADCOUNT_BASIS},filing,acme-10k,,
Acme,headcount,2023-06-01,instant,700,employees,staff stated by the CEO,executive_statement,acme-ceo,,ai_named_reason
Acme,revenue,2022-12-31,year,100000000,USD,total revenue (10-K),filing,acme-10k,,
Acme,revenue,2023-12-31,year,90000000,USD,total revenue (10-K),filing,acme-10k,,
Acme,revenue,2024-12-31,year,123000000,USD,total revenue (10-K),filing,acme-10k,,
Acme,revenue,2024-12-31,quarter,30000000,USD,fourth-quarter revenue (10-K),filing,acme-10k,,
Acme,revenue,2026-06-30,quarter,40000000,USD,fourth-quarter revenue (10-K),filing,acme-10k,,
Acme,revenue,2023-12-31,year,950000000,SEK,total revenue in SEK (annual report),filing,acme-ar,,
Acme,revenue_per_employee,2023-12-31,year,200000,USD/employee,revenue per employee (company),company_report,acme-ceo,,
Acme,ai_workload_fte,2023-03-01,instant,150,fte,work of agents done by the assistant,company_report,acme-ceo,,ai_does_work
Beta,ai_workload_fte,2024-05-01,instant,40,fte,work done by AI,executive_statement,beta-ceo,,ai_does_work
Beta,ai_workload_fte,2024-05-01,instant,40,fte,work done by AI,executive_statement,acme-ceo,,ai_does_work
"""
EVENTS = """company,date,kind,title,source_id,detail,attribution
Acme,2025-02-01,layoff,Cuts 50 roles as AI takes over support,acme-ceo,,ai_named_reason
Acme,2023-01-15,other,Office move,acme-ar,,
"""
SOURCES = """source_id,publisher,title,url,accessed,published,via,reliability,quote,language
acme-10k,Acme Inc. (Form 10-K),Annual report,https://example.org/10k,2026-12-01,,,primary,"we had 820 employees",en
acme-ar,Acme AB (annual report),Annual report SEK,https://example.org/ar,2026-12-01,,,primary,,en
acme-ceo,Acme CEO,Interview,https://example.org/ceo,2026-12-01,,,secondary,"AI does the work of 150 agents",en
beta-ceo,Beta CEO,Interview,https://example.org/beta,2026-12-02,,,secondary,"AI does the work of 40 people",en
"""
FRAMINGS = """company,claim,source_id,shows,evidence_id
Acme,Acme replaced 1000 staff with AI,acme-ceo,Filed headcount went from 1000 to 820.,acme-10k
"""


TODAY = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder: Path = tmp_path_factory.mktemp("claimcheck")
    texts = {"observations": OBSERVATIONS, "events": EVENTS, "sources": SOURCES}
    return written_dataset(folder, {**texts, "framings": FRAMINGS}, TODAY)


def test_derived_revenue_per_employee_is_the_quotient_of_its_two_filed_inputs(data):
    derived = productivity.revenue_per_employee(data.observations, "Acme")
    usd = derived.filter(derived["unit"] == "USD/employee")
    # Written out: 100M / 1,000, 90M / 800, 123M / 820; the quarterly 30M is never an input.
    assert usd.get_column("value").to_list() == [100_000.0, 112_500.0, 150_000.0]
    assert usd.get_column("date").to_list() == [
        dt.date(2022, 12, 31),
        dt.date(2023, 12, 31),
        dt.date(2024, 12, 31),
    ]
    assert all("acme-10k" in formula for formula in usd.get_column("formula"))


def test_currencies_are_never_mixed_and_each_has_its_own_series(data):
    derived = productivity.revenue_per_employee(data.observations, "Acme")
    sek = derived.filter(derived["unit"] == "SEK/employee")
    assert sek.get_column("value").to_list() == [950_000_000 / 800]
    assert set(derived.get_column("unit")) == {"USD/employee", "SEK/employee"}
    assert sek.get_column("revenue_source_id").to_list() == ["acme-ar"]


def test_only_the_filed_basis_is_the_record_never_a_statement_on_another_basis(data):
    series = productivity.filed_headcount(data.observations, "Acme")
    assert series.get_column("value").to_list() == [1000.0, 800.0, 820.0]
    assert set(series.get_column("basis")) == {HEADCOUNT_BASIS}


def test_a_claim_is_set_between_the_filings_around_it(data):
    (fte,) = [c for c in claimcheck.checks(data, "Acme") if c.date == dt.date(2023, 3, 1)]
    assert fte.before is not None and fte.after is not None
    assert (fte.before.value, fte.after.value) == (1000.0, 800.0)
    assert fte.verdict == "fell"
    text = " ".join(fte.sentences)
    assert "1,000 employees on 31 Dec 2022" in text
    assert "800 employees on 31 Dec 2023" in text
    assert "fell 20%" in text
    assert "15% of the filed headcount" in text  # 150 of 1,000
    assert fte.attribution == "AI does the work"


def test_a_claim_with_no_filing_after_it_gets_no_verdict(data):
    (layoff,) = [c for c in claimcheck.checks(data, "Acme") if c.date == dt.date(2025, 2, 1)]
    assert layoff.after is None
    assert layoff.verdict is None and layoff.change is None
    assert any("No filing since" in s for s in layoff.sentences)


def test_a_company_without_filings_is_told_so_not_guessed(data):
    (beta,) = claimcheck.checks(data, "Beta")
    assert beta.verdict is None and beta.before is None
    assert any("no filed headcount series" in s for s in beta.sentences)


def test_events_without_a_cause_are_not_claims(data):
    assert "Office move" not in claimcheck.claims(data).get_column("what").to_list()


def test_every_number_a_sentence_states_is_in_the_data(data):
    # Numbers from the fixture above, and those computed by hand from them.
    allowed = {
        "1,000",
        "800",
        "820",
        "700",
        "150",
        "40",
        "50",  # headcounts, claims, the event title
        "20%",
        "15%",  # 1,000 -> 800; 150 of 1,000
        "$100k",
        "$112k",
        "$150k",
        "SEK 1.2M",  # derived revenue per employee
        "2022",
        "2023",
        "2024",
        "2025",
        "31",
        "1",  # dates
    }
    for check in claimcheck.checks(data):
        # Source ids and bases (text of the data, such as "10-K") aside.
        text = re.sub(r"\[[^\]]*\]|\([^)]*\)", "", " ".join(check.sentences))
        for number in re.findall(r"(?:SEK |\$)?\d[\d,.]*(?:%|k|M)?", text):
            assert number.rstrip(".,") in allowed, (number, check.sentences)


def test_the_overview_has_a_row_per_company_with_its_filed_change(data):
    table = claimcheck.overview(data)
    acme = table.filter(table["company"] == "Acme").row(0, named=True)
    assert acme["filed_headcount"] == 820.0
    assert acme["change_two_years"] == pytest.approx(-0.18)  # 1,000 -> 820
    assert acme["claims"] == 3
    assert acme["stale"] is False  # newest figure 30 Jun 2026, data current to 2 Dec 2026
    beta = table.filter(table["company"] == "Beta").row(0, named=True)
    assert beta["filed_headcount"] is None and beta["claims"] == 1


def test_the_overview_download_carries_the_citation_of_each_figure(data):
    rows = list(
        csv.DictReader(
            io.StringIO(exports.csv_bytes(claimcheck.overview_cited(data)).decode("utf-8-sig"))
        )
    )
    acme = next(r for r in rows if r["company"] == "Acme")
    assert acme["filed_headcount_source"].startswith("Form 10-K of Acme Inc.: 'Annual report'")
    assert "https://example.org/10k" in acme["filed_headcount_source"]
    assert "https://example.org/ceo" in acme["claim_sources"]


def test_a_statement_of_total_staff_is_not_called_a_share_of_the_headcount(data):
    (staff,) = [c for c in claimcheck.checks(data, "Acme") if c.date == dt.date(2023, 6, 1)]
    assert staff.share is None
    assert not any("of the filed headcount" in s for s in staff.sentences)


def test_one_claim_made_by_two_sources_is_one_claim_citing_both(data):
    (beta,) = claimcheck.checks(data, "Beta")
    assert set(beta.claim_sources) == {"beta-ceo", "acme-ceo"}


def test_stale_series_are_those_older_than_a_year_on_the_day_the_data_is_current_to(data):
    assert claimcheck.current_to(data) == dt.date(2026, 12, 2)  # Beta's source, the latest
    stale = claimcheck.stale_series(data)
    # Every series ends by 31 Dec 2024 but Acme's quarterly revenue (30 Jun 2026).
    series = data.observations.select("company", "metric", "unit", "basis").unique().height
    assert stale.height == series - 1
    assert "fourth-quarter revenue (10-K)" not in stale.get_column("basis").to_list()
    assert beta_is_stale(claimcheck.overview(data))


def beta_is_stale(table) -> bool:
    return table.filter(table["company"] == "Beta").get_column("stale").item()


def test_the_two_year_change_is_over_two_years_of_filings_not_two_filings_back(tmp_path):
    """Written out: Gamma files for May 2022, then May 2025 and May 2026 (a gap); its change
    over two years has no filing to start from, though 143,000 -> 141,000 is two filings
    back. Delta's fiscal years end on 31 January or 1 February: 100 -> 90 is two years."""
    basis = HEADCOUNT_BASIS
    rows = [
        ("Gamma", "2022-05-31", 143000),
        ("Gamma", "2025-05-31", 162000),
        ("Gamma", "2026-05-31", 141000),
        ("Delta", "2024-01-31", 100),
        ("Delta", "2025-01-31", 110),
        ("Delta", "2026-02-01", 90),
    ]
    observations = (
        "company,metric,date,period,value,unit,basis,claim_type,source_id,note,attribution\n"
    )
    observations += "".join(
        f"{c},headcount,{d},instant,{v},employees,{basis},filing,acme-10k,,\n" for c, d, v in rows
    )
    texts = {"observations": observations, "events": EVENTS, "sources": SOURCES}
    overview = claimcheck.overview(
        written_dataset(tmp_path, {**texts, "framings": FRAMINGS}, TODAY)
    )
    words = claimwords.overview_in_words(overview, None)
    change = dict(zip(overview["company"], words["change_two_years"], strict=True))
    assert change["Gamma"] == "no filing two years before"
    assert change["Delta"] == "-10%"


def test_a_reader_reads_publishers_never_source_ids():
    """Issue 24.5: the claims of Klarna in the shipped data, as sentences a reader reads."""
    loaded = dataset.load_curated().dataset
    assert loaded is not None
    ids = [r["source_id"] for r in read_rows("sources")]
    found = claimcheck.checks(loaded, "Klarna")
    text = " ".join(s for c in found for s in c.sentences)
    assert found and "[" not in text
    assert [i for i in ids if i in text] == []
    # The filing behind the record is named by its publisher.
    assert "Klarna Group plc (Form F-1)" in text


def test_claims_between_the_same_two_filings_share_one_record(data):
    groups = claimcheck.by_record(claimcheck.checks(data, "Acme"))
    shared = [(record, group) for record, group in groups if len(group) > 1]
    assert shared, groups
    for record, group in groups:
        assert all(c.record == record for c in group)
    # Said once: no record is repeated by the group after it.
    records = [record for record, _ in groups]
    assert all(a != b for a, b in itertools.pairwise(records))
