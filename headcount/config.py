"""Where the app finds its data (kept for the callers that import it from here; the settings
themselves are read in headcount/settings.py)."""

from __future__ import annotations

from pathlib import Path

from headcount import settings
from headcount.settings import CURATED_ENV, ROOT

__all__ = ["CURATED_ENV", "ROOT", "curated_dir"]


def curated_dir() -> Path:
    """The folder holding observations.csv, events.csv and sources.csv."""
    return settings.current().curated_dir
