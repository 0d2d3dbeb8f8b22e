"""The bad-input corpus (tests/data/bad/): every file gets its clear problem, with its code,
file, line and column, through `headcount validate` and the upload checks, one file of each
problem code through the Upload page, and nothing is ever written to the store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from headcount import bootstrap, cli, ingest
from headcount.dataset import curated_paths
from headcount.settings import MAX_MB_ENV, ROOT
from headcount.store import STORE_ENV, Store
from tests.test_analyst_pages import ANALYST, ANALYSTS, open_page
from validation import gate, parse
from validation.catalogue import CATALOGUE

BAD = Path(__file__).parent / "data" / "bad"
with (BAD / "expected.txt").open(encoding="utf-8") as handle:
    EXPECTED = [
        (row["file"], int(row["line"]), row["column"], row["problem"])
        for row in csv.DictReader(handle)
    ]


# The code each file's problem must carry: what a program reading the report matches on.
CODES = {
    "file.empty": ("empty.csv",),
    "file.no_rows": ("header_only.csv",),
    "file.not_text": (
        "excel_renamed.csv",
        "zip_archive.csv",
        "old_excel.csv",
        "pdf_renamed.csv",
        "png_renamed.csv",
    ),
    "file.utf16": ("utf16.csv",),
    "file.not_utf8": ("latin1.csv",),
    "header.empty": ("blank_first_line.csv", "whitespace_only.csv"),
    "header.too_long": ("huge_header.csv",),
    "header.unknown_table": ("wrong_header.csv",),
    "header.missing_column": ("missing_column.csv",),
    "header.unknown_column": ("extra_column.csv", "misspelled_column.csv"),
    "header.duplicate_column": ("duplicate_column.csv",),
    "header.wrong_separator": ("bom_semicolons.csv", "semicolons.csv", "tabs.csv", "pipes.csv"),
    "row.too_many_cells": ("ragged_row.csv", "long_cell_then_ragged_row.csv"),
    "row.unclosed_quote": ("unclosed_quote.csv",),
    "value.missing": (
        "short_row.csv",
        "empty_value.csv",
        "empty_company.csv",
        "whitespace_basis.csv",
    ),
    "text.too_long": ("very_long_line.csv",),
    "value.not_a_number": (
        "thousands_separator.csv",
        "decimal_comma.csv",
        "thousands_dots.csv",
        "spaced_thousands.csv",
        "currency_symbol.csv",
        "number_in_words.csv",
        "number_range.csv",
        "approximate_number.csv",
    ),
    "value.negative": ("negative_value.csv",),
    "value.not_finite": ("nan_value.csv", "infinite_value.csv"),
    "value.implausible": ("huge_value.csv",),
    "date.invalid": (
        "day_first_date.csv",
        "us_date.csv",
        "impossible_date.csv",
        "month_13.csv",
        "month_name_date.csv",
        "excel_serial_date.csv",
        "negative_year.csv",
    ),
    "date.after_today_not_target": ("future_date.csv",),
    "date.too_early": ("year_zero.csv",),
    "date.too_far_ahead": ("target_year_9999.csv",),
    "date.after_today": ("future_accessed.csv", "future_notice.csv"),
    "value.not_whole": (
        "european_thousands_headcount.csv",
        "dotted_thousands_whole.csv",
        "fractional_employees.csv",
    ),
    "value.fte_too_precise": ("fte_three_decimals.csv",),
    "value.not_whole_count": ("fractional_workers.csv", "dotted_thousands_workers.csv"),
    "value.too_small": ("zero_workers.csv",),
    "answers.no_claim": ("answers_no_claim.csv",),
    "answers.after_event": ("answers_after_event.csv",),
    "value.not_allowed": (
        "unknown_metric.csv",
        "unknown_unit.csv",
        "unknown_period.csv",
        "unknown_claim_type.csv",
        "unknown_reliability.csv",
        "unknown_event_kind.csv",
        "unknown_state.csv",
    ),
    "unit.not_allowed_for_metric": ("unit_for_other_metric.csv",),
    "key.duplicate": ("duplicate_key.csv",),
    "source.unknown": ("dangling_source.csv", "dangling_evidence.csv"),
    "text.markup": (
        "script_in_company.csv",
        "image_in_note.csv",
        "control_character.csv",
        "markup_event_title.csv",
    ),
    "text.invisible_in_name": (
        "zero_width_joiner_company.csv",
        "zero_width_space_source_id.csv",
        "bom_inside_basis.csv",
        "soft_hyphen_company.csv",
        "right_to_left_override_company.csv",
    ),
    "text.hidden_characters": ("isolate_in_note.csv",),
    "name.lookalike": (
        "cyrillic_ka_company.csv",
        "fullwidth_company.csv",
        "capital_i_for_l_company.csv",
    ),
    "text.mixed_scripts": ("armenian_o_company.csv",),
    "url.not_http": ("javascript_url.csv", "ftp_url.csv", "relative_url.csv"),
    "language.not_a_code": ("bad_language.csv",),
}
CODE_OF = {file: code for code, files in CODES.items() for file in files}


def found(problems: list[dict], file: str, line: int, column: str, words: str) -> bool:
    return any(
        Path(str(p["file"])).name == file
        and p["code"] == CODE_OF[file]
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
    assert files == set(CODE_OF)
    assert sum(map(len, CODES.values())) == len(CODE_OF), "a file expects one code"


def test_every_code_the_corpus_produces_is_in_the_catalogue():
    curated = gate.combined_tables([parse.parse_path(str(p)) for p in curated_paths()])
    produced: set[str] = set()
    for path in sorted(BAD.glob("*.csv")):
        verdict = gate.validate([parse.parse_path(str(path))], context=curated)
        assert verdict.problems.height, path.name
        produced |= set(verdict.problems["code"])
    # Every problem of every file, not only the one each file is about.
    assert produced <= set(CATALOGUE), produced - set(CATALOGUE)
    assert produced >= set(CODES)


@pytest.mark.parametrize(
    ("file", "line", "column", "words"), EXPECTED, ids=[r[0] for r in EXPECTED]
)
def test_cli_reports_the_problem(file, line, column, words, capsys):
    code = cli.main(["validate", "--json", str(BAD / file)])
    problems = json.loads(capsys.readouterr().out)
    assert code in (1, 2)  # problems found, or the file unreadable
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
            ingest.publish(proposal, store, "ana", "must not land", acknowledge=True)
    assert (store.latest_id(), store.revision(store.latest_id()).hashes) == before


# The Upload page shows every problem through one table, whatever its kind: one file of each
# code goes through the page, and every file through the same checks in process (above).
ONE_OF_EACH_CODE = [row for row in EXPECTED if CODES[CODE_OF[row[0]]][0] == row[0]]


def test_upload_page_shows_each_kind_of_problem_and_offers_no_publish(tmp_path, monkeypatch):
    assert {CODE_OF[row[0]] for row in ONE_OF_EACH_CODE} == set(CODES)
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv(STORE_ENV, url)
    bootstrap.initialise(url)
    store = Store(url)
    at = open_page("upload", ANALYST, ANALYSTS)
    for file, line, column, words in ONE_OF_EACH_CODE:
        at.file_uploader(key="uploads").upload(file, (BAD / file).read_bytes(), "text/csv").run()
        assert not at.exception, (file, at.exception)
        assert "Nothing was changed" in at.error[0].value, file
        problems = at.dataframe[0].value.to_dict("records")
        assert found(problems, file, line, column, words), (file, problems)
        assert not [b for b in at.button if b.label.startswith("Publish revision")], file
    assert store.latest_id() == 1


def test_the_whole_corpus_through_the_command_line_exits_unreadable_without_a_traceback(capsys):
    # In this process: an exception would fail the test itself (test_cli runs the script).
    code = cli.main(["validate", *map(str, sorted(BAD.glob("*.csv")))])
    out, err = capsys.readouterr()
    assert code == 2, out[-2000:]  # some of the corpus is unreadable
    assert err == ""
    assert [file for file, *_ in EXPECTED if file not in out] == []


def test_an_upload_over_the_size_limit_is_refused_with_the_limit_named(tmp_path, monkeypatch):
    monkeypatch.setenv(MAX_MB_ENV, "0.001")  # about 1 KB, so a small file is over it
    data = (ROOT / "data" / "curated" / "observations.csv").read_bytes()
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv(STORE_ENV, url)
    bootstrap.initialise(url)
    at = open_page("upload", ANALYST, ANALYSTS)
    at.file_uploader(key="uploads").upload("observations.csv", data, "text/csv").run()
    problem = at.dataframe[0].value.to_dict("records")[0]
    assert problem["code"] == "file.too_large"
    assert "larger than the upload limit of 0.001 MB" in problem["problem"]
    assert problem["value"].endswith("MB") and problem["hint"]
