"""A headline is a company-wide figure (issue 21, part 2): a figure of part of a company (its
`scope`) is its own labelled marker, never on the company's headcount line and never on its
card, however new it is. Checked on a company written out here, not on the curated data."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from headcount import arcview, claims, comparison, conflicts, dataset, productivity, story
from headcount.dataset import Dataset
from headcount.share import View

OBSERVATIONS = """\
company,metric,date,period,value,unit,basis,claim_type,source_id,note,attribution,scope
Nordvik,headcount,2022-12-31,instant,5000,employees,employees at year end (annual report),filing,ar,,,
Nordvik,headcount,2023-12-31,instant,4000,employees,employees at year end (annual report),filing,ar,,,
Nordvik,headcount,2024-06-30,instant,3800,employees,employees (CEO interview),executive_statement,ceo,,,
Nordvik,headcount,2024-12-31,instant,900,employees,employees at year end (annual report),filing,ar,office staff in the report,,corporate (office) staff
Nordvik,headcount,2025-03-01,instant,1200,employees,employees at year end (annual report),company_report,office,,,corporate (office) staff
"""
SOURCES = """\
source_id,publisher,title,url,accessed,published,via,reliability,quote,language
ar,Nordvik AB (annual report),Annual report,https://example.com/ar,2025-04-01,,,primary,"5,000 and 4,000 employees; 900 of them in our offices",en
ceo,Nordvik AB (CEO interview),Interview,https://example.com/ceo,2025-04-01,,,primary,"we are 3,800 people",en
office,Nordvik AB (press release),Our offices,https://example.com/office,2025-04-01,,,primary,"1,200 office staff",en
"""
EVENTS = """\
company,date,kind,title,source_id,detail,attribution
Nordvik,2023-09-01,hiring_freeze,Hiring stops,ceo,,
"""
FRAMINGS = """\
company,claim,source_id,shows,evidence_id
Nordvik,Nordvik has 1200 employees,office,1200 is its office staff,ar
"""


@pytest.fixture(scope="module")
def nordvik(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder: Path = tmp_path_factory.mktemp("nordvik")
    for name, text in (
        ("observations", OBSERVATIONS),
        ("sources", SOURCES),
        ("events", EVENTS),
        ("framings", FRAMINGS),
    ):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    loaded = dataset.load_curated(folder, today=dt.date(2025, 6, 1))
    assert loaded.dataset is not None, loaded.problems
    return loaded.dataset


def test_a_newer_figure_of_part_of_the_company_never_takes_the_card(nordvik):
    card = story.headline(story.metric_points(nordvik, "Nordvik")["headcount"], "headcount")
    assert card is not None
    # The latest company-wide figure is the CEO's 3,800 (June 2024); the filed series is
    # older (4,000 at the end of 2023) and shows beside it. The office staff's 1,200 (2025)
    # and 900 (end of 2024) are newer but count a part of the company.
    assert (card.value, card.date) == ("3,800", dt.date(2024, 6, 30))
    assert card.filed is not None
    assert (card.filed.value, card.filed.date) == ("4,000", dt.date(2023, 12, 31))
    shown = " ".join([card.value, *card.elsewhere, card.filed.value])
    assert "1,200" not in shown and "900" not in shown
    # The filed series' change runs from its own peak to its own latest whole-company figure.
    assert card.change is None or "900" not in card.change.describe()


def test_a_figure_of_part_of_the_company_never_joins_the_line(nordvik):
    points = claims.points(claims.claims_for(nordvik, "Nordvik", "headcount"))
    line = points.filter(points["role"] == claims.LINE)
    assert sorted(line["value"].to_list()) == [4000.0, 5000.0]
    parts = points.filter(points["value"].is_in([900.0, 1200.0]))
    assert parts["role"].to_list() == [claims.STATEMENT, claims.STATEMENT]
    assert not any(parts["spine"].to_list())
    assert parts["label"].to_list() == [
        "900 employees (corporate (office) staff only)",
        "1,200 employees (corporate (office) staff only)",
    ]


def test_the_arc_draws_a_part_as_a_marker_that_says_its_scope(nordvik):
    view = arcview.build(nordvik, "Nordvik")
    assert view.arc is not None
    traces = view.arc.data
    on_lines = [y for t in traces if "lines" in (t.mode or "") for y in (t.y or ())]
    assert 900 not in on_lines and 1200 not in on_lines
    hovers = [h[0] for t in traces if t.customdata is not None for h in t.customdata]
    assert any("1,200 employees (corporate (office) staff only)" in h for h in hovers), hovers


def test_filed_figures_used_to_check_claims_are_company_wide(nordvik):
    filed = productivity.filed_headcount(nordvik.observations, "Nordvik")
    assert filed["value"].to_list() == [5000.0, 4000.0]


def test_the_figures_table_and_the_explorer_list_a_part_as_what_it_is(nordvik):
    table = arcview.build(nordvik, "Nordvik").figures_table()
    parts = dict(zip(table["value"], table["part counted"], strict=True))
    assert parts[1200.0] == "corporate (office) staff" and parts[4000.0] == ""

    view = View("Nordvik", metrics=("headcount",))
    best = comparison.compare(nordvik.observations, nordvik.sources, view)
    (panel,) = best.panels
    # The best series is the filed whole-company one; the parts are left out with the rest.
    assert sorted(panel.points["value"].to_list()) == [4000.0, 5000.0]
    every = comparison.compare(
        nordvik.observations, nordvik.sources, replace(view, statements=True)
    )
    (panel,) = every.panels
    drawn = {r["value"]: (r["role"], r["label"]) for r in panel.points.iter_rows(named=True)}
    assert drawn[1200.0] == (claims.STATEMENT, "1,200 employees (corporate (office) staff only)")
    listed = comparison.in_words(every.rows, index=False)
    assert listed.filter(listed["value"] == 900.0)["scope"].to_list() == [
        "corporate (office) staff"
    ]


def test_a_part_never_conflicts_with_the_whole(nordvik):
    # The CEO's 3,800 (30 Jun 2024) and the same day's office staff: two facts, no conflict.
    office = nordvik.observations.filter(nordvik.observations["value"] == 1200.0).with_columns(
        date=dt.date(2024, 7, 10)
    )
    both = pl.concat([nordvik.observations, office])
    assert conflicts.ledger(both, nordvik.sources).height == 0
    whole = office.with_columns(scope=None)  # the same figure said of the whole company
    pairs = conflicts.ledger(pl.concat([nordvik.observations, whole]), nordvik.sources)
    assert pairs.select("value_a", "value_b").rows() == [(3800.0, 1200.0)]


def test_the_narrative_speaks_of_the_whole_company_only(nordvik):
    rehired = nordvik.events.with_columns(kind=pl.lit("rehiring"), date=dt.date(2024, 1, 15))
    data = Dataset(
        nordvik.observations, rehired, nordvik.sources, nordvik.framings, nordvik.notices
    )
    sentences = story.narrative(data, "Nordvik", story.metric_points(data, "Nordvik"))
    after = next(s for s in sentences if s.startswith("After the first sign of rehiring"))
    assert "3,800 (Jun 2024)" in after
    assert "1,200" not in after and "900" not in after
