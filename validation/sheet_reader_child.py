"""The child process in which calamine reads workbooks (see validation.sheet_reader).

Run as a script, not imported by the app: it imports only fastexcel and pyarrow (a fifth of a
second; polars alone would take twice that). For each workbook it limits its own address space
to what it has mapped plus the workbook's allowance, so an allocation beyond that fails here,
in this process, and the process that asked sees only that it ended.

It serves workbooks one after another until its input ends. Each request on stdin: a JSON
header (its length first, 8 bytes big-endian: the allowance in bytes, the sheets to load,
those validation.xlsx_parts read and found within bounds, and the workbook's size), then the
workbook's bytes. Each answer on stdout: a JSON header (its length first), then one Arrow IPC
stream per loaded sheet, each with its length first. After a workbook calamine could not
read, it answers and ends, so a reader in an unforeseen state is not given the next one; so it
does when a large workbook left it holding more than RETIRE_ABOVE.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from typing import Any, BinaryIO

MEMORY_EXIT = 3  # the allowance was not enough (a Python-side MemoryError)
RETIRE_ABOVE = 200 * 2**20  # resident bytes after an answer; an idle reader holds about 65 MB


def _resident() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _limit(allowance: int) -> None:
    with open("/proc/self/statm", encoding="ascii") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (mapped + allowance, hard))


def _unlimited() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _framed(payload: bytes) -> bytes:
    return len(payload).to_bytes(8, "big") + payload


def _answer(data: bytes, load: set[str]) -> tuple[dict[str, Any], list[bytes]]:
    import fastexcel
    import pyarrow as pa

    sheets: list[dict[str, object]] = []
    streams: list[bytes] = []
    where = None
    try:
        reader = fastexcel.read_excel(data)
        for name in reader.sheet_names:
            where = name
            if name not in load:
                sheets.append({"name": name, "loaded": False})
                continue
            # header_row=None with skip_rows=0 keeps the leading empty rows: row i is
            # Excel's row i + 1.
            loaded = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            batch = loaded.to_arrow()
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, batch.schema) as writer:
                writer.write_batch(batch)
            streams.append(sink.getvalue().to_pybytes())
            sheets.append(
                {
                    "name": name,
                    "loaded": True,
                    "visible": loaded.visible,
                    "positions": [info.absolute_index for info in loaded.available_columns()],
                }
            )
            del batch, loaded
    except (MemoryError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # calamine's errors and panics (pyo3's PanicException) alike
        return {"damaged": where}, []
    return {"sheets": sheets}, streams


def _exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return data


def main() -> int:
    import fastexcel  # noqa: F401  (imported while waiting, not while a workbook waits)
    import pyarrow  # noqa: F401

    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            asked = json.loads(_exactly(requests, int.from_bytes(_exactly(requests, 8), "big")))
            data = _exactly(requests, int(asked["size"]))
        except EOFError:
            return 0  # the parent is done
        _limit(int(asked["allowance"]))
        try:
            header, streams = _answer(data, set(asked["load"]))
        except MemoryError:
            return MEMORY_EXIT
        del data
        _unlimited()
        # Memory a large workbook left behind would stay with an idle reader: it retires.
        header["retire"] = _resident() > RETIRE_ABOVE
        answers.write(_framed(json.dumps(header).encode()))
        for stream in streams:
            answers.write(_framed(stream))
        answers.flush()
        if "damaged" in header or header["retire"]:
            return 0


if __name__ == "__main__":
    sys.exit(main())
