"""A fingerprint of a table's rows that ignores their order and can be updated by a change.

Each row is encoded in a fixed way that no library version decides (dates as ISO text,
numbers by their IEEE-754 bits, text as is, cells apart by control characters), hashed with
BLAKE2b to 256 bits, and the row hashes are added modulo 2**256. So the fingerprint of a
revision is its parent's plus the rows it opens minus the rows it closes: a publish hashes its
change, not the whole revision, and `headcount check-store` can still recompute it from the
rows it finds.

Which columns a fingerprint covers: `ROWS_V1` freezes, per table, the columns the contract had
when this scheme was defined; they are encoded in that order, always. A column the contract
gained later (such as `attribution`, 2026-12) is appended only when the row has a value in it,
as its name, "=" and the value, in name order. So a row whose later columns are all null keeps
the fingerprint it had before they existed, every revision published before a column was added
still verifies after it, and adding a column needs no change here (never edit `ROWS_V1`). A
table added since has no frozen columns: all of its columns are encoded that way.

It detects damage and drift (a lost, doubled or altered row); it is not a signature against
someone who can write to the database and wants to forge a match.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import polars as pl

from validation.tables import Column, Table

SCHEME = "rows-v1:"
_MODULUS = 1 << 256
_APART, _NULL = "\x1f", "\x1e"

# The columns of each table when rows-v1 was defined (2026-11), in the order they are encoded.
# Frozen: recorded fingerprints depend on it. Columns added to the contract since are "later".
ROWS_V1: dict[str, tuple[str, ...]] = {
    "observations": (
        "company", "metric", "date", "period", "value", "unit", "basis", "claim_type",
        "source_id", "note",
    ),
    "events": ("company", "date", "kind", "title", "source_id", "detail"),
    "sources": (
        "source_id", "publisher", "title", "url", "accessed", "published", "via",
        "reliability", "quote", "language",
    ),
    "framings": ("company", "claim", "source_id", "shows", "evidence_id"),
}  # fmt: skip


def covered(table: Table) -> tuple[Column, ...]:
    """The columns every row's encoding holds, in their frozen order."""
    by_name = {column.name: column for column in table.columns}
    return tuple(by_name[name] for name in ROWS_V1.get(table.name, ()))


def later(table: Table) -> tuple[Column, ...]:
    """Columns the contract gained after rows-v1 (all of a table added since): encoded only
    where a row has a value, so that table too can gain columns without a new scheme."""
    base = set(ROWS_V1.get(table.name, ()))
    return tuple(sorted((c for c in table.columns if c.name not in base), key=lambda c: c.name))


def _as_text(column: Column, frame: pl.DataFrame) -> pl.Expr:
    if column.kind == "number":
        # Polars' float formatting may change between versions; the bits will not.
        values = frame.get_column(column.name).cast(pl.Float64)
        bits = pl.Series(values.fill_null(0.0).to_numpy().view(np.uint64))
        return pl.when(values.is_null()).then(None).otherwise(pl.lit(bits).cast(pl.String))
    if column.kind == "date":
        return pl.col(column.name).dt.to_string("%Y-%m-%d")
    return pl.col(column.name).cast(pl.String)


def _encoded(table: Table, frame: pl.DataFrame) -> list[bytes]:
    """Each row as one line of UTF-8 text: cells apart by the ASCII unit separator
    (validation refuses control characters in cells), a null as the record separator; then
    each later column that has a value, as separator, name, "=" and value (a missing later
    column is a null one)."""
    if frame.height == 0:
        return []
    cells = [_as_text(column, frame).fill_null(pl.lit(_NULL)) for column in covered(table)]
    # A table added after rows-v1 has no always-encoded cells: its lines start empty.
    line = (
        pl.concat_str(cells, separator=_APART) if cells else pl.lit(pl.Series([""] * frame.height))
    )
    for column in later(table):
        if column.name not in frame.columns:
            continue
        tagged = pl.lit(f"{_APART}{column.name}=") + _as_text(column, frame)
        line = line + tagged.fill_null(pl.lit(""))
    line = line.cast(pl.Binary)  # UTF-8 bytes as they are
    return frame.select(line).to_series().to_list()


LIMBS = tuple(f"_limb{i}" for i in range(8))  # a row hash in 32-bit pieces, high first


def _pieces(table: Table, frame: pl.DataFrame) -> np.ndarray:
    """Each row's hash as eight 32-bit pieces (high first), one row of the array per row."""
    blake2b = hashlib.blake2b
    digests = b"".join([blake2b(row, digest_size=32).digest() for row in _encoded(table, frame)])
    return np.frombuffer(digests, dtype=">u4").reshape(-1, len(LIMBS))


def row_limbs(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Each row's hash as eight 32-bit pieces in 64-bit columns, so millions of row hashes can
    be summed per revision by Polars without overflowing (up to 2**32 rows)."""
    pieces = _pieces(table, frame).astype(np.uint64)
    return pl.DataFrame({name: pieces[:, i] for i, name in enumerate(LIMBS)})


def _combined(sums: Sequence[int]) -> int:
    """Per-piece sums back into one number modulo 2**256 (the carries fall into place)."""
    total = 0
    for piece in sums:
        total = (total << 32) + int(piece)
    return total % _MODULUS


def _total(table: Table, frame: pl.DataFrame) -> int:
    # Summed in 64 bits per piece: no overflow below 2**32 rows.
    return _combined(_pieces(table, frame).sum(axis=0, dtype=np.uint64).tolist())


def _text(total: int) -> str:
    return f"{SCHEME}{total:064x}"


def summed(limbs: pl.DataFrame) -> str:
    """The fingerprint of the rows whose `row_limbs` these are."""
    sums = limbs.select(pl.col(LIMBS).sum()).row(0) if limbs.height else (0,) * len(LIMBS)
    return _text(_combined(sums))


def of(table: Table, frame: pl.DataFrame) -> str:
    """The fingerprint of these rows."""
    return _text(_total(table, frame))


def updated(previous: str, table: Table, opened: pl.DataFrame, closed: pl.DataFrame) -> str:
    """The fingerprint of rows whose fingerprint was ``previous`` after ``opened`` rows were
    added and ``closed`` rows taken away."""
    if not is_current(previous):
        raise ValueError(f"not a {SCHEME} fingerprint: {previous[:20]}")
    total = int(previous.removeprefix(SCHEME), 16)
    change = _total(table, opened) - _total(table, closed)
    return _text((total + change) % _MODULUS)


def is_current(recorded: str) -> bool:
    return recorded.startswith(SCHEME)


def legacy(table: Table, frame: pl.DataFrame) -> str:
    """How revisions published before fingerprints were recorded: SHA-256 of the rows sorted
    and written as CSV. Kept only so `check-store` can verify those revisions."""
    columns = [column.name for column in covered(table)]  # the contract of that time
    canonical = frame.select(columns).sort(columns, nulls_last=True)
    return hashlib.sha256(canonical.write_csv().encode("utf-8")).hexdigest()


def matches(recorded: str, table: Table, frame: pl.DataFrame) -> bool:
    """Whether ``frame`` holds the rows a recorded fingerprint (of either kind) was made of."""
    if is_current(recorded):
        return of(table, frame) == recorded
    return legacy(table, frame) == recorded
