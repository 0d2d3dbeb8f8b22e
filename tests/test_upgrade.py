"""A store written by the 2026-11-21 release (commit eb70d08, before the `attribution` column
and before schema versions) upgrades to today's schema with every revision intact, on SQLite and
PostgreSQL; until then it is refused with a message naming `headcount upgrade`.

The old store is made by that commit's own code, run from `git archive` in a subprocess."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from streamlit.testing.v1 import AppTest

from headcount import bootstrap, cli, ingest
from headcount.outcomes import Published
from headcount.schema import SchemaMismatch
from headcount.settings import ROOT
from headcount.store import STORE_ENV, Store
from tests.conftest import missing
from tests.csvtools import read_rows, to_csv
from validation import parse
from validation.tables import TABLES

RELEASE = "eb70d08"  # 2026-11-21

# Run with the release's code first on the path: seed, two publishes and a rollback, then each
# revision written out exactly (Parquet) as that code reads it.
BUILD = textwrap.dedent(
    """
    import sys
    import polars as pl
    from headcount import diff, ingest
    from headcount.store import STORE_ENV, Store

    url, out = sys.argv[1], sys.argv[2]
    store = Store(url)
    assert ingest.seed(store).height == 0
    one = store.read(1)
    first3 = pl.int_range(pl.len()) < 3
    values = pl.when(first3).then(pl.col("value") + 1).otherwise(pl.col("value")).alias("value")
    two = {**one, "observations": one["observations"].with_columns(values)}
    store.publish(two, diff.diff(one, two), 1, "ana", "three values")
    three = {**two, "events": two["events"].head(-2)}
    store.publish(three, diff.diff(two, three), 2, "ana", "two events fewer")
    ingest.rollback(store, 1, "ana", "back to the seed")
    for revision in range(1, 5):
        for name, frame in store.read(revision).items():
            frame.write_parquet(f"{out}/{revision}-{name}.parquet")
    """
)


@pytest.fixture(scope="module")
def release_code(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp(RELEASE)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", RELEASE], capture_output=True
    )
    if archive.returncode:
        missing("git", f"commit {RELEASE} is not in this clone: {archive.stderr.decode()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def built_by_the_release(code: Path, url: str, out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(code), "HEADCOUNT_STORE_URL": url}
    done = subprocess.run(
        [sys.executable, "-c", BUILD, url, str(out)],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_a_store_of_the_last_release_is_refused_then_upgraded_with_every_revision_intact(
    release_code, store_url, tmp_path, capsys
):
    built_by_the_release(release_code, store_url, tmp_path)

    # Before the upgrade: a message that names the command, no traceback, nothing changed.
    with pytest.raises(SchemaMismatch, match="headcount upgrade"):
        Store(store_url)
    assert cli.main(["history", "--store", store_url]) == cli.EXIT_SCHEMA
    told = capsys.readouterr()
    assert "`headcount upgrade`" in told.err and "no such column" not in told.err + told.out

    assert cli.main(["upgrade", "--store", store_url]) == cli.EXIT_OK
    told = capsys.readouterr().out
    assert "Upgraded the store's schema from no version to version" in told
    assert "Consistent: 4 revision(s)" in told

    store = Store(store_url)
    assert [r.note for r in store.revisions()] == [
        ingest.SEED_NOTE,
        "three values",
        "two events fewer",
        "back to the seed",
    ]
    for revision in range(1, 5):
        found = store.read(revision)
        assert found["notices"].height == 0  # a table added since: the release had none
        for name, table in TABLES.items():
            if name == "notices":
                continue
            before = pl.read_parquet(tmp_path / f"{revision}-{name}.parquet")
            columns = list(before.columns)
            extra = [c for c in table.column_names if c not in columns]
            added = {"observations": ["attribution", "scope"], "events": ["attribution", "answers"]}
            assert extra == added.get(name, [])
            assert_frame_equal(
                found[name].select(columns).sort(columns, nulls_last=True),
                before.sort(columns, nulls_last=True),
                check_exact=True,
            )
            for column in extra:  # rows published before the column have no value there
                assert found[name].get_column(column).is_null().all()
    assert store.check() == []
    assert [r.acknowledged for r in store.revisions()] == [None] * 4  # none were asked then

    # The new column in use: a claim with its cause, published on top of the old history.
    event = {**read_rows("events")[0], "title": "A claim with its cause"}
    event["attribution"] = "ai_does_work"
    files = [parse.parse("events.csv", to_csv([event]))]
    proposal = ingest.prepare(files, store, "upsert")
    assert proposal.ok, proposal.problems
    outcome = ingest.publish(proposal, store, "ana", "attributed", acknowledge=True)
    assert isinstance(outcome, Published), outcome
    events = store.read(outcome.revision.id)["events"]
    attributed = events.filter(pl.col("title") == "A claim with its cause")
    assert attributed.get_column("attribution").to_list() == ["ai_does_work"]
    assert store.check() == []
    # And a figure of part of a company, with its scope.
    part = {**read_rows("observations")[0], "basis": "office staff", "scope": "corporate staff"}
    files = [parse.parse("observations.csv", to_csv([part]))]
    proposal = ingest.prepare(files, store, "upsert")
    assert proposal.ok, proposal.problems
    outcome = ingest.publish(proposal, store, "ana", "a part", acknowledge=True)
    assert isinstance(outcome, Published), outcome
    rows = store.read(outcome.revision.id)["observations"]
    assert rows.filter(pl.col("basis") == "office staff")["scope"].to_list() == ["corporate staff"]
    assert store.check() == []
    assert cli.main(["upgrade", "--store", store_url]) == cli.EXIT_OK
    assert "up to date" in capsys.readouterr().out
    store.engine.dispose()


@pytest.mark.parametrize("page", [None, "history", "upload"])
def test_the_app_on_a_store_behind_says_to_run_headcount_upgrade(tmp_path, monkeypatch, page):
    url = f"sqlite:///{tmp_path / 'behind.sqlite'}"
    bootstrap.initialise(url)
    store = Store(url)
    with store.engine.begin() as connection:  # as if made by the release before s0002
        connection.exec_driver_sql("ALTER TABLE rows_events DROP COLUMN attribution")
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 's0001'")
    store.engine.dispose()
    monkeypatch.setenv(STORE_ENV, url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    errors = [element.value for element in at.error]
    assert any("`headcount upgrade`" in text for text in errors), errors
    assert not any("no such column" in text for text in errors)


def test_a_store_upgraded_by_a_newer_release_is_refused_and_left_alone(store_url, capsys):
    bootstrap.initialise(store_url)
    store = Store(store_url)
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 's9999'")
    store.engine.dispose()
    with pytest.raises(SchemaMismatch, match="newer release"):
        Store(store_url)
    assert cli.main(["upgrade", "--store", store_url]) == cli.EXIT_SCHEMA
    assert "s9999" in capsys.readouterr().err
    left = Store(store_url, as_is=True)
    with left.engine.connect() as connection:
        found = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    left.engine.dispose()
    assert found == [("s9999",)]
