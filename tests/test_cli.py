"""`headcount validate` as a person at a terminal (and a script reading --json) uses it.

Most tests call the entry point, `cli.main(argv)`, in this process and read what it printed:
a subprocess would only add the start-up of Python. Two tests run the real executables, to
prove that the installed console script and `python -m headcount.cli` reach `main` and turn
its answer into the process's exit code.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from headcount import cli
from headcount.settings import ROOT, STORE_ENV
from tests.csvtools import CURATED, read_rows, to_csv, with_cell
from validation import vocabulary

# The files `export` writes, one per table, as a person checked them in data/curated/.
TABLE_FILES = ["events.csv", "framings.csv", "notices.csv", "observations.csv", "sources.csv"]


@dataclass(frozen=True)
class Ran:
    """What one command gave: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


class Cli:
    """`headcount ARGS...` in this process, each command's output read apart from the last."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> Ran:
        self.capsys.readouterr()  # drop anything printed before this command
        try:
            code = cli.main(list(args))
        except SystemExit as exit_:  # argparse ends a usage error this way
            code = int(exit_.code or 0)
        out, err = self.capsys.readouterr()
        return Ran(code, out, err)

    def on(self, store: str, *args: str) -> Ran:
        """A store command against the store at ``store``."""
        return self(*args, "--store", store)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


def test_curated_files_are_valid(run):
    result = run("validate", *sorted(str(p) for p in CURATED.glob("*.csv")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: 5 file(s) valid")


@pytest.mark.slow
def test_installed_console_script_exits_1_on_a_problem(tmp_path):
    """The `headcount` script that `uv sync` installs turns main's answer into its exit code."""
    data, _ = with_cell("observations", 2, "date", "31/12/2023")
    (tmp_path / "observations.csv").write_bytes(data)
    done = subprocess.run(
        ["headcount", "validate", str(tmp_path / "observations.csv")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "not a valid date" in done.stdout


@pytest.mark.slow
def test_python_m_exits_2_on_a_file_it_cannot_read(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "headcount.cli", "validate", str(tmp_path / "nope.csv")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot read the file" in done.stdout


# What checking a file may import: no store (SQLAlchemy, Alembic, a database driver), no
# Pandera (its __init__ imports pandas), no Plotly. Each cost a second of every `validate`.
NOT_FOR_VALIDATE = ("sqlalchemy", "alembic", "psycopg", "pandera", "pandas", "plotly")
WITH_ITS_IMPORTS = (
    "import sys; from headcount import cli; code = cli.main(sys.argv[1:]); "
    f"print(sorted(m for m in {NOT_FOR_VALIDATE!r} if m in sys.modules), file=sys.stderr); "
    "sys.exit(code)"
)


@pytest.mark.slow
def test_validate_without_a_store_imports_none_of_it_and_reports_as_before(tmp_path):
    """A process that runs `validate` on a bad file, with no store yet (judged against the
    curated data), imports nothing of the store, Pandera or pandas, and prints the report it
    printed when it imported them all (the table as of commit 93f6d16)."""
    rows = read_rows("observations")[:4]
    rows[1]["date"] = "31/12/2023"
    rows[2]["metric"] = "head count"
    rows[3]["source_id"] = "no-such-source"
    (tmp_path / "observations.csv").write_bytes(to_csv(rows))
    done = subprocess.run(
        [sys.executable, "-c", WITH_ITS_IMPORTS, "validate", "observations.csv"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, STORE_ENV: f"sqlite:///{tmp_path / 'none.sqlite'}"},
    )  # fmt: skip
    assert done.stderr.splitlines()[-1:] == ["[]"], done.stderr
    assert done.returncode == 1
    metrics = ", ".join(vocabulary.METRICS)
    curated_sources = ROOT / "data" / "curated" / "sources.csv"
    # The table's cells, as it aligns them (two or more spaces between columns).
    cells = [re.split(r"\s{2,}", line) for line in done.stdout.splitlines()]
    assert cells == [
        ["CODE", "FILE", "LINE", "COLUMN", "VALUE", "PROBLEM", "HINT"],
        ["date.invalid", "observations.csv", "3", "date", "31/12/2023", "not a valid date",
         "Looks like a day/month/year date: write it as YYYY-MM-DD, e.g. 2024-12-31."],
        ["value.not_allowed", "observations.csv", "4", "metric", "head count",
         "not an allowed metric", f"Use one of: {metrics}."],
        # Where the ids were looked up: the curated data, as there is no store yet.
        ["source.unknown", "observations.csv", "5", "source_id", "no-such-source",
         f"source_id does not match any row of {curated_sources}",
         "Add the source to sources.csv, or correct the id to an existing one."],
        [""],
        ["3 problem(s) in 1 file(s)."],
    ]  # fmt: skip
    assert not (tmp_path / "none.sqlite").exists()  # (nor was a store file made)


def test_invalid_file_exits_1_and_prints_the_problem_table(run, tmp_path):
    data, line = with_cell("observations", 2, "date", "31/12/2023")
    path = tmp_path / "observations.csv"
    path.write_bytes(data)
    result = run("validate", str(path))
    assert result.returncode == 1
    header, row = result.stdout.splitlines()[:2]
    assert header.split()[:7] == ["CODE", "FILE", "LINE", "COLUMN", "VALUE", "PROBLEM", "HINT"]
    assert str(path) in row and f" {line} " in row and "31/12/2023" in row
    assert "not a valid date" in row and "YYYY-MM-DD" in row


def test_json_output_lists_problem_objects(run, tmp_path):
    data, line = with_cell("events", 1, "source_id", "missing-source")
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    result = run("validate", "--json", str(path))
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert problems == [
        {
            "code": "source.unknown",
            "file": str(path),
            "line": line,
            "column": "source_id",
            "value": "missing-source",
            # Looked up in the store's latest revision (the run's store is seeded).
            "problem": "source_id does not match any row of sources.csv (revision 1)",
            "hint": "Add the source to sources.csv, or correct the id to an existing one.",
        }
    ]


def test_cross_table_rules_use_the_given_sources_file(run, tmp_path):
    """Replacing the sources, observations are checked against the sources file given beside
    them alone; adding and updating, the published sources stay, so they resolve there."""
    sources = (CURATED / "sources.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in sources if not line.startswith("f1-paymentsdive,")]
    (tmp_path / "sources.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    files = (str(tmp_path / "sources.csv"), str(CURATED / "observations.csv"))
    result = run("validate", "--json", "--mode", "replace", *files)
    problems = json.loads(result.stdout)
    assert result.returncode == 1
    assert {p["value"] for p in problems} == {"f1-paymentsdive"}
    assert all(p["column"] == "source_id" for p in problems)
    assert run("validate", "--json", "--mode", "upsert", *files).returncode == 0


def test_unreadable_files_exit_2(run, tmp_path):
    missing = tmp_path / "nope.csv"
    result = run("validate", str(missing))
    assert result.returncode == 2
    assert "cannot read the file" in result.stdout
    excel = tmp_path / "observations.csv"
    excel.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    result = run("validate", "--json", str(excel))
    assert result.returncode == 2
    assert json.loads(result.stdout)[0]["problem"].startswith("this is an Excel workbook")


def test_no_arguments_is_a_usage_error(run):
    result = run("validate")
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_publish_history_diff_rollback_export(run, tmp_path):
    store = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert cli.main(["init", "--store", store]) == 0
    listed = run.on(store, "history")
    assert listed.returncode == 0
    assert "data/curated" in listed.stdout.splitlines()[1]  # revision 1 is the seed

    data, _ = with_cell("observations", 4, "value", "4321")
    upload = tmp_path / "observations.csv"
    upload.write_bytes(data)
    published = run.on(
        store,
        "publish",
        str(upload),
        "--note",
        "fix one value",
        "--author",
        "ana",
        "--mode",
        "replace",
        "--acknowledge",  # 4321 is in no quote: the evidence check warns
    )
    assert published.returncode == 0, published.stdout
    assert "~1 changed" in published.stdout and "-> 4321" in published.stdout
    assert "4321.0" not in published.stdout  # a whole number as people write it
    assert "Published revision 2 (based on 1)." in published.stdout

    history = run.on(store, "history").stdout.splitlines()
    assert (
        history[2].split()[:2] == ["2", "1"]
        and "ana" in history[2]
        and "fix one value" in history[2]
    )

    changed = run.on(store, "diff", "1", "2")
    assert changed.returncode == 0 and "value" in changed.stdout and "4321" in changed.stdout
    assert "4321.0" not in changed.stdout

    undone = run.on(store, "rollback", "1", "--note", "undo", "--author", "ana")
    assert undone.returncode == 0 and "Published revision 3, equal to revision 1" in undone.stdout
    assert "no differences" in run.on(store, "diff", "1", "3").stdout

    out = tmp_path / "export"
    exported = run.on(store, "export", "--rev", "2", "--out", str(out))
    assert exported.returncode == 0
    assert sorted(p.name for p in out.iterdir()) == TABLE_FILES
    assert run("validate", *(str(p) for p in out.iterdir())).returncode == 0
    exported_rows = (out / "observations.csv").read_text()
    assert ",4321,employees," in exported_rows and ".0,employees," not in exported_rows


def test_refused_publish_exits_1_and_writes_nothing(run, tmp_path):
    store = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert cli.main(["init", "--store", store]) == 0
    data, line = with_cell("observations", 0, "unit", "USD")
    upload = tmp_path / "observations.csv"
    upload.write_bytes(data)
    refused = run.on(store, "publish", str(upload), "--note", "bad")
    assert refused.returncode == 1
    assert f" {line} " in refused.stdout and "Nothing was written" in refused.stdout
    assert len(run.on(store, "history").stdout.splitlines()) == 2  # header + seed only
    unchanged = run.on(store, "publish", str(CURATED / "events.csv"), "--note", "same")
    assert unchanged.returncode == 1 and "Nothing changes" in unchanged.stdout


def test_publishing_an_unreadable_file_exits_2(run, tmp_path):
    store = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert cli.main(["init", "--store", store]) == 0
    excel = tmp_path / "observations.csv"
    excel.write_bytes(b"PK\x03\x04" + b"\x00" * 32)
    assert run.on(store, "publish", str(excel), "--note", "x").returncode == 2


def test_unknown_revision_is_a_clear_error(run, tmp_path):
    store = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert cli.main(["init", "--store", store]) == 0
    result = run.on(store, "diff", "7")
    assert result.returncode == 1 and "There is no revision 7" in result.stdout


# `headcount export --out DIR` (issue 12.8), run in-process: what is proved is what it writes.
@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('export') / 'cli.sqlite'}"
    assert cli.main(["init", "--store", url]) == 0
    return url


def export(store: str, out: Path, *extra: str) -> int:
    return cli.main(["export", "--store", store, "--out", str(out), *extra])


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_export_refuses_to_overwrite_unless_forced(seeded, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "observations.csv").write_bytes(b"someone's work\n")
    assert export(seeded, out) == 1
    told = capsys.readouterr().out
    assert "observations.csv already exist(s)" in told and "--force" in told
    assert listing(out) == {"observations.csv": b"someone's work\n"}  # nothing else written
    assert export(seeded, out, "--force") == 0
    assert sorted(listing(out)) == TABLE_FILES
    exported = (out / "observations.csv").read_text(encoding="utf-8-sig")  # a BOM for Excel
    assert exported.startswith("company,metric,date")


def test_export_never_writes_through_a_link(seeded, tmp_path, capsys):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me\n")
    linked_folder = tmp_path / "linked"
    linked_folder.symlink_to(elsewhere, target_is_directory=True)
    for extra in ((), ("--force",)):
        assert export(seeded, linked_folder, *extra) == 1
        assert "symbolic link" in capsys.readouterr().out
    assert listing(elsewhere) == {}

    out = tmp_path / "out"
    out.mkdir()
    (out / "sources.csv").symlink_to(victim)
    for extra in ((), ("--force",)):
        assert export(seeded, out, *extra) == 1
        assert "sources.csv in" in capsys.readouterr().out
    assert victim.read_bytes() == b"keep me\n"
    assert sorted(p.name for p in out.iterdir()) == ["sources.csv"]  # nothing else written


def test_export_force_never_writes_through_a_hard_link(seeded, tmp_path, capsys):
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "sources.csv").hardlink_to(victim)
    for extra in ((), ("--force",)):
        assert export(seeded, out, *extra) == 1
        assert "sources.csv in" in capsys.readouterr().out
    assert victim.read_bytes() == b"keep me\n"
    assert sorted(p.name for p in out.iterdir()) == ["sources.csv"]  # nothing else written


def test_export_force_replaces_a_file_without_writing_into_it(seeded, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "sources.csv").write_bytes(b"old\n")
    before = (out / "sources.csv").stat().st_ino
    reader = (out / "sources.csv").open("rb")  # someone reading the old file meanwhile
    assert export(seeded, out, "--force") == 0
    assert reader.read() == b"old\n"  # their file was not truncated under them
    reader.close()
    assert (out / "sources.csv").stat().st_ino != before
    assert (out / "sources.csv").read_bytes().startswith("\ufeffsource_id,".encode())
    assert sorted(p.name for p in out.iterdir()) == TABLE_FILES  # no temporary file left


@pytest.mark.parametrize("revision", ["0", "99"])
def test_export_of_a_revision_that_does_not_exist_is_a_clear_error(
    seeded, tmp_path, capsys, revision
):
    out = tmp_path / "out"
    assert export(seeded, out, "--rev", revision) == 1
    assert f"There is no revision {revision}" in capsys.readouterr().out
    assert not out.exists()


def test_export_of_a_negative_revision_is_a_usage_error(seeded, tmp_path, run):
    ran = run.on(seeded, "export", "--rev", "-1", "--out", str(tmp_path / "out"))
    assert ran.returncode == 2  # argparse's usage error
    assert "'-1' is not a revision number" in ran.stderr
    assert not (tmp_path / "out").exists()


def test_diff_against_revision_0_is_not_the_latest(seeded, capsys):
    assert cli.main(["diff", "1", "0", "--store", seeded]) == 1
    assert "There is no revision 0" in capsys.readouterr().out


def test_validate_counts_the_problems_past_the_listed_ones(run, tmp_path):
    # 60 rows with a day-first date: the table lists 50 and one row for the other 10; the
    # last line counts them all, as the Upload page does.
    rows = read_rows("observations")[:60]
    for row in rows:
        row["date"] = "31/12/2023"
    path = tmp_path / "observations.csv"
    path.write_bytes(to_csv(rows))
    result = run("validate", str(path))
    assert result.returncode == 1
    assert "and 10 more of the same kind" in result.stdout
    assert result.stdout.splitlines()[-1] == "60 problem(s) in 1 file(s)."
