"""calamine (through fastexcel) reads a workbook's sheets in a child process with a memory
limit, so that nothing in a workbook can end the process that asked: the app's server, shared
by everyone, or the CLI.

validation.xlsx_parts bounds what a workbook may cost before it gets here; the child's limit is
for whatever those bounds did not foresee. calamine's allocation failures abort (SIGABRT) rather
than raise, so in the server's own process one would end every session. Here the child ends,
and the caller gets ``TooCostly`` to report.

The child imports only fastexcel and pyarrow: starting it costs about 0.2 s (measured on the
2-core test machine), for any workbook.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from validation import sheet_reader_child

CHILD = Path(sheet_reader_child.__file__)
LIMIT_ENV = "HEADCOUNT_XLSX_READER_MB"
# What the reader may allocate beyond the interpreter and its libraries. A workbook at the
# bounds of validation.xlsx_parts (4 million cells) takes about ? MB in the reader.
DEFAULT_LIMIT_MB = 1024
TIMEOUT_SECONDS = 120
# Allocators that reserve address space ahead (pyarrow's jemalloc took 1 GB for a sheet of one
# cell; glibc 64 MB per thread) would spend the limit on nothing: the system's, one arena.
CHILD_ENVIRONMENT = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "1"}


class TooCostly(Exception):
    """The reader did not finish within the limits; the message says which."""


class Damaged(Exception):
    """calamine could not read the workbook; ``sheet`` is where, when it was one sheet."""

    def __init__(self, sheet: str | None) -> None:
        super().__init__(sheet)
        self.sheet = sheet


@dataclass(frozen=True)
class Sheet:
    name: str
    cells: pl.DataFrame | None  # every cell as text, columns in order; None: not loaded
    visible: str = "visible"
    positions: tuple[int, ...] = ()  # each column's Excel position (0 is A)


def limit_mb() -> int:
    """What the reader may allocate, in MB (HEADCOUNT_XLSX_READER_MB, at least 1)."""
    try:
        return max(1, int(os.environ.get(LIMIT_ENV) or DEFAULT_LIMIT_MB))
    except ValueError:
        return DEFAULT_LIMIT_MB


def read(data: bytes, skip: set[str]) -> list[Sheet]:
    """Every sheet of the workbook in its order, loaded unless named in ``skip``."""
    limit = limit_mb()
    try:
        done = subprocess.run(
            [sys.executable, str(CHILD), str(limit * 2**20), json.dumps(sorted(skip))],
            input=data,
            env={**os.environ, **CHILD_ENVIRONMENT},
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as timeout:
        raise TooCostly(f"reading it took longer than {TIMEOUT_SECONDS} seconds") from timeout
    if done.returncode in (
        sheet_reader_child.MEMORY_EXIT,
        -signal.SIGABRT,
        -signal.SIGKILL,
        -signal.SIGSEGV,
    ):
        raise TooCostly(f"reading it needed more than {limit:,} MB of memory")
    if done.returncode != 0:
        raise TooCostly(f"the reader stopped (exit status {done.returncode})")
    return _decoded(done.stdout)


def _decoded(output: bytes) -> list[Sheet]:
    stream = io.BytesIO(output)

    def framed() -> bytes:
        size = int.from_bytes(stream.read(8), "big")
        return stream.read(size)

    header = json.loads(framed())
    if "damaged" in header:
        raise Damaged(header["damaged"])
    sheets = []
    for sheet in header["sheets"]:
        if not sheet["loaded"]:
            sheets.append(Sheet(sheet["name"], None))
            continue
        cells = pl.read_ipc_stream(io.BytesIO(framed()))
        sheets.append(Sheet(sheet["name"], cells, sheet["visible"], tuple(sheet["positions"])))
    return sheets
