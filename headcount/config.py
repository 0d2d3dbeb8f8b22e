"""Where the app finds its data; one place, overridable by environment for tests and deployments."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CURATED_ENV = "HEADCOUNT_CURATED_DIR"


def curated_dir() -> Path:
    """The folder holding observations.csv, events.csv and sources.csv."""
    return Path(os.environ.get(CURATED_ENV) or ROOT / "data" / "curated")
