"""calamine (through fastexcel) reads a workbook's sheets in a child process with a memory
limit, so that nothing in a workbook can end the process that asked: the app's server, shared
by everyone, or the CLI.

validation.xlsx_parts bounds what a workbook may cost before it gets here; the child's limit is
for whatever those bounds did not foresee. calamine's allocation failures abort (SIGABRT) rather
than raise, so in the server's own process one would end every session. Here the child ends,
and the caller gets ``TooCostly`` to report.

The child imports only fastexcel and pyarrow, about 0.2 s; so it stays and reads the next
workbook too (an idle reader holds about 65 MB), and a workbook waits only for its reading.
Concurrent uploads each take an idle reader or start one.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import polars as pl

from validation import sheet_reader_child

CHILD = Path(sheet_reader_child.__file__)
LIMIT_ENV = "HEADCOUNT_XLSX_READER_MB"
# What the reader may allocate beyond the interpreter and its libraries. A workbook at the
# bounds of validation.xlsx_parts (4 million cells, 30 MB zipped) peaked at 660 MB in the
# reader, of which 65 MB are the interpreter and libraries (measured).
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


# A reader serves this many workbooks, then a new one takes over (memory it keeps from earlier
# workbooks does not pile up).
MAX_SERVED = 100


@dataclass
class _Reader:
    process: subprocess.Popen[bytes]
    served: int = 0


_idle: list[_Reader] = []
_idle_lock = threading.Lock()


def _start() -> _Reader:
    return _Reader(
        subprocess.Popen(
            # -I: the child's own folder (validation/) is not put on its path, where a module
            # could stand in for one of the standard library's.
            [sys.executable, "-I", str(CHILD)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **CHILD_ENVIRONMENT},
        )
    )


def _take() -> _Reader:
    """An idle reader (its libraries imported), or a new one."""
    with _idle_lock:
        while _idle:
            reader = _idle.pop()
            if reader.process.poll() is None:
                return reader
    return _start()


def _give_back(reader: _Reader) -> None:
    reader.served += 1
    if reader.served < MAX_SERVED and reader.process.poll() is None:
        with _idle_lock:
            _idle.append(reader)
    else:
        _retire(reader)


def _retire(reader: _Reader) -> None:
    """Its input ends, so it ends; a reader that does not is stopped."""
    if reader.process.stdin is not None:
        with contextlib.suppress(OSError):
            reader.process.stdin.close()
    try:
        reader.process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        reader.process.kill()
        reader.process.wait()


@atexit.register
def _retire_all() -> None:
    with _idle_lock:
        idle = list(_idle)
        _idle.clear()
    for reader in idle:
        _retire(reader)


def read(data: bytes, load: set[str]) -> list[Sheet]:
    """Every sheet of the workbook in its order; only those named in ``load`` are loaded (the
    sheets whose XML was read and found within bounds)."""
    limit = limit_mb()
    asked = json.dumps(
        {"allowance": limit * 2**20, "load": sorted(load), "size": len(data)}
    ).encode()
    reader = _take()
    process = reader.process
    assert process.stdin is not None and process.stdout is not None
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        process.kill()

    timer = threading.Timer(TIMEOUT_SECONDS, stop)
    timer.start()
    try:
        process.stdin.write(len(asked).to_bytes(8, "big") + asked)
        process.stdin.write(data)
        process.stdin.flush()
        sheets, retire = _decoded(process.stdout)
    except Damaged:
        _retire(reader)  # it answered and ends: given no other workbook
        raise
    except (OSError, EOFError, ValueError):
        sheets, retire = None, True  # it ended before it answered
    finally:
        timer.cancel()
    if sheets is not None:
        if retire:
            _retire(reader)
        else:
            _give_back(reader)
        return sheets
    process.kill()
    code = process.wait()
    if timed_out.is_set():
        raise TooCostly(f"reading it took longer than {TIMEOUT_SECONDS} seconds")
    if code in (sheet_reader_child.MEMORY_EXIT, -signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV):
        raise TooCostly(f"reading it needed more than {limit:,} MB of memory")
    raise TooCostly(f"the reader stopped (exit status {code})")


def _exactly(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return data


def _decoded(stream: IO[bytes]) -> tuple[list[Sheet], bool]:
    """One answer of the reader, and whether it ends after it; Damaged when calamine could
    not read the workbook (the reader then ends by itself)."""

    def framed() -> bytes:
        return _exactly(stream, int.from_bytes(_exactly(stream, 8), "big"))

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
    return sheets, bool(header["retire"])
