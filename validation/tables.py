"""The data contract, declared once: the five tables, their columns and their keys.

Each column says its kind (text, date or number), whether a row needs it, the values it
allows (a vocabulary from ``validation.vocabulary``, or a pattern), its bounds, whether it is
a name (something that tells one company, series or source from another) or free text, and
what it means. Everything else is derived from here: parsing and header recognition
(``parse``), the Pandera schemas (``models``), the keys (``rules``), the store's columns and
the export's order, the upload templates and the data dictionary in data/README.md
(``dictionary``). Adding a column is one line below (and a migration for the store).

Which units a metric allows is a rule between two columns: ``vocabulary.METRIC_UNITS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from validation import vocabulary

ColumnKind = Literal["text", "date", "number"]
# A name tells things apart: invisible characters are refused in it. Free text may hold
# joiners (emoji, Persian) but nothing that reorders or hides text.
TextRole = Literal["name", "free"]

MAX_VALUE = 1e15  # no claimed value comes near this; more means a typo or the wrong unit
MAX_TEXT = 5_000  # characters in one cell: a long quote fits, a pasted page or a binary does not


@dataclass(frozen=True)
class Pattern:
    """A shape every value of a column must have, and the catalogue code when one does not."""

    code: str
    regex: str


HTTP_URL = Pattern("url.not_http", r"(?i)^https?://[a-z0-9\[][^\s<>\"]*$")
LANGUAGE = Pattern("language.not_a_code", r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind = "text"
    required: bool = True
    role: TextRole = "free"
    vocabulary: tuple[str, ...] = ()  # the allowed values; empty: any
    pattern: Pattern | None = None
    bounds: tuple[float, float] | None = None  # a number's smallest and largest value
    # A count of whole people however the row's unit reads (the unit column, where a table has
    # one, decides for observations: parse.WHOLE_UNITS).
    whole: bool = False
    # For the data dictionary; "{vocabulary}" stands for the allowed values.
    meaning: str = ""

    @property
    def plain(self) -> bool:
        """Whether the column is checked for markup: text that neither a vocabulary nor a
        pattern already confines."""
        return self.kind == "text" and not self.vocabulary and self.pattern is None


def _name(name: str, meaning: str = "", required: bool = True) -> Column:
    return Column(name, required=required, role="name", meaning=meaning)


def _coded(name: str, vocabulary: tuple[str, ...], meaning: str, required: bool = True) -> Column:
    return Column(name, required=required, vocabulary=vocabulary, meaning=meaning)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # A table added after datasets existed without it: a dataset (the curated folder, a test's
    # files) may lack its file, and then holds none of its rows. A file given is checked as
    # every table's is.
    optional: bool = False

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

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def left_out(self, rows: int) -> bool:
        """Whether an export leaves this table's file or sheet out: an optional table without
        rows (its absence says the same, and a header without rows is refused on upload)."""
        return self.optional and rows == 0


SOURCE_KEY = "key into `sources.csv`"
ATTRIBUTION = "the AI attribution class of the event, as for observations"

OBSERVATIONS = Table(
    "observations",
    (
        _name("company", "display name, e.g. `Klarna`"),
        _coded("metric", vocabulary.METRICS, "{vocabulary} (meanings below)"),
        Column(
            "date",
            "date",
            meaning="the day the value refers to: end of the period, or the day of the statement",
        ),
        _coded(
            "period",
            vocabulary.PERIODS,
            "{vocabulary}; `unstated` is a ratio whose window the source does not give",
        ),
        # The sign is checked per metric (rules.values_not_negative): a net loss is below 0.
        Column(
            "value",
            "number",
            bounds=(-MAX_VALUE, MAX_VALUE),
            meaning="number in the unit; >= 0 except for `net_income`, where a loss is negative",
        ),
        _coded("unit", vocabulary.UNITS, "allowed per metric (below)"),
        _name(
            "basis",
            "what exactly is counted; rows with the same company, metric, unit and basis form "
            "one series",
        ),
        _coded("claim_type", vocabulary.CLAIM_TYPES, "{vocabulary}"),
        _name("source_id", SOURCE_KEY),
        Column("note", required=False, meaning="short"),
        # Added 2026-12: the cause of an AI-workforce claim.
        _coded(
            "attribution",
            vocabulary.ATTRIBUTIONS,
            "why an AI-workforce statement is about AI, as its source gives it "
            "(classes below); empty for rows that are not such a statement (a filed "
            "headcount, revenue)",
            required=False,
        ),
        # Added 2026-12 (issue 21): a figure of part of a company is data, not a convention.
        Column(
            "scope",
            required=False,
            role="name",
            meaning="last column: the part of the company the figure counts, in a few plain "
            "words (`corporate (office) staff`, `engineering`, `customer service`, `Sweden`); "
            "empty means the whole company. A row with a scope is its own series: it is never "
            "drawn on the company's line nor shown on its card, only as a marker labelled with "
            "its scope",
        ),
    ),
    key=("company", "metric", "date", "basis", "source_id"),
)

EVENTS = Table(
    "events",
    (
        _name("company"),
        Column("date", "date"),
        _coded("kind", vocabulary.EVENT_KINDS, "{vocabulary}"),
        _name("title", "short, shown on the chart"),
        _name("source_id", SOURCE_KEY),
        Column("detail", required=False, meaning="context, caveats"),
        _coded("attribution", vocabulary.ATTRIBUTIONS, ATTRIBUTION, required=False),
        # Added 2026-12-05 (issue 23): a claim's later history, linked to the claim it answers.
        Column(
            "answers",
            "date",
            required=False,
            meaning="last column: the day of the earlier AI-workforce claim of the same "
            "company that this event answers (a walk-back, a contradiction by the company, "
            "rehiring), i.e. the `date` of a row of observations or events with an "
            "`attribution`; empty for none. The Claim check shows the event under that claim, "
            "in date order",
        ),
    ),
    key=("company", "date", "kind", "title"),
)

SOURCES = Table(
    "sources",
    (
        _name("source_id", "unique key"),
        _name(
            "publisher",
            "**who made the claim**: the original speaker or document (`Klarna Group plc "
            "(Form F-1)`, `Bloomberg Television (CEO interview)`)",
        ),
        Column("title", meaning="title of the page we read"),
        Column(
            "url",
            pattern=HTTP_URL,
            meaning="address of the page we read; `http` or `https` only",
        ),
        Column("accessed", "date", meaning="when the row was checked (see below)"),
        Column(
            "published",
            "date",
            required=False,
            meaning="publication day of the page we read, only where the page shows it",
        ),
        Column(
            "via",
            required=False,
            meaning="**whose copy we read** when it is not the original (`Payments Dive "
            "reporting the F-1`)",
        ),
        _coded(
            "reliability",
            vocabulary.RELIABILITY,
            "`primary` (the originator's own words or document, possibly in a verbatim "
            "copy), `secondary` (a reputable report of someone else's claim), `low` "
            "(aggregator, blog, summary site, or unverified)",
            required=False,
        ),
        Column(
            "quote",
            required=False,
            meaning="the sentence the figure comes from, where the research recorded it",
        ),
        Column(
            "language",
            required=False,
            pattern=LANGUAGE,
            meaning="language code of the page, e.g. `en`, `sv`",
        ),
    ),
    key=("source_id",),
)

# Claims the research shows to be mistaken framings, each with what the data shows instead.
FRAMINGS = Table(
    "framings",
    (
        _name("company"),
        _name("claim", "the mistaken framing, in a sentence, as it circulates"),
        _name("source_id", "where the framing appeared (a row of `sources.csv`)"),
        Column("shows", meaning="what the data shows instead"),
        _name("evidence_id", "the source that shows it (a row of `sources.csv`)"),
    ),
    key=("company", "claim"),
)

# Layoff notices filed under the US WARN Act and its state versions (2026-12-05, issue 23): the
# third number of the claim check, beside the claim and the filed headcount.
NOTICES = Table(
    "notices",
    (
        _name("company"),
        _coded(
            "state",
            vocabulary.US_STATES,
            "two-letter code of the US state (or `DC`, `PR`) the notice was filed in, e.g. `NY`",
        ),
        Column(
            "filed",
            "date",
            meaning="the day the notice was filed or, where no page read gives that day, the "
            "date of the report of it (the note says which)",
        ),
        Column(
            "workers",
            "number",
            bounds=(1, MAX_VALUE),
            whole=True,
            meaning="workers the notice says are affected: a whole number, at least 1",
        ),
        Column(
            "site",
            required=False,
            meaning="the site as the notice gives it (a city or an address)",
        ),
        Column(
            "cause",
            required=False,
            meaning="the cause as ticked or written on the state's form, verbatim (New York's "
            "form has a box for `technological innovation or automation`); empty where the form "
            "has no such field",
        ),
        _name("source_id", SOURCE_KEY),
        Column("note", required=False, meaning="short"),
    ),
    # Two sources of one notice are two rows (each cited); the claim check counts them once.
    key=("company", "state", "filed", "workers", "source_id"),
    optional=True,
)

TABLES: dict[str, Table] = {
    table.name: table for table in (OBSERVATIONS, EVENTS, SOURCES, FRAMINGS, NOTICES)
}

# Columns whose values must name a row of sources.csv.
SOURCE_REFERENCES: dict[str, tuple[str, ...]] = {
    "observations": ("source_id",),
    "events": ("source_id",),
    "framings": ("source_id", "evidence_id"),
    "notices": ("source_id",),
}
