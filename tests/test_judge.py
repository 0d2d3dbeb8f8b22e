"""One judge of an upload: `headcount validate` says OK exactly when `headcount publish` does not
refuse the same files for what is in them (issue 22, defect 2). Both commands run in this
process against a real SQLite store, a fresh copy for every pair."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headcount import bootstrap, cli
from tests.csvtools import read_rows, to_csv
from tests.test_properties import EXAMPLES

TABLES = ("observations", "events", "sources", "framings")
ROWS = {name: read_rows(name) for name in TABLES}
# Cells that break a rule of their own or of another table: an unknown source, a value out of
# range, a date that is no date, a unit the metric does not allow, a company that looks like
# another, an empty cell.
BREAKING = ["no-such-source", "-1", "2024-13-01", "EUR", "Klarn\u0430", ""]
REFUSED = "Refused:"  # publish's words when the files' content is refused


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the curated data as revision 1, copied for each example."""
    path = tmp_path_factory.mktemp("judge") / "seeded.sqlite"
    bootstrap.initialise(f"sqlite:///{path}")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


def sources_without_a_source_only_a_framing_cites() -> tuple[bytes, str]:
    framed = {row["source_id"] for row in ROWS["framings"]}
    cited = {row["source_id"] for name in ("observations", "events") for row in ROWS[name]}
    dropped = sorted(framed - cited)[0]
    kept = [row for row in ROWS["sources"] if row["source_id"] != dropped]
    return to_csv(kept), dropped


def test_validate_refuses_the_sources_file_that_publish_refuses(seeded, tmp_path, capsys):
    """The reproduction of issue 22: a sources.csv that drops a source cited only by
    framings.csv, replacing the published sources."""
    data, dropped = sources_without_a_source_only_a_framing_cites()
    upload = tmp_path / "sources.csv"
    upload.write_bytes(data)
    store = tmp_path / "store.sqlite"
    shutil.copy(seeded, store)
    url = f"sqlite:///{store}"

    checked, said = run(capsys, "validate", str(upload), "--mode", "replace", "--store", url)
    assert checked == cli.EXIT_INVALID, said
    assert "source.unknown" in said and "framings.csv" in said and dropped in said

    put, told = run(
        capsys, "publish", str(upload), "--mode", "replace", "--note", "n", "--store", url
    )
    assert put == cli.EXIT_INVALID and REFUSED in told
    assert "source.unknown" in told and dropped in told


@st.composite
def uploads(draw: st.DrawFn) -> tuple[dict[str, bytes], str]:
    """One to four of the curated tables, each whole, with rows dropped, or with one cell
    changed to a value that breaks a rule; and the mode of the upload."""
    names = draw(st.lists(st.sampled_from(TABLES), min_size=1, max_size=4, unique=True))
    files = {}
    for name in names:
        rows = [dict(row) for row in ROWS[name]]
        change = draw(st.sampled_from(["whole", "drop", "cell"]))
        if change == "drop":
            drop = draw(st.sets(st.integers(0, len(rows) - 1), min_size=1, max_size=len(rows)))
            rows = [row for i, row in enumerate(rows) if i not in drop] or rows[:1]
        elif change == "cell":
            row = draw(st.integers(0, len(rows) - 1))
            column = draw(st.sampled_from(list(rows[row])))
            rows[row][column] = draw(st.sampled_from(BREAKING))
        files[name] = _csv(rows)
    return files, draw(st.sampled_from(["replace", "upsert"]))


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@settings(
    max_examples=max(EXAMPLES // 2, 1),  # each example publishes: half the parsing tests' count
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(upload=uploads())
def test_validate_says_ok_exactly_when_publish_is_not_refused(seeded, tmp_path, capsys, upload):
    files, mode = upload
    folder = tmp_path / "example"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    paths = []
    for name, data in files.items():
        (folder / f"{name}.csv").write_bytes(data)
        paths.append(str(folder / f"{name}.csv"))
    store = folder / "store.sqlite"
    shutil.copy(seeded, store)
    url = f"sqlite:///{store}"

    checked, said = run(capsys, "validate", *paths, "--mode", mode, "--store", url)
    put, told = run(capsys, "publish", *paths, "--mode", mode, "--note", "n", "--store", url)
    refused_for_content = put != cli.EXIT_OK and REFUSED in told
    assert (checked == cli.EXIT_OK) == (not refused_for_content), (said[-2000:], told[-2000:])
    assert checked in (cli.EXIT_OK, cli.EXIT_INVALID), said[-2000:]


def test_validate_judges_against_the_stores_latest_revision_not_the_curated_files(
    seeded, tmp_path, capsys
):
    """A source published in revision 2 (it is in no curated file) may be cited by the next
    upload: validate says OK, as publish does."""
    store = tmp_path / "store.sqlite"
    shutil.copy(seeded, store)
    url = f"sqlite:///{store}"
    added = {**ROWS["sources"][0], "source_id": "published-later", "title": "Published later"}
    sources = tmp_path / "sources.csv"
    sources.write_bytes(_csv([*ROWS["sources"], added]))
    assert run(capsys, "publish", str(sources), "--note", "a source", "--store", url)[0] == 0

    events = tmp_path / "events.csv"
    events.write_bytes(_csv([{**ROWS["events"][0], "source_id": "published-later"}]))
    checked, said = run(capsys, "validate", str(events), "--store", url)
    assert checked == cli.EXIT_OK, said
    assert "judged against revision 2" in said
    put, told = run(capsys, "publish", str(events), "--note", "n", "--store", url)
    assert put == cli.EXIT_OK, told
