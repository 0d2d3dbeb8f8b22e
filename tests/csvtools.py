"""Small helpers for tests that derive broken files from the curated ones, or write out their own."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from headcount.dataset import Dataset, load_files
from headcount.settings import ROOT
from validation.tables import TABLES

CURATED = ROOT / "data" / "curated"


def read_rows(name: str) -> list[dict[str, str]]:
    """A curated table's rows; none for an optional table the curated folder lacks."""
    path = CURATED / TABLES[name].filename
    if TABLES[name].optional and not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def to_csv(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    header = header or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def with_cell(name: str, index: int, column: str, value: str) -> tuple[bytes, int]:
    """The curated table with one cell changed, and the file line that cell is on."""
    rows = read_rows(name)
    rows[index] = {**rows[index], column: value}
    return to_csv(rows), index + 2


def copy_curated(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for path in CURATED.glob("*.csv"):
        (target / path.name).write_bytes(path.read_bytes())
    return target


def observations_of(company: str, metric: str) -> list[dict[str, str]]:
    return [
        r for r in read_rows("observations") if r["company"] == company and r["metric"] == metric
    ]


def written_dataset(folder: Path, texts: dict[str, str], today: dt.date) -> Dataset:
    """A dataset of written-out tables (``texts``: table name -> CSV text), each saved under
    its contract file name in ``folder`` and loaded through the gate as curated files are."""
    paths = []
    for name, text in texts.items():
        path = folder / TABLES[name].filename
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    loaded = load_files(paths, today=today)
    assert loaded.dataset is not None, loaded.problems
    return loaded.dataset
