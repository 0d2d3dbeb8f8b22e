"""A store that is not ours, and input the store cannot hold (issue 25.9): a database of
another application (even one with a table named like ours), a file that is no database, a
malformed store URL, revision numbers beyond SQL's integers and notes with undecodable bytes
are refused with exit 3 or 4 and a message, never a traceback, and nothing is changed."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from headcount import api, cli
from headcount.site import for_store
from tests.test_cli import Cli

NOT_OURS = "not a headcount store"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def another_apps_database(path: Path) -> str:
    """A wiki's SQLite file: its own `revisions` table, its own data."""
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE revisions (id INTEGER PRIMARY KEY, page TEXT, body TEXT)")
        connection.execute("CREATE TABLE pages (id INTEGER PRIMARY KEY, title TEXT)")
        connection.execute("INSERT INTO revisions VALUES (1, 'Home', 'Welcome')")
    connection.close()
    return f"sqlite:///{path}"


@pytest.mark.parametrize("command", ["init", "upgrade", "history", "check-store"])
def test_another_applications_database_is_refused_untouched(tmp_path, run, command):
    path = tmp_path / "wiki.sqlite"
    url = another_apps_database(path)
    before = digest(path)
    ran = run.on(url, command)
    assert ran.returncode == cli.EXIT_SCHEMA, ran
    assert NOT_OURS in ran.stderr
    assert "upgrade`" not in ran.stderr and "Traceback" not in ran.stderr
    assert digest(path) == before


def test_another_applications_postgresql_database_is_refused_untouched(postgres_url, run):
    engine = sa.create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE revisions (id INTEGER PRIMARY KEY, body TEXT)"))
    for command in ("upgrade", "init"):
        ran = run.on(postgres_url, command)
        assert ran.returncode == cli.EXIT_SCHEMA and NOT_OURS in ran.stderr, ran
    with engine.connect() as connection:
        assert sa.inspect(connection).get_table_names() == ["revisions"]
    engine.dispose()


def test_a_database_with_other_tables_only_is_not_initialised_as_ours(tmp_path, run):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
    connection.close()
    before = digest(path)
    ran = run.on(f"sqlite:///{path}", "init")
    assert ran.returncode == cli.EXIT_SCHEMA and NOT_OURS in ran.stderr, ran
    assert digest(path) == before


def test_a_file_that_is_no_database_is_refused(tmp_path, run):
    path = tmp_path / "notes.sqlite"
    path.write_text("These are my notes, not a database.\n" * 100)
    ran = run.on(f"sqlite:///{path}", "history")
    assert ran.returncode == cli.EXIT_STORE, ran
    assert "not a SQLite database" in ran.stderr and "Traceback" not in ran.stderr
    assert path.read_text().startswith("These are my notes")


@pytest.mark.parametrize(
    "url",
    ["foo", "foo://x", "sqlite:/x", "postgresql://u@h:abc/db", "mysql://u@h/db"],
)
def test_a_malformed_store_url_is_refused_with_what_to_write(run, url):
    ran = run.on(url, "history")
    assert ran.returncode == cli.EXIT_STORE, ran
    assert "store URL" in ran.stderr and "sqlite:///" in ran.stderr
    assert url not in ran.stderr  # it may hold a password


def test_the_data_api_refuses_another_applications_database(tmp_path):
    url = another_apps_database(tmp_path / "wiki.sqlite")
    reply = api._or_unavailable(lambda: api.revisions_reply("json", for_store(url)))
    assert reply.status == 503 and NOT_OURS in reply.body.decode()


@pytest.mark.parametrize("command", [["diff"], ["rollback", "--note", "n"], ["export", "--rev"]])
@pytest.mark.parametrize("number", [str(2**63), "9" * 5000, "\u0663"])
def test_a_revision_number_beyond_any_store_is_refused(
    isolated_store, tmp_path, run, command, number
):
    argv = [*command, number]
    if command[0] == "export":
        argv += ["--out", str(tmp_path / "out")]
    ran = run.on(isolated_store, *argv)
    assert ran.returncode in (cli.EXIT_INVALID, 2), ran  # argparse's usage error is 2
    assert "is not a revision number" in ran.stderr + ran.stdout
    assert "Traceback" not in ran.stderr
