"""The real parts tests and benchmarks run against: the app under `streamlit run` on a
loopback port, the system Chromium, and throwaway PostgreSQL databases."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

from headcount import bootstrap
from headcount.settings import ROOT, STORE_ENV

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
# A thorough run (HEADCOUNT_THOROUGH=1: before a release, or after touching publishing or the
# benchmarks) tries more crashes and races and runs every benchmark's smoke test; the default
# sizes keep the suite within its ten minutes on two cores.
THOROUGH = os.environ.get("HEADCOUNT_THOROUGH") == "1"
# The app's root element says where its script run is ("initial" before the first, then
# "running" and "notRunning"); Streamlit's own end-to-end tests wait on it. The status widget
# is no such signal: it only appears once a run has lasted half a second.
RUN_OVER = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PG_ADMIN = os.environ.get(
    "HEADCOUNT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


WORKBOOK_BUTTON = "Download every table (Excel)"  # views/explorer.py


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen) -> None:
    """Ask a server to stop; after 10 s, make it."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


class AppServer:
    """`streamlit run app.py` on a free loopback port, stopped when the fixture ends.

    As a deploy does, the store the app is given (``env``'s HEADCOUNT_STORE_URL, else this
    process's) is first initialised, `headcount init`: the app itself refuses an empty store
    given by URL. ``initialise=False`` starts the app on the store as it is."""

    def __init__(
        self,
        env: dict[str, str] | None = None,
        args: tuple[str, ...] = (),
        port: int | None = None,
        script: str | None = None,
        initialise: bool = True,
        cwd: Path = ROOT,
        unset: tuple[str, ...] = (),
    ) -> None:
        """``cwd``: where the server runs (Streamlit reads ``.streamlit/`` there: a test's own
        secrets); ``unset``: variables of this process's environment the server does not get."""
        url = (env or {}).get(STORE_ENV) or (
            os.environ.get(STORE_ENV) if STORE_ENV not in unset else None
        )
        if script is None and initialise and url:
            bootstrap.initialise(url)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ARTIFACTS / f"streamlit-{self.port}.log"
        ARTIFACTS.mkdir(exist_ok=True)
        script = str(ROOT / "app.py") if script is None else script
        command = [
            sys.executable, "-m", "streamlit", "run", script,
            "--server.headless", "true",
            # No --server.address: .streamlit/config.toml's loopback default is tested as the
            # README's plain `streamlit run app.py` gets it.
            "--server.port", str(self.port),
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            *args,
        ]  # fmt: skip
        inherited = {k: v for k, v in os.environ.items() if k not in unset}
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**inherited, **(env or {})},
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait()
        except BaseException:
            self.stop()  # a server that never came up is not left running
            raise

    def _wait(self, timeout: float = 180) -> None:
        """Until the server answers its health check. Generous: on a machine that others load
        too, a start has taken over a minute; a server that never comes up fails all the same."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"streamlit did not become healthy in {timeout}s; see {self.log}")

    def stop(self) -> None:
        stop_process(self.process)


def wait_for_run(page: Page, timeout: float = 60_000) -> None:
    """Until the script run a page load started is over, so every element it sends is on the
    page. (After a click, the old run's "notRunning" may still be showing: wait for what the
    click changes instead.)"""
    page.wait_for_selector(RUN_OVER, state="attached", timeout=timeout)


def trace_of(chart: Locator, index: int) -> Locator:
    """A Plotly chart's trace ``index`` (its place in the figure's data) as drawn: a trace with
    a zorder above 0 has a layer of its own, so its place in the page is not its index."""
    traces = chart.locator("g.trace.scatter")
    found = traces.evaluate_all(
        f"(ts) => ts.findIndex(t => t.__data__ && t.__data__[0].trace.index === {index})"
    )
    assert found >= 0, f"no trace {index} drawn"
    return traces.nth(found)


def downloaded_workbook(page: Page, url: str, folder: Path) -> Path:
    """The Explorer's Excel download of every table, saved in ``folder`` under its name."""
    page.goto(f"{url}/explorer")
    button = page.get_by_role("button", name=WORKBOOK_BUTTON)
    button.wait_for(timeout=90_000)
    with page.expect_download(timeout=60_000) as download:
        button.click()
    saved = folder / download.value.suggested_filename
    download.value.save_as(saved)
    return saved


@contextmanager
def launched_chromium(path: str) -> Iterator[Browser]:
    """The system Chromium under Playwright, with the flags this closed network needs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _admin(statement: str) -> None:
    """Run one statement on the PostgreSQL server's admin database (outside a transaction,
    as CREATE and DROP DATABASE require)."""
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(statement))
    finally:
        admin.dispose()


def create_database(prefix: str) -> str:
    """A new, empty PostgreSQL database; its URL. Raises sa.exc.OperationalError if the
    server cannot be reached."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
