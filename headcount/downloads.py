"""Downloads that cover a whole revision, built only when someone asks for them."""

from __future__ import annotations

from headcount import citations, exports
from headcount.store import Store


def whole_dataset_csv(store: Store, revision: int | None) -> bytes:
    """Every observation of the revision with its source and citation, as the Explorer's
    "whole dataset" button hands it out. Read only on a click: at millions of rows reading and
    joining them costs seconds. Published rows passed the validation gate when published."""
    tables = store.read(revision)
    rows = tables["observations"].sort("company", "date", "source_id")
    return exports.csv_bytes(citations.with_citations(rows, tables["sources"]))
