"""The child process in which calamine reads a workbook (see validation.sheet_reader).

Run as a script, not imported by the app: it imports only fastexcel and pyarrow (a fifth of a
second; polars alone would take twice that), then limits its own address space to what it has
plus the workbook's allowance, so an allocation the workbook asks for beyond that fails here,
in this process, and the process that asked sees only that it ended.

stdin: the workbook's bytes. argv: the allowance in bytes, and a JSON list of the sheets not
to load (too large, by validation.xlsx_parts). stdout: a JSON header (its length first, 8 bytes
big-endian), then one Arrow IPC stream per loaded sheet, each with its length first.
"""

from __future__ import annotations

import json
import os
import resource
import sys

MEMORY_EXIT = 3  # the allowance was not enough (a Python-side MemoryError)


def _limit(allowance: int) -> None:
    with open("/proc/self/statm", encoding="ascii") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (mapped + allowance, mapped + allowance))


def _framed(payload: bytes) -> bytes:
    return len(payload).to_bytes(8, "big") + payload


def main() -> int:
    import fastexcel
    import pyarrow as pa

    allowance, skip = int(sys.argv[1]), set(json.loads(sys.argv[2]))
    data = sys.stdin.buffer.read()
    _limit(allowance)
    sheets: list[dict[str, object]] = []
    streams: list[bytes] = []
    header: dict[str, object] = {"sheets": sheets}
    where = None
    try:
        reader = fastexcel.read_excel(data)
        del data
        for name in reader.sheet_names:
            where = name
            if name in skip:
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
    except MemoryError:
        return MEMORY_EXIT
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # calamine's errors and panics (pyo3's PanicException) alike
        header = {"damaged": where}
        streams = []
    out = sys.stdout.buffer
    out.write(_framed(json.dumps(header).encode()))
    for stream in streams:
        out.write(_framed(stream))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
