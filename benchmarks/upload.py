"""Upload validation: a generated observations CSV through the code path of the upload page and
`headcount validate`, beside plain ``polars.read_csv`` (the floor) and the pandas + Pandera peer.

Run as a module (``python -m benchmarks.upload FILE SOURCES``) it validates one file and prints
its peak memory growth, which is how the suite measures memory in a clean process.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import polars as pl

from benchmarks import cli, generate, pandas_peer
from benchmarks.measure import Figure, alternate, median, peak_rss_growth, report_peak
from headcount import ingest
from validation import gate, parse, problems

TODAY = dt.date(2026, 11, 21)
NAME = "observations.csv"


def published_sources(data: bytes) -> dict[str, pl.DataFrame]:
    """The sources table as a published revision holds it (what uploads are checked against)."""
    parsed = parse.parse("sources.csv", data)
    assert parsed.frame is not None and parsed.ok, parsed.problems
    return {"sources": parsed.frame.drop(parse.LINE)}


def ours(data: bytes, published: dict[str, pl.DataFrame]) -> bytes:
    """Parse, Pandera models, cross-table rules against the published revision, and the
    problem report as the CSV the upload page offers for download."""
    files = ingest.parse_uploads([(NAME, data)])
    verdict = gate.validate(files, context=ingest.tagged(published, 1), today=TODAY)
    return verdict.problems.write_csv().encode("utf-8")


def run(quick: bool) -> list[Figure]:
    rows = 20_000 if quick else 1_000_000
    runs = 1 if quick else 5
    clean = generate.observations_csv(rows)
    bad = generate.observations_csv(rows, 0.01)
    sources_csv = generate.csv_bytes(generate.sources())
    published = published_sources(sources_csv)
    sources_pandas = generate.sources().to_pandas()
    size = f"{rows:,} rows, {len(clean) / 1e6:.0f} MB"

    ours(clean, published)  # warm: first calls compile regexes and load Pandera's backends
    times = alternate(
        {
            "floor": lambda: pl.read_csv(clean),
            "ours": lambda: ours(clean, published),
            "ours_bad": lambda: ours(bad, published),
        },
        runs,
    )
    peer_times = alternate(
        {"peer": lambda: pandas_peer.validate(NAME, clean, sources_pandas, TODAY)},
        max(1, runs - 2),
    )
    # Every problem counted, those a capped report summarises ("and N more") included.
    found = problems.count(
        gate.validate(
            ingest.parse_uploads([(NAME, bad)]), ingest.tagged(published, 1), TODAY
        ).problems
    )
    memory = _peak_memory(clean, sources_csv)
    commands = cli.run(clean, sources_csv, median(peer_times["peer"]), runs, subtract=not quick)
    floor, mine, mine_bad, peer = (
        median(times["floor"]),
        median(times["ours"]),
        median(times["ours_bad"]),
        median(peer_times["peer"]),
    )
    return [
        Figure(
            "upload validation vs read_csv",
            mine,
            "s",
            "polars.read_csv of the same file",
            floor,
            "<= 2.5x the floor",
            mine <= 2.5 * floor,
            size,
            runs,
        ),
        Figure(
            "upload validation vs pandas + Pandera",
            mine,
            "s",
            "pandas + Pandera (pandas backend), same checks",
            peer,
            ">= 8x faster than the peer",
            peer >= 8 * mine,
            size,
            len(peer_times["peer"]),
        ),
        Figure(
            "upload validation peak memory",
            memory / 1e6,
            "MB",
            "file size",
            len(clean) / 1e6,
            "<= 5x the file size",
            memory <= 5 * len(clean),
            "peak RSS growth of a fresh process during the validation",
        ),
        Figure(
            "problem report, 1% bad rows",
            mine_bad,
            "s",
            "the same upload without bad rows",
            mine,
            "<= 1.5x the clean run",
            mine_bad <= 1.5 * mine,
            f"{found:,} problems reported (expected {generate.known_problem_count(rows, 0.01):,})",
            runs,
        ),
        *commands,
    ]


def _peak_memory(data: bytes, sources_csv: bytes) -> int:
    with tempfile.TemporaryDirectory() as folder:
        upload = Path(folder) / NAME
        upload.write_bytes(data)
        sources = Path(folder) / "sources.csv"
        sources.write_bytes(sources_csv)
        return peak_rss_growth("benchmarks.upload", str(upload), str(sources))


def _child(upload: str, sources: str) -> None:
    published = published_sources(Path(sources).read_bytes())
    data = Path(upload).read_bytes()
    ours(data[:100_000].rsplit(b"\n", 1)[0] + b"\n", published)  # imports and first compiles
    report_peak(lambda: ours(data, published))


if __name__ == "__main__":
    _child(*sys.argv[1:3])
