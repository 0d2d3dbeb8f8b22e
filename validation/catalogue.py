"""The problem catalogue: every kind of problem the validation reports, by a stable code.

A code (``value.not_a_number``) names what is wrong for programs (the CLI's ``--json``, a
script that reads the report); its message and hint say it to a person. Messages are
templates whose ``{fields}`` a builder fills: from Python values (``words``, ``problem``) or
per row from Polars expressions (``worded``). A few kinds have other hints (``variants``) for
a cause the value itself shows, such as a decimal comma; the code stays the same.

Codes are never renamed or reused: a reader may match on them. Add a new one instead.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Entry:
    code: str
    problem: str
    hint: str
    variants: Mapping[str, str] = field(default_factory=dict)
    # An error refuses the upload; a warning is shown in the review and publishing it needs
    # an acknowledgement (issue 21: the evidence check and plausibility).
    severity: Severity = "error"
    # What a problem of this code is, in a few words that name no figure: what the row
    # standing for a warning's unlisted rest says, since each warning's own words differ.
    kind: str = ""

    def hint_for(self, variant: str | None) -> str:
        return self.hint if variant is None else self.variants[variant]


SAVE_AS_CSV = "Open it in your spreadsheet and use File > Save As > 'CSV UTF-8 (comma delimited)'."
HEADERS = "The first line must be one of the headers: {headers}."
RESAVE = (
    "Open it in Excel and save it as 'Excel Workbook (.xlsx)', or save each table as "
    "'CSV UTF-8 (comma delimited)'."
)
THOUSANDS = "{value} looks like {comma} written with a thousands separator; write {plain}."

ENTRIES: tuple[Entry, ...] = (
    # The file as a whole.
    Entry("file.unreadable", "cannot read the file: {reason}", "Check the path and permissions."),
    Entry("file.empty", "the file is empty (0 bytes)", "Upload a CSV with a header row."),
    Entry("file.not_text", "this is {what}, not a CSV text file", SAVE_AS_CSV),
    Entry(
        "file.utf16",
        "this is UTF-16 text, not UTF-8",
        "Save it as UTF-8: in Excel use 'CSV UTF-8 (comma delimited)'.",
    ),
    Entry(
        "file.not_utf8",
        "the file is not UTF-8 text",
        "Save it as UTF-8 (in Excel: 'CSV UTF-8'); this looks like another encoding.",
    ),
    Entry(
        "file.not_csv",
        "the file could not be read as CSV",
        "Check quoting: every opening double quote needs a closing one.",
    ),
    Entry(
        "file.no_rows",
        "the file has a header but no rows",
        "Add the rows under the header; to remove rows, upload the rows that should stay "
        "and choose 'Replace'.",
    ),
    Entry(
        "file.too_large",
        "the file is larger than the upload limit of {limit:g} MB",
        "Split the rows over several files and upload them one after another with "
        "'Add and update rows'.",
    ),
    Entry(
        "upload.two_files_for_table",
        "two files for the {table} table in replace mode",
        "Upload one file per table to replace it, or choose 'add and update rows'.",
    ),
    # An Excel workbook (.xlsx) as a whole (validation/excel.py).
    Entry(
        "workbook.empty", "the file is empty (0 bytes)", "Upload an .xlsx workbook or a CSV file."
    ),
    Entry("workbook.xls", "this is an old Excel workbook (.xls), not an .xlsx workbook", RESAVE),
    Entry(
        "workbook.encrypted",
        "the workbook is protected with a password, so it cannot be read",
        "Remove the password (File > Info > Protect Workbook > Encrypt with Password, clear "
        "it), save, and upload again.",
    ),
    Entry(
        "workbook.not_zip",
        "this is not an .xlsx workbook (an .xlsx file is a zip archive)",
        "If it is a CSV file, give it the .csv extension; if it is a workbook, open it in Excel "
        "and save it as 'Excel Workbook (.xlsx)'.",
    ),
    Entry("workbook.damaged", "{where}: the workbook is damaged{detail}", RESAVE),
    Entry(
        "workbook.too_large",
        "the workbook unpacks to {size:,.1f} GB; at most {limit:g} GB is read",
        "Split the rows over several workbooks and upload them one after another with "
        "'Add and update rows'.",
    ),
    Entry(
        "workbook.too_complex",
        "the workbook is too complex to read: {reason}",
        "Save each table as 'CSV UTF-8 (comma delimited)' and upload the CSV files, or split "
        "the rows over several workbooks and upload them one after another with "
        "'Add and update rows'.",
    ),
    Entry(
        "workbook.too_costly",
        "the workbook cannot be read within an upload's limits: {reason}",
        "Delete the rows and columns outside the tables (select them, right-click > Delete) "
        "and save; or save each table as 'CSV UTF-8 (comma delimited)' and upload the CSV "
        "files.",
    ),
    Entry(
        "workbook.no_table",
        "the workbook holds no table: every sheet is empty",
        "Put each table on its own sheet with its header in row 1.",
    ),
    # A sheet of a workbook.
    Entry(
        "sheet.no_cells",
        "the workbook lists this sheet but holds no cells for it",
        "The workbook is damaged: open it in Excel and save it again.",
    ),
    Entry(
        "sheet.too_large",
        "the sheet is too large to read: {reason}",
        "Delete the rows and columns outside the table (select them, right-click > Delete), "
        "save, and upload again.",
    ),
    Entry(
        "sheet.empty",
        "the sheet is empty",
        "Put the header of the {table} table in row 1 and its rows under it, or delete the sheet.",
    ),
    Entry(
        "sheet.hidden",
        "the sheet is {state}: its rows would be published without being seen",
        "Unhide it (right-click a sheet tab > Unhide) to upload it, or delete it.",
    ),
    Entry(
        "sheet.no_header",
        "row 1 is empty; the header must be in row 1",
        "Delete the rows above the header, so that row 1 holds the column names.",
    ),
    Entry(
        "sheet.wrong_header",
        "the sheet is named {table} but row 1 is not its header",
        "Row 1 must hold the column names of the {table} table: {columns}.",
    ),
    Entry(
        "sheet.unknown",
        "the sheet is not one of the tables",
        "{recognised} A sheet is read when it is named observations, events, sources, "
        "framings or notices, or when its row 1 is the header of one of them. Rename the "
        "sheet, correct its row 1, or delete it.",
    ),
    Entry(
        "sheet.no_rows",
        "the sheet has a header but no rows",
        "Add the rows under the header; to remove rows, upload the rows that should stay "
        "and choose 'Replace'.",
    ),
    Entry(
        "cell.error_value",
        "the cell holds the error value {value} ({meaning})",
        "Correct the formula in cell {cell} or type the value there: what a cell shows is what "
        "is uploaded.",
    ),
    # The header line.
    Entry("header.empty", "the first line is empty", HEADERS),
    Entry(
        "header.too_long",
        "the first line is {length:,} characters long; a header of these tables is at most "
        "{limit:,}",
        f"{HEADERS} If the file's lines end with a carriage return alone (old Mac files), "
        "save it again as 'CSV UTF-8'.",
    ),
    Entry(
        "header.wrong_separator",
        "columns are separated by {separator!r}, not by commas",
        "Save the file as comma-separated CSV (in Excel: 'CSV UTF-8 (comma delimited)').",
    ),
    Entry(
        "header.not_csv",
        "the header line cannot be read as CSV",
        "Save the file as 'CSV UTF-8': each line must end with a line break and the header "
        "must be the column names separated by commas.",
    ),
    Entry("header.unknown_table", "the header does not match any of the tables", HEADERS),
    Entry(
        "header.duplicate_column",
        "the column appears twice in the header",
        "Remove the second copy of the column.",
    ),
    Entry(
        "header.unknown_column",
        "unknown column for the {table} table",
        "Remove it or rename it; allowed columns: {allowed}.",
    ),
    Entry(
        "header.missing_column",
        "required column {column!r} is missing",
        "Add the column {column!r} to the header of the {table} table.",
    ),
    # The rows as CSV.
    Entry(
        "row.too_many_cells",
        "the row has {cells} cells but the header has {header}",
        "Remove the extra commas, or put text that contains commas in double quotes.",
    ),
    Entry(
        "row.unclosed_quote",
        "a double quote opens a cell here and is never closed",
        'Close the quoted cell with a double quote; write a quote inside a cell as "".',
    ),
    # One cell.
    Entry("value.missing", "{column} is empty", "Every row needs a value in {column!r}."),
    Entry("value.not_allowed", "not an allowed {column}", "Use one of: {allowed}."),
    Entry(
        "value.not_a_number",
        "not a plain number",
        "Write a plain number in base units without signs, words or ranges: "
        "45.6 billion is 45600000000.",
        {
            "thousands_comma": "Remove the thousands separators: write 5527, not 5,527.",
            "decimal_comma": "Use a dot for decimals: write 45.6, not 45,6.",
            "thousands_dot": "Remove the thousands separators and use a dot for decimals: 5527.5.",
            "other_digits": "Write the number in the digits 0-9 (it has digits of another "
            "script or full-width ones): 5527, not \u0665\u0665\u0662\u0667.",
        },
    ),
    Entry(
        "value.not_finite",
        "not a finite number",
        "Give a real number; leave the row out if the value is unknown.",
    ),
    # A number written in digits that no float holds (1e999): the model's finding.
    Entry(
        "value.infinite",
        "not a finite number",
        "Give a real number; leave the row out if unknown.",
    ),
    Entry(
        "value.implausible",
        "implausibly large value",
        "Values beyond ±{bound:.0e} are refused: check for extra digits or a wrong unit.",
    ),
    Entry(
        "value.negative",
        "negative value",
        "Values of {metric} are counts or amounts and cannot be below 0 (only {signed} may be).",
    ),
    Entry(
        "value.not_whole",
        "a count of employees must be a whole number",
        "Give whole people; for full-time equivalents use the unit fte instead.",
        {"thousands": THOUSANDS},
    ),
    Entry(
        "value.not_whole_count",
        "{column} must be a whole number of people",
        "Give the number as the source gives it, in whole people.",
        {"thousands": THOUSANDS},
    ),
    Entry(
        "value.too_small",
        "{column} must be at least {least:g}",
        "Check the value against its source: a notice names at least one worker.",
    ),
    Entry(
        "answers.no_claim",
        "{company} made no AI-workforce claim on this day",
        "answers gives the day of an earlier claim of the same company (a row of observations "
        "or events with an attribution). Correct the day, or leave answers empty.",
    ),
    Entry(
        "answers.after_event",
        "the claim it answers is dated after the event",
        "An event answers an earlier claim: answers must be on or before the event's date.",
    ),
    Entry(
        "value.fte_too_precise",
        "fte with more than {places} decimals",
        "Round full-time equivalents to {places} decimals, e.g. 12.25.",
        {"thousands": THOUSANDS},
    ),
    Entry(
        "unit.not_allowed_for_metric",
        "unit {unit} is not allowed for the metric {metric}",
        "Use one of: {units}.",
    ),
    Entry(
        "date.invalid",
        "not a valid date",
        "Write the date as YYYY-MM-DD, e.g. 2024-12-31.",
        {
            "day_first": "Looks like a day/month/year date: write it as YYYY-MM-DD, "
            "e.g. 2024-12-31.",
            "no_such_day": "That day does not exist in the calendar: check the month and day.",
        },
    ),
    Entry(
        "date.too_early",
        "date before {earliest}",
        "Dates before {year} are refused: check the year (0000 is a typo).",
    ),
    Entry(
        "date.after_today_not_target",
        "{column} is after today ({today})",
        "Only claim_type 'target' may refer to a future date; check the year.",
    ),
    Entry(
        "date.after_today",
        "{column} is after today ({today})",
        "A date in this column cannot lie in the future; check the year.",
    ),
    Entry(
        "date.too_far_ahead",
        "date is more than {years} years ahead ({horizon})",
        "Targets may look at most {years} years ahead; check the year.",
    ),
    Entry(
        "text.markup",
        "contains markup or control characters",
        "Write plain text: no HTML tags, script links, markdown images or control characters.",
    ),
    Entry(
        "text.invisible_in_name",
        "contains an invisible or direction-control character",
        "Retype the name: it holds a character nobody can see (a zero-width space or joiner, "
        "a byte order mark, a soft hyphen or a direction control), shown in the value as "
        "<U+...>, which makes it a different name that looks the same.",
    ),
    Entry(
        "text.mixed_scripts",
        "mixes Latin letters with letters of another script",
        "Write the name in one script: a Cyrillic, Greek, Armenian or Cherokee letter that looks "
        "Latin (shown in the value as <U+...>) makes a different name that looks the same.",
    ),
    Entry(
        "text.hidden_characters",
        "contains a direction-control or zero-width character",
        "Remove it (shown in the value as <U+...>): direction overrides and isolates, byte "
        "order marks and zero-width spaces change how text reads without being seen.",
    ),
    Entry(
        "text.too_long",
        "text longer than {limit:,} characters",
        "Shorten it to the sentence that matters; link to the full text through the source.",
    ),
    Entry(
        "url.not_http",
        "not an http(s) web address",
        "Give the full address of the page you read, starting with https:// or http://.",
    ),
    Entry(
        "language.not_a_code",
        "not a language code",
        "Use a short code such as en, de or sv.",
    ),
    # A check of the contract that has no entry of its own (none today; a safety net).
    Entry(
        "contract.failed_check",
        "failed the check {check}",
        "Correct the value to match the data contract.",
    ),
    # Between rows and tables.
    Entry(
        "key.duplicate",
        "duplicate of {where}: same {key}",
        "Keep one row per key; a different claim needs its own basis or source_id.",
    ),
    Entry(
        "source.unknown",
        "{column} does not match any row of {sources}",
        "Add the source to {target}, or correct the id to an existing one.",
    ),
    Entry(
        "name.lookalike",
        "looks like the {kind} '{original}' but is written with other characters",
        "Use '{original}' if it is the same; a different one needs a name that reads "
        "differently, not one in lookalike letters of another script.",
    ),  # Warnings: the evidence check (validation/evidence.py), a row against its source record.
    Entry(
        "evidence.value_not_in_quote",
        "{value} is not written in the quote of source {source} in any form",
        "Copy the sentence that gives the figure into the source's quote (5,527, 5.5 thousand "
        "and $1.08 billion all count). A value computed from figures says so in its note, "
        "with the formula: derived: 5,527 - 3,422.",
        severity="warning",
        kind="a value not written in its source's quote",
    ),
    Entry(
        "evidence.date_placeholder",
        "{date} stands for {span} alone, while {where} gives the day {day}",
        "Use the day the figure refers to. If the address's day is only when the page "
        "appeared, say so in the note (day not given).",
        severity="warning",
        kind="a date standing for a whole month or year",
    ),
    Entry(
        "evidence.live_wiki",
        "a live wiki page: what it says may have changed since it was read",
        "Link the revision that was read: the page's 'Permanent link' (an address with "
        "oldid=), or cite the document the wiki cites.",
        severity="warning",
        kind="a source on a live wiki page",
    ),
    Entry(
        "evidence.empty_quote",
        "the source's quote is empty: nothing shows the figures that cite it",
        "Copy the sentence that gives the figure (or the event) from the page into quote.",
        severity="warning",
        kind="a source whose quote is empty",
    ),
    Entry(
        "evidence.outlet_as_publisher",
        "publisher {publisher} is the outlet, while the quote gives someone else's claim "
        "('{word}')",
        "Name who made the claim in publisher (Klarna (CEO interview)) and the outlet in via "
        "(Business Insider reporting the interview).",
        severity="warning",
        kind="an outlet named as the publisher of someone else's claim",
    ),
    # Warnings: plausibility against the company's filed figures (validation/plausibility.py).
    Entry(
        "plausibility.far_from_filed",
        "{value} ({date}, {source}) is {relation} {company}'s filed {filed} ({filed_date}, "
        "{filed_source}): is it the whole company?",
        "If it counts a part of the company (office staff, one team, one country), name that "
        "part in scope. If it is the whole company, check the digits and the unit, then "
        "publish acknowledging this warning.",
        severity="warning",
        kind="a figure far from the company's filed figure",
    ),
    Entry(
        "plausibility.per_employee_contradicts",
        "{value} per employee ({date}, {source}) is {off} off what the filed figures give: "
        "revenue {revenue} ({revenue_source}) / {people} employees ({people_source}) = {derived}",
        "Check the figure, its currency and its period; if the source divides by another count "
        "(average staff, FTE), say so in basis. If it is right, publish acknowledging this "
        "warning.",
        severity="warning",
        kind="a per-employee figure at odds with the filed figures",
    ),
)
CATALOGUE: dict[str, Entry] = {entry.code: entry for entry in ENTRIES}
WARNINGS: frozenset[str] = frozenset(e.code for e in ENTRIES if e.severity == "warning")


def severity(code: str) -> Severity:
    """Whether a problem of ``code`` refuses an upload or warns about it."""
    return CATALOGUE[code].severity


# The row that stands for the unlisted rest of a kind; it keeps the kind's code.
MORE_PROBLEM = "and {more:,} more of the same kind: {problem}"
MORE_HINT = (
    "Only the first {limit} of each kind are listed; the rest start on this line. "
    "Fix them the same way and check again."
)

Field = object  # a Python value, or a pl.Expr filled in per row by `worded`


def words(code: str, variant: str | None = None, /, **fields: object) -> tuple[str, str]:
    """The problem and the hint of a code, filled in."""
    entry = CATALOGUE[code]
    return entry.problem.format(**fields), entry.hint_for(variant).format(**fields)


def _filled(template: str, fields: Mapping[str, Field]) -> pl.Expr:
    """A template as a Polars expression: literal text, values and per-row expressions."""
    parts: list[pl.Expr] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if literal:
            parts.append(pl.lit(literal))
        if name is None:
            continue
        value = fields[name]
        if isinstance(value, pl.Expr):
            # Per-row values are text already; a format spec is for Python values only.
            assert not spec and not conversion, f"{name}: no format for an expression"
            parts.append(value.cast(pl.String))
        else:
            shown = repr(value) if conversion == "r" else value
            parts.append(pl.lit(format(shown, spec or "")))
    return pl.concat_str(parts) if parts else pl.lit("")


Case = tuple[pl.Expr | None, str, str | None]  # when (None: otherwise), code, hint variant


def worded(cases: Sequence[Case], fields: Mapping[str, Field]) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Per row: the code, the problem and the hint (columns of those names) of the first case
    whose condition holds; the last case is the otherwise (condition None)."""
    *conditional, (otherwise, *_) = cases
    assert otherwise is None, "the last case is the otherwise"

    def texts(code: str, variant: str | None) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
        entry = CATALOGUE[code]
        return (
            pl.lit(code),
            _filled(entry.problem, fields),
            _filled(entry.hint_for(variant), fields),
        )

    chosen = texts(*cases[-1][1:])
    for condition, code, variant in reversed(conditional):
        assert condition is not None, "only the last case is the otherwise"
        chosen = tuple(  # type: ignore[assignment]
            pl.when(condition).then(text).otherwise(rest)
            for text, rest in zip(texts(code, variant), chosen, strict=True)
        )
    coded, what, hint = chosen
    return coded.alias("code"), what.alias("problem"), hint.alias("hint")
