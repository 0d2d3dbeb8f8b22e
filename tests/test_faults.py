"""Faults of the store's medium (issue 12.9): a full disk, a read-only or locked SQLite file,
an unreachable PostgreSQL server and a connection killed mid-query. Each ends, on the pages and
in the CLI, in a short message saying what happened and what to do: no traceback, no path or
address, nothing written.

Tests run as root, so a chmod would not stop a write: the read-only and full disks are real
tmpfs mounts (a read-only remount, and one filled to the last byte)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from harness import PG_ADMIN, AppServer, free_port
from headcount import bootstrap, cli, faults
from headcount.settings import ROOT
from headcount.store import STORE_ENV, Store
from tests.conftest import missing
from tests.csvtools import with_cell
from tests.test_analyst_pages import ANALYST, ANALYSTS, AUTH, publish_button

PAGES = ("arc", "explorer", "sources", "upload", "history")
LEAKS = ("Traceback", "sqlalchemy", "psycopg", "sqlite3", "/tmp", "127.0.0.1", 'File "')


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A store holding the curated revision 1, to copy onto the faulty disks."""
    path = tmp_path_factory.mktemp("seeded") / "store.sqlite"
    bootstrap.initialise(f"sqlite:///{path}")
    store = Store(f"sqlite:///{path}")
    store.engine.dispose()
    return path


