"""The data API beside Datasette serving the same rows: one company's observations as CSV and
as JSON, 8 keep-alive connections from one client (benchmarks/keepalive.py), runs alternated,
medians of requests per second and of each run's p95 latency.

Both are real servers on loopback ports: our app under `streamlit run` on a store seeded with
the curated data, and `datasette serve` on a SQLite file holding exactly the rows our API
serves for every company (citations included, so the same columns), with an index on
company. Datasette opens it immutable (-i) with facet suggestions off: its fastest setting
for a file that does not change, so the peer is not handicapped.
"""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import polars as pl

from benchmarks import keepalive, scale
from benchmarks.measure import Figure, median
from benchmarks.rig import rig
from harness import ARTIFACTS, AppServer, free_port, stop_process
from headcount.settings import ROOT
from headcount.store import STORE_ENV

CONNECTIONS = 8
GENERATED_COMPANIES, GENERATED_MONTHS = 50, 120  # 30,000 rows more; 600 per company
TABLE = "observations"
SQLITE_TYPES = {pl.Int64: "INTEGER", pl.Float64: "REAL"}


def sqlite_copy(csv: bytes, path: Path) -> pl.DataFrame:
    """Datasette's database: the API's observations (all companies), typed as Polars reads
    them, with an index on company. Returns the rows written."""
    frame = pl.read_csv(io.BytesIO(csv))
    columns = ", ".join(
        f'"{name}" {SQLITE_TYPES.get(dtype, "TEXT")}'  # type: ignore[call-overload]
        for name, dtype in frame.schema.items()
    )
    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE {TABLE} ({columns})")
        marks = ", ".join("?" * frame.width)
        db.executemany(f"INSERT INTO {TABLE} VALUES ({marks})", frame.rows())
        db.execute(f"CREATE INDEX {TABLE}_company ON {TABLE} (company)")
    return frame


