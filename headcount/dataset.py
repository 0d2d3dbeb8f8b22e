"""Load the curated tables (or, later, a store revision) into typed, validated Polars frames.

Loading always goes through the validation gate: a dataset either comes back whole and valid,
or the caller gets the problem report instead. Nothing half-valid reaches a chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import polars as pl

from headcount import settings
from validation import gate, models, parse
from validation.parse import LINE
from validation.rules import FILE
from validation.tables import TABLES, Table


@dataclass(frozen=True)
class Catalog:
    """What every page must know about a whole revision without holding its rows: the
    companies (the best documented first), the bases, and the span of dates."""

    revision: int | None
    companies: tuple[str, ...]
    bases: tuple[str, ...]
    first: dt.date | None
    last: dt.date | None
    figures: tuple[int, ...] = ()  # observation rows per company, in ``companies`` order

    @classmethod
    def from_counts(cls, counts: pl.DataFrame, revision: int | None) -> Catalog:
        """From observation rows per (company, basis) with their first and last dates, as
        `Store.catalog` returns them or `Dataset.catalog` counts them."""
        per_company = (
            counts.group_by("company")
            .agg(pl.col("rows").sum())
            .sort(["rows", "company"], descending=[True, False])
        )
        return cls(
            revision=revision,
            companies=tuple(per_company.get_column("company").to_list()),
            bases=tuple(sorted(set(counts.get_column("basis").to_list()))),
            first=counts.get_column("first").min(),  # type: ignore[arg-type]
            last=counts.get_column("last").max(),  # type: ignore[arg-type]
            figures=tuple(per_company.get_column("rows").to_list()),
        )

    def described(self, company: str) -> str:
        """The picker's words for a company: 'Salesforce · 3 figures'."""
        if company not in self.companies or not self.figures:
            return company
        count = self.figures[self.companies.index(company)]
        return f"{company} · {count:,} figure{'s' if count != 1 else ''}"


@dataclass(frozen=True)
class Dataset:
    observations: pl.DataFrame
    events: pl.DataFrame
    sources: pl.DataFrame
    framings: pl.DataFrame
    notices: pl.DataFrame
    revision: int | None = None  # the store revision it was read from; None: from files

    def companies(self) -> list[str]:
        """Companies with at least one observation, the best documented first."""
        return list(self.catalog.companies)

    @cached_property
    def catalog(self) -> Catalog:
        # Every rerun's sidebar asks; counting millions of rows once per dataset is enough.
        counts = self.observations.group_by("company", "basis").agg(
            pl.len().alias("rows"),
            pl.col("date").min().alias("first"),
            pl.col("date").max().alias("last"),
        )
        return Catalog.from_counts(counts, self.revision)

    @classmethod
    def of_companies(cls, parts: Sequence[Dataset]) -> Dataset:
        """Several companies' slices of one revision as one dataset. Every slice carries all
        sources and framings (small tables), so those are taken from the first."""
        first = parts[0]
        return cls(
            observations=pl.concat([part.observations for part in parts]),
            events=pl.concat([part.events for part in parts]),
            sources=first.sources,
            framings=first.framings,
            notices=pl.concat([part.notices for part in parts]),
            revision=first.revision,
        )


@dataclass(frozen=True)
class Loaded:
    """A dataset, or the problems that stopped it from loading (never both)."""

    dataset: Dataset | None
    problems: pl.DataFrame

    @property
    def ok(self) -> bool:
        return self.dataset is not None


def curated_paths(directory: Path | None = None) -> list[Path]:
    """The curated table files; an optional table's only where its file exists."""
    directory = directory or settings.current().curated_dir
    paths = [directory / table.filename for table in TABLES.values()]
    return [
        path
        for path, table in zip(paths, TABLES.values(), strict=True)
        if not table.optional or path.exists()
    ]


def load_files(paths: list[Path], today: dt.date | None = None) -> Loaded:
    """Parse and validate the table files; the dataset only if all of it is valid."""
    files = [parse.parse_path(str(path)) for path in paths]
    return _loaded(gate.validate(files, today=today))


def no_rows(table: Table) -> pl.DataFrame:
    """A table without rows, typed as a validated one is."""
    return pl.DataFrame(schema={c.name: models.DTYPES[c.kind] for c in table.columns})


def _loaded(verdict: gate.Verdict, revision: int | None = None) -> Loaded:
    missing = [name for name, t in TABLES.items() if name not in verdict.tables and not t.optional]
    if not verdict.ok or missing:
        return Loaded(None, verdict.problems)
    # A table added to the contract later may be absent from a dataset: it holds no rows.
    given = {name: verdict.tables.get(name) for name in TABLES}
    frames = {
        name: no_rows(TABLES[name])
        if frame is None
        else frame.drop(LINE, FILE).sort(
            [c for c in ("company", "date", "filed", "source_id") if c in frame.columns]
        )
        for name, frame in given.items()
    }
    return Loaded(Dataset(**frames, revision=revision), verdict.problems)


def load_curated(directory: Path | None = None, today: dt.date | None = None) -> Loaded:
    return load_files(curated_paths(directory), today=today)


def revision_label(revision: int | None, table: str) -> str:
    """How problems name a table of a store revision."""
    return f"{table}.csv (revision {revision})"


def in_export_order(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """A revision's table as `headcount export` writes it (contract columns, sorted by key),
    with each row's line in that file, so a problem's line can be found in the export."""
    table = TABLES[name]
    return (
        frame.select(table.column_names)
        .sort(list(table.key))
        .with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(LINE))
    )


def load_tables(
    tables: dict[str, pl.DataFrame], revision: int, today: dt.date | None = None
) -> Loaded:
    """Validate tables read from a store revision."""
    files = [
        parse.ParsedFile(revision_label(revision, name), TABLES[name], in_export_order(name, frame))
        for name, frame in tables.items()
    ]
    return _loaded(gate.validate(files, today=today), revision)
