"""What the Sources page shows besides the bibliography, in words: the series over a year old,
the conflicts ledger side by side, and each mistaken framing with its two links."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from headcount import citations, conflicts
from headcount.formatting import quantity
from headcount.labels import day, label


def series_count(observations: pl.DataFrame) -> int:
    """How many series (company, metric, unit, basis) the data holds."""
    return observations.select("company", "metric", "unit", "basis").unique().height


def stale_in_words(stale: pl.DataFrame) -> pl.DataFrame:
    """``claimcheck.stale_series`` as the page lists it: the metric's label, the newest
    figure's day as people write it."""

    def metric(code: str) -> str:
        return label("metric", code)

    return stale.select(
        "company",
        pl.col("metric").map_elements(metric, return_dtype=pl.String),
        "basis",
        "unit",
        pl.col("newest").map_elements(day, return_dtype=pl.String),
        "figures",
    )


@dataclass(frozen=True)
class Side:
    """One claim of a conflicting pair, as its card shows it."""

    heading: str  # '31 Dec 2024 · filing'
    figure: str  # '3,422 employees'
    basis: str
    source: str
    url: str


@dataclass(frozen=True)
class Conflict:
    heading: str  # 'Klarna · Headcount · differ by 12%'
    sides: tuple[Side, Side]


def _side(row: dict[str, object], side: str) -> Side:
    return Side(
        heading=f"{day(row[f'date_{side}'])} · {label('claim_type', row[f'claim_type_{side}'])}",  # type: ignore[arg-type]
        figure=quantity(row[f"value_{side}"], str(row["unit"])),  # type: ignore[arg-type]
        basis=str(row[f"basis_{side}"]),
        source=str(row[f"cited_as_{side}"]),
        url=str(row[f"url_{side}"]),
    )


def conflicts_in_words(observations: pl.DataFrame, sources: pl.DataFrame) -> list[Conflict]:
    """The conflicts ledger, each pair with its heading and its two sides in words."""
    return [
        Conflict(
            heading=(
                f"{row['company']} · {label('metric', row['metric'])} · "
                f"differ by {row['difference']:.0%}"
            ),
            sides=(_side(row, "a"), _side(row, "b")),
        )
        for row in conflicts.ledger(observations, sources).iter_rows(named=True)
    ]


@dataclass(frozen=True)
class Framing:
    """A mistaken framing: the claim, where it was made, what the data shows and the evidence;
    the two addresses are links of their own (the citations hold them only as text)."""

    claim: str
    where: str
    shows: str
    evidence: str
    claim_url: str | None
    evidence_url: str | None


def framings_cited(framings: pl.DataFrame, sources: pl.DataFrame) -> list[Framing]:
    """Each framing with the citation of its source and of its evidence."""
    claimed = citations.with_citations(framings, sources)
    evidence = citations.with_citations(
        framings.select(pl.col("evidence_id").alias("source_id")), sources
    ).select(citations.CITATION, "url")
    return [
        Framing(
            claim=row["claim"],
            where=row[citations.CITATION],
            shows=row["shows"],
            evidence=shown_by,
            claim_url=row["url"],
            evidence_url=evidence_url,
        )
        for row, (shown_by, evidence_url) in zip(
            claimed.iter_rows(named=True), evidence.iter_rows(), strict=True
        )
    ]
