"""Scale: a generated store of 10,000 companies x 10 years monthly x 5 metrics (6,000,000
observation rows) in SQLite and in PostgreSQL.

Measured per database: app start to the arc chart drawn (beside the same with the curated
data only), a company switch, the largest trace the browser receives, the rows a 10-row
revision writes, and publishing a 1,000,000-row upsert beside a plain bulk insert of the same
rows into the same database (COPY on PostgreSQL, executemany on SQLite).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
import sqlalchemy as sa

from benchmarks import generate
from benchmarks.measure import Figure, median
from benchmarks.pages import CHART, DRAWN, TIMEOUT, Switcher
from benchmarks.rig import browser
from harness import AppServer, create_database, drop_database
from headcount import bootstrap, diff, ingest
from headcount.outcomes import Outcome, Published
from headcount.store import STORE_ENV, Store
from validation import parse
from validation.tables import OBSERVATIONS

LARGEST_TRACE_JS = f"""() => Math.max(...[...document.querySelectorAll('{CHART}')]
  .flatMap(chart => chart.data.map(trace => (trace.x || []).length)))"""


@contextmanager
def empty_store(dialect: str) -> Iterator[Store]:
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/scale.sqlite"
            bootstrap.initialise(url, seed=False)
            store = Store(url)
            try:
                yield store
            finally:
                store.engine.dispose()
        return
    url = create_database("headcount_bench")
    bootstrap.initialise(url, seed=False)
    store = Store(url)
    try:
        yield store
    finally:
        store.engine.dispose()
        drop_database(url)


def typed(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """Generated text rows typed the way the store holds them (through the real parser)."""
    parsed = parse.parse(f"{name}.csv", generate.csv_bytes(frame))
    assert parsed.ok and parsed.frame is not None, parsed.problems.head()
    return parsed.frame.drop(parse.LINE)


def published(outcome: Outcome) -> None:
    """A refused publish would measure nothing: stop the run instead."""
    assert isinstance(outcome, Published), outcome


def grow(store: Store, companies: int, months: int) -> float:
    """Publish the generated companies on top of the curated seed; seconds it took."""
    published(ingest.seed(store))
    current = store.read()
    generated = {
        "observations": typed(generate.observations(companies, months), "observations"),
        "sources": typed(generate.sources(), "sources"),
    }
    proposed = {
        **current,
        **{
            name: pl.concat([current[name], frame], how="vertical_relaxed")
            for name, frame in generated.items()
        },
    }
    start = time.perf_counter()
    outcome = store.publish(
        proposed, diff.diff(current, proposed), store.latest_id(), "bench", "scale"
    )
    took = time.perf_counter() - start
    published(outcome)
    return took


def start_to_chart(
    store_url: str, runs: int, companies: list[str] | None = None, switches: int = 0
) -> tuple[float, list[float], int]:
    """Median seconds from launching `streamlit run` to the arc chart drawn in a fresh
    browser; on the last launch, also company switches and the largest trace sent."""
    starts: list[float] = []
    times: list[float] = []
    largest = 0
    for run in range(runs):
        start = time.perf_counter()
        server = AppServer(env={STORE_ENV: store_url})
        try:
            with browser() as chromium:
                context = chromium.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.goto(server.url, timeout=TIMEOUT * 5)
                page.wait_for_selector(DRAWN, timeout=TIMEOUT * 5)
                starts.append(time.perf_counter() - start)
                context.close()
                if companies and run == runs - 1:
                    switcher = Switcher(chromium, server.url, companies)
                    for _ in range(switches):
                        times.append(switcher())
                        largest = max(largest, int(switcher.page.evaluate(LARGEST_TRACE_JS)))
                    switcher.close()
        finally:
            server.stop()
    return median(starts), times, largest


def stored_rows(store: Store) -> int:
    with store.engine.connect() as connection:
        rows = store.rows["observations"]
        return int(connection.execute(sa.select(sa.func.count()).select_from(rows)).scalar() or 0)


def ten_row_revision(store: Store) -> tuple[int, float]:
    """Rows written by a revision changing 10 values, and the seconds the publish took."""
    current = store.read()
    observations = current["observations"]
    chosen = observations.head(10).select(OBSERVATIONS.key)
    edited = (
        observations.join(
            chosen.with_columns(pl.lit(True).alias("_chosen")),
            on=list(OBSERVATIONS.key),
            how="left",
        )
        .with_columns(
            pl.when(pl.col("_chosen"))
            .then(pl.col("value") + 1)
            .otherwise(pl.col("value"))
            .alias("value")
        )
        .drop("_chosen")
    )
    proposed = {**current, "observations": edited}
    changes = diff.diff(current, proposed)  # the review step, before the publish button
    before = stored_rows(store)
    start = time.perf_counter()
    outcome = store.publish(proposed, changes, store.latest_id(), "bench", "10 rows")
    took = time.perf_counter() - start
    published(outcome)
    return stored_rows(store) - before, took


def upsert_vs_bulk(store: Store, rows: int) -> tuple[float, float, float, float]:
    """Seconds to publish an upload of ``rows`` new observation rows through the upload's
    merge, diff and publish; to publish alone; to bulk-insert the same rows into a plain table
    of the same database; and to bulk-insert them into a copy of the store's rows table (the
    same rows and the same key index), which is what any store that reads by key pays."""
    current = store.read()
    upload = typed(generate.observations(-(-rows // 600), 120).head(rows), "observations")
    upload = upload.with_columns(pl.lit("upserted series").alias("basis"))
    start = time.perf_counter()
    proposed = diff.apply(current, {"observations": upload}, "upsert")
    changes = diff.diff(current, proposed)
    prepared = time.perf_counter()
    outcome = store.publish(proposed, changes, store.latest_id(), "bench", "1M upsert")
    done = time.perf_counter()
    published(outcome)
    rows_table = store.rows["observations"]
    index = next(iter(rows_table.indexes))
    indexed = ", ".join(column.name for column in index.columns)
    plain = _timed_bulk_insert(store, "bench_plain", upload, [])
    # The copy holds the revision just published too: the same rows the publish inserted into.
    copy = _timed_bulk_insert(
        store,
        "bench_indexed",
        upload,
        [
            f"INSERT INTO bench_indexed SELECT * FROM {rows_table.name}",
            f"CREATE INDEX ix_bench_indexed ON bench_indexed ({indexed})",
        ],
    )
    return done - start, done - prepared, plain, copy


def _timed_bulk_insert(store: Store, table: str, upload: pl.DataFrame, setup: list[str]) -> float:
    """Seconds to bulk-insert ``upload`` into ``table``, a new table shaped like the rows
    table and prepared by the ``setup`` statements (untimed); the table is dropped after."""
    with store.engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        connection.exec_driver_sql(
            f"CREATE TABLE {table} AS SELECT * FROM rows_observations WHERE 1 = 0"
        )
        for statement in setup:
            connection.exec_driver_sql(statement)
    start = time.perf_counter()
    with store.engine.begin() as connection:
        columns = [*OBSERVATIONS.column_names, "_rev_from"]
        rows_frame = upload.with_columns(pl.lit(99, dtype=pl.Int64).alias("_rev_from"))
        store.bulk_insert(connection, table, columns, rows_frame)
    took = time.perf_counter() - start
    with store.engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE {table}")
    return took


def run(quick: bool) -> list[Figure]:
    companies, months = (200, 12) if quick else (10_000, 120)
    upsert_rows = 20_000 if quick else 1_000_000
    runs = 1 if quick else 3
    figures: list[Figure] = []
    # The quick smoke run covers the code on SQLite; PostgreSQL's bulk paths have their own
    # tests (test_store, test_crashes) and the full run measures both.
    # BENCH_DIALECTS=sqlite narrows a full run to one database (each takes long).
    full = tuple(os.environ.get("BENCH_DIALECTS", "sqlite,postgresql").split(","))
    for dialect in ("sqlite",) if quick else full:
        with empty_store(dialect) as curated_only:
            published(ingest.seed(curated_only))
            curated_start, _, _ = start_to_chart(curated_only.url, runs)
        with empty_store(dialect) as store:
            built = grow(store, companies, months)
            total = store.read()["observations"].height
            size = f"{total:,} observation rows; building the store took {built:.0f} s"
            names = ["Klarna", "Company 000001", "Company 000002"]
            big_start, switches, largest = start_to_chart(store.url, runs, names, runs * 3)
            written, ten_took = ten_row_revision(store)
            whole, publish, bulk, indexed = upsert_vs_bulk(store, upsert_rows)
        figures += [
            Figure(
                f"{dialect}: app start to arc chart",
                big_start,
                "s",
                "the same with the curated data only",
                curated_start,
                "<= 2x the curated-only time",
                big_start <= 2 * curated_start,
                size,
                runs,
            ),
            Figure(
                f"{dialect}: company switch, large store",
                median(switches),
                "s",
                target="< 1 s",
                met=median(switches) < 1.0,
                detail="browser, from the click to the chart redrawn",
                runs=len(switches),
            ),
            Figure(
                f"{dialect}: largest trace sent",
                largest,
                "points",
                target="<= 5,000 per trace",
                met=largest <= 5_000,
                detail="over every chart of the arc page, after each switch",
            ),
            Figure(
                f"{dialect}: rows written by a 10-row revision",
                written,
                "rows",
                "rows changed",
                10,
                "in proportion to the change",
                written == 10,
                f"publish took {ten_took:.2f} s",
            ),
            Figure(
                f"{dialect}: publish {upsert_rows:,}-row upsert",
                publish,
                "s",
                "plain bulk insert of the same rows"
                + (" (COPY)" if dialect == "postgresql" else ""),
                bulk,
                "<= 1.5x the bulk insert",
                publish <= 1.5 * bulk,
                f"merge + diff + publish: {whole:.1f} s",
            ),
            Figure(
                f"{dialect}: publish vs indexed bulk insert",
                publish,
                "s",
                "the same rows bulk-inserted into a copy of the store's table, key index kept",
                indexed,
                "none (explains the above)",
                None,
                "the index every read by company needs is maintained by both",
            ),
        ]
    return figures
