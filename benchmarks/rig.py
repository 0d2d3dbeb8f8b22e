"""The servers and the browser the browser benchmarks run against, started and stopped in one
place.

A `Rig` holds, for one run of `python -m benchmarks`: the app on one throwaway SQLite store
(initialised with the curated data, as a deploy is), the bare floor pages beside it (one server
per script and environment) and one headless Chromium. Each is started on first use and stopped
when the run ends, so that pages and review, run together, share the app's server and the
browser instead of starting their own. Both only read the store (the review stops at its
Publish button), and each takes a warm-up run before it measures, so sharing changes no figure:
it saves a server start, a store set-up and a browser launch. The api benchmark's quick (smoke)
run takes the app from here too; its full run starts its own.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from harness import AppServer, chromium_path, launched_chromium
from headcount.store import STORE_ENV

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@contextmanager
def browser() -> Iterator[Browser]:
    """A Chromium of its own, for a benchmark that times launches (scale)."""
    path = chromium_path()
    if path is None:
        raise SystemExit("Chromium is needed: apt-get install chromium")
    with launched_chromium(path) as chromium:
        yield chromium


class Rig:
    def __init__(self, stack: ExitStack, folder: Path) -> None:
        self._stack = stack
        self.store_url = f"sqlite:///{folder}/bench.sqlite"
        self._app: AppServer | None = None
        self._bare: dict[tuple[str, tuple[tuple[str, str], ...]], AppServer] = {}
        self._browser: Browser | None = None

    def _started(self, server: AppServer) -> AppServer:
        self._stack.callback(server.stop)
        return server

    def app(self) -> AppServer:
        """The app on the rig's store."""
        if self._app is None:
            self._app = self._started(AppServer(env={STORE_ENV: self.store_url}))
        return self._app

    def bare(self, script: str, env: dict[str, str] | None = None) -> AppServer:
        """A bare floor page: ``script`` served with ``env`` added to the environment."""
        key = (script, tuple(sorted((env or {}).items())))
        if key not in self._bare:
            self._bare[key] = self._started(AppServer(env=env, script=script))
        return self._bare[key]

    def browser(self) -> Browser:
        if self._browser is None:
            self._browser = self._stack.enter_context(browser())
        return self._browser


_shared: Rig | None = None


@contextmanager
def _new() -> Iterator[Rig]:
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        yield Rig(stack, Path(folder))


@contextmanager
def shared() -> Iterator[Rig]:
    """One rig for every benchmark run inside: what `python -m benchmarks` opens."""
    global _shared
    with _new() as rig:
        _shared = rig
        try:
            yield rig
        finally:
            _shared = None


@contextmanager
def rig() -> Iterator[Rig]:
    """The run's shared rig, or, outside `shared()` (a benchmark's `run` called on its own),
    one for the caller alone, stopped when it is done."""
    if _shared is not None:
        yield _shared
        return
    with _new() as own:
        yield own
