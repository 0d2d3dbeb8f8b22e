"""The three tables of the data contract: their columns, the kind of each column, their keys.

Parsing, header recognition, templates and uniqueness rules are all driven by these specs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["text", "date", "number"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind = "text"
    required: bool = True


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    def columns_of_kind(self, kind: ColumnKind) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.kind == kind)


OBSERVATIONS = Table(
    "observations",
    (
        Column("company"),
        Column("metric"),
        Column("date", "date"),
        Column("period"),
        Column("value", "number"),
        Column("unit"),
        Column("basis"),
        Column("claim_type"),
        Column("source_id"),
        Column("note", required=False),
        # Added 2026-12: the cause of an AI-workforce claim (vocabulary.ATTRIBUTIONS).
        Column("attribution", required=False),
    ),
    key=("company", "metric", "date", "basis", "source_id"),
)

EVENTS = Table(
    "events",
    (
        Column("company"),
        Column("date", "date"),
        Column("kind"),
        Column("title"),
        Column("source_id"),
        Column("detail", required=False),
        Column("attribution", required=False),
    ),
    key=("company", "date", "kind", "title"),
)

SOURCES = Table(
    "sources",
    (
        Column("source_id"),
        Column("publisher"),
        Column("title"),
        Column("url"),
        Column("accessed", "date"),
        Column("published", "date", required=False),
        Column("via", required=False),
        Column("reliability", required=False),
        Column("quote", required=False),
        Column("language", required=False),
    ),
    key=("source_id",),
)

# Claims the research shows to be mistaken framings, each with what the data shows instead.
FRAMINGS = Table(
    "framings",
    (
        Column("company"),
        Column("claim"),
        Column("source_id"),
        Column("shows"),
        Column("evidence_id"),
    ),
    key=("company", "claim"),
)

TABLES: dict[str, Table] = {
    table.name: table for table in (OBSERVATIONS, EVENTS, SOURCES, FRAMINGS)
}

# Columns whose values must name a row of sources.csv.
SOURCE_REFERENCES: dict[str, tuple[str, ...]] = {
    "observations": ("source_id",),
    "events": ("source_id",),
    "framings": ("source_id", "evidence_id"),
}