@contextmanager
def tmpfs(size: int) -> Iterator[Path]:
    mount = Path(f"/tmp/headcount-faults-{os.getpid()}-{free_port()}")
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        mount.rmdir()
        missing("mount", f"cannot mount a tmpfs (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)
        mount.rmdir()


@contextmanager
def read_only_store(seeded: Path) -> Iterator[str]:
    with tmpfs(4 * seeded.stat().st_size) as mount:
        shutil.copy(seeded, mount / "store.sqlite")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield f"sqlite:///{mount / 'store.sqlite'}"


@contextmanager
def full_store(seeded: Path) -> Iterator[str]:
    with tmpfs(seeded.stat().st_size + 64 * 1024) as mount:
        shutil.copy(seeded, mount / "store.sqlite")
        filler = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(filler, b"\0" * 512)
        except OSError as error:
            assert error.errno == 28  # ENOSPC: the disk is now full
        finally:
            os.close(filler)
        yield f"sqlite:///{mount / 'store.sqlite'}"


def revisions(url: str) -> list[int]:
    store = Store(url)
    try:
        return [r.id for r in store.revisions()]
    finally:
        store.engine.dispose()


def changed_file(tmp_path: Path) -> Path:
    # A note, not a value: a value in no quote would add a warning to acknowledge.
    data, _ = with_cell("observations", 3, "note", "corrected on a failing disk")
    path = tmp_path / "observations.csv"
    path.write_bytes(data)
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def assert_no_leak(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text, (leak, text)


def page_text(at: AppTest) -> str:
    parts = [e.value for e in (*at.error, *at.warning, *at.info, *at.success)]
    parts += [m.value for m in (*at.markdown, *at.caption)]
    parts += [f"{e.message} {e.stack_trace}" for e in at.exception]
    return "\n".join(str(p) for p in parts)


def open_page(page: str, signed_in: bool = False) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    if signed_in:
        at.secrets["auth"] = AUTH
        at.secrets["analysts"] = ANALYSTS
        at.user = ANALYST
    at.run()
    if page != "arc":
        at.switch_page(f"views/{page}.py").run()
    return at


# -- unreachable PostgreSQL ---------------------------------------------------------------


@pytest.fixture
def unreachable(monkeypatch) -> str:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/headcount"  # a closed port
    monkeypatch.setenv(STORE_ENV, url)
    return url


@pytest.mark.parametrize("page", PAGES)
def test_an_unreachable_database_is_a_message_on_every_page(unreachable, page):
    at = open_page(page)
    assert not at.exception
    assert faults.UNREACHABLE.what in at.error[0].value
    assert "names the right host, port" in at.error[0].value
    assert_no_leak(page_text(at))


def test_an_unreachable_database_is_a_message_in_the_cli(unreachable, capsys):
    code, said = run_cli(capsys, "history", "--store", unreachable)
    assert code == cli.EXIT_STORE
    assert faults.UNREACHABLE.what in said
    assert_no_leak(said)


# -- read-only and full disks ---------------------------------------------------------------


def test_a_read_only_store_refuses_a_publish_in_the_cli(seeded, tmp_path, capsys):
    with read_only_store(seeded) as url:
        code, said = run_cli(
            capsys, "publish", str(changed_file(tmp_path)), "--note", "x", "--store", url
        )
        assert code == cli.EXIT_STORE
        assert faults.READ_ONLY.what in said and faults.NOTHING_WRITTEN in said
        assert_no_leak(said)
        assert revisions(url) == [1]


def test_a_read_only_store_is_still_shown_and_refuses_a_publish_on_the_page(
    seeded, tmp_path, monkeypatch
):
    with read_only_store(seeded) as url:
        monkeypatch.setenv(STORE_ENV, url)
        arc = open_page("arc")
        assert not arc.exception and not arc.error  # reading needs no write
        at = open_page("upload", signed_in=True)
        at.file_uploader(key="uploads").upload(
            "observations.csv", changed_file(tmp_path).read_bytes(), "text/csv"
        ).run()
        at.text_input(key="publish_note").input("on a read-only disk").run()
        publish_button(at).click().run()
        assert not at.exception
        assert faults.READ_ONLY.what in at.error[-1].value
        assert_no_leak(page_text(at))
        assert revisions(url) == [1]


def test_a_full_disk_refuses_a_publish_in_the_cli_and_keeps_the_store_whole(
    seeded, tmp_path, capsys
):
    with full_store(seeded) as url:
        code, said = run_cli(
            capsys, "publish", str(changed_file(tmp_path)), "--note", "x", "--store", url
        )
        assert code == cli.EXIT_STORE
        assert faults.FULL.what in said and "Free space" in said
        assert_no_leak(said)
        assert revisions(url) == [1]
        code, said = run_cli(capsys, "check-store", "--store", url)
        assert code == cli.EXIT_OK, said


def test_a_full_disk_refuses_a_publish_on_the_page(seeded, tmp_path, monkeypatch):
    with full_store(seeded) as url:
        monkeypatch.setenv(STORE_ENV, url)
        at = open_page("upload", signed_in=True)
        at.file_uploader(key="uploads").upload(
            "observations.csv", changed_file(tmp_path).read_bytes(), "text/csv"
        ).run()
        at.text_input(key="publish_note").input("on a full disk").run()
        publish_button(at).click().run()
        assert not at.exception
        assert faults.FULL.what in at.error[-1].value
        assert_no_leak(page_text(at))
        assert revisions(url) == [1]


# -- a locked SQLite file ---------------------------------------------------------------------


def test_a_store_locked_by_another_program_is_a_message_after_the_wait(
    seeded, tmp_path, capsys, monkeypatch
):
    """Another program holds BEGIN EXCLUSIVE for longer than the store waits (60 s by
    default; 3 s here, so the suite does not sit out the whole minute)."""
    monkeypatch.setenv("HEADCOUNT_SQLITE_BUSY_SECONDS", "3")
    path = tmp_path / "store.sqlite"
    shutil.copy(seeded, path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        code, said = run_cli(
            capsys, "publish", str(changed_file(tmp_path)), "--note", "x", "--store",
            f"sqlite:///{path}",
        )  # fmt: skip
        assert time.monotonic() - started >= 2.9  # it waited for the lock first
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == cli.EXIT_STORE
    assert faults.LOCKED.what in said and "Try again" in said
    assert_no_leak(said)
    assert revisions(f"sqlite:///{path}") == [1]


# -- a PostgreSQL connection killed mid-query ------------------------------------------------


@contextmanager
def killed_mid_query(url: str) -> Iterator[threading.Thread]:
    """Lock the revisions table from another session; as soon as a session of the app waits
    on that lock, terminate its backend (as a restart or an administrator would), then let go."""
    database = url.rsplit("/", 1)[1]
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    locker = sa.create_engine(url)
    connection = locker.connect()
    transaction = connection.begin()
    connection.execute(sa.text("LOCK TABLE revisions IN ACCESS EXCLUSIVE MODE"))
    killed: list[int] = []

    def kill() -> None:
        deadline = time.monotonic() + 120
        with admin.connect() as watch:
            while not killed and time.monotonic() < deadline:
                waiting = watch.execute(
                    sa.text(
                        "SELECT pid FROM pg_stat_activity WHERE datname = :db "
                        "AND wait_event_type = 'Lock'"
                    ),
                    {"db": database},
                ).scalars()
                for pid in waiting:
                    watch.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                    killed.append(pid)
                time.sleep(0.1)

    killer = threading.Thread(target=kill, daemon=True)
    killer.start()
    try:
        yield killer
    finally:
        killer.join(130)
        transaction.rollback()
        connection.close()
        locker.dispose()
        admin.dispose()
    assert killed, "no session of the app ever waited on the lock"


def test_a_connection_killed_mid_query_is_a_message_in_the_cli(postgres_url, capsys):
    bootstrap.initialise(postgres_url)
    store = Store(postgres_url)
    store.engine.dispose()
    with killed_mid_query(postgres_url):
        code, said = run_cli(capsys, "history", "--store", postgres_url)
    assert code == cli.EXIT_STORE
    assert faults.LOST.what in said and "Reload" in said
    assert_no_leak(said)


def test_a_connection_killed_mid_query_is_a_message_on_the_page(postgres_url, monkeypatch):
    bootstrap.initialise(postgres_url)
    store = Store(postgres_url)
    store.engine.dispose()
    monkeypatch.setenv(STORE_ENV, postgres_url)
    at = open_page("history")
    assert not at.exception and not at.error
    with killed_mid_query(postgres_url):
        at.run()
    assert not at.exception
    assert faults.LOST.what in at.error[0].value
    assert_no_leak(page_text(at))
    at.run()  # the next run reconnects
    assert not at.exception and not at.error


def test_errors_that_are_not_the_stores_still_fail_loudly(tmp_path):
    """A refused connection to something else, or a bug in a query, is not a store fault."""
    assert faults.describe(ConnectionRefusedError(111, "Connection refused")) is None
    assert faults.describe(ValueError("year 0 is out of range")) is None
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with pytest.raises(sa.exc.OperationalError) as raised, engine.connect() as connection:
        connection.execute(sa.text("SELECT * FROM no_such_table"))
    engine.dispose()
    assert faults.describe(raised.value) is None


def test_faults_are_told_by_the_drivers_codes_not_their_wording(tmp_path, postgres_url):
    """An error whose wording names none of the old signs: PostgreSQL's lock timeout
    ("canceling statement due to lock timeout", SQLSTATE 55P03, while another program holds
    the table) is the busy store by its code. SQLite's result code names a file that is not a
    database."""
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as holder, engine.connect() as waiter:
            holder.execute(sa.text("CREATE TABLE notes (line text)"))
            holder.commit()
            holder.execute(sa.text("LOCK TABLE notes IN ACCESS EXCLUSIVE MODE"))
            waiter.execute(sa.text("SET lock_timeout = '200ms'"))
            with pytest.raises(sa.exc.OperationalError) as waited:
                waiter.execute(sa.text("SELECT * FROM notes"))
            holder.rollback()
    finally:
        engine.dispose()
    assert getattr(waited.value.orig, "sqlstate", None) == "55P03"
    assert faults.describe(waited.value) is faults.LOCKED

    other = tmp_path / "notes.sqlite"
    other.write_bytes(b"these are notes, not a database\n" * 200)
    with pytest.raises(sqlite3.DatabaseError) as unreadable:
        sqlite3.connect(other).execute("SELECT * FROM sqlite_master")
    assert faults.describe(unreadable.value) is faults.NOT_A_DATABASE


@pytest.mark.browser
def test_an_unforeseen_error_shows_no_message_or_traceback_to_the_viewer(page, tmp_path):
    """The project's config (client.showErrorDetails) redacts what a bug would show."""
    script = tmp_path / "bug.py"
    script.write_text(f'raise ValueError("cannot read {tmp_path}/secret.sqlite")\n')
    server = AppServer(script=str(script))
    try:
        page.goto(server.url)
        shown = page.locator("[data-testid='stException']")
        shown.wait_for(timeout=60_000)
        text = shown.inner_text()
    finally:
        server.stop()
    assert "redacted" in text
    assert "secret.sqlite" not in text and str(tmp_path) not in text
    assert "Traceback" not in text and "ValueError" not in text
