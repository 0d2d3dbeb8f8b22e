"""What the Explorer compares: the rows a view selects, each company's best series, values or
an index (each series = 100 in a common base year), and a message for all the chart leaves out.

The page draws ``Panel.points`` and lists ``Panel.rows`` under "exactly what is plotted", so the
table can never show more or less than the chart; every note belongs to the panel it explains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from headcount import citations, claims, scope
from headcount.labels import in_sentence, label
from headcount.share import View

SERIES_KEY = list(claims.SERIES_KEY)
POINT_KEY = list(claims.POINT_KEY)
PLOT = "plot_value"  # the value drawn: the figure itself, or its index


@dataclass(frozen=True)
class Panel:
    """One chart: one metric in one unit (SEK and USD never share an axis)."""

    metric: str
    unit: str
    points: pl.DataFrame  # claims.points rows with company, attributions and plot_value
    rows: pl.DataFrame  # the observations behind those points, with their citations
    notes: tuple[str, ...]
    base_year: int | None = None  # in index mode: the year every series is 100 in

    @property
    def title(self) -> str:
        return f"{label('metric', self.metric)} ({self.unit})"


@dataclass(frozen=True)
class Comparison:
    panels: tuple[Panel, ...]
    notes: tuple[str, ...]  # about the view as a whole (nothing matches, companies missing)

    @property
    def rows(self) -> pl.DataFrame:
        """Every plotted observation, panel by panel: the table under the charts."""
        frames = [panel.rows for panel in self.panels]
        return pl.concat(frames, how="vertical") if frames else pl.DataFrame()


def _selected(observations: pl.DataFrame, view: View) -> pl.DataFrame:
    """The chosen companies and metrics in the date range, of the chosen causes (a figure
    that is no claim about AI, such as a filed headcount, has no cause and always stays)."""
    rows = observations.filter(
        pl.col("company").is_in(list(view.companies)) & pl.col("metric").is_in(list(view.metrics))
    )
    if view.start:
        rows = rows.filter(pl.col("date") >= view.start)
    if view.end:
        rows = rows.filter(pl.col("date") <= view.end)
    if view.attributions and "attribution" in rows.columns:
        rows = rows.filter(
            pl.col("attribution").is_null() | pl.col("attribution").is_in(list(view.attributions))
        )
    return rows


def best_bases(observations: pl.DataFrame) -> pl.DataFrame:
    """Each company's, metric's and unit's best series (most filed values, then most dates),
    judged on all its rows so that a narrow date range does not change which one it is."""
    found = [
        # The best series is always of the whole company (claims.spine_basis): no scope.
        {"company": company, "metric": metric, "unit": unit, "basis": basis, "scope": None}
        for (company, metric, unit), rows in observations.group_by(
            "company", "metric", "unit", maintain_order=True
        )
        if (basis := claims.spine_basis(rows)) is not None
    ]
    schema = {name: pl.String for name in SERIES_KEY}
    return pl.DataFrame(found, schema=schema)


def _words(metric: str) -> str:
    """A metric's label inside a sentence: 'headcount', but 'AI workload (FTE)' kept."""
    return in_sentence(label("metric", metric))


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _hidden_note(company: str, metric: str, hidden: int, has_best: bool, index: bool) -> str:
    figures = _count(hidden, "figure", "figures")
    # Lone figures are never indexed: in index mode the toggle alone would not show them.
    how = "switch the index off and turn on" if index else "turn on"
    if has_best:
        return (
            f"{company}: {figures} on other bases (statements, estimates, targets) not shown; "
            f"{how} “Statements and targets” to add them."
        )
    return (
        f"{company} has no {_words(metric)} series with two or more dates; "
        f"{how} “Statements and targets” to see its {figures}."
    )


