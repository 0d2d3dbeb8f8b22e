"""The arc tells its story at a glance (issue 24): a title that states the finding, period
names under their own bands, one figure per point for the card and the chart alike. Measured
on the figure the page draws and the words a reader reads, for written-out companies whose
expected text is typed here by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import plotly.graph_objects as go

from headcount import arcview, dataset
from tests.csvtools import written_dataset

TODAY = dt.date(2026, 12, 5)
OBSERVATIONS = "company,metric,date,period,value,unit,basis,claim_type,source_id,note,attribution\n"
EVENTS = "company,date,kind,title,source_id,detail,attribution\n"
SOURCES = (
    "source_id,publisher,title,url,accessed,published,via,reliability,quote,language\n"
    'f,Acme Inc. (Form 10-K),Annual report,https://example.org/f,2026-12-01,,,primary,"1,000 and 800 employees",en\n'
    's,Acme blog,CEO post,https://example.org/s,2026-12-01,,,secondary,"810, 820, 100, 150 and 140",en\n'
    't,Trade paper,News,https://example.org/t,2026-12-01,,,secondary,"150 and 140",en\n'
    'a,A newsletter,Note,https://example.org/a,2026-12-01,,,low,"140",en\n'
    'z,Z newsletter,Note,https://example.org/z,2026-12-01,,,low,"140",en\n'
)
FRAMINGS = "company,claim,source_id,shows,evidence_id\nAcme,Acme replaced its staff with AI,s,Headcount held.,f\n"

AI_BASIS = '"support work done by the assistant, FTE (company claim)"'
AI_ROWS = [
    f"Acme,ai_workload_fte,2024-03-01,instant,100,fte,{AI_BASIS},company_report,s,,\n",
    f"Acme,ai_workload_fte,2025-09-01,instant,150,fte,{AI_BASIS},company_report,s,,\n",
    f"Acme,ai_workload_fte,2025-09-01,instant,150,fte,{AI_BASIS},press_estimate,t,,\n",
]
# One source alone gives another figure for the same series and day: a conflict. The tables
# are read in (date, source) order, so its source's name puts it before or after the others.
LONE = "Acme,ai_workload_fte,2025-09-01,instant,140,fte,{basis},executive_statement,{source},,\n"

HEADCOUNT_ROWS = (
    "Acme,headcount,2022-12-31,instant,1000,employees,employees at year end (10-K),filing,f,,\n"
    "Acme,headcount,2024-12-31,instant,800,employees,employees at year end (10-K),filing,f,,\n"
    "Acme,headcount,2025-06-01,instant,810,employees,employees stated by the CEO (blog),"
    "executive_statement,s,,\n"
    "Acme,headcount,2025-10-01,instant,820,employees,employees stated by the CEO (podcast),"
    "executive_statement,s,,\n"
)
ACME_EVENTS = (
    EVENTS + "Acme,2023-06-01,hiring_freeze,Hiring stops,s,,\n"
    "Acme,2024-03-01,ai_deployment,Assistant answers most chats,s,,\n"
    "Acme,2025-03-01,rehiring,People answer the phones again,s,,\n"
)


def acme(folder: Path, ai_rows: list[str]) -> dataset.Dataset:
    observations = OBSERVATIONS + HEADCOUNT_ROWS + "".join(ai_rows)
    tables = {
        "observations": observations,
        "events": ACME_EVENTS,
        "sources": SOURCES,
        "framings": FRAMINGS,
    }
    return written_dataset(folder, tables, TODAY)


def ai_line(figure: go.Figure) -> go.Scatter:
    (line,) = [t for t in figure.data if t.yaxis == "y2" and "lines" in (t.mode or "")]
    return line


def test_the_ai_card_and_the_end_of_the_ai_line_give_one_figure_whatever_the_row_order(
    tmp_path,
):
    """150 FTE has two sources, 140 one: the card and the line's end both say 150, whether
    the lone 140 comes before or after it in the file (an unrelated upload reorders rows)."""
    for order in ("a", "z"):
        folder = tmp_path / order
        folder.mkdir()
        rows = [*AI_ROWS, LONE.format(basis=AI_BASIS, source=order)]
        shown = arcview.build(acme(folder, rows), "Acme")
        (card,) = [h for h in shown.headlines if h.metric == "ai_workload_fte"]
        assert card.value == "150 FTE", order
        assert shown.arc is not None
        line = ai_line(shown.arc)
        assert list(line.y) == [100.0, 150.0], order  # one point a date, the card's
        labels = [t for t in line.text or () if t]
        assert set(labels) <= {"100 FTE", "150 FTE"}, order


def test_each_period_name_starts_at_its_own_band(tmp_path):
    """The name of a period is printed from the day its band starts, never shifted to an
    earlier date to fit: a reader dates the period by where its name begins."""
    shown = arcview.build(acme(tmp_path, AI_ROWS), "Acme")
    assert shown.arc is not None
    bands = {(shape.x0, shape.x1) for shape in shown.arc.layout.shapes if shape.type == "rect"}
    starts = {str(start)[:10] for start, _ in bands}
    assert starts == {"2023-06-01", "2024-03-01", "2025-03-01"}
    (names,) = [t for t in shown.arc.data if t.yaxis == "y3"]
    named = {
        str(day)[:10]: text.replace("<br>", " ")
        for day, text in zip(names.x, names.text, strict=True)
    }
    assert named == {
        "2023-06-01": "Hiring freeze",
        "2024-03-01": "AI takes over work",
        "2025-03-01": "Humans back",
    }
    # Printed to the right of its start, never centred on it or ending at it.
    positions = names.textposition
    assert set([positions] if isinstance(positions, str) else positions) == {"middle right"}


def test_the_title_states_what_the_filed_line_and_the_figures_since_humans_came_back_say(
    tmp_path,
):
    shown = arcview.build(acme(tmp_path, AI_ROWS), "Acme")
    assert shown.title == (
        "Acme: filed headcount fell 20% (2022\N{EN DASH}2024); since humans came back "
        "(Mar 2025), stated at 810\N{EN DASH}820"
    )


def test_the_link_to_the_claim_check_counts_its_claims_in_words():
    assert arcview.claims_link("CrowdStrike", 1) == (
        "The claim of CrowdStrike on the Claim check page"
    )
    assert arcview.claims_link("Dropbox", 2) == "All 2 claims of Dropbox on the Claim check page"


def test_a_lone_filed_figure_is_called_filed_on_the_card_and_on_the_chart(tmp_path):
    """Written out: Zed has one filed headcount, so no line; the card says 'filing', and the
    chart's legend must not call the same figure a statement."""
    observations = (
        OBSERVATIONS
        + "Zed,headcount,2024-12-31,instant,800,employees,employees at year end (10-K),filing,f,,\n"
    )
    tables = {
        "observations": observations,
        "events": EVENTS + "Zed,2025-03-01,layoff,Cuts 50 roles,s,,\n",
        "sources": SOURCES,
        "framings": FRAMINGS,
    }
    shown = arcview.build(written_dataset(tmp_path, tables, TODAY), "Zed")
    (card,) = shown.headlines
    assert (card.value, card.kind) == ("800", "filing")
    assert shown.arc is not None
    (drawn,) = [t for t in shown.arc.data if t.y is not None and 800.0 in t.y]
    assert drawn.name == "Headcount filed figures (own basis)"
    assert list(drawn.text) == ["800"]
    assert shown.title == "Zed: headcount filed at 800 (Dec 2024)"


def test_a_peer_with_few_points_has_its_filed_line_and_its_derived_line_labelled():
    """Dropbox: two filed year ends (2,693 and 2,204 employees in observations.csv) and
    revenue per employee derived from them; both lines say their values at their ends."""
    data = dataset.load_curated().dataset
    assert data is not None
    shown = arcview.build(data, "Dropbox")
    assert shown.arc is not None
    (line,) = [t for t in shown.arc.data if "lines" in (t.mode or "")]
    assert [t for t in line.text if t] == ["2,693", "2,204"]
    (side,) = [s.figure for s in shown.side if s.metric == "revenue_per_employee"]
    assert side is not None
    (derived,) = side.data
    assert len([t for t in derived.text or () if t]) == 2
