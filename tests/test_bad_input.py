"""The bad-input corpus (tests/data/bad/): every file gets its clear problem, with file, line
and column, through `headcount validate`, the upload checks and the Upload page, and nothing
is ever written to the store."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from headcount import bootstrap, cli, ingest
from headcount.config import ROOT
from headcount.ingest import MAX_MB_ENV
from headcount.store import STORE_ENV, Store
from tests.test_analyst_pages import ANALYST, ANALYSTS, open_page

BAD = Path(__file__).parent / "data" / "bad"
with (BAD / "expected.txt").open(encoding="utf-8") as handle:
    EXPECTED = [
        (row["file"], int(row["line"]), row["column"], row["problem"])
        for row in csv.DictReader(handle)
    ]


def found(problems: list[dict], file: str, line: int, column: str, words: str) -> bool:
    return any(
        Path(str(p["file"])).name == file
        and p["line"] == line
        and p["column"] == column
        and words in p["problem"]
        and p["hint"]
        for p in problems
    )


def test_the_corpus_is_large_and_every_file_has_its_expectation():
    files = {path.name for path in BAD.glob("*.csv")}
    assert len(files) >= 50
    assert files == {row[0] for row in EXPECTED}


@pytest.mark.parametrize(
    ("file", "line", "column", "words"), EXPECTED, ids=[r[0] for r in EXPECTED]
)
def test_cli_reports_the_problem(file, line, column, words, capsys):
    code = cli.main(["validate", "--json", str(BAD / file)])
    problems = json.loads(capsys.readouterr().out)
    assert code in (cli.EXIT_INVALID, cli.EXIT_UNREADABLE)
    assert found(problems, file, line, column, words), problems


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    url = f"sqlite:///{tmp_path_factory.mktemp('bad') / 'store.sqlite'}"
    bootstrap.initialise(url)
    return Store(url)


@pytest.mark.parametrize("mode", ["upsert", "replace"])
def test_no_bad_file_changes_the_store_in_either_mode(store, mode):
    before = (store.latest_id(), store.revision(store.latest_id()).hashes)
    for file, line, column, words in EXPECTED:
        parsed = ingest.parse_uploads([(file, (BAD / file).read_bytes())])
        proposal = ingest.prepare(parsed, store, mode)
        problems = proposal.problems.to_dicts()
        assert not proposal.ok and found(problems, file, line, column, words), (file, problems)
        with pytest.raises(ValueError):
            ingest.publish(proposal, store, "ana", "must not land")
    assert (store.latest_id(), store.revision(store.latest_id()).hashes) == before


def test_upload_page_shows_each_problem_and_offers_no_publish(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv(STORE_ENV, url)
    bootstrap.initialise(url)
    store = Store(url)
    at = open_page("upload", ANALYST, ANALYSTS)
    for file, line, column, words in EXPECTED:
        at.file_uploader(key="uploads").upload(file, (BAD / file).read_bytes(), "text/csv").run()
        assert not at.exception, (file, at.exception)
        assert "Nothing was changed" in at.error[0].value, file
        problems = at.dataframe[0].value.to_dict("records")
        assert found(problems, file, line, column, words), (file, problems)
        assert not [b for b in at.button if b.label.startswith("Publish revision")], file
    assert store.latest_id() == 1


def test_the_whole_corpus_through_the_command_line_exits_unreadable_without_a_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "headcount.cli", "validate", *map(str, sorted(BAD.glob("*.csv")))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == cli.EXIT_UNREADABLE, done.stdout[-2000:]
    assert "Traceback" not in done.stderr + done.stdout
    for file, *_ in EXPECTED:
        assert file in done.stdout


def test_an_upload_over_the_size_limit_is_refused_with_the_limit_named(tmp_path, monkeypatch):
    monkeypatch.setenv(MAX_MB_ENV, "0.001")  # about 1 KB, so a small file is over it
    data = (ROOT / "data" / "curated" / "observations.csv").read_bytes()
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv(STORE_ENV, url)
    bootstrap.initialise(url)
    at = open_page("upload", ANALYST, ANALYSTS)
    at.file_uploader(key="uploads").upload("observations.csv", data, "text/csv").run()
    problem = at.dataframe[0].value.to_dict("records")[0]
    assert "larger than the upload limit of 0.001 MB" in problem["problem"]
    assert problem["value"].endswith("MB") and problem["hint"]
