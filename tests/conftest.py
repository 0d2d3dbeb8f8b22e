"""Shared fixtures: the running app for browser tests, and the rule that in CI a missing
browser or database is a failure, not a skip."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
import sqlalchemy as sa

from harness import (
    ARTIFACTS,
    PG_ADMIN,
    AppServer,
    chromium_path,
    create_database,
    drop_database,
    free_port,
    launched_chromium,
)
from headcount import bootstrap, settings
from headcount.outcomes import Published
from headcount.store import STORE_ENV
from tests import schedule

__all__ = ["ARTIFACTS", "AppServer", "free_port"]


def missing(tool: str, why: str) -> NoReturn:
    """Skip on a developer's machine; fail where HEADCOUNT_REQUIRE_<TOOL>=1 (CI)."""
    if os.environ.get(f"HEADCOUNT_REQUIRE_{tool.upper()}") == "1":
        pytest.fail(f"{tool} is required here (HEADCOUNT_REQUIRE_{tool.upper()}=1): {why}")
    pytest.skip(f"{tool} not available: {why}")


@pytest.fixture(scope="session", autouse=True)
def isolated_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Every test (and every server a test starts) uses a throwaway store, never var/,
    initialised once (as `headcount init` does) so that pages and servers have data."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'headcount.sqlite'}"
    previous = os.environ.get(STORE_ENV)
    os.environ[STORE_ENV] = url
    settings.reread()
    done = bootstrap.initialise(url)
    assert isinstance(done.seeded, Published), done.seeded
    yield url
    if previous is None:
        os.environ.pop(STORE_ENV, None)
    else:
        os.environ[STORE_ENV] = previous
    settings.reread()


class SettingsMonkeyPatch:
    """pytest's monkeypatch, but the app's settings (read once per process) are read again
    whenever a test changes the environment, and once more when the change is undone.
    (pytest's MonkeyPatch is final: this wraps one.)"""

    def __init__(self) -> None:
        self.patch = pytest.MonkeyPatch()

    def setenv(self, name: str, value: str, prepend: str | None = None) -> None:
        self.patch.setenv(name, value, prepend)
        settings.reread()

    def delenv(self, name: str, raising: bool = True) -> None:
        self.patch.delenv(name, raising)
        settings.reread()

    def __getattr__(self, name: str) -> Any:  # setattr, chdir, undo, ...
        return getattr(self.patch, name)


@pytest.fixture
def monkeypatch() -> Iterator[SettingsMonkeyPatch]:
    patch = SettingsMonkeyPatch()
    yield patch
    patch.patch.undo()
    settings.reread()


@pytest.fixture(scope="session")
def app_server() -> Iterator[AppServer]:
    server = AppServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        missing("browser", "no Chromium at /usr/bin/chromium (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        missing("browser", "playwright is not installed")
    with launched_chromium(path) as chromium:
        yield chromium


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    try:
        url = create_database("headcount_test")
    except sa.exc.OperationalError as error:
        missing("postgres", f"cannot reach {PG_ADMIN}: {error.orig}")
    yield url
    drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs against a SQLite file and against a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("postgres_url")


# Tests that start a server, a browser, other processes or many generated cases: left out by
# `uv run pytest -m "not slow"`, the quick loop while working (the whole suite runs in CI).
# Any other test whose measured cost (--durations) puts it among the loop's costliest carries
# @pytest.mark.slow itself.
SLOW_MODULES = {
    "test_benchmarks",
    "test_crashes",
    "test_faults",
    "test_properties",
    "test_links",
    "test_upgrade",
    "test_upload_memory",
    "test_bad_input",
    "test_judge",
    "test_site",
}
SLOW_FIXTURES = {"browser", "page", "app_server", "postgres_url"}


def module_of(item: pytest.Item) -> str:
    owner = getattr(item, "module", None)
    return owner.__name__.rsplit(".", 1)[-1] if owner else ""


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Iterator[None]:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        postgres = "postgresql" in item.name
        if module_of(item) in SLOW_MODULES or fixtures & SLOW_FIXTURES or postgres:
            item.add_marker(pytest.mark.slow)
    yield  # -m and -k deselect
    # On xdist's workers (each collects the same tests and orders them alike): shares of even
    # seconds, longest first, so that the run does not end on one worker's long test.
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    modules = [module_of(item) for item in items]
    slow = [item.get_closest_marker("slow") is not None for item in items]
    items[:] = schedule.balanced(items, modules, slow, workers)
