"""The Upload page's templates and its preview of the arc after publishing, against a real
SQLite store seeded from the curated data."""

from __future__ import annotations

import csv
import io

import plotly.graph_objects as go
import pytest

from headcount import bootstrap, dataset, ingest, preview
from headcount.store import Store
from tests.csvtools import read_rows, to_csv
from validation.tables import TABLES


@pytest.fixture
def store(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    bootstrap.initialise(url)
    seeded = Store(url)
    yield seeded
    seeded.engine.dispose()


def check(store: Store, files: dict[str, bytes]) -> ingest.Proposal:
    return ingest.prepare(ingest.parse_uploads(list(files.items())), store)


def test_each_template_is_two_current_rows_that_upload_cleanly_and_change_nothing(store):
    curated = dataset.load_curated().dataset
    assert curated is not None
    templates = preview.templates(curated)
    assert sorted(templates) == sorted(TABLES)
    for name, text in templates.items():
        rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
        assert len(rows) == 2, name
        # Every column of the contract (the curated file may leave an optional one out).
        assert set(read_rows(name)[0]) <= set(rows[0]) == set(TABLES[name].column_names), name
        proposal = check(store, {f"{name}.csv": text})
        assert proposal.ok, (name, proposal.problems)
        assert proposal.empty, name  # rows of the current data: nothing would change


def klarna_raised(store: Store) -> tuple[ingest.Proposal, float]:
    rows = read_rows("observations")
    filed = [
        r
        for r in rows
        if r["company"] == "Klarna" and r["metric"] == "headcount" and r["claim_type"] == "filing"
    ]
    last = max(filed, key=lambda r: r["date"])
    raised = float(last["value"]) + 1
    for row in rows:
        if (row["company"], row["basis"], row["date"]) == (
            last["company"],
            last["basis"],
            last["date"],
        ):
            row["value"] = str(int(raised))
    proposal = check(store, {"observations.csv": to_csv(rows)})
    assert proposal.ok and not proposal.empty
    return proposal, raised


def drawn(figure: go.Figure) -> set[float]:
    return {float(y) for trace in figure.data for y in (trace.y if trace.y is not None else ())}


def test_the_preview_draws_the_chosen_company_with_the_uploaded_figure(store):
    proposal, raised = klarna_raised(store)
    after = preview.arc_after(proposal.proposed, "Klarna")
    assert after is not None and after.company == "Klarna"
    assert raised in drawn(after.figure)
    assert raised - 1 not in drawn(after.figure)


def test_a_company_the_proposal_lacks_falls_back_to_the_best_documented_one(store):
    proposal, _ = klarna_raised(store)
    after = preview.arc_after(proposal.proposed, "Nobody Inc")
    assert after is not None and after.company == "Klarna"


def test_the_preview_shows_the_company_the_upload_changes(store):
    # An analyst who uploads one Amazon figure while the sidebar shows Klarna sees Amazon.
    rows = [r for r in read_rows("observations") if r["company"] == "Amazon"][:1]
    rows[0] = {**rows[0], "basis": "employees, approximate (press)", "value": "1500001"}
    proposal = check(store, {"observations.csv": to_csv(rows)})
    assert proposal.ok, proposal.problems
    assert preview.company_changed(proposal.changes) == "Amazon"
    assert preview.company_changed({}) is None


def test_the_preview_marks_the_figure_the_upload_changes(store):
    """The changed figure stands out from the others (issue 24, item 10): a ring around it,
    named in the legend, and around no other point."""
    proposal, raised = klarna_raised(store)
    opened = proposal.changes["observations"].opened
    after = preview.arc_after(proposal.proposed, "Klarna", opened)
    assert after is not None
    marked = [t for t in after.figure.data if t.name == preview.MARKED]
    assert len(marked) == 1
    assert [float(y) for y in marked[0].y] == [raised]
    assert marked[0].showlegend is True
