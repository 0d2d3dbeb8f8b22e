"""`headcount` on the command line.

    headcount validate FILE... [--json]

Exit codes: 0 valid, 1 problems found, 2 a file could not be read at all (missing, binary,
empty, not CSV text).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import polars as pl

from headcount import dataset
from validation import gate, parse
from validation.problems import PROBLEM_COLUMNS, as_records

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
VALUE_WIDTH = 40  # values can be whole lines; everything else is shown in full


def _cell(text: object, limit: int = 0) -> str:
    text = "" if text is None else str(text).replace("\n", " ")
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def format_table(report: pl.DataFrame) -> str:
    """The problem report as an aligned text table, one problem per line."""
    rows = [[c.upper() for c in PROBLEM_COLUMNS]]
    for row in report.iter_rows(named=True):
        rows.append([_cell(row[c], VALUE_WIDTH if c == "value" else 0) for c in PROBLEM_COLUMNS])
    widths = [max(len(r[i]) for r in rows) for i in range(len(PROBLEM_COLUMNS) - 1)]
    return "\n".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(r, widths, strict=False)), r[-1]]).rstrip()
        for r in rows
    )


def validate(paths: Sequence[str], as_json: bool) -> int:
    files = [parse.parse_path(path) for path in paths]
    given = {parsed.table.name for parsed in files if parsed.table is not None}
    context = {}
    if {"observations", "events", "sources"} - given:
        curated = [parse.parse_path(str(p)) for p in dataset.curated_paths()]
        context = gate.combined_tables(curated)
    verdict = gate.validate(files, context=context)
    if as_json:
        print(json.dumps(as_records(verdict.problems), ensure_ascii=False, indent=2))
    elif verdict.ok:
        counts = ", ".join(
            f"{frame.height} {name}" for name, frame in sorted(verdict.tables.items())
        )
        print(f"OK: {len(files)} file(s) valid ({counts}).")
    else:
        print(format_table(verdict.problems))
        print(f"\n{verdict.problems.height} problem(s) in {len(files)} file(s).")
    if not verdict.readable:
        return EXIT_UNREADABLE
    return EXIT_OK if verdict.ok else EXIT_INVALID


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="headcount", description="Curated headcount and AI-claims data: check and manage it."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "validate",
        help="check CSV files against the data contract",
        description="Check observations, events or sources CSVs (the table is recognised from "
        "the header). Cross-table rules run across the given files plus the curated data.",
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--json", action="store_true", help="print problems as a JSON list")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "validate":
        return validate(args.files, args.json)
    return EXIT_INVALID  # pragma: no cover - argparse refuses unknown commands


if __name__ == "__main__":
    sys.exit(main())
