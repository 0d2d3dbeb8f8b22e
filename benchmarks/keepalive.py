"""A keep-alive HTTP/1.1 load generator: N connections, each sending one GET after another for
a fixed time; requests per second and latency percentiles. The same client drives every
server it is pointed at, so a figure and its peer differ only in the server.

It speaks just enough HTTP for that (a body framed by Content-Length or chunked) and reads
every byte of every body, as a real client must, so a server that streams its answer is timed
to its last byte.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Load:
    """One timed run: how many answers came back, over how long, and how fast each was."""

    requests: int
    seconds: float
    latencies: tuple[float, ...]
    failures: int  # answers whose status was not the one expected
    failure: str = ""  # the first of them: status and the start of its body

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)


def _own_loop(work: Coroutine[Any, Any, T]) -> T:
    """``work`` run to its end on an event loop of its own, in a thread of its own: in a run of
    several benchmarks the browser ones share one Chromium (benchmarks/rig.py), and
    Playwright's sync API keeps an event loop running in the main thread while it is open,
    where asyncio.run refuses to start another."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, work).result()


def percentile(values: tuple[float, ...] | list[float], cut: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[cut - 1]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


async def read_answer(reader: asyncio.StreamReader) -> Answer:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)  # the chunk and its CRLF
            if size == 0:
                break
            parts.append(chunk[:-2])
        body = b"".join(parts)
    else:
        body = await reader.read()  # closed by the server at the end
    return Answer(status, headers, body)


def request_bytes(port: int, path: str, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _connection(
    port: int, request: bytes, until: float, latencies: list[float], expect: int,
    failed: list[str],
) -> int:  # fmt: skip
    failures = 0
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            start = time.perf_counter()
            writer.write(request)
            answer = await read_answer(reader)
            latencies.append(time.perf_counter() - start)
            if answer.status != expect:
                failures += 1
                failed.append(f"{answer.status}: {answer.body[:200]!r}")
            if answer.headers.get("connection", "").lower() == "close":
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()
    return failures


async def _load(
    port: int, path: str, connections: int, seconds: float, headers: dict[str, str] | None,
    expect: int,
) -> Load:  # fmt: skip
    request = request_bytes(port, path, headers)
    latencies: list[float] = []
    failed: list[str] = []
    start = time.perf_counter()
    until = start + seconds
    failures = await asyncio.gather(
        *(_connection(port, request, until, latencies, expect, failed) for _ in range(connections))
    )
    # Every connection finishes the request it had started: the run lasts until the last one.
    elapsed = time.perf_counter() - start
    return Load(len(latencies), elapsed, tuple(latencies), sum(failures), "".join(failed[:1]))


def load(
    port: int,
    path: str,
    connections: int = 8,
    seconds: float = 3.0,
    headers: dict[str, str] | None = None,
    expect: int = 200,
) -> Load:
    """``connections`` keep-alive connections to 127.0.0.1:``port`` each GET ``path`` one
    request after another for ``seconds``."""
    return _own_loop(_load(port, path, connections, seconds, headers, expect))


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> Answer:
    """One request on a fresh connection (to look at what a server answers)."""

    async def once() -> Answer:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            writer.write(request_bytes(port, path, headers))
            return await read_answer(reader)
        finally:
            writer.close()

    return _own_loop(once())
