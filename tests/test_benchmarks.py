"""The benchmark suite's quick mode runs end to end and reports every figure beside its peer.

No timing is asserted here (machines are noisy); the figures live in benchmarks/RESULTS.md.
Each benchmark runs in a process of its own, so that the suite's workers share them out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from harness import THOROUGH, chromium_path
from headcount.settings import ROOT
from tests.conftest import missing
from tests.csvtools import read_rows

API_FIGURES = {
    f"api: one company's observations, {kind}, {figure}"
    for kind in ("CSV", "JSON")
    for figure in ("req/s", "p95")
}
# For each benchmark: the figures it must report, and those of them judged beside a peer or
# floor measured in the same run (the others have an absolute target: a median rerun under
# 100 ms, a trace under 5,000 points).
FIGURES: dict[str, tuple[set[str], set[str]]] = {
    "upload": (
        {
            "upload validation vs read_csv",
            "upload validation vs pandas + Pandera",
            "upload validation peak memory",
            "problem report, 1% bad rows",
            "headcount validate vs read_csv",
            "headcount validate vs pandas + Pandera",
            "headcount validate, one-row file",
        },
        {
            "upload validation vs read_csv",
            "upload validation vs pandas + Pandera",
            "upload validation peak memory",
            "problem report, 1% bad rows",
            "headcount validate vs read_csv",
            "headcount validate vs pandas + Pandera",
            "headcount validate, one-row file",
        },
    ),
    "pages": (
        {
            "page load: arc chart drawn (cold)",
            "company switch in the browser",
            "company switch: server rerun",
        },
        {"page load: arc chart drawn (cold)", "company switch in the browser"},
    ),
    "review": (
        {"review: 200-row CSV chosen to review shown"},
        {"review: 200-row CSV chosen to review shown"},
    ),
    "scale": (
        {
            "sqlite: rows written by a 10-row revision",
            "sqlite: publish 20,000-row upsert",
            "sqlite: largest trace sent",
        },
        {
            "sqlite: app start to arc chart",
            "sqlite: rows written by a 10-row revision",
            "sqlite: publish 20,000-row upsert",
            "sqlite: publish vs indexed bulk insert",
        },
    ),
    # Browser sessions during a publish: a minute more, exercising nothing the others do not,
    # so only in a thorough run (HEADCOUNT_THOROUGH=1).
    "load": ({"load: server peak memory"}, {"load: server peak memory"}),
    "api": (API_FIGURES, API_FIGURES),
}


def beside_datasette_on_the_same_rows(figure: dict) -> bool:
    """The api suite checked both servers' answers hold the same rows: those of the company
    with the most."""
    [(company, count)] = Counter(r["company"] for r in read_rows("observations")).most_common(1)
    return (
        figure["peer"] == "Datasette, same rows"
        and figure["value"] > 0
        and f"{company}: {count} rows x " in figure["detail"]
    )


def every_bad_row_reported(figure: dict) -> bool:
    reported, expected = figure["detail"].split(" problems reported (expected ")
    return reported == expected.rstrip(")")


# Correctness the benchmarks rely on, not speed: every bad row reported, storage grows with
# the change, and no trace is sent whole past the limit.
CORRECT: dict[str, dict[str, Callable[[dict], bool]]] = {
    "upload": {"problem report, 1% bad rows": every_bad_row_reported},
    "pages": {},
    "review": {},
    "scale": {
        "sqlite: rows written by a 10-row revision": lambda figure: figure["value"] == 10,
        "sqlite: largest trace sent": lambda figure: figure["value"] <= 5_000,
    },
    "load": {},
    "api": dict.fromkeys(API_FIGURES, beside_datasette_on_the_same_rows),
}
# The suites run together in one process: pages and review share the app's server and the
# browser there (benchmarks/rig.py), as in a whole run, instead of each starting its own; the
# api suite after them, as in a whole run, where it once found Playwright's event loop running.
RUN = [
    suites
    for suites in [("upload",), ("pages", "review", "api"), ("scale",), ("load",)]
    if THOROUGH or suites != ("load",)
]


def quick_run(suites: tuple[str, ...], output: Path) -> tuple[dict[str, dict], str]:
    """`python -m benchmarks --quick --only SUITE...`: their figures by name, and the table
    it printed."""
    if suites != ("upload",) and chromium_path() is None:
        missing("browser", f"the {' and '.join(suites)} benchmarks need Chromium")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", *suites, "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(output.read_text())
    assert report["quick"] is True and report["machine"]["cpus"]
    return {figure["name"]: figure for figure in report["figures"]}, done.stdout


@pytest.mark.parametrize("suites", RUN, ids="+".join)
def test_quick_benchmarks_run_and_report_each_figure_with_its_peer(tmp_path, suites):
    figures, table = quick_run(suites, tmp_path / "quick.json")
    named = set().union(*(FIGURES[suite][0] for suite in suites))
    peered = set().union(*(FIGURES[suite][1] for suite in suites))
    assert named <= set(figures), sorted(figures)
    for figure in figures.values():
        assert figure["value"] >= 0 and figure["target"]
    assert {name for name, figure in figures.items() if figure["peer"]} == peered
    for name in peered:
        assert figures[name]["peer_value"] > 0 and figures[name]["ratio"] is not None, name
    # Every figure of the run is in the table it printed, with the ratio column.
    assert "ratio" in table
    assert all(name[:44] in table for name in figures), table
    for suite in suites:
        for name, holds in CORRECT[suite].items():
            assert holds(figures[name]), (name, figures[name])


def test_the_review_benchmarks_csv_adds_a_company_the_judge_accepts_without_a_warning():
    """benchmarks/review.py times a review that ends in the publish button: its file must
    have no problem and no warning (either would show more than the review), all rows new."""
    from benchmarks.generate import new_company_csv
    from benchmarks.review import ROWS
    from headcount import ingest
    from ui.server import store

    source = read_rows("sources")[0]["source_id"]
    content = new_company_csv(source, ROWS)
    parsed = ingest.parse_uploads([("new-company.csv", content)])
    proposal = ingest.for_review(ingest.prepare(parsed, store(), "upsert"))
    assert proposal.ok and proposal.problems.is_empty(), proposal.problems
    assert proposal.warnings.is_empty(), proposal.warnings
    counts = proposal.changes["observations"].counts()
    assert counts == {"added": ROWS, "changed": 0, "removed": 0}


def test_a_candidate_that_times_its_own_step_is_recorded_by_that_span_not_its_call():
    """The browser benchmarks time a step inside a call that also opens a page: the figure is
    the step. A run that counted the page's opening made the review 1.8x the bare page where
    the step itself was far less."""
    import time

    from benchmarks.measure import Seconds, alternate

    def opens_a_page_then_times_its_step() -> Seconds:
        time.sleep(0.05)  # the page opening, outside the span
        return Seconds(0.01)

    def times_nothing() -> bytes:
        time.sleep(0.02)
        return b"a report"

    times = alternate({"step": opens_a_page_then_times_its_step, "call": times_nothing}, 2)
    assert times["step"] == [0.01, 0.01]
    assert all(0.02 <= t < 1 for t in times["call"])
