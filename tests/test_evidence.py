"""The evidence check (issue 21, part 4): each observation against its own source record,
on rows written out here. Reasonable, not pedantic: any written form of a number counts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from headcount import cli
from validation import catalogue, evidence, numerals, problems


@pytest.mark.parametrize(
    ("value", "quote"),
    [
        (5527, "Klarna had 5,527 full-time employees"),
        (5527, "5527 employees"),
        (5527, "about 5.5 thousand people"),
        (3000, "from about 5,000 to now almost 3,000 employees"),
        (1_500_000, "1.5 million customers"),
        (1_080_000_000, "revenue of $1.08 billion"),
        (19_300_000_000, "revenue of SEK 19.3 billion"),
        (19_700_000_000, "värderar Klarna till ungefär $19,7 miljarder"),
        (700, "the work of seven hundred full-time agents"),
        (2000, "under two thousand people"),
        (228_000, "Microsoft's global workforce stood at 2,28,000."),
        (-244_000_000, "after a loss of 244 Mio. a year before"),
        (2_802_574_000, "Revenue $ 981,262 $ 877,209 12 % $ 3,055,071 $ 2,802,574 9 %"),
    ],
)
def test_a_value_written_in_any_form_is_found(value, quote):
    context = "in thousands" if value == 2_802_574_000 else ""
    assert numerals.mentions(value, quote, context)


@pytest.mark.parametrize(
    ("value", "quote"),
    [
        (10, "c.10 per cent of Klarna colleagues"),  # a percentage is not a value
        (21, "up 21% on the year"),
        (5600, "about 5.5 thousand people"),  # outside what the rounding allows
        (1_090_000_000, "revenue of $1.08 billion"),  # 1.08 billion is 1,075 to 1,085 million
        (2_802_574_000, "Revenue $ 2,802,574"),  # no unit named for the table anywhere
    ],
)
def test_a_value_the_quote_does_not_write_is_not_found(value, quote):
    assert not numerals.mentions(value, quote)


SOURCES = pl.DataFrame(
    {
        "source_id": ["filing", "wiki", "wiki-rev", "blank", "outlet", "own"],
        "publisher": [
            "Nordvik AB (annual report)",
            "Nordvik AB (annual report)",
            "Nordvik AB (annual report)",
            "Nordvik AB (press release)",
            "Daily Ledger",
            "Reuters",
        ],
        "url": [
            "https://example.com/2024/05/14/nordvik-report",
            "https://en.wikipedia.org/wiki/Nordvik",
            "https://en.wikipedia.org/w/index.php?title=Nordvik&oldid=1234567",
            "https://example.com/release",
            "https://ledger.example.com/nordvik",
            "https://example.com/ipo",
        ],
        "quote": [
            "At the end of 2023 we had 4,000 employees; in 2022, 5,000.",
            "Employees: 4,000 (2023)",
            "Employees: 4,000 (2023)",
            None,
            "A spokesperson said the company now employs 3,800 people.",
            "The listing values Nordvik at about $2.5 billion, according to Reuters.",
        ],
        "via": [None, None, None, None, None, None],
        "title": ["Report", "Nordvik", "Nordvik", "Release", "Nordvik shrinks", "IPO"],
    }
)


def observation(value: float, day: str, source_id: str, note: str | None = None) -> dict:
    return {
        "company": "Nordvik",
        "metric": "headcount",
        "date": dt.date.fromisoformat(day),
        "value": value,
        "source_id": source_id,
        "note": note,
    }


def test_each_row_is_checked_against_its_own_source_record():
    rows = pl.DataFrame(
        [
            observation(4000, "2023-12-31", "filing"),  # written in the quote: fine
            observation(1000, "2023-12-31", "filing", "derived: 5,000 - 4,000"),  # names it
            observation(1000, "2022-12-31", "filing", "derived from the two counts"),  # no formula
            observation(3900, "2023-12-31", "filing"),  # nowhere in the quote
            observation(4000, "2024-05-01", "filing"),  # May alone while the address has 14 May
            observation(4000, "2023-12-30", "wiki"),
            observation(4000, "2023-12-29", "wiki-rev"),
            observation(3800, "2024-06-30", "blank"),
            observation(3800, "2024-06-29", "outlet"),
            observation(2_500_000_000, "2024-06-28", "own"),
        ]
    )
    found = evidence.check(rows, SOURCES)
    listed = found.select("code", "file", "line", "column", "value").rows()
    # Lines: the header is line 1, so the n-th row (from 0) is line n + 2.
    assert listed == [
        ("evidence.value_not_in_quote", "observations.csv", 4, "value", "1,000"),
        ("evidence.value_not_in_quote", "observations.csv", 5, "value", "3,900"),
        ("evidence.date_placeholder", "observations.csv", 6, "date", "2024-05-01"),
        ("evidence.live_wiki", "sources.csv", 3, "url", "https://en.wikipedia.org/wiki/Nordvik"),
        ("evidence.empty_quote", "sources.csv", 5, "quote", ""),
        ("evidence.outlet_as_publisher", "sources.csv", 6, "publisher", "Daily Ledger"),
    ]
    words = dict(zip(found["code"], found["problem"], strict=False))
    assert words["evidence.date_placeholder"] == (
        "2024-05-01 stands for a month alone, while the source's address gives the day 2024-05-14"
    )
    assert words["evidence.outlet_as_publisher"] == (
        "publisher Daily Ledger is the outlet, while the quote gives someone else's claim ('said')"
    )
    assert set(found["code"]) <= catalogue.WARNINGS


def test_a_note_that_declares_the_day_unknown_answers_for_the_address_not_the_quote():
    quoted = SOURCES.with_columns(pl.lit("On May 14, 2024 we had 4,000 employees.").alias("quote"))
    note = "month only: the source gives no day"
    address_only = evidence.check(
        pl.DataFrame([observation(4000, "2024-05-01", "filing", note)]), SOURCES
    )
    in_quote = evidence.check(
        pl.DataFrame([observation(4000, "2024-05-01", "filing", note)]), quoted
    )
    assert address_only.height == 0
    assert in_quote.select("code", "problem").rows() == [
        (
            "evidence.date_placeholder",
            "2024-05-01 stands for a month alone, while the source's quote gives the day 2024-05-14",
        )
    ]


CLEAN = {
    "observations": (
        "company,metric,date,period,value,unit,basis,claim_type,source_id,note,attribution,scope\n"
        "Nordvik,headcount,2023-12-31,instant,4000,employees,year end,filing,ar,,,\n"
    ),
    "sources": (
        "source_id,publisher,title,url,accessed,published,via,reliability,quote,language\n"
        "ar,Nordvik AB (annual report),Report,https://example.com/ar,2025-01-01,,,primary,"
        '"we had 4,000 employees",en\n'
    ),
    "events": "company,date,kind,title,source_id,detail,attribution\n"
    "Nordvik,2023-09-01,hiring_freeze,Hiring stops,ar,,\n",
    "framings": "company,claim,source_id,shows,evidence_id\n"
    "Nordvik,Nordvik has 40 staff,ar,It has 4000,ar\n",
}


def written(folder: Path, tables: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def test_headcount_audit_lists_what_it_finds_with_codes_and_exits_1(tmp_path, capsys):
    bad = dict(CLEAN)
    bad["observations"] = CLEAN["observations"].replace(",4000,", ",4100,")
    folder = written(tmp_path / "bad", bad)
    assert cli.main(["audit", str(folder)]) == cli.EXIT_INVALID
    out = capsys.readouterr().out
    header, row = out.splitlines()[:2]
    assert header.split()[:3] == ["CODE", "FILE", "LINE"]
    assert row.split()[:5] == [
        "evidence.value_not_in_quote",
        str(folder / "observations.csv"),
        "2",
        "value",
        "4,100",
    ]
    assert "1 warning(s)" in out


def test_headcount_audit_passes_tables_whose_rows_match_their_sources(tmp_path, capsys):
    folder = written(tmp_path / "clean", CLEAN)
    assert cli.main(["audit", str(folder)]) == cli.EXIT_OK
    assert capsys.readouterr().out.startswith("OK: every one of 1 observations")


def test_headcount_audit_also_measures_each_figure_against_the_filed_ones(tmp_path, capsys):
    far = dict(CLEAN)
    far["observations"] = CLEAN["observations"] + (
        "Nordvik,headcount,2024-03-31,instant,1000,employees,staff,executive_statement,ceo,,,\n"
    )
    far["sources"] = CLEAN["sources"] + (
        "ceo,Nordvik AB (CEO interview),Interview,https://example.com/ceo,2025-01-01,,,primary,"
        '"we are 1,000 people",en\n'
    )
    folder = written(tmp_path / "far", far)
    assert cli.main(["audit", str(folder), "--json"]) == cli.EXIT_INVALID
    listed = json.loads(capsys.readouterr().out)
    assert [(p["code"], p["line"], p["problem"]) for p in listed] == [
        (
            "plausibility.far_from_filed",
            3,
            "1,000 (31 Mar 2024, ceo) is 25% of Nordvik's filed 4,000 (31 Dec 2023, ar): "
            "is it the whole company?",
        )
    ]


def test_a_large_upload_lists_the_first_warnings_of_a_kind_and_counts_the_rest():
    rows = pl.DataFrame([observation(4001 + i, "2023-12-31", "filing") for i in range(120)])
    found = evidence.check(rows, SOURCES)
    assert found.height == 51 and problems.count(found) == 120
    assert found["problem"][-1] == (
        "and 70 more of the same kind: a value not written in its source's quote"
    )
    assert found["line"][-1] == 52  # where the unlisted rest starts


def test_a_source_uploaded_alone_is_judged_by_who_cites_it_in_the_published_data():
    # The company's own annual report re-uploaded with a longer quote: its publisher is the
    # company that the published rows cite it for, so its words are its own, as `headcount
    # audit` judges the same row. ("stated" here is the report's own wording.)
    source = {
        "source_id": "ar-2019",
        "publisher": "Nordvik Holding AB",
        "url": "https://example.com/ar2019",
        "quote": "All numbers are in SEK if not otherwise stated. Employees: 4,000.",
        "via": None,
        "title": "Annual report 2019",
    }
    uploaded = {"sources": tagged(pl.DataFrame([source]), "sources.csv")}
    published = {
        "sources": tagged(pl.DataFrame([source]), "sources.csv (published)"),
        "observations": tagged(
            pl.DataFrame([observation(4000, "2019-12-31", "ar-2019")]),
            "observations.csv (published)",
        ),
    }
    assert evidence.for_upload(uploaded, published).rows() == []
    assert evidence.audit(published).rows() == []


def tagged(frame: pl.DataFrame, file: str) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(file).alias("_file"), (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("_line")
    )
