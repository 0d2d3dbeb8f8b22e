"""Load: 20 browser sessions (one headless Chromium, 20 contexts) open the arc page at once
while an analyst publishes a 1,000,000-row upload with `headcount publish` against the same
store. Every session must draw its chart; the server's memory is sampled throughout.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks import generate
from benchmarks.measure import Figure
from benchmarks.pages import DRAWN, PRESENT_JS, TIMEOUT
from harness import CHROMIUM_ARGS, AppServer, chromium_path
from headcount import bootstrap
from headcount.settings import ROOT
from headcount.store import STORE_ENV

SESSIONS = 20
# The server holds at most a few revisions (st.cache_resource, max_entries=4) and what each
# session shows; a 1M-row revision is a few hundred MB in Polars. Growth past this would mean
# something is kept per session or per rerun.
MEMORY_BOUND_MB = 2_000


def rss_bytes(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


class MemoryWatch(threading.Thread):
    """The largest resident size a process reaches while the watch runs."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_bytes(self.pid))
            time.sleep(0.1)

    def stop(self) -> int:
        self.running = False
        self.join()
        return self.peak


async def sessions(url: str, count: int) -> list[float | None]:
    """Open ``count`` contexts at once; seconds until each drew the arc chart (None: failed)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS
        )

        async def one() -> float | None:
            context = await browser.new_context(viewport={"width": 1400, "height": 1000})
            try:
                page = await context.new_page()
                start = time.perf_counter()
                await page.goto(url, timeout=TIMEOUT * 3)
                await page.wait_for_function(  # pages.until_present, asynchronously
                    PRESENT_JS, arg=[DRAWN, None], polling="raf", timeout=TIMEOUT * 3
                )
                return time.perf_counter() - start
            except Exception:  # a failed session is a result, not a crash
                return None
            finally:
                await context.close()

        try:
            return list(await asyncio.gather(*(one() for _ in range(count))))
        finally:
            await browser.close()


def run(quick: bool) -> list[Figure]:
    rows = 20_000 if quick else 1_000_000
    count = 4 if quick else SESSIONS
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/load.sqlite"
        bootstrap.initialise(url)
        upload = Path(folder) / "observations.csv"
        upload.write_bytes(generate.observations_csv(rows))
        sources = Path(folder) / "sources.csv"
        sources.write_bytes(generate.csv_bytes(generate.sources()))
        server = AppServer(env={STORE_ENV: url})
        try:
            asyncio.run(sessions(server.url, 1))  # the server's first run imports everything
            idle = rss_bytes(server.process.pid)
            watch = MemoryWatch(server.process.pid)
            watch.start()
            publisher = subprocess.Popen(
                [sys.executable, "-m", "headcount.cli", "publish", str(upload), str(sources),
                 "--store", url, "--note", "load test", "--author", "analyst"],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )  # fmt: skip
            started = time.perf_counter()
            times = asyncio.run(sessions(server.url, count))
            during = publisher.poll() is None
            output, _ = publisher.communicate(timeout=3600)
            published = time.perf_counter() - started
            after = asyncio.run(sessions(server.url, count))
            peak = watch.stop()
        finally:
            server.stop()
    drawn = [t for t in times if t is not None]
    drawn_after = [t for t in after if t is not None]
    landed = publisher.returncode == 0
    p50, p95 = _percentiles(drawn)
    a50, a95 = _percentiles(drawn_after)
    detail = (
        f"{len(drawn)}/{count} drew their chart; the {rows:,}-row publish "
        f"{'was still running when they finished' if during else 'had finished first'} "
        f"and {'landed' if landed else 'FAILED: ' + output[-300:]} after {published:.0f} s"
    )
    return [
        Figure(
            f"load: {count} sessions during a publish, {label}",
            value,
            "s",
            target="every session draws its chart",
            met=len(drawn) == count and landed,
            detail=detail,
            runs=len(drawn),
        )
        for label, value in (("p50", p50), ("p95", p95))
    ] + [
        Figure(
            f"load: {count} sessions after the publish, p50",
            a50,
            "s",
            target="every session draws its chart",
            met=len(drawn_after) == count,
            detail=f"p95 {a95:.2f} s; {len(drawn_after)}/{count} drew the new revision's chart",
            runs=len(drawn_after),
        ),
        Figure(
            "load: server peak memory",
            peak / 2**20,
            "MB",
            "server memory when idle",
            idle / 2**20,
            f"bounded: < {MEMORY_BOUND_MB:,} MB",
            peak < MEMORY_BOUND_MB * 2**20,
            f"upload {upload_size(rows) / 2**20:.0f} MB; sampled every 0.1 s",
        ),
    ]


def upload_size(rows: int) -> int:
    return len(generate.observations_csv(min(rows, 1000))) * rows // min(rows, 1000)


def _percentiles(values: list[float]) -> tuple[float, float]:
    if not values:
        return float("nan"), float("nan")
    if len(values) == 1:
        return values[0], values[0]
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return statistics.median(values), cuts[18]
