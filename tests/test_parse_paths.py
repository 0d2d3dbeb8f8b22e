"""A file on disk and the same bytes uploaded are parsed alike: `headcount validate FILE` leaves a
large file's rows to Polars to read from the path (validation/parse.py `parse_path`), an upload
hands its bytes over. Both routes must give the same problems, at the same lines, columns and
values, and the same typed rows. The route by path is taken here for small files by lowering
the size below which a file is read whole."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import polars as pl
import pytest

from tests.csvtools import read_rows, to_csv
from validation import parse

HEADER = b"company,metric,date,period,value,unit,basis,claim_type,source_id,note\n"
ROW = b"Klarna,headcount,2024-12-31,instant,3422,employees,full-time (F-1),filing,f1,\n"
NAME = "observations.csv"


def _problems(parsed: parse.ParsedFile) -> list[tuple[str, int, str, str]]:
    return [
        (row["code"], row["line"], row["column"], row["value"])
        for row in parsed.problems.iter_rows(named=True)
    ]


def _both(tmp_path: Path, data: bytes) -> tuple[parse.ParsedFile, parse.ParsedFile]:
    """The file parsed from its bytes and from its path (the path route, whatever its size)."""
    path = tmp_path / NAME
    path.write_bytes(data)
    by_bytes = parse.parse(str(path), data)
    by_path = parse.parse_path(str(path))
    return by_bytes, by_path


@pytest.fixture(autouse=True)
def _small_head(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse, "HEAD_BYTES", 100)


def _same(by_bytes: parse.ParsedFile, by_path: parse.ParsedFile) -> None:
    assert _problems(by_path) == _problems(by_bytes)
    assert by_path.problems.equals(by_bytes.problems)
    assert by_path.readable == by_bytes.readable
    if by_bytes.frame is None:
        assert by_path.frame is None
    else:
        assert by_path.frame is not None and by_path.frame.equals(by_bytes.frame)


def test_bom_and_crlf(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + (HEADER + ROW * 3).replace(b"\n", b"\r\n")
    by_bytes, by_path = _both(tmp_path, data)
    _same(by_bytes, by_path)
    assert by_path.ok
    assert by_path.frame is not None
    assert by_path.frame.get_column("company").to_list() == ["Klarna"] * 3
    assert by_path.frame.get_column(parse.LINE).to_list() == [2, 3, 4]
    assert by_path.frame.get_column("date").to_list() == [dt.date(2024, 12, 31)] * 3


def test_quoted_line_break_moves_the_lines_after_it(tmp_path: Path) -> None:
    quoted = ROW.replace(b"full-time (F-1)", b'"full-time,\nat year end"')
    bad = ROW.replace(b"3422", b'"5,527"')
    by_bytes, by_path = _both(tmp_path, HEADER + ROW + quoted + bad)
    _same(by_bytes, by_path)
    # The quoted cell spans lines 3 and 4, so the bad value is on line 5.
    assert _problems(by_path) == [("value.not_a_number", 5, "value", "5,527")]


def test_empty_and_blank_cells(tmp_path: Path) -> None:
    blank = ROW.replace(b"Klarna", b"   ").replace(b"3422", b"")
    by_bytes, by_path = _both(tmp_path, HEADER + ROW + blank + b",,,,,,,,,\n" + ROW)
    _same(by_bytes, by_path)
    # The row of empty cells is dropped; a whitespace cell is empty, as an empty one is.
    assert by_path.frame is not None
    assert by_path.frame.get_column(parse.LINE).to_list() == [2, 3, 5]
    assert by_path.frame.get_column("company").to_list() == ["Klarna", None, "Klarna"]
    assert by_path.frame.get_column("value").to_list() == [3422.0, None, 3422.0]


def test_bad_numbers_and_dates(tmp_path: Path) -> None:
    rows = [
        ROW.replace(b"3422", b"3.422"),
        ROW.replace(b"2024-12-31", b"31/12/2024"),
        ROW.replace(b"3422", b"nan"),
        ROW.replace(b"2024-12-31", b"2024-02-30"),
        ROW.replace(b"3422", b"-0"),
    ]
    by_bytes, by_path = _both(tmp_path, HEADER + b"".join(rows))
    _same(by_bytes, by_path)
    assert _problems(by_path) == [
        ("value.not_whole", 2, "value", "3.422"),
        ("date.invalid", 3, "date", "31/12/2024"),
        ("value.not_finite", 4, "value", "nan"),
        ("date.invalid", 5, "date", "2024-02-30"),
    ]
    assert by_path.frame is not None
    assert _signs(by_path.frame.get_column("value").to_list()[-1:]) == [1.0]  # -0 is 0


@pytest.mark.parametrize("others", [b"3422", b"3.5"], ids=["all numbers", "one fraction"])
def test_minus_zero_is_read_as_zero_whatever_else_the_column_holds(
    tmp_path: Path, others: bytes
) -> None:
    # Both ways a number column is typed (every cell a number; some failing): 0, never -0.
    data = HEADER + ROW.replace(b"3422", b"-0") + ROW.replace(b"3422", others)
    for parsed in _both(tmp_path, data):
        assert parsed.frame is not None
        zero = parsed.frame.get_column("value").to_list()[0]
        assert zero == 0.0 and _signs([zero]) == [1.0]


def _signs(values: list[float]) -> list[float]:
    return [math.copysign(1.0, v) for v in values]


def test_neutralised_formula_is_read_back(tmp_path: Path) -> None:
    data = HEADER + ROW.replace(b"f1,", b"f1,'=SUM(A1)")
    by_bytes, by_path = _both(tmp_path, data)
    _same(by_bytes, by_path)
    assert by_path.frame is not None
    assert by_path.frame.get_column("note").to_list() == ["=SUM(A1)"]


def test_refused_rows_are_found_in_the_whole_file(tmp_path: Path) -> None:
    ragged = ROW.rstrip(b"\n") + b",extra,cells\n"
    by_bytes, by_path = _both(tmp_path, HEADER + ROW * 3 + ragged)
    _same(by_bytes, by_path)
    assert [(c, line) for c, line, _, _ in _problems(by_path)] == [("row.too_many_cells", 5)]


def test_not_utf8_after_the_start(tmp_path: Path) -> None:
    latin1 = ROW.replace(b"Klarna", b"Caf\xe9")
    by_bytes, by_path = _both(tmp_path, HEADER + ROW * 3 + latin1)
    _same(by_bytes, by_path)
    assert _problems(by_path) == [("file.not_utf8", 5, "", "bytes e9 2c 68 65")]


def test_header_longer_than_the_start(tmp_path: Path) -> None:
    data = b"x" * 300 + b"\n" + ROW
    by_bytes, by_path = _both(tmp_path, data)
    _same(by_bytes, by_path)
    assert [code for code, *_ in _problems(by_path)] == ["header.unknown_table"]


def test_a_missing_file_is_a_problem_of_the_file(tmp_path: Path) -> None:
    parsed = parse.parse_path(str(tmp_path / "absent.csv"))
    assert not parsed.readable
    assert [code for code, *_ in _problems(parsed)] == ["file.unreadable"]


def test_a_file_above_the_real_limit_reads_alike(tmp_path: Path) -> None:
    """Above the real size limit too (the fixture's limit is lifted here)."""
    body = pl.DataFrame({"line": [ROW.decode().rstrip("\n")] * 20_000})
    data = HEADER + body.write_csv(include_header=False, quote_style="never").encode()
    path = tmp_path / NAME
    path.write_bytes(data)
    parse.HEAD_BYTES = 1 << 20
    assert len(data) > parse.HEAD_BYTES
    _same(parse.parse(str(path), data), parse.parse_path(str(path)))


@pytest.mark.parametrize("table", ["sources", "events", "framings"])
def test_blank_rows_of_a_table_without_numbers_are_dropped(tmp_path: Path, table: str) -> None:
    # A spreadsheet's export ends with rows of commas (or of spaces): dropped, as in the
    # observations; a file of nothing else has no rows.
    rows = read_rows(table)[:1]
    header = to_csv(rows).split(b"\n", 1)[0]
    commas = b"," * header.count(b",") + b"\n"
    spaces = b" " + b", " * header.count(b",") + b"\n"
    for parsed in _both(tmp_path, to_csv(rows) + commas + spaces):
        assert parsed.problems.height == 0, parsed.problems.to_dicts()
        assert parsed.frame is not None and parsed.frame.height == 1
    for parsed in _both(tmp_path, header + b"\n" + commas + spaces):
        assert _problems(parsed) == [("file.no_rows", 2, "", "")]
