"""Plausibility in review (issue 21, part 3), on a company written out here: a figure far from
the company's filed series is a warning naming both figures, their dates and sources; a
warning does not refuse, but publishing it needs an acknowledgement, which the revision
records and `headcount history` and the data API show."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from headcount import api, bootstrap, cli, ingest
from headcount.outcomes import Published, Refused
from headcount.site import for_store
from headcount.store import Store
from validation import catalogue, parse, plausibility
from validation.parse import LINE
from validation.rules import FILE

FILED = pl.DataFrame(
    {
        "company": ["Amazon", "Amazon", "Amazon", "Amazon"],
        "metric": ["headcount", "headcount", "revenue", "headcount"],
        "date": [
            dt.date(2023, 12, 31),
            dt.date(2024, 12, 31),
            dt.date(2024, 12, 31),
            dt.date(2025, 3, 1),
        ],
        "period": ["instant", "instant", "year", "instant"],
        "value": [1_525_000.0, 1_556_000.0, 638_000_000_000.0, 350_000.0],
        "unit": ["employees", "employees", "USD", "employees"],
        "claim_type": ["filing", "filing", "filing", "filing"],
        "source_id": ["10k-2023", "10k-2024", "10k-2024", "office-report"],
        # A filed figure of a part is never the yardstick for the whole.
        "scope": [None, None, None, "corporate (office) staff"],
    }
)


def uploaded(*rows: dict) -> pl.DataFrame:
    frame = pl.DataFrame(
        [
            {
                "company": "Amazon",
                "period": "instant",
                "claim_type": "press_estimate",
                "scope": None,
                **row,
            }
            for row in rows
        ]
    )
    return frame.with_columns(
        pl.lit("upload.csv").alias(FILE), (pl.int_range(pl.len()) + 2).alias(LINE)
    )


def test_a_headcount_far_from_the_filed_one_is_a_warning_that_names_both():
    rows = uploaded(
        {"metric": "headcount", "date": dt.date(2025, 1, 31), "value": 350_000.0,
         "unit": "employees", "source_id": "news"},  # 23% of the filed: the whole company?
        {"metric": "headcount", "date": dt.date(2025, 1, 31), "value": 1_500_000.0,
         "unit": "employees", "source_id": "news2"},  # close: fine
        {"metric": "headcount", "date": dt.date(2025, 1, 31), "value": 350_000.0,
         "unit": "employees", "source_id": "news3", "scope": "corporate (office) staff"},
        {"metric": "headcount", "date": dt.date(2025, 1, 31), "value": 3_200_000.0,
         "unit": "employees", "source_id": "news4"},  # over twice
    )  # fmt: skip
    found = plausibility.check(rows, FILED)
    assert found.select("code", "file", "line", "column").rows() == [
        ("plausibility.far_from_filed", "upload.csv", 2, "value"),
        ("plausibility.far_from_filed", "upload.csv", 5, "value"),
    ]
    assert found["problem"].to_list() == [
        "350,000 (31 Jan 2025, news) is 22% of Amazon's filed 1,556,000 (31 Dec 2024, "
        "10k-2024): is it the whole company?",
        "3,200,000 (31 Jan 2025, news4) is 2.1 times Amazon's filed 1,556,000 (31 Dec 2024, "
        "10k-2024): is it the whole company?",
    ]
    assert catalogue.severity("plausibility.far_from_filed") == "warning"


def test_a_revenue_per_employee_the_filings_contradict_is_a_warning():
    rows = uploaded(
        # 638 billion / 1,556,000 is about 410,026 per employee.
        {"metric": "revenue_per_employee", "date": dt.date(2024, 12, 31), "value": 500_000.0,
         "unit": "USD/employee", "source_id": "blog", "period": "year"},
        {"metric": "revenue_per_employee", "date": dt.date(2024, 12, 31), "value": 420_000.0,
         "unit": "USD/employee", "source_id": "blog2", "period": "year"},
    )  # fmt: skip
    found = plausibility.check(rows, FILED)
    assert found.select("code", "line").rows() == [("plausibility.per_employee_contradicts", 2)]
    assert found["problem"].item() == (
        "USD 500,000 per employee (31 Dec 2024, blog) is 22% off what the filed figures give: "
        "revenue USD 638,000,000,000 (10k-2024) / 1,556,000 employees (10k-2024) = USD 410,026"
    )


OBSERVATIONS = """\
company,metric,date,period,value,unit,basis,claim_type,source_id,note,attribution,scope
Nordvik,headcount,2023-12-31,instant,4000,employees,year end,filing,ar,,,
Nordvik,headcount,2024-12-31,instant,3900,employees,year end,filing,ar,,,
"""
SOURCES = """\
source_id,publisher,title,url,accessed,published,via,reliability,quote,language
ar,Nordvik AB (annual report),Report,https://example.com/ar,2025-01-01,,,primary,"4,000 and 3,900 employees; 900 in offices",en
"""
EVENTS = """\
company,date,kind,title,source_id,detail,attribution
Nordvik,2023-09-01,hiring_freeze,Hiring stops,ar,,
"""
FRAMINGS = """\
company,claim,source_id,shows,evidence_id
Nordvik,Nordvik has 40 staff,ar,It has 4000,ar
"""
# 900 is the office staff of the report, uploaded without its scope: a quarter of the filed.
UPLOAD = (
    "company,metric,date,period,value,unit,basis,claim_type,source_id,note,attribution,scope\n"
    "Nordvik,headcount,2025-01-31,instant,900,employees,staff,company_report,ar,,,\n"
)


@pytest.fixture
def nordvik_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    curated = tmp_path / "curated"
    curated.mkdir()
    for name, text in (
        ("observations", OBSERVATIONS),
        ("sources", SOURCES),
        ("events", EVENTS),
        ("framings", FRAMINGS),
    ):
        (curated / f"{name}.csv").write_text(text, encoding="utf-8")
    monkeypatch.setenv("HEADCOUNT_CURATED_DIR", str(curated))
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    bootstrap.initialise(url)
    return url


def test_publishing_a_warning_needs_an_acknowledgement_that_the_revision_records(nordvik_store):
    store = Store(nordvik_store)
    files = [parse.parse("observations.csv", UPLOAD.encode())]
    proposal = ingest.prepare(files, store, "upsert")
    assert proposal.ok, proposal.problems
    assert proposal.warnings["problem"].to_list() == [
        "900 (31 Jan 2025, ar) is 23% of Nordvik's filed 3,900 (31 Dec 2024, ar): is it the "
        "whole company?"
    ]
    refused = ingest.publish(proposal, store, "ana", "office staff")
    assert isinstance(refused, Refused) and refused.kind == "unacknowledged"
    assert store.latest_id() == 1  # nothing written

    outcome = ingest.publish(proposal, store, "ana", "office staff", acknowledge=True)
    assert isinstance(outcome, Published), outcome
    seen = store.revision(outcome.revision.id).acknowledged
    assert seen is not None and seen.by == "ana"
    assert [(w["code"], w["line"]) for w in seen.warnings] == [("plausibility.far_from_filed", 2)]
    store.engine.dispose()


def test_the_cli_refuses_without_acknowledge_and_history_shows_who_acknowledged(
    nordvik_store, tmp_path, capsys
):
    path = tmp_path / "observations.csv"
    path.write_text(UPLOAD, encoding="utf-8")
    publish = [
        "publish",
        str(path),
        "--note",
        "office",
        "--author",
        "ana",
        "--store",
        nordvik_store,
    ]
    assert cli.main(publish) == cli.EXIT_INVALID
    out = capsys.readouterr().out
    assert "plausibility.far_from_filed" in out
    assert "nothing was written" in out and "--acknowledge" in out

    assert cli.main([*publish, "--acknowledge"]) == cli.EXIT_OK
    assert (
        "1 warning(s) acknowledged by ana: plausibility.far_from_filed" in capsys.readouterr().out
    )
    assert cli.main(["history", "--store", nordvik_store]) == cli.EXIT_OK
    history = capsys.readouterr().out
    assert "1 warning(s) acknowledged by ana: plausibility.far_from_filed" in history
    assert "900 (31 Jan 2025, ar) is 23% of Nordvik's filed 3,900" in history

    reply = api.revisions_reply("json", for_store(nordvik_store))
    revisions = json.loads(reply.body)["revisions"]
    assert revisions[0]["acknowledged"] is None
    assert revisions[1]["acknowledged"]["by"] == "ana"
    assert [w["code"] for w in revisions[1]["acknowledged"]["warnings"]] == [
        "plausibility.far_from_filed"
    ]
    as_csv = api.revisions_reply("csv", for_store(nordvik_store)).body.decode("utf-8-sig")
    assert "acknowledged_by" in as_csv.splitlines()[0]
    assert "plausibility.far_from_filed: 900 (31 Jan 2025, ar)" in as_csv


def test_validate_lists_the_warnings_and_still_passes_the_file(nordvik_store, tmp_path, capsys):
    path = tmp_path / "observations.csv"
    path.write_text(UPLOAD, encoding="utf-8")
    # validate judges against the store's latest revision, as publish does (the one judge).
    assert cli.main(["validate", str(path), "--store", nordvik_store]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("OK: 1 file(s) valid")
    assert "Warnings (publishing them needs --acknowledge)" in out
    assert "900 (31 Jan 2025, ar) is 23% of Nordvik's filed 3,900 (31 Dec 2024, ar)" in out