class Datasette:
    """`datasette serve -i FILE` on a free loopback port."""

    def __init__(self, database: Path, rows: int) -> None:
        self.port = free_port()
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = ARTIFACTS / f"datasette-{self.port}.log"
        self.name = database.stem
        self.process = subprocess.Popen(
            [sys.executable, "-m", "datasette", "serve", "-i", str(database),
             "--host", "127.0.0.1", "--port", str(self.port),
             "--setting", "suggest_facets", "off",
             # A loaded machine must not turn its answers into time-out errors.
             "--setting", "sql_time_limit_ms", "60000",
             # One company's rows on one page, as our API answers them.
             "--setting", "max_returned_rows", str(max(rows, 1000)),
             "--setting", "default_page_size", str(max(rows, 1000))],
            cwd=ROOT, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"datasette exited early; see {self.log}")
            try:
                with urllib.request.urlopen(self.url("/-/versions.json"), timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"datasette did not start in 60 s; see {self.log}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        stop_process(self.process)


def paths(company: str, database: str) -> dict[str, tuple[str, str]]:
    """Per format, our path and Datasette's for one company's observations, all rows."""
    ours = f"/api/{TABLE}.{{fmt}}?company={quote(company)}"
    theirs = f"/{database}/{TABLE}.{{fmt}}?company={quote(company)}&_size=max"
    return {
        "csv": (ours.format(fmt="csv"), theirs.format(fmt="csv")),
        "json": (ours.format(fmt="json"), theirs.format(fmt="json") + "&_shape=objects"),
    }


def same_rows(ours: bytes, theirs: bytes) -> int:
    """The number of rows, after checking that both CSV answers hold the same rows and columns,
    read the same way (Datasette adds its own first column, the table's rowid)."""
    mine, peer = pl.read_csv(io.BytesIO(ours)), pl.read_csv(io.BytesIO(theirs)).drop("rowid")
    if mine.columns != peer.columns or not mine.sort(mine.columns).equals(peer.sort(mine.columns)):
        raise RuntimeError("our API and Datasette do not serve the same rows")
    return mine.height


def run(quick: bool) -> list[Figure]:
    runs, seconds = (1, 0.3) if quick else (5, 3.0)
    label = "api: one company's observations"
    with tempfile.TemporaryDirectory() as folder:
        if quick:
            # The smoke run serves the curated data from the run's app server (benchmarks/rig.py),
            # already started on a store seeded with it when pages or review ran before,
            # instead of starting a second one on a copy of the same rows.
            with rig() as shared:
                return _suite(label, Path(folder) / "curated", runs, seconds, app=shared.app())
        figures = _suite(label, Path(folder) / "curated", runs, seconds)
        # A store with larger companies: the curated data and generated ones, each with
        # GENERATED_MONTHS x 5 metrics rows, so the company served is one of those.
        with scale.empty_store("sqlite") as store:
            scale.grow(store, GENERATED_COMPANIES, GENERATED_MONTHS)
            store.engine.dispose()
            figures += _suite(
                "api: one generated company", Path(folder) / "generated", runs, seconds, store.url
            )
        return figures


def _suite(
    label: str,
    folder: Path,
    runs: int,
    seconds: float,
    store_url: str | None = None,
    app: AppServer | None = None,
) -> list[Figure]:
    """Both servers on the store at ``store_url`` (default: a new one seeded with the curated
    data), compared on the company with the most observations. ``app``: our server already
    running (on the curated data), left running."""
    folder.mkdir()
    own = app is None
    if app is None:
        app = AppServer(env={STORE_ENV: store_url or f"sqlite:///{folder}/store.sqlite"})
    datasette: Datasette | None = None
    try:
        every = keepalive.fetch(app.port, f"/api/{TABLE}.csv")
        if every.status != 200:
            raise RuntimeError(f"our API answered {every.status}: {every.body[:300]!r}")
        frame = sqlite_copy(every.body, folder / "bench.db")
        counts = frame.group_by("company").len().sort(["len", "company"], descending=True)
        company = str(counts["company"][0])  # the company with the most rows
        datasette = Datasette(folder / "bench.db", frame.height)
        routes = paths(company, datasette.name)
        rows = same_rows(
            keepalive.fetch(app.port, routes["csv"][0]).body,
            keepalive.fetch(datasette.port, routes["csv"][1]).body,
        )
        figures: list[Figure] = []
        for fmt, (ours, theirs) in routes.items():
            figures += _compare(app.port, ours, datasette.port, theirs, runs, seconds)
            for figure in figures[-2:]:
                figure.name = figure.name.format(label=label, fmt=fmt.upper())
                figure.detail = (
                    f"{company}: {rows} rows x {frame.width} columns (citations included) "
                    f"from both (Datasette adds its rowid), of {frame.height:,} in the store; "
                    f"ours GET {ours} (latest revision, no ETag sent); "
                    f"Datasette 0.65 GET {theirs} (-i, suggest_facets off); "
                    f"{CONNECTIONS} keep-alive connections, {seconds:g} s a run; " + figure.detail
                )
        return figures
    finally:
        if own:
            app.stop()
        if datasette is not None:
            datasette.stop()


def _compare(
    our_port: int, ours: str, their_port: int, theirs: str, runs: int, seconds: float
) -> list[Figure]:
    """Alternated runs (a warm-up each first); req/s and p95 beside Datasette's."""
    for port, path in ((our_port, ours), (their_port, theirs)):
        keepalive.load(port, path, CONNECTIONS, min(seconds, 1.0))
    mine: list[keepalive.Load] = []
    peer: list[keepalive.Load] = []
    for _ in range(runs):
        mine.append(keepalive.load(our_port, ours, CONNECTIONS, seconds))
        peer.append(keepalive.load(their_port, theirs, CONNECTIONS, seconds))
    for name, path, loads in (("ours", ours, mine), ("Datasette", theirs, peer)):
        failed = [load for load in loads if load.failures]
        if failed:
            count = sum(load.failures for load in failed)
            raise RuntimeError(
                f"{name}: {count} answers to {path} were not 200: {failed[0].failure}"
            )
    rate, peer_rate = median([m.per_second for m in mine]), median([p.per_second for p in peer])
    p95, peer_p95 = median([m.p95 for m in mine]), median([p.p95 for p in peer])
    requests = f"{sum(m.requests for m in mine):,} and {sum(p.requests for p in peer):,} requests"
    return [
        Figure(
            "{label}, {fmt}, req/s",
            rate,
            "req/s",
            "Datasette, same rows",
            peer_rate,
            ">= 2x Datasette's req/s",
            rate >= 2 * peer_rate,
            requests,
            runs,
        ),
        Figure(
            "{label}, {fmt}, p95",
            p95 * 1000,
            "ms",
            "Datasette, same rows",
            peer_p95 * 1000,
            "p95 <= Datasette's",
            p95 <= peer_p95,
            f"p50 {median([keepalive.percentile(m.latencies, 50) for m in mine]) * 1000:.1f} ms "
            f"vs {median([keepalive.percentile(p.latencies, 50) for p in peer]) * 1000:.1f} ms",
            runs,
        ),
    ]
