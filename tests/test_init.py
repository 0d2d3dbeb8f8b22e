"""`headcount init` creates and seeds a store; nothing else does. Reads (the CLI's commands,
the pages, the data API) refuse an empty store naming `headcount init` and leave it empty; the
one exception is the app's first start on the embedded default SQLite store.

The CLI is called in-process (`cli.main`); stores are real SQLite files and PostgreSQL
databases."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from headcount import api, bootstrap, cli, feeds, settings
from headcount.outcomes import Published
from headcount.settings import CURATED_ENV, ROOT
from headcount.site import for_store
from headcount.store import STORE_ENV, Store
from tests.conftest import SettingsMonkeyPatch
from tests.csvtools import copy_curated, read_rows, with_cell
from validation.tables import TABLES

INIT_WITH_URL = "`uv run headcount init --store URL`"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def tables_in(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return sorted(sa.inspect(connection).get_table_names())
    finally:
        engine.dispose()


def notes(url: str) -> list[str]:
    store = Store(url)
    try:
        return [revision.note for revision in store.revisions()]
    finally:
        store.engine.dispose()


def curated_counts() -> str:
    return ", ".join(f"{len(read_rows(name))} {name}" for name in sorted(TABLES))


# -- the command ------------------------------------------------------------------------------


def test_init_creates_the_schema_and_publishes_the_curated_data_as_revision_1(store_url, capsys):
    code, out, _ = run_cli(capsys, "init", "--store", store_url)
    assert code == cli.EXIT_OK
    assert "Created the store's schema" in out
    assert f"Published the curated data as revision 1 ({curated_counts()})." in out
    store = Store(store_url)
    assert [r.id for r in store.revisions()] == [1]
    assert {name: frame.height for name, frame in store.read(1).items()} == {
        name: len(read_rows(name)) for name in TABLES
    }
    assert store.check() == []
    store.engine.dispose()


def test_init_on_an_initialised_store_changes_nothing_and_says_so(store_url, capsys):
    assert cli.main(["init", "--store", store_url]) == cli.EXIT_OK
    capsys.readouterr()
    before = Store(store_url).revision(1)
    code, out, _ = run_cli(capsys, "init", "--store", store_url)
    assert code == cli.EXIT_OK
    assert out.strip() == (
        "The store is already initialised: it holds revisions. Nothing was changed."
    )
    store = Store(store_url)
    assert [r.id for r in store.revisions()] == [1]
    assert store.revision(1) == before
    store.engine.dispose()


@pytest.mark.parametrize(
    ("version", "words"), [("s0001", "`headcount upgrade`"), ("s9999", "newer release")]
)
def test_init_on_a_store_behind_or_ahead_names_the_command_and_changes_nothing(
    tmp_path, capsys, version, words
):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    bootstrap.initialise(url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{version}'")
    code, out, err = run_cli(capsys, "init", "--store", url)
    assert code == cli.EXIT_SCHEMA
    assert words in err and out == ""
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [
            (version,)
        ]
        assert connection.exec_driver_sql("SELECT count(*) FROM revisions").scalar() == 1
    engine.dispose()


def test_init_with_invalid_curated_data_shows_the_problems_and_publishes_nothing(
    tmp_path, monkeypatch, capsys
):
    folder = copy_curated(tmp_path / "curated")
    data, line = with_cell("observations", 3, "date", "2024-02-31")
    (folder / "observations.csv").write_bytes(data)
    monkeypatch.setenv(CURATED_ENV, str(folder))
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"

    code, out, _ = run_cli(capsys, "init", "--store", url)
    assert code == cli.EXIT_INVALID
    assert "did not pass validation" in out
    problem = next(row for row in out.splitlines() if "2024-02-31" in row).split()
    assert problem[:4] == ["date.invalid", str(folder / "observations.csv"), str(line), "date"]
    assert notes(url) == []  # the schema exists, no revision does

    (folder / "observations.csv").write_bytes((ROOT / "data/curated/observations.csv").read_bytes())
    code, out, _ = run_cli(capsys, "init", "--store", url)  # fixed: init finishes the job
    assert code == cli.EXIT_OK and "Published the curated data as revision 1" in out
    assert "Created the store's schema" not in out


def test_two_inits_at_once_make_one_revision(store_url):
    done: list[bootstrap.Initialised] = []
    racers = [
        threading.Thread(target=lambda: done.append(bootstrap.initialise(store_url)))
        for _ in range(2)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert sorted(isinstance(d.seeded, Published) for d in done) == [False, True]
    assert sum(d.created_schema for d in done) == 1
    store = Store(store_url)
    assert [r.id for r in store.revisions()] == [1] and store.check() == []
    store.engine.dispose()


# -- reads never write --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [["history"], ["export", "--out", "OUT"], ["check-store"], ["upgrade"]]
)
def test_commands_on_an_empty_store_say_to_run_init_and_create_nothing(tmp_path, capsys, command):
    path = tmp_path / "never.sqlite"
    argv = [part.replace("OUT", str(tmp_path / "out")) for part in command]
    code, out, err = run_cli(capsys, *argv, "--store", f"sqlite:///{path}")
    assert code == cli.EXIT_SCHEMA
    assert INIT_WITH_URL in err and out == ""
    assert not path.exists()  # not even an empty file


def test_commands_on_an_empty_postgresql_database_leave_it_empty(postgres_url, capsys):
    for command in ("history", "check-store", "upgrade"):
        code, _, err = run_cli(capsys, command, "--store", postgres_url)
        assert code == cli.EXIT_SCHEMA and INIT_WITH_URL in err
    assert tables_in(postgres_url) == []


def test_the_data_api_on_an_empty_store_is_a_503_naming_init_and_creates_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'api.sqlite'}"
    for reply in (
        api._or_unavailable(lambda: api.table_reply("observations", "json", {}, for_store(url))),
        api._or_unavailable(lambda: api.revisions_reply("json", for_store(url))),
        api._or_unavailable(lambda: feeds.feed_reply(for_store(url))),
    ):
        assert reply.status == 503
        assert INIT_WITH_URL in json.loads(reply.body)["error"]
    assert not (tmp_path / "api.sqlite").exists()


# -- the app ------------------------------------------------------------------------------------


def open_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", [None, "history", "upload"])
def test_the_app_on_an_empty_store_given_by_url_says_to_run_init_and_leaves_it_empty(
    tmp_path, monkeypatch, page
):
    url = f"sqlite:///{tmp_path / 'deployed.sqlite'}"
    monkeypatch.setenv(STORE_ENV, url)
    at = open_app(page)
    assert not at.get("plotly_chart")
    assert any(INIT_WITH_URL in error.value for error in at.error), [e.value for e in at.error]
    assert not (tmp_path / "deployed.sqlite").exists()


def embedded_default(monkeypatch: SettingsMonkeyPatch, path: Path) -> str:
    """The app as on a fresh clone: no store configured, the default SQLite file (here in a
    temporary folder instead of var/)."""
    url = f"sqlite:///{path}"
    monkeypatch.setattr(settings, "DEFAULT_STORE_URL", url)
    monkeypatch.delenv(STORE_ENV)
    return url


def test_the_first_start_on_the_embedded_default_store_initialises_it(tmp_path, monkeypatch):
    url = embedded_default(monkeypatch, tmp_path / "var" / "headcount.sqlite")
    at = open_app()
    assert at.get("plotly_chart") and not at.error
    assert notes(url) == ["The curated dataset shipped with the app"]


def test_the_default_store_with_tables_but_no_revision_is_not_seeded_by_the_app(
    tmp_path, monkeypatch
):
    url = embedded_default(monkeypatch, tmp_path / "headcount.sqlite")
    bootstrap.initialise(url, seed=False)
    at = open_app()
    assert not at.get("plotly_chart")
    assert "`uv run headcount init`" in at.info[0].value
    assert notes(url) == []
