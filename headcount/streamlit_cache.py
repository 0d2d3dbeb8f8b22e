"""The only core module that imports Streamlit: cached loading for the pages.

The cache key includes each file's modification time and size, so a corrected or corrupted
curated file is picked up on the next rerun without restarting the server.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from headcount import dataset


def _fingerprint(paths: list[Path]) -> tuple[tuple[str, float, int], ...]:
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            stamps.append((str(path), -1.0, -1))
        else:
            stamps.append((str(path), stat.st_mtime, stat.st_size))
    return tuple(stamps)


@st.cache_data(show_spinner="Loading and validating the curated data…", max_entries=4)
def _load(fingerprint: tuple[tuple[str, float, int], ...]) -> dataset.Loaded:
    return dataset.load_files([Path(path) for path, _, _ in fingerprint])


def load_curated() -> dataset.Loaded:
    return _load(_fingerprint(dataset.curated_paths()))
