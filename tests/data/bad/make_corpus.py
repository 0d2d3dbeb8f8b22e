"""Writes the bad-input corpus next to this file and expected.txt (CSV), the problem each file must
produce (file, line, column, words of the problem).

Each file is a small valid upload (rows of the curated data) with one thing wrong, the way
analysts' files go wrong. Run `uv run python tests/data/bad/make_corpus.py` after changing a
case; the files are committed so a reviewer can open each one.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
CURATED = HERE.parent.parent.parent / "data" / "curated"


def rows(table: str, count: int = 3) -> tuple[list[str], list[list[str]]]:
    with (CURATED / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        reader = list(csv.reader(handle))
    return reader[0], [row[:] for row in reader[1 : 1 + count]]


def text(header: list[str], body: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows([header, *body])
    return out.getvalue()


def with_cell(table: str, row: int, column: str, value: str) -> str:
    header, body = rows(table)
    body[row][header.index(column)] = value
    return text(header, body)


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("observations.csv", text(*rows("observations")))
    return out.getvalue()


def cases() -> list[tuple[str, bytes | str, int, str, str]]:
    """(file name, content, line, column, words the problem must contain)."""
    header, body = rows("observations")
    valid = text(header, body)
    obs = "observations"
    c: list[tuple[str, bytes | str, int, str, str]] = []

    def cell(name: str, column: str, value: str, problem: str, row: int = 0) -> None:
        c.append((name, with_cell(obs, row, column, value), row + 2, column, problem))

    # The file as a whole
    c.append(("empty.csv", b"", 0, "", "the file is empty (0 bytes)"))
    c.append(("blank_first_line.csv", "\n" + valid, 1, "", "the first line is empty"))
    c.append(("whitespace_only.csv", "   \n  \n", 1, "", "the first line is empty"))
    c.append(("header_only.csv", ",".join(header) + "\n", 2, "", "a header but no rows"))
    c.append(("excel_renamed.csv", xlsx_bytes(), 0, "", "an Excel workbook"))
    c.append(("zip_archive.csv", zip_bytes(), 0, "", "zip archive"))
    c.append(("old_excel.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, 0, "", ".xls"))
    c.append(("pdf_renamed.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", 0, "", "a PDF"))
    c.append(("png_renamed.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 0, "", "binary file"))
    c.append(("utf16.csv", valid.encode("utf-16"), 0, "", "UTF-16"))
    latin1 = with_cell(obs, 1, "note", "Malmö office").encode("latin-1")
    c.append(("latin1.csv", latin1, 3, "", "not UTF-8"))
    # The header
    c.append(("wrong_header.csv", "foo,bar,baz\n1,2,3\n", 1, "", "does not match any"))
    without_unit = [h for h in header if h != "unit"]
    c.append(
        (
            "missing_column.csv",
            text(
                without_unit,
                [[v for h, v in zip(header, r, strict=True) if h != "unit"] for r in body],
            ),
            1,
            "unit",
            "required column 'unit' is missing",
        )
    )
    c.append(
        (
            "extra_column.csv",
            text([*header, "comment"], [[*r, "x"] for r in body]),
            1,
            "comment",
            "unknown column",
        )
    )
    c.append(
        (
            "duplicate_column.csv",
            text([*header, "value"], [[*r, r[header.index("value")]] for r in body]),
            1,
            "value",
            "appears twice",
        )
    )
    misspelled = ["valeu" if h == "value" else h for h in header]
    c.append(("misspelled_column.csv", text(misspelled, body), 1, "valeu", "unknown column"))
    c.append(
        ("bom_semicolons.csv", b"\xef\xbb\xbf" + text(header, body, ";").encode(), 1, "", "';'")
    )
    c.append(("semicolons.csv", text(header, body, ";"), 1, "", "separated by ';'"))
    c.append(("tabs.csv", text(header, body, "\t"), 1, "", "separated by '\\t'"))
    c.append(("pipes.csv", text(header, body, "|"), 1, "", "separated by '|'"))
    # Rows that do not fit
    ragged = valid.splitlines()
    ragged[2] = ragged[2] + ",extra,cells"
    c.append(("ragged_row.csv", "\n".join(ragged) + "\n", 3, "", "cells but the header has"))
    unclosed = valid.splitlines()
    unclosed[2] = '"' + unclosed[2]
    c.append(("unclosed_quote.csv", "\n".join(unclosed) + "\n", 3, "", "never closed"))
    short = valid.splitlines()
    short[1] = ",".join(short[1].split(",")[:4])
    c.append(("short_row.csv", "\n".join(short) + "\n", 2, "unit", "unit is empty"))
    c.append(
        ("very_long_line.csv", with_cell(obs, 0, "note", "x" * 200_000), 2, "note", "longer than")
    )
    # A cell longer than Python's CSV reader takes (131,072 characters), then a ragged row:
    # the problem is the ragged row on its line, not a quote "never closed" at the long cell.
    long_then_ragged = with_cell(obs, 0, "note", "y" * 140_000).splitlines()
    long_then_ragged[3] += ",extra"
    c.append(
        (
            "long_cell_then_ragged_row.csv",
            "\n".join(long_then_ragged) + "\n",
            4,
            "",
            "cells but the header has",
        )
    )
    # A first line far longer than any header (a 50 MB one said "cannot be read as CSV").
    c.append(
        (
            "huge_header.csv",
            ",".join([*header, "x" * 20_000]) + "\n" + "\n".join(valid.splitlines()[1:]) + "\n",
            1,
            "",
            "characters long; a header of these tables is at most 10,000",
        )
    )
    # Numbers
    cell("thousands_separator.csv", "value", "5,527", "not a plain number")
    cell("decimal_comma.csv", "value", "45,6", "not a plain number")
    cell("thousands_dots.csv", "value", "5.527.000", "not a plain number")
    cell("spaced_thousands.csv", "value", "5 527", "not a plain number")
    cell("currency_symbol.csv", "value", "$1.1M", "not a plain number")
    cell("number_in_words.csv", "value", "45.6 billion", "not a plain number")
    cell("number_range.csv", "value", "2900-3000", "not a plain number")
    cell("approximate_number.csv", "value", "~2900", "not a plain number")
    cell("negative_value.csv", "value", "-12", "negative value")
    cell("nan_value.csv", "value", "NaN", "not a finite number")
    cell("infinite_value.csv", "value", "inf", "not a finite number")
    cell("huge_value.csv", "value", "1e300", "implausibly large")
    cell("empty_value.csv", "value", "", "value is empty")
    # Dates
    cell("day_first_date.csv", "date", "31/12/2024", "not a valid date")
    cell("us_date.csv", "date", "12/31/2024", "not a valid date")
    cell("impossible_date.csv", "date", "2024-02-30", "not a valid date")
    cell("month_13.csv", "date", "2024-13-01", "not a valid date")
    cell("month_name_date.csv", "date", "Dec 2024", "not a valid date")
    cell("excel_serial_date.csv", "date", "45657", "not a valid date")
    cell("future_date.csv", "date", "2099-12-31", "after today")
    cell("year_zero.csv", "date", "0000-12-31", "date before 1900-01-01")
    cell("negative_year.csv", "date", "-0001-12-31", "not a valid date")
    header_, target = rows(obs)
    target[0][header_.index("claim_type")] = "target"
    target[0][header_.index("date")] = "9999-12-31"
    c.append(("target_year_9999.csv", text(header_, target), 2, "date", "more than 30 years"))
    # Counts of people (the first curated row is a headcount in employees)
    cell("european_thousands_headcount.csv", "value", "3.422", "whole number")
    cell("dotted_thousands_whole.csv", "value", "3.000", "whole number")
    cell("fractional_employees.csv", "value", "3.5", "whole number")
    header_, fte = rows(obs)
    fte[0][header_.index("unit")] = "fte"
    fte[0][header_.index("value")] = "5527.125"
    c.append(("fte_three_decimals.csv", text(header_, fte), 2, "value", "more than 2 decimals"))
    # Vocabulary and required cells
    cell("unknown_metric.csv", "metric", "head count", "not an allowed metric")
    cell("unknown_unit.csv", "unit", "heads", "not an allowed unit")
    cell("unit_for_other_metric.csv", "unit", "USD", "not allowed for the metric headcount")
    cell("unknown_period.csv", "period", "annual", "not an allowed period")
    cell("unknown_claim_type.csv", "claim_type", "rumour", "not an allowed claim_type")
    cell("empty_company.csv", "company", "", "company is empty")
    cell("whitespace_basis.csv", "basis", "   ", "basis is empty")
    # Keys and references
    dup = valid.splitlines()
    c.append(("duplicate_key.csv", "\n".join([*dup, dup[1]]) + "\n", 5, "source_id", "duplicate"))
    cell("dangling_source.csv", "source_id", "no-such-source", "does not match any row")
    # Text a renderer could act on
    cell("script_in_company.csv", "company", "<script>alert(1)</script>", "markup")
    cell("image_in_note.csv", "note", "![x](https://evil.example/x.png)", "markup")
    cell("control_character.csv", "note", "bell\x07here", "control characters")
    # Names that look like another (the other rows of each file say "Klarna")
    cell("zero_width_joiner_company.csv", "company", "Klarna\u200d", "invisible")
    cell("zero_width_space_source_id.csv", "source_id", "f1-\u200bpaymentsdive", "invisible")
    cell("bom_inside_basis.csv", "basis", "full-time\ufeff employees", "invisible")
    cell("soft_hyphen_company.csv", "company", "Klar\u00adna", "invisible")
    cell("right_to_left_override_company.csv", "company", "\u202eanralK", "direction-control")
    cell("isolate_in_note.csv", "note", "spine \u2066series\u2069", "direction-control")
    cell("cyrillic_ka_company.csv", "company", "\u041alarna", "looks like the company 'Klarna'")
    cell("fullwidth_company.csv", "company", "\uff2blarna", "looks like the company 'Klarna'")
    cell("capital_i_for_l_company.csv", "company", "KIarna", "looks like the company 'Klarna'")
    cell("armenian_o_company.csv", "company", "Klarn\u0585", "mixes Latin letters")
    # The other tables
    for name, table, column, value, problem in (
        ("javascript_url.csv", "sources", "url", "javascript:alert(1)", "http(s)"),
        ("ftp_url.csv", "sources", "url", "ftp://example.org/file", "http(s)"),
        ("relative_url.csv", "sources", "url", "/news/klarna", "http(s)"),
        ("future_accessed.csv", "sources", "accessed", "2099-01-01", "after today"),
        ("bad_language.csv", "sources", "language", "English", "language code"),
        ("unknown_reliability.csv", "sources", "reliability", "solid", "not an allowed"),
        ("unknown_event_kind.csv", "events", "kind", "party", "not an allowed kind"),
        ("markup_event_title.csv", "events", "title", '<img src=x onerror="alert(1)">', "markup"),
        ("dangling_evidence.csv", "framings", "evidence_id", "nowhere", "does not match"),
    ):
        c.append((name, with_cell(table, 0, column, value), 2, column, problem))
    # WARN notices: written out (the curated folder holds none), citing a curated source
    notice = {
        "company": "Klarna",
        "state": "NY",
        "filed": "2024-03-04",
        "workers": "62",
        "site": "New York, NY",
        "cause": "",
        "source_id": "verge-fstech-2022-05",
        "note": "",
    }
    for name, column, value, problem in (
        ("fractional_workers.csv", "workers", "62.5", "whole number of people"),
        ("dotted_thousands_workers.csv", "workers", "1.200", "whole number of people"),
        ("zero_workers.csv", "workers", "0", "at least 1"),
        ("unknown_state.csv", "state", "New York", "not an allowed state"),
        ("future_notice.csv", "filed", "2099-01-01", "after today"),
    ):
        body = [list({**notice, column: value}.values())]
        c.append((name, text(list(notice), body), 2, column, problem))
    # A later event names the day of the claim it answers (written out, so the case holds whatever the curated events answer)
    answering = {
        "company": "Klarna",
        "date": "2025-05-01",
        "kind": "rehiring",
        "title": "Hires humans again",
        "source_id": "cionews-853",
        "detail": "",
        "attribution": "",
        "answers": "",
    }
    for name, value, problem in (
        ("answers_no_claim.csv", "2020-01-01", "made no AI-workforce claim on this day"),
        ("answers_after_event.csv", "2025-11-18", "dated after the event"),
    ):
        body = [list({**answering, "answers": value}.values())]
        c.append((name, text(list(answering), body), 2, "answers", problem))
    return c


def main() -> None:
    for old in HERE.glob("*.csv"):
        old.unlink()
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\n")
    writer.writerow(["file", "line", "column", "problem"])
    for name, content, line, column, problem in cases():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (HERE / name).write_bytes(data)
        writer.writerow([name, line, column, problem])
    (HERE / "expected.txt").write_text(manifest.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    main()
