"""The validation gate: valid data passes, and every rule names the exact row it broke."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from headcount import dataset
from tests.csvtools import CURATED, read_rows, to_csv, with_cell
from validation import gate, parse
from validation.tables import TABLES

TODAY = dt.date(2026, 12, 6)  # the day the curated rows were last checked (accessed)


@pytest.fixture(scope="module")
def context():
    curated = [parse.parse_path(str(CURATED / t.filename)) for t in TABLES.values()]
    return gate.combined_tables(curated)


def check(name: str, data: bytes, context=None):
    return gate.validate([parse.parse(name, data)], context=context, today=TODAY)


def only_problem(verdict) -> dict:
    rows = verdict.problems.to_dicts()
    assert len(rows) == 1, rows
    return rows[0]


def test_curated_data_is_valid():
    files = [parse.parse_path(str(path)) for path in dataset.curated_paths(CURATED)]
    verdict = gate.validate(files, today=TODAY)
    assert verdict.problems.to_dicts() == []
    # Every table the curated folder holds, and every table that is not optional.
    assert set(verdict.tables) == {path.stem for path in CURATED.glob("*.csv")}
    assert set(verdict.tables) >= {t.name for t in TABLES.values() if not t.optional}
    assert verdict.tables["observations"].height == len(read_rows("observations"))


CELL_CASES = [
    # table, row, column, bad value, the problem a person is told, its code
    ("observations", 0, "metric", "headcunt", "not an allowed metric", "value.not_allowed"),
    ("observations", 0, "period", "monthly", "not an allowed period", "value.not_allowed"),
    ("observations", 0, "claim_type", "rumour", "not an allowed claim_type", "value.not_allowed"),
    ("observations", 0, "unit", "heads", "not an allowed unit", "value.not_allowed"),
    ("observations", 0, "value", "-5527", "negative value", "value.negative"),
    ("observations", 0, "value", "1e300", "implausibly large value", "value.implausible"),
    ("observations", 0, "value", "inf", "not a finite number", "value.not_finite"),
    ("observations", 0, "value", "NaN", "not a finite number", "value.not_finite"),
    ("observations", 0, "value", "5,527", "not a plain number", "value.not_a_number"),
    ("observations", 0, "value", "about 5000", "not a plain number", "value.not_a_number"),
    ("observations", 0, "date", "31/12/2022", "not a valid date", "date.invalid"),
    ("observations", 0, "date", "2022-02-30", "not a valid date", "date.invalid"),
    ("observations", 0, "basis", "", "basis is empty", "value.missing"),
    (
        "observations",
        0,
        "note",
        "<img src=x onerror=alert(1)>",
        "contains markup or control characters",
        "text.markup",
    ),
    (
        "observations",
        0,
        "company",
        "Klarna <b>",
        "contains markup or control characters",
        "text.markup",
    ),
    ("events", 0, "kind", "party", "not an allowed kind", "value.not_allowed"),
    (
        "events",
        0,
        "title",
        "[x](javascript:alert(1))",
        "contains markup or control characters",
        "text.markup",
    ),
    ("events", 0, "date", "2021-13-01", "not a valid date", "date.invalid"),
    ("sources", 0, "url", "javascript:alert(1)", "not an http(s) web address", "url.not_http"),
    ("sources", 0, "url", "ftp://example.org/file", "not an http(s) web address", "url.not_http"),
    ("sources", 0, "reliability", "solid", "not an allowed reliability", "value.not_allowed"),
    ("sources", 0, "language", "German", "not a language code", "language.not_a_code"),
    ("sources", 0, "accessed", "yesterday", "not a valid date", "date.invalid"),
    ("sources", 0, "publisher", "", "publisher is empty", "value.missing"),
    ("framings", 0, "shows", "", "shows is empty", "value.missing"),
    ("framings", 0, "claim", "<b>700</b>", "contains markup or control characters", "text.markup"),
]


@pytest.mark.parametrize(("table", "row", "column", "value", "problem", "code"), CELL_CASES)
def test_each_cell_rule_names_file_line_column_and_value(
    table, row, column, value, problem, code, context
):
    data, line = with_cell(table, row, column, value)
    found = only_problem(check(f"{table}.csv", data, context))
    assert found["file"] == f"{table}.csv"
    assert found["line"] == line
    assert found["column"] == column
    assert found["problem"] == problem
    assert found["code"] == code
    assert found["hint"], "every problem says how to fix it"
    # The cell as written; the two range rules quote the number as read.
    assert found["value"] == {"-5527": "-5527.0", "1e300": "1e+300"}.get(value, value)


def test_unit_must_fit_the_metric(context):
    data, line = with_cell("observations", 0, "unit", "USD")
    found = only_problem(check("observations.csv", data, context))
    assert (found["line"], found["column"], found["value"]) == (line, "unit", "USD")
    assert found["problem"] == "unit USD is not allowed for the metric headcount"
    assert found["hint"] == "Use one of: employees, fte."


def test_a_net_loss_may_be_negative_but_a_headcount_may_not(context):
    rows = read_rows("observations")
    loss = {**rows[0], "metric": "net_income", "unit": "USD", "value": "-273000000"}
    loss["basis"] = "net loss for the year (test)"
    assert check("observations.csv", to_csv([*rows, loss]), context).problems.height == 0

    data, line = with_cell("observations", 0, "value", "-1")
    found = only_problem(check("observations.csv", data, context))
    assert (found["line"], found["column"], found["problem"]) == (line, "value", "negative value")
    assert "headcount" in found["hint"] and "net_income" in found["hint"]


def test_a_huge_loss_is_refused_as_implausible(context):
    rows = read_rows("observations")
    loss = {**rows[0], "metric": "net_income", "unit": "USD", "value": "-1e300"}
    loss["basis"] = "net loss for the year (test)"
    found = only_problem(check("observations.csv", to_csv([*rows, loss]), context))
    assert (found["line"], found["problem"]) == (len(rows) + 2, "implausibly large value")


def test_duplicate_key_points_at_the_first_copy(context):
    rows = read_rows("observations")
    found = only_problem(check("observations.csv", to_csv([*rows, rows[3]]), context))
    assert found["line"] == len(rows) + 2
    assert found["problem"].startswith("duplicate of line 5: same company, metric, date, basis")


def test_duplicate_source_id(context):
    rows = read_rows("sources")
    found = only_problem(check("sources.csv", to_csv([*rows, rows[0]]), context))
    assert found["line"] == len(rows) + 2
    assert found["column"] == "source_id"
    assert found["problem"].startswith("duplicate of line 2")


def test_dangling_source_id(context):
    data, line = with_cell("events", 2, "source_id", "no-such-source")
    found = only_problem(check("events.csv", data, context))
    assert (found["line"], found["column"], found["value"]) == (line, "source_id", "no-such-source")
    assert found["problem"] == f"source_id does not match any row of {CURATED / 'sources.csv'}"


def test_framing_evidence_must_resolve(context):
    data, line = with_cell("framings", 0, "evidence_id", "no-such-source")
    found = only_problem(check("framings.csv", data, context))
    assert (found["line"], found["column"]) == (line, "evidence_id")
    assert found["problem"] == f"evidence_id does not match any row of {CURATED / 'sources.csv'}"


def test_future_dates_only_for_targets(context):
    data, line = with_cell("observations", 0, "date", "2027-01-01")
    found = only_problem(check("observations.csv", data, context))
    assert (found["line"], found["column"]) == (line, "date")
    assert found["problem"] == "date is after today (2026-12-06)"
    rows = read_rows("observations")
    target = next(i for i, r in enumerate(rows) if r["claim_type"] == "target")
    data, _ = with_cell("observations", target, "date", "2027-01-01")
    assert check("observations.csv", data, context).ok


def test_future_accessed_date(context):
    data, line = with_cell("sources", 1, "accessed", "2030-01-01")
    found = only_problem(check("sources.csv", data, context))
    assert (found["line"], found["column"]) == (line, "accessed")


def test_unparsable_cell_far_down_is_a_problem_on_its_row(context):
    base = read_rows("observations")[0]
    rows = [{**base, "basis": f"basis {i}"} for i in range(5000)]
    rows[4997] = {**rows[4997], "value": "12O0"}
    found = only_problem(check("observations.csv", to_csv(rows), context))
    assert (found["line"], found["column"], found["value"]) == (4999, "value", "12O0")


def test_line_numbers_count_line_breaks_inside_quoted_cells(context):
    rows = read_rows("events")
    rows[0] = {**rows[0], "detail": "first line\nsecond line"}
    rows[3] = {**rows[3], "kind": "party"}
    found = only_problem(check("events.csv", to_csv(rows), context))
    assert found["line"] == 3 + 2 + 1  # one line later than without the break


def test_rows_of_a_file_read_in_many_batches_keep_their_lines(context):
    # The reader streams large files in batches; lines must still count from the top,
    # including a line break inside a quoted cell of an early batch.
    base = read_rows("observations")[0]
    rows = [{**base, "basis": f"basis {i}"} for i in range(300_000)]
    rows[10] = {**rows[10], "note": "first line\nsecond line"}
    bad = (5, 150_001, 299_998)
    for index in bad:
        rows[index] = {**rows[index], "value": f"12O{index}"}
    found = check("observations.csv", to_csv(rows), context).problems
    expected = [(i + 2 + (i > 10), "value", f"12O{i}") for i in bad]
    assert list(found.select("line", "column", "value").iter_rows()) == expected


def test_header_problems_stop_before_rows():
    rows = read_rows("observations")
    header = [c for c in rows[0] if c != "basis"] + ["colour"]
    verdict = check("obs.csv", to_csv(rows, header))
    problems = {(p["line"], p["column"], p["problem"]) for p in verdict.problems.to_dicts()}
    assert problems == {
        (1, "colour", "unknown column for the observations table"),
        (1, "basis", "required column 'basis' is missing"),
    }


@pytest.mark.parametrize(
    ("data", "problem", "readable"),
    [
        (b"", "the file is empty (0 bytes)", False),
        (
            b"PK\x03\x04\x14\x00rest-of-zip",
            "this is an Excel workbook (.xlsx) or a zip archive, not a CSV text file",
            False,
        ),
        (b"\x00\x01\x02binary", "this is a binary file, not a CSV text file", False),
        (
            b"company;metric;date\nKlarna;headcount;2024-12-31\n",
            "columns are separated by ';', not by commas",
            True,
        ),
        (b"name,age\nx,1\n", "the header does not match any of the tables", True),
        (
            b"company,date,kind,title,source_id\nKlarna,2024-01-01,other,Caf\xe9 opens,x\n",
            "the file is not UTF-8 text",
            True,
        ),
    ],
)
def test_files_that_are_not_our_csv(data, problem, readable):
    verdict = check("upload.csv", data)
    found = only_problem(verdict)
    assert found["problem"] == problem
    assert verdict.readable is readable


def test_non_utf8_names_the_line():
    data = b"company,date,kind,title,source_id\nKlarna,2024-01-01,other,ok,x\nKlarna,2024-01-02,other,Caf\xe9,x\n"
    assert only_problem(check("events.csv", data))["line"] == 3


def test_byte_order_mark_is_accepted(context):
    data = b"\xef\xbb\xbf" + (CURATED / "events.csv").read_bytes()
    assert check("events.csv", data, context).ok


def test_row_with_too_many_cells_is_reported_with_its_line(context):
    rows = (CURATED / "events.csv").read_text(encoding="utf-8").splitlines()
    rows[4] += ",surplus,cells"
    found = only_problem(check("events.csv", ("\n".join(rows) + "\n").encode(), context))
    assert found["line"] == 5
    header = rows[0].count(",") + 1  # the header has no quoted commas
    assert f"cells but the header has {header}" in found["problem"]


def summary_and_listed(problems, column: str) -> tuple[list[int], list[tuple[int, str]]]:
    rows = problems.filter(problems["column"] == column)
    more = rows.filter(rows["problem"].str.starts_with("and "))
    listed = rows.filter(~rows["problem"].str.starts_with("and "))
    return listed["line"].to_list(), list(more.select("line", "problem").iter_rows())


def test_a_junk_file_gets_a_few_problems_of_each_kind_and_a_count_of_the_rest(context, monkeypatch):
    # 45,000 rows, each wrong four ways: parse problems (value, date), a model problem (metric)
    # and a cross-table problem (source_id).
    monkeypatch.setenv("HEADCOUNT_PROBLEMS_PER_KIND", "5")
    base = read_rows("observations")[0]
    rows = [
        {**base, "basis": f"b{i}", "value": "x", "date": "31/12/2024", "metric": "head count"}
        | {"source_id": "nowhere"}
        for i in range(45_000)
    ]
    problems = check("observations.csv", to_csv(rows), context).problems
    assert problems.height == 4 * (5 + 1)
    for column, words, code in (
        ("value", "not a plain number", "value.not_a_number"),
        ("date", "not a valid date", "date.invalid"),
        ("metric", "not an allowed metric", "value.not_allowed"),
        (
            "source_id",
            f"source_id does not match any row of {CURATED / 'sources.csv'}",
            "source.unknown",
        ),
    ):
        listed, more = summary_and_listed(problems, column)
        assert listed == [2, 3, 4, 5, 6]
        assert more == [(7, f"and 44,995 more of the same kind: {words}")]
        # The row that counts the rest keeps the code of its kind.
        assert problems.filter(problems["column"] == column)["code"].to_list() == [code] * 6


def test_duplicates_are_capped_too(context, monkeypatch):
    monkeypatch.setenv("HEADCOUNT_PROBLEMS_PER_KIND", "3")
    row = read_rows("observations")[0]
    problems = check("observations.csv", to_csv([row] * 3_000), context).problems
    listed, more = summary_and_listed(problems, "source_id")
    assert listed == [3, 4, 5]
    assert len(more) == 1 and more[0][0] == 6
    assert set(problems["code"]) == {"key.duplicate"}
    assert more[0][1].startswith("and 2,996 more of the same kind: duplicate of line 2")


def test_a_long_cell_is_named_and_its_value_shortened(context):
    data, line = with_cell("observations", 0, "note", "y" * 400_000)
    found = only_problem(check("observations.csv", data, context))
    assert (found["line"], found["column"]) == (line, "note")
    assert found["problem"] == "text longer than 5,000 characters"
    assert found["value"] == "y" * 200 + "… (400,000 characters)"


def test_a_50_mb_header_is_named_as_a_first_line_too_long():
    rows = (CURATED / "observations.csv").read_text(encoding="utf-8").splitlines()
    data = (rows[0] + "," + "x" * 50_000_000 + "\n" + "\n".join(rows[1:]) + "\n").encode()
    found = only_problem(check("observations.csv", data))
    assert found["line"] == 1
    assert found["problem"].startswith(f"the first line is {len(rows[0]) + 50_000_001:,} char")
    assert len(found["value"]) <= 120


def test_minus_zero_is_stored_as_zero_and_the_store_still_checks(store_url):
    import math

    from headcount import bootstrap, ingest
    from headcount.outcomes import Published
    from headcount.store import Store

    bootstrap.initialise(store_url)
    store = Store(store_url)
    data, _ = with_cell("observations", 3, "value", "-0")
    proposal = ingest.prepare(ingest.parse_uploads([("observations.csv", data)]), store)
    assert proposal.ok, proposal.problems.to_dicts()
    outcome = ingest.publish(proposal, store, "ana", "minus zero", acknowledge=True)
    assert isinstance(outcome, Published), outcome
    values = store.read(outcome.revision.id)["observations"]["value"].to_list()
    assert 0.0 in values and all(math.copysign(1, v) == 1 for v in values if v == 0)
    assert store.check() == []


@pytest.mark.parametrize(
    ("company", "problem", "shown"),
    [
        ("\u041alarna", "looks like the company 'Klarna'", "<U+041A CYRILLIC CAPITAL LETTER KA>"),
        ("\uff2blarna", "looks like the company 'Klarna'", "<U+FF2B FULLWIDTH LATIN CAPITAL"),
        ("Klarna\u200d", "invisible or direction-control character", "Klarna<U+200D>"),
        ("\u202eanralK", "invisible or direction-control character", "<U+202E>anralK"),
        ("Kla\u00adrna", "invisible or direction-control character", "Kla<U+00AD>rna"),
    ],
)
def test_a_name_that_only_looks_like_a_published_one_is_refused(context, company, problem, shown):
    # Only the published tables (the context) hold the real "Klarna".
    rows = read_rows("events")
    rows = [{**rows[0], "company": company}]
    verdict = check("events.csv", to_csv(rows), context)
    # A Cyrillic letter among Latin ones is also a name of mixed scripts: two problems, same cell.
    (found,) = verdict.problems.filter(pl.col("code") != "text.mixed_scripts").to_dicts()
    assert (found["line"], found["column"]) == (2, "company")
    assert problem in found["problem"] and shown in found["value"]


@pytest.mark.parametrize(
    ("company", "shown"),
    [
        ("KIarna", "KIarna"),  # a capital I for the small l: the same in many fonts
        ("K1arna", "K1arna"),
        ("\u13e6larna", "<U+13E6 CHEROKEE LETTER TSO>"),
        ("Kl\u0251rna", "<U+0251 LATIN SMALL LETTER ALPHA>"),
        ("Klarn\u0585", None),  # an Armenian o, in a name with Latin letters
        ("\u04c0BM", "<U+04C0 CYRILLIC LETTER PALOCHKA>"),
    ],
)
def test_lookalike_spellings_of_a_published_name_are_refused(context, company, shown):
    # Issue 25.8: these validated. The published tables (the context) hold "Klarna" and "IBM".
    rows = [{**read_rows("events")[0], "company": company}]
    verdict = check("events.csv", to_csv(rows), context)
    assert not verdict.ok
    found = verdict.problems.filter(pl.col("column") == "company").to_dicts()
    assert found, verdict.problems.to_dicts()
    said = " ".join(p["problem"] for p in found)
    assert "looks like the company" in said or "mixes Latin letters" in said, said
    if shown is not None:
        assert any(shown in p["value"] for p in found), found


def test_a_name_of_one_other_script_is_accepted(context):
    rows = [{**read_rows("events")[0], "company": "\u042f\u043d\u0434\u0435\u043a\u0441"}]
    assert check("events.csv", to_csv(rows), context).ok


def test_a_new_plain_name_and_joiners_in_free_text_are_accepted(context):
    rows = read_rows("events")
    rows = [{**rows[0], "company": "Klarnamo", "detail": "emoji \U0001f468\u200d\U0001f4bb ok"}]
    assert check("events.csv", to_csv(rows), context).ok


@pytest.mark.parametrize("value", ["\u0663\u0664\u0662\u0662", "\uff13\uff14\uff12\uff12"])
def test_digits_of_another_script_are_named_not_reported_as_empty(value):
    # Issue 25.11: Arabic-Indic and full-width digits were reported as "value is empty".
    data, line = with_cell("observations", 3, "value", value)
    verdict = gate.validate([parse.parse("observations.csv", data)])
    (found,) = verdict.problems.filter(pl.col("column") == "value").to_dicts()
    assert found["line"] == line
    assert found["problem"] == "not a plain number"
    assert found["value"] == value
    assert "0-9" in found["hint"]


def test_a_kind_one_past_the_limit_is_counted_and_said_to_be_summarised():
    # 51 of a kind: 50 listed and a row for 1 more. The count equals the rows, yet the
    # report still tells its reader that not every problem is listed.
    from validation import problems

    found = [
        problems.of("date.invalid", "f.csv", line, "date", "31/12/2024") for line in range(2, 53)
    ]
    report = problems.capped(problems.frame(found), limit=50)
    assert report.height == 51 and problems.count(report) == 51
    assert problems.summarised(report)
    assert not problems.summarised(problems.capped(problems.frame(found[:50]), limit=50))
