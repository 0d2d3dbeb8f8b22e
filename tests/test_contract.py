"""The contract is declared once and everything follows it: the Pandera schemas, the data
dictionary in data/README.md, and the problem codes of the catalogue."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from headcount import cli, exports
from headcount.settings import ROOT
from tests.csvtools import read_rows, to_csv
from validation import dictionary, gate, models, parse, tables
from validation.catalogue import CATALOGUE, ENTRIES

README = ROOT / "data" / "README.md"
TODAY = dt.date(2026, 12, 2)
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


def test_the_data_dictionary_in_the_readme_is_what_the_contract_renders():
    text = README.read_text(encoding="utf-8")
    assert dictionary.updated(text) == text, "run: uv run python -m validation.dictionary"


def test_the_readme_lists_each_table_column_by_column_and_every_code():
    text = README.read_text(encoding="utf-8")
    assert "| attribution | text | no |" in text
    assert "| accessed | date (YYYY-MM-DD) | yes |" in text
    assert "Key: (company, metric, date, basis, source_id)" in text
    for entry in ENTRIES:
        assert f"| `{entry.code}` |" in text


def test_a_readme_that_drifted_from_the_contract_is_caught():
    text = README.read_text(encoding="utf-8")
    drifted = text.replace("| note | text | no | short |", "| note | text | yes | short |")
    assert drifted != text
    assert dictionary.updated(drifted) == text
    begin = dictionary.BEGIN.format(name="framings")
    with pytest.raises(ValueError, match="framings"):
        dictionary.updated(text.replace(begin, ""))


def test_codes_are_unique_dotted_lower_snake_and_worded():
    codes = [entry.code for entry in ENTRIES]
    assert len(codes) == len(set(codes))
    assert [c for c in codes if not CODE.match(c)] == []
    assert all(entry.problem and entry.hint for entry in ENTRIES)


def test_every_warning_says_what_its_kind_is_in_words_that_name_no_figure():
    # A warning's unlisted rest is one row saying what they are (problems.Tally): the kind's
    # words, never its code and never a template field to fill.
    kinds = {entry.code: entry.kind for entry in ENTRIES if entry.severity == "warning"}
    assert kinds and all(kinds.values())
    assert [k for k in kinds.values() if "{" in k or re.search(r"\w\.\w", k)] == []


def test_every_check_of_the_generated_schemas_is_a_code_of_the_catalogue():
    names = {
        check.name
        for schema in models.schemas().values()
        for column in schema.columns.values()
        for check in column.checks
    }
    assert names <= set(CATALOGUE), names - set(CATALOGUE)
    assert {"value.not_allowed", "text.markup", "url.not_http"} <= names


def test_the_schemas_follow_the_contract_column_by_column():
    for name, table in tables.TABLES.items():
        schema = models.schemas()[name]
        assert list(schema.columns) == list(table.column_names)
        for column in table.columns:
            assert schema.columns[column.name].nullable is not column.required


EVENT_ROWS = read_rows("events")[:3]


def test_adding_a_column_is_one_line_in_the_contract(monkeypatch):
    region = tables.Column(
        "region", required=False, vocabulary=("emea", "amer"), meaning="{vocabulary}"
    )
    events = dataclasses.replace(tables.EVENTS, columns=(*tables.EVENTS.columns, region))
    monkeypatch.setitem(tables.TABLES, "events", events)
    context = gate.combined_tables([parse.parse_path(str(ROOT / "data/curated/sources.csv"))])

    good = [{**row, "region": "emea"} for row in EVENT_ROWS]
    parsed = parse.parse("events.csv", to_csv(good))
    assert parsed.table == events and parsed.frame is not None
    assert gate.validate([parsed], context=context, today=TODAY).ok

    bad = [*good[:2], {**good[2], "region": "mars"}]
    verdict = gate.validate([parse.parse("events.csv", to_csv(bad))], context=context, today=TODAY)
    assert verdict.problems.select("code", "line", "column", "value", "problem", "hint").rows() == [
        (
            "value.not_allowed",
            4,
            "region",
            "mars",
            "not an allowed region",
            "Use one of: emea, amer.",
        )
    ]
    assert "| region | text | no | `emea`, `amer` |" in dictionary.table_markdown(events)
    header = exports.template_csv(events, parsed.frame).decode("utf-8-sig").splitlines()[0]
    assert header.endswith(",attribution,answers,region")


def test_the_command_line_shows_the_code_in_its_table_and_its_json(tmp_path, capsys):
    path = tmp_path / "observations.csv"
    rows = read_rows("observations")[:2]
    path.write_bytes(to_csv([{**rows[0], "value": "45,6"}, rows[1]]))

    assert cli.main(["validate", str(path)]) == cli.EXIT_INVALID
    header, row = capsys.readouterr().out.splitlines()[:2]
    assert header.split()[:3] == ["CODE", "FILE", "LINE"]
    assert row.split()[:3] == ["value.not_a_number", str(path), "2"]

    assert cli.main(["validate", "--json", str(path)]) == cli.EXIT_INVALID
    out = capsys.readouterr().out
    assert '"code": "value.not_a_number"' in out
    assert "Use a dot for decimals: write 45.6, not 45,6." in out