def _with_attributions(points: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """Each point's causes (attribution codes), from the rows merged into it."""
    if "attribution" not in rows.columns:
        return points.with_columns(pl.lit([], pl.List(pl.String)).alias("attributions"))
    causes = rows.group_by(POINT_KEY).agg(
        pl.col("attribution").drop_nulls().unique(maintain_order=True).alias("attributions")
    )
    return points.join(causes, on=POINT_KEY, how="left", nulls_equal=True).with_columns(
        pl.col("attributions").fill_null([])
    )


def base_year(lines: pl.DataFrame) -> int | None:
    """The common base year of an index: the latest of the series' first years, the first
    year in which every series has begun, so that all lines cross 100 in the same year (each
    indexed to its own first value would set 100 in different years and compare nothing)."""
    if lines.is_empty():
        return None
    firsts = lines.group_by(SERIES_KEY).agg(pl.col("date").min().dt.year().alias("_first"))
    return int(firsts.get_column("_first").max())  # type: ignore[arg-type]


def index_to_year(lines: pl.DataFrame, year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each series as an index of its figure in ``year`` (its last figure dated that year: a
    year-end count), in ``plot_value``; and the series that cannot be indexed, with a
    ``reason``: no figure in that year (it ends before it, or skips it), a base figure of 0
    (it would divide by zero) or one so tiny that value / base overflows. Such a series is
    returned apart, never drawn as inf or NaN."""
    lines = lines.sort("date", "value")
    bases = (
        lines.filter(pl.col("date").dt.year() == year)
        .group_by(SERIES_KEY, maintain_order=True)
        .agg(pl.col("value").last().alias("_base"))
    )
    divided = lines.join(bases, on=SERIES_KEY, how="left", nulls_equal=True).with_columns(
        pl.when(pl.col("_base") != 0)
        .then(pl.col("value") / pl.col("_base") * 100)
        .otherwise(None)
        .alias(PLOT)
    )
    # A series is indexed whole or not at all: half a line would mislead.
    judged = divided.group_by(SERIES_KEY, maintain_order=True).agg(
        pl.when(pl.col("_base").first().is_null())
        .then(pl.lit("no_base"))
        .when(pl.col("_base").first() == 0)
        .then(pl.lit("zero"))
        .when((pl.col(PLOT).is_null() | ~pl.col(PLOT).is_finite()).any())
        .then(pl.lit("tiny"))
        .otherwise(None)
        .alias("reason")
    )
    left_out = judged.filter(pl.col("reason").is_not_null())
    indexed = divided.join(left_out, on=SERIES_KEY, how="anti", nulls_equal=True).drop("_base")
    return indexed, left_out


def _left_out_note(company: str, basis: str, reason: str, year: int) -> str:
    why = {
        "no_base": f"has no figure in {year}, the common base year",
        "zero": f"is 0 in {year}, the common base year, and cannot be indexed",
        "tiny": f"is too close to 0 in {year}, the common base year, to be indexed",
    }[reason]
    return f"{company} · {basis} {why}; it is left out."


def _index(points: pl.DataFrame) -> tuple[pl.DataFrame, list[str], int | None]:
    """Series of two or more dates as an index of their figure in the common base year; a
    series that cannot be indexed is named instead of drawn."""
    lines = points.filter(pl.col("role") == claims.LINE)
    year = base_year(lines)
    notes: list[str] = []
    if year is None:
        indexed = lines.with_columns(pl.lit(None, pl.Float64).alias(PLOT))
    else:
        indexed, left_out = index_to_year(lines, year)
        notes += [
            _left_out_note(r["company"], r["basis"], r["reason"], year)
            for r in left_out.iter_rows(named=True)
        ]
    lone = points.height - lines.height
    if lone:
        notes.append(
            f"{_count(lone, 'lone statement or target is', 'lone statements and targets are')} "
            "not indexed (an index needs a figure in the base year and others); switch the "
            f"index off to see {'it' if lone == 1 else 'them'}."
        )
    return indexed, notes, year


def _panel(metric: str, unit: str, rows: pl.DataFrame, index: bool, notes: list[str]) -> Panel:
    parts = [claims.points(part) for _, part in rows.group_by("company", maintain_order=True)]
    points = _with_attributions(pl.concat(parts, how="vertical"), rows)
    year = None
    if index:
        points, index_notes, year = _index(points)
        notes = notes + index_notes
        if points.is_empty():
            notes.append(
                f"No {_words(metric)} series in {unit} with two or more dates "
                "here, so there is nothing to index."
            )
    else:
        points = points.with_columns(pl.col("value").alias(PLOT))
    plotted = rows.join(
        points.select(*POINT_KEY, PLOT), on=POINT_KEY, how="inner", nulls_equal=True
    )
    return Panel(metric, unit, points.sort("company", "date"), plotted, tuple(notes), year)


def compare(observations: pl.DataFrame, sources: pl.DataFrame, view: View) -> Comparison:
    """The panels a view draws, each with exactly its rows and the notes that explain it."""
    observations = scope.with_scope(observations)
    chosen = _selected(observations, view)
    shown = chosen
    hidden: dict[tuple[str, str], list[str]] = {}
    if view.bases:
        shown = chosen.filter(pl.col("basis").is_in(list(view.bases)))
    elif not view.statements:
        best = best_bases(observations.filter(pl.col("company").is_in(list(view.companies))))
        shown = chosen.join(best, on=SERIES_KEY, how="semi", nulls_equal=True).filter(
            pl.col("claim_type") != "target"
        )
        left_out = chosen.join(
            shown, on=[*SERIES_KEY, "date", "source_id"], how="anti", nulls_equal=True
        )
        for (company, metric, unit), rows in left_out.group_by(
            "company", "metric", "unit", maintain_order=True
        ):
            # A series in another unit is still the company's series of the metric: HSBC's
            # employees are drawn while its one FTE count is left out.
            has_best = best.filter(
                (pl.col("company") == company) & (pl.col("metric") == metric)
            ).height
            note = _hidden_note(str(company), str(metric), rows.height, bool(has_best), view.index)
            hidden.setdefault((str(metric), str(unit)), []).append(note)
    shown = citations.with_citations(shown, sources).sort("company", "metric", "date")

    notes = _missing(chosen, view)
    panels = []
    for metric, unit in shown.select("metric", "unit").unique(maintain_order=True).iter_rows():
        rows = shown.filter((pl.col("metric") == metric) & (pl.col("unit") == unit))
        panels.append(_panel(metric, unit, rows, view.index, hidden.pop((metric, unit), [])))
    for left in hidden.values():  # hidden rows of a metric and unit with no panel of its own
        notes.extend(left)
    if not panels and not notes:
        notes.append("Nothing matches this choice. Widen the date range or choose other bases.")
    return Comparison(tuple(panels), tuple(notes))


def _missing(chosen: pl.DataFrame, view: View) -> list[str]:
    """A note for each metric that some chosen company has no figure of in this choice."""
    notes = []
    for metric in view.metrics:
        present = set(chosen.filter(pl.col("metric") == metric).get_column("company"))
        absent = [c for c in view.companies if c not in present]
        if absent:
            notes.append(
                f"No {_words(metric)} figures for {_names(absent)} in this "
                "choice of dates and causes."
            )
    return notes


def _names(companies: Sequence[str]) -> str:
    return (
        companies[0] if len(companies) == 1 else f"{', '.join(companies[:-1])} or {companies[-1]}"
    )


def bases_on_offer(observations: pl.DataFrame, view: View) -> list[str]:
    """Every basis the chosen companies have for the chosen metrics, at any date and cause:
    what the Explorer's bases picker offers, in alphabetical order."""
    chosen = observations.filter(
        pl.col("company").is_in(list(view.companies)) & pl.col("metric").is_in(list(view.metrics))
    )
    return sorted(set(chosen.get_column("basis")))


TABLE_WORDS = ("metric", "period", "claim_type", "attribution", "reliability")


def _in_words(vocabulary: str) -> pl.Expr:
    """A column of codes of ``vocabulary`` as the words people read (gaps stay gaps)."""

    def say(code: str) -> str:
        return label(vocabulary, code)

    return pl.col(vocabulary).map_elements(say, return_dtype=pl.String)


def in_words(rows: pl.DataFrame, index: bool) -> pl.DataFrame:
    """The plotted rows as "exactly what is plotted" lists them: codes as words, an empty cell
    (not a grey "None") where a figure has no cause, note or grade, and the index column only
    when the chart shows an index."""
    words = (
        scope.with_scope(rows)
        .with_columns(_in_words(column) for column in TABLE_WORDS)
        .with_columns(pl.col("note").cast(pl.String), pl.col("scope").cast(pl.String))
    )  # a column of only gaps may have no type
    words = words.with_columns(pl.col(pl.String).fill_null(""))
    columns = ["company", "metric", "date", "period", "value", "unit"]
    if index:
        columns.append(PLOT)
    # The source right after the figure: a point three sources give is three rows, which
    # would look like duplicates if what tells them apart sat off-screen to the right.
    # A figure of part of the company says which part (empty: the whole company).
    columns += ["cited_as", "basis", "scope", "claim_type", "attribution", "reliability", "url"]
    columns.append("note")
    return words.select(*columns, "source_id")
