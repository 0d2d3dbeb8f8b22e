"""The app's settings: one frozen object, read from the environment in this one place.

    HEADCOUNT_STORE_URL       the store (default: the SQLite file var/headcount.sqlite)
    HEADCOUNT_CURATED_DIR     the curated CSVs `headcount init` loads (default: data/curated)
    HEADCOUNT_MAX_UPLOAD_MB   the largest upload accepted (default: 200)
    HEADCOUNT_SQLITE_BUSY_SECONDS  how long a SQLite store waits for another writer's lock
                              before it says the store is locked (default: 60)

Where a setting can also come from Streamlit's secrets (the store: ``[store] url``, as a
Community Cloud deployer sets it), the environment comes first, then the secrets, then the
default: `from_environment(environ, secrets)` is that one rule. `current()` is the command
line's reading (the environment alone, once per process); the app's server reads its secrets
as well (ui/server.py) and hands the result to its one site (headcount/site.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORE_ENV = "HEADCOUNT_STORE_URL"
CURATED_ENV = "HEADCOUNT_CURATED_DIR"
MAX_MB_ENV = "HEADCOUNT_MAX_UPLOAD_MB"
BUSY_ENV = "HEADCOUNT_SQLITE_BUSY_SECONDS"
# The embedded store a fresh clone runs on: kept out of git in var/.
DEFAULT_STORE_PATH = ROOT / "var" / "headcount.sqlite"
DEFAULT_STORE_URL = f"sqlite:///{DEFAULT_STORE_PATH}"
DEFAULT_CURATED_DIR = ROOT / "data" / "curated"
# The same number as server.maxUploadSize in .streamlit/config.toml, which already stops
# larger files in the browser.
DEFAULT_MAX_MB = 200.0
# Long enough for another publish of millions of rows to finish; a person is told after it.
DEFAULT_BUSY_SECONDS = 60.0


@dataclass(frozen=True)
class Settings:
    store_url: str  # as configured, or the embedded default
    curated_dir: Path
    max_upload_mb: float
    sqlite_busy_seconds: float = DEFAULT_BUSY_SECONDS

    @property
    def store_is_default(self) -> bool:
        """True when the store is the embedded SQLite file nobody configured."""
        return self.store_url == DEFAULT_STORE_URL


def from_environment(
    environ: Mapping[str, str], secrets: Mapping[str, object] | None = None
) -> Settings:
    """The settings from the environment, then Streamlit's ``secrets`` (read by the caller;
    this module does not import Streamlit), then the defaults."""
    return Settings(
        store_url=environ.get(STORE_ENV) or _secret_store_url(secrets) or DEFAULT_STORE_URL,
        curated_dir=Path(environ.get(CURATED_ENV) or DEFAULT_CURATED_DIR),
        max_upload_mb=_number(environ.get(MAX_MB_ENV), DEFAULT_MAX_MB),
        sqlite_busy_seconds=_number(environ.get(BUSY_ENV), DEFAULT_BUSY_SECONDS),
    )


@cache
def current() -> Settings:
    """This process's settings, read from its environment on first use."""
    return from_environment(os.environ)


def reread() -> None:
    """Forget the settings read, so the next `current()` reads the environment again: for
    tests and benchmarks that change it between runs in one process."""
    current.cache_clear()


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite store (None: another database, or SQLite in memory)."""
    if not url.startswith("sqlite:///"):
        return None
    path = url.removeprefix("sqlite:///").split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def missing_sqlite_file(url: str) -> bool:
    """A SQLite store whose file does not exist: an empty store, known without opening it
    (connecting would create the file; the store refuses it as not initialised)."""
    path = sqlite_path(url)
    return path is not None and not path.exists()


def _secret_store_url(secrets: Mapping[str, object] | None) -> str | None:
    section = (secrets or {}).get("store")
    url = section.get("url") if isinstance(section, Mapping) else None
    return str(url) if url else None


def _number(text: str | None, default: float) -> float:
    try:
        return float(text or default)
    except ValueError:
        return default
