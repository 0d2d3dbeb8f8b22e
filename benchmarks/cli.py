"""`headcount validate` as a person runs it: a new process each time, timed from outside.

Beside the upload suite's in-process figures, three taken in one run, alternated:

- the generated observations (and their sources) through `headcount validate`, its start-up
  subtracted (the same command on a one-row file), against `polars.read_csv` of the same file in
  a new Python, its start-up (`python -c "import polars"`) subtracted;
- the same against the pandas + Pandera peer doing the same checks (in process: no start-up);
- `headcount validate` of a one-row file, wall time, against `python -c "import polars"`.

The store is a SQLite file that does not exist, so each file is judged against the curated
data, as on a fresh clone; a store would add the reading of its latest revision.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.measure import Figure, alternate, median
from headcount.settings import DEFAULT_CURATED_DIR, STORE_ENV

NEWLINE = b"\n"
HEADCOUNT = str(Path(sys.executable).parent / "headcount")  # the installed console script


def _run(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Only a file found valid was judged all the way (problems would stop before the merge).
    assert done.returncode == 0, (argv, done.returncode, done.stderr[-2000:])


def run(
    data: bytes, sources_csv: bytes, peer: float, runs: int, subtract: bool = True
) -> list[Figure]:
    """The three figures for the observations file ``data`` citing ``sources_csv``; ``peer``
    is the pandas + Pandera peer's median seconds on the same file. ``subtract``: take each
    side's start-up off (a quick run's small file takes about as long as the start-up, so the
    difference is noise there, even below 0: a quick run compares wall times)."""
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        (where / "one").mkdir()
        big, sources = where / "observations.csv", where / "sources.csv"
        big.write_bytes(data)
        sources.write_bytes(sources_csv)
        one, one_sources = where / "one" / "observations.csv", where / "one" / "sources.csv"
        one.write_bytes(b"\n".join(data.split(b"\n", 2)[:2]) + b"\n")
        one_sources.write_bytes(sources_csv)
        one_row = where / "one_row.csv"  # a row of the curated data, valid on its own
        lines = (DEFAULT_CURATED_DIR / "observations.csv").read_bytes().split(b"\n", 2)
        one_row.write_bytes(b"\n".join(lines[:2]) + b"\n")
        env = {**os.environ, STORE_ENV: f"sqlite:///{where / 'absent.sqlite'}"}
        python = sys.executable
        times = alternate(
            {
                "validate": lambda: _run([HEADCOUNT, "validate", str(big), str(sources)], env),
                "validate_start": lambda: _run(
                    [HEADCOUNT, "validate", str(one), str(one_sources)], env
                ),
                "one_row": lambda: _run([HEADCOUNT, "validate", str(one_row)], env),
                "read_csv": lambda: _run(
                    [python, "-c", f"import polars as pl; pl.read_csv({str(big)!r})"], env
                ),
                "import_polars": lambda: _run([python, "-c", "import polars"], env),
            },
            runs,
        )
    medians = {name: median(values) for name, values in times.items()}
    ours = medians["validate"] - (medians["validate_start"] if subtract else 0.0)
    floor = medians["read_csv"] - (medians["import_polars"] if subtract else 0.0)
    rows = f"{data.count(NEWLINE) - 1:,} rows, {len(data) / 1e6:.0f} MB"
    started = (
        f"start-up subtracted: ours {medians['validate_start']:.2f} s (a one-row file), "
        f"read_csv's {medians['import_polars']:.2f} s"
        if subtract
        else "wall times, start-up included (a quick run's file is too small to subtract it)"
    )
    return [
        Figure(
            "headcount validate vs read_csv",
            ours,
            "s",
            "polars.read_csv of the same file, new process",
            floor,
            "<= 2.5x the floor",
            ours <= 2.5 * floor,
            f"{rows}; {started}",
            runs,
        ),
        Figure(
            "headcount validate vs pandas + Pandera",
            ours,
            "s",
            "pandas + Pandera (pandas backend), same checks, in process",
            peer,
            ">= 8x faster than the peer",
            peer >= 8 * ours,
            f"{rows}; ours with its start-up subtracted" if subtract else f"{rows}; wall time",
            runs,
        ),
        Figure(
            "headcount validate, one-row file",
            medians["one_row"],
            "s",
            'python -c "import polars"',
            medians["import_polars"],
            "<= 2.5x the peer",
            medians["one_row"] <= 2.5 * medians["import_polars"],
            "wall time, judged against the curated data (no store)",
            runs,
        ),
    ]
