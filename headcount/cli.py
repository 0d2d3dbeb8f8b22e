"""`headcount` on the command line.

    headcount validate FILE... [--json] [--mode replace|upsert] [--store URL]
    headcount audit [DIR] [--store URL [--rev REV]] [--json]
    headcount publish FILE... --note TEXT [--mode replace|upsert] [--author NAME] [--acknowledge]
    headcount history
    headcount diff REV [REV]
    headcount rollback REV --note TEXT [--author NAME]
    headcount export [--rev REV] --out DIR [--force]
    headcount check-store
    headcount init
    headcount upgrade

Every command takes --store URL (default: $HEADCOUNT_STORE_URL, else the SQLite file the app
uses). `validate` judges files exactly as `publish` would (validation/judge.py), against the
store's latest revision, so it says OK exactly when `publish` would not refuse them.

Exit codes: 0 done, 1 problems found or publish refused (nothing written), 2 a file could not
be read at all (missing, binary, empty, not CSV text), 3 the store could not be reached, read
or written (a full disk, a locked or read-only database, a lost server), 4 the store's schema
is not this version's (run `headcount upgrade`) or it has none yet (run `headcount init`);
nothing was read or changed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from headcount import dataset, revisiontext, settings
from validation import excel, gate, judge, parse, warning_checks
from validation.merge import MODES
from validation.problems import PROBLEM_COLUMNS, as_records
from validation.problems import count as problem_count
from validation.tables import TABLES

# `validate` and `audit` of files import only the above: the store (SQLAlchemy, Alembic, the
# database drivers) and the exports (Plotly) are imported by the commands that use them, so
# checking a file starts in about the time Polars takes to import (tests/test_cli.py).
if TYPE_CHECKING:
    from headcount.diff import TableDiff
    from headcount.outcomes import Outcome
    from headcount.store import Store

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
EXIT_STORE = 3  # the store could not be reached, read or written (full, locked, read-only)
EXIT_SCHEMA = 4  # the store's schema is behind or ahead of this version, or not there yet
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


def _published(store: str | None) -> tuple[dict[str, pl.DataFrame], str]:
    """What an upload is judged against, as `publish` judges it: the store's latest revision.
    A store not initialised yet would be seeded with the curated data (`headcount init`), so
    that is the judge's published data then. A SQLite store whose file is missing is known to
    hold nothing without opening it (nor importing the store's code)."""
    if settings.missing_sqlite_file(store or settings.current().store_url):
        return _curated()
    from headcount import ingest, site
    from headcount.schema import StoreNotInitialised

    try:
        opened = site.for_store(store).store
    except StoreNotInitialised:
        return _curated()
    latest = opened.latest_id()
    return ingest.tagged(opened.read(latest), latest), f"revision {latest}"


def _curated() -> tuple[dict[str, pl.DataFrame], str]:
    files = [parse.parse_path(str(path)) for path in dataset.curated_paths()]
    return gate.combined_tables(files), "the curated data (the store holds none yet)"


def validate(args: argparse.Namespace) -> int:
    files = [parsed for path in args.files for parsed in excel.parse_any_path(path)]
    published, against = _published(args.store)
    verdict = judge.judge(files, published, args.mode)
    if args.json:
        print(json.dumps(as_records(verdict.problems), ensure_ascii=False, indent=2))
    elif verdict.ok:
        counts = ", ".join(
            f"{frame.height} {name}" for name, frame in sorted(verdict.uploaded.items())
        )
        print(f"OK: {len(files)} file(s) valid ({counts}), judged against {against}.")
        if verdict.warnings.height:
            print("\nWarnings (publishing them needs --acknowledge):")
            print(format_table(verdict.warnings))
    else:
        print(format_table(verdict.problems))
        print(f"\n{problem_count(verdict.problems):,} problem(s) in {len(files)} file(s).")
    if not verdict.readable:
        return EXIT_UNREADABLE
    return EXIT_OK if verdict.ok else EXIT_INVALID


def _revision_number(text: str) -> int:
    """A REV argument: ASCII digits within SQL's integers (argparse reports the refusal)."""
    number = revisiontext.revision_number(text)
    if number is None:
        raise argparse.ArgumentTypeError(revisiontext.not_a_revision(text))
    return number


def audit(args: argparse.Namespace) -> int:
    """The evidence check (validation/evidence.py) and plausibility (validation/
    plausibility.py) on a folder of the tables (default: the curated data) or on a store's
    revision: every row against its own source record and the company's filed figures."""
    if args.store is not None or args.rev is not None:
        from headcount import ingest, site

        store = site.for_store(args.store).store
        revision = store.latest_id() if args.rev is None else args.rev
        if revision is None or not _known(store, revision):
            return EXIT_INVALID
        tables = ingest.tagged(store.read(revision), revision)
        where = f"revision {revision}"
    else:
        folder = Path(args.folder) if args.folder else None
        verdict = gate.validate([parse.parse_path(str(p)) for p in dataset.curated_paths(folder)])
        if not verdict.ok:
            print(format_table(verdict.problems))
            total = problem_count(verdict.problems)
            print(f"\n{total:,} problem(s): fix them before the evidence check.")
            return EXIT_INVALID if verdict.readable else EXIT_UNREADABLE
        tables = verdict.tables
        where = str(folder or dataset.curated_paths()[0].parent)
    found = warning_checks.audit(tables)
    if args.json:
        print(json.dumps(as_records(found), ensure_ascii=False, indent=2))
    elif found.height:
        print(format_table(found))
        rows = tables["observations"].height
        print(f"\n{problem_count(found):,} warning(s) in {where} ({rows} observations checked).")
    else:
        rows = tables["observations"].height
        print(
            f"OK: every one of {rows} observations in {where} matches its source record and "
            "the company's filed figures."
        )
    return EXIT_INVALID if found.height else EXIT_OK


def _author(name: str | None) -> str:
    return name or os.environ.get("USER") or getpass.getuser()


def print_changes(changes: dict[str, TableDiff]) -> None:
    for name, change in changes.items():
        if change.empty:
            continue
        n = change.counts()
        print(f"{name}: +{n['added']} added, ~{n['changed']} changed, -{n['removed']} removed")
        key = list(change.table.key)
        for keys in change.added.select(key).iter_rows():
            print(f"  + {' | '.join(map(str, keys))}")
        for keys in change.removed.select(key).iter_rows():
            print(f"  - {' | '.join(map(str, keys))}")
        for named in change.changes.iter_rows(named=True):
            where = " | ".join(str(named[k]) for k in key)
            print(f"  ~ {where}: {named['column']} {named['old']!s} -> {named['new']!s}")


def publish(args: argparse.Namespace) -> int:
    from headcount import ingest, site
    from headcount.outcomes import Refused

    store = site.for_store(args.store).store
    files = [parsed for path in args.files for parsed in excel.parse_any_path(path)]
    proposal = ingest.prepare(files, store, args.mode)
    if not proposal.ok:
        print(format_table(proposal.problems))
        print(f"\nRefused: {problem_count(proposal.problems):,} problem(s). Nothing was written.")
        return EXIT_INVALID if proposal.readable else EXIT_UNREADABLE
    print_changes(proposal.changes)
    if proposal.warnings.height:
        print("\nWarnings (they do not refuse the upload; check each one):")
        print(format_table(proposal.warnings))
    outcome = ingest.publish(
        proposal, store, _author(args.author), args.note, args.acknowledge, "--acknowledge"
    )
    if isinstance(outcome, Refused):
        print(outcome.reason)
        return EXIT_INVALID
    print(f"Published revision {outcome.revision.id} (based on {proposal.base}).")
    if outcome.revision.acknowledged is not None:
        print(outcome.revision.acknowledged.summary())
    return EXIT_OK


def history(args: argparse.Namespace) -> int:
    from headcount import site

    store = site.for_store(args.store).store
    print("REV  PARENT  CREATED (UTC)     AUTHOR          ROWS                        NOTE")
    for r in store.revisions():
        rows = " ".join(f"{k}={v}" for k, v in sorted(r.counts.items()))
        created = f"{r.created_at:%Y-%m-%d %H:%M}"
        # Written out: a note stored before the rules may hold a terminal's escapes.
        author, note = revisiontext.shown(r.author), revisiontext.shown(r.note)
        print(f"{r.id:<4} {r.parent_id or '-':<7} {created:<17} {author:<15} {rows:<27} {note}")
        if r.acknowledged is not None:
            print(f"     {revisiontext.shown(r.acknowledged.summary())}")
            for warning in r.acknowledged.warnings:
                code, problem = warning["code"], revisiontext.shown(str(warning["problem"]))
                print(f"       {code}: {problem}")
    return EXIT_OK


def _known(store: Store, revision: int) -> bool:
    try:
        store.revision(revision)
    except KeyError:
        print(f"There is no revision {revision}; see `headcount history`.")
        return False
    return True


def show_diff(args: argparse.Namespace) -> int:
    from headcount import diff, site

    store = site.for_store(args.store).store
    newer = store.latest_id() if args.rev2 is None else args.rev2
    if newer is None or not (_known(store, args.rev) and _known(store, newer)):
        return EXIT_INVALID
    changes = diff.diff(store.read(args.rev), store.read(newer))
    print(f"From revision {args.rev} to revision {newer}:")
    if all(c.empty for c in changes.values()):
        print("no differences")
    print_changes(changes)
    return EXIT_OK


def rollback(args: argparse.Namespace) -> int:
    from headcount import ingest, site
    from headcount.outcomes import Refused

    store = site.for_store(args.store).store
    if not _known(store, args.rev):
        return EXIT_INVALID
    outcome = ingest.rollback(store, args.rev, _author(args.author), args.note)
    if isinstance(outcome, Refused):
        print(outcome.reason)
        return EXIT_INVALID
    print(
        f"Published revision {outcome.revision.id}, equal to revision {args.rev}. "
        "Nothing was deleted."
    )
    return EXIT_OK


def export(args: argparse.Namespace) -> int:
    from headcount import exports, outfiles, site
    from validation.parse import LINE

    store = site.for_store(args.store).store
    revision = store.latest_id() if args.rev is None else args.rev  # 0 is not "the latest"
    if revision is None or not _known(store, revision):
        return EXIT_INVALID
    out = Path(args.out)
    files = {
        TABLES[name].filename: exports.csv_bytes(dataset.in_export_order(name, frame).drop(LINE))
        for name, frame in store.read(revision).items()
        if not TABLES[name].left_out(frame.height)
    }
    try:
        outfiles.write_all(out, files, overwrite=args.force)
    except outfiles.Refused as refused:
        print(f"Refused: {refused}")
        return EXIT_INVALID
    print(f"Exported revision {revision} to {out}/ ({', '.join(files)}).")
    return EXIT_OK


def _report_consistency(store: Store) -> int:
    """Print what `check-store` finds; the exit code says whether the store holds together."""
    found = store.check()
    for problem in found:
        print(f"INCONSISTENT: {problem}")
    if found:
        return EXIT_INVALID
    print(f"Consistent: {len(store.revisions())} revision(s), each complete and as published.")
    return EXIT_OK


def check_store(args: argparse.Namespace) -> int:
    from headcount import site

    return _report_consistency(site.for_store(args.store).store)


def init(args: argparse.Namespace) -> int:
    """Create an empty store and load the curated data as revision 1; an initialised store
    is left as it is (exit 0), one behind or ahead is refused (exit 4, by `main`)."""
    from headcount import bootstrap, schema, site

    done = bootstrap.initialise(site.for_store(args.store).url)
    if done.created_schema:
        print(f"Created the store's schema (version {schema.head()}).")
    return _report_seeding(done.seeded)


def _report_seeding(seeded: Outcome | None) -> int:
    from headcount.outcomes import Published

    if seeded is None:
        print("The store is already initialised: it holds revisions. Nothing was changed.")
        return EXIT_OK
    if isinstance(seeded, Published):
        revision = seeded.revision
        rows = ", ".join(f"{count} {name}" for name, count in sorted(revision.counts.items()))
        print(f"Published the curated data as revision {revision.id} ({rows}).")
        return EXIT_OK
    if seeded.kind == "not_empty":  # another process seeded it meanwhile
        print("The store is already initialised: it holds revisions. Nothing was changed.")
        return EXIT_OK
    print(seeded.reason)
    if seeded.problems is not None:
        print(format_table(seeded.problems))
        total = problem_count(seeded.problems)
        print(f"\n{total:,} problem(s). Fix them and run `headcount init` again.")
    return EXIT_INVALID


def upgrade(args: argparse.Namespace) -> int:
    from headcount import site
    from headcount.store import Store

    store = Store(site.for_store(args.store).url, as_is=True)
    before, after = store.upgrade()
    if before == after:
        print(f"The store's schema is up to date (version {after}).")
    else:
        print(f"Upgraded the store's schema from {before or 'no version'} to version {after}.")
    return _report_consistency(store)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="headcount", description="Curated headcount and AI-claims data: check and manage it."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def with_store(command: argparse.ArgumentParser) -> argparse.ArgumentParser:
        command.add_argument("--store", metavar="URL", help="store URL (default: as the app)")
        return command

    def with_mode(command: argparse.ArgumentParser) -> argparse.ArgumentParser:
        command.add_argument(
            "--mode",
            choices=MODES,
            default="upsert",
            help="replace each uploaded table, or add and update rows by key (default)",
        )
        return command

    check = with_mode(
        with_store(
            commands.add_parser(
                "validate",
                help="check files as `publish` would, changing nothing",
                description=f"Check {', '.join(TABLES)} files (CSV or "
                ".xlsx; the table is recognised from the header) exactly as `publish` would: "
                "against each other and the store's latest revision (the curated data while "
                "the store holds none). Nothing is written.",
            )
        )
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--json", action="store_true", help="print problems as a JSON list")

    evidence_check = commands.add_parser(
        "audit",
        help="check every row against its own source record (the evidence check)",
        description="Lists, with codes, each observation whose value its source's quote does "
        "not write in any form (unless the row is derived and its note names the formula), "
        "whose date is a month or year placeholder while the quote or address gives a day, "
        "and each cited source that is a live wiki page, has an empty quote, or names an "
        "outlet as publisher of someone else's claim; and each company-wide headcount under half "
        "or over twice the company's nearest filed one. Exit 1 when it lists any.",
    )
    evidence_check.add_argument(
        "folder", nargs="?", metavar="DIR", help="folder of the tables (default: the curated data)"
    )
    evidence_check.add_argument("--store", metavar="URL", help="check a store's revision instead")
    evidence_check.add_argument(
        "--rev", type=_revision_number, help="with --store: default the latest"
    )
    evidence_check.add_argument("--json", action="store_true", help="print problems as JSON")

    put = with_mode(
        with_store(commands.add_parser("publish", help="validate files and publish a revision"))
    )
    put.add_argument("files", nargs="+", metavar="FILE")
    put.add_argument("--note", required=True, help="what changed and why")
    put.add_argument("--author", help="who publishes (default: the login name)")
    put.add_argument(
        "--acknowledge",
        action="store_true",
        help="publish although the review shows warnings (the evidence check, plausibility); "
        "the revision records them as acknowledged by the author",
    )
    with_store(commands.add_parser("history", help="list the revisions"))
    compare = with_store(commands.add_parser("diff", help="what changed between two revisions"))
    compare.add_argument("rev", type=_revision_number, metavar="REV")
    compare.add_argument(
        "rev2", type=_revision_number, nargs="?", metavar="REV", help="default: the latest"
    )
    back = with_store(commands.add_parser("rollback", help="publish a revision equal to REV"))
    back.add_argument("rev", type=_revision_number, metavar="REV")
    back.add_argument("--note", required=True)
    back.add_argument("--author")
    with_store(
        commands.add_parser(
            "check-store",
            help="check that every revision is complete and matches its recorded hashes",
        )
    )
    with_store(
        commands.add_parser(
            "init",
            help="create an empty store and load the curated data as its first revision",
            description="Run once for a new store (the app refuses an empty one, except the "
            "embedded default store, which it initialises on its first start). An initialised "
            "store is left as it is.",
        )
    )
    with_store(
        commands.add_parser(
            "upgrade",
            help="migrate the store's schema to this version's, keeping every revision",
            description="Run after installing a new version and before starting the app (the "
            "first step of a deploy). Back the database up first. Then checks the store.",
        )
    )
    out = with_store(commands.add_parser("export", help="write a revision's tables as CSV"))
    out.add_argument("--rev", type=_revision_number, help="default: the latest")
    out.add_argument("--out", required=True, metavar="DIR")
    out.add_argument(
        "--force", action="store_true", help="overwrite files of the same names in DIR"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    commands = {
        "validate": validate,
        "publish": publish,
        "history": history,
        "diff": show_diff,
        "rollback": rollback,
        "export": export,
        "check-store": check_store,
        "init": init,
        "upgrade": upgrade,
        "audit": audit,
    }
    try:
        return commands[args.command](args)
    except Exception as error:
        # Only a command that opened the store can raise its errors, and it imported the
        # store's modules first: imported here, they cost the commands that did nothing.
        from headcount import faults, schema

        if isinstance(error, schema.SchemaMismatch):
            print(str(error), file=sys.stderr)
            return EXIT_SCHEMA
        # A store fault is the machine's, not the user's input: say what and what to do.
        fault = faults.describe(error)
        if fault is None:
            raise
        print(f"error: {fault.message}", file=sys.stderr)
        return EXIT_STORE


if __name__ == "__main__":
    sys.exit(main())
