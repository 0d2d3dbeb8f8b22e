"""The Explorer's "whole dataset" download, read from a real SQLite store."""

from __future__ import annotations

import csv
import io
import re

from headcount import bootstrap, downloads
from headcount.store import Store
from tests.csvtools import read_rows


def test_the_whole_dataset_has_every_observation_of_the_revision_with_its_citation(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    bootstrap.initialise(url)
    store = Store(url)
    rows = list(
        csv.DictReader(io.StringIO(downloads.whole_dataset_csv(store, 1).decode("utf-8-sig")))
    )
    curated = read_rows("observations")
    assert len(rows) == len(curated)
    assert sorted((r["company"], r["date"], r["source_id"]) for r in rows) == [
        (r["company"], r["date"], r["source_id"]) for r in rows
    ]  # sorted by company, date and source, as people scan it
    publishers = {s["source_id"]: s["publisher"] for s in read_rows("sources")}
    for row in rows:
        publisher = publishers[row["source_id"]]
        # A filing is named first by its form ('Form 10-K of Accenture plc'), then the copy.
        filed = re.fullmatch(r"(.+?),? \((Form [^)]+)\)", publisher)
        named = f"{filed[2]} of {filed[1]}" if filed else f"{publisher}: '"
        assert row["citation"].startswith(named), row["citation"]
    store.engine.dispose()
