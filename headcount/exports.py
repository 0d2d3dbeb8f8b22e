"""Files people take away: CSV that a spreadsheet cannot run, and a self-contained HTML brief.

CSV: a text cell starting with = + - @ tab or carriage return is what a spreadsheet runs as a
formula, so such cells get a leading apostrophe; numbers are left as numbers. Every CSV the
project writes for people goes through ``csv_bytes``. Reading a file back undoes exactly that
(validation.parse drops one apostrophe before such a start), so an export re-uploads unchanged;
a cell that already starts with apostrophes before such a start gets one more, to stay
reversible.
Brief: one HTML file with plotly.js inlined, so it opens offline from an e-mail attachment;
every piece of data text in it is HTML-escaped by its Jinja2 template
(headcount/templates/brief.html, autoescape).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2
import plotly.graph_objects as go
import polars as pl
import xlsxwriter
from markupsafe import Markup

from headcount.formatting import plain_numbers
from validation.parse import FORMULA_CHARS
from validation.tables import TABLES, Table

FORMULA_START = rf"^'*[{FORMULA_CHARS}]"


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells a spreadsheet would run as a formula, made inert; other cells unchanged."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text_columns
    )


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV (UTF-8 with a BOM, so spreadsheets detect the encoding) of a frame, made safe."""
    flat = frame.with_columns(
        pl.col(name).list.join("; ")
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.List)
    )
    # Numbers become text after the formula guard, which must not take "-5" for a formula.
    return b"\xef\xbb\xbf" + plain_numbers(neutralise(flat)).write_csv().encode("utf-8")


TEMPLATE_ROWS = 2


def template_csv(table: Table, rows: pl.DataFrame) -> bytes:
    """A table's upload template: its header in the contract's column order and the first
    rows of ``rows`` as examples, written as every export is."""
    return csv_bytes(rows.select(table.column_names).head(TEMPLATE_ROWS))


# The brief's template: Jinja2 escapes every value put into it (autoescape), so data text can
# never become markup; only the charts' own HTML, which plotly writes, is let through as is.
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)


def brief_html(
    title: str,
    link: str,
    cards: Sequence[tuple[str, str, str]],
    sentences: Sequence[str],
    figures: Sequence[go.Figure | dict],
    citations: Sequence[str],
    generated: dt.date | None = None,
    events: Sequence[str] = (),
) -> str:
    """The current view as one offline HTML page: cards (label, value, detail), narrative,
    charts, the list of the events the chart numbers, and the numbered citations."""
    charts = [
        Markup(
            (figure if isinstance(figure, go.Figure) else go.Figure(figure)).to_html(
                full_html=False,
                include_plotlyjs=position == 0,  # inline plotly.js once: works offline
                # Whole axes and titles at any window width: the page is at most 1100 px.
                default_width="100%",
                config={"displaylogo": False, "responsive": True, "displayModeBar": False},
            )
        )
        for position, figure in enumerate(figures)
    ]
    return _TEMPLATES.get_template("brief.html").render(
        title=title,
        link=link,
        link_is_web=link.startswith(("http://", "https://")),
        generated=(generated or dt.date.today()).isoformat(),
        cards=[tuple(str(part) for part in card) for card in cards],
        sentences=[str(sentence) for sentence in sentences],
        charts=charts,
        events=[str(event) for event in events],
        citations=[str(citation) for citation in citations],
    )


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_WIDEST = 60  # characters; a long quote wraps in the cell instead of widening the column


def xlsx_bytes(tables: Mapping[str, pl.DataFrame]) -> bytes:
    """The tables as one Excel workbook: a sheet per table, named after it, with the contract's
    columns in order (sources and their citations included) and rows by key, which the Excel
    upload (validation.excel) reads back unchanged.

    Text is written as text cells, so a value starting with = is never a formula and needs no
    apostrophe as in CSV; dates are Excel dates shown as YYYY-MM-DD; numbers are numbers.
    """
    out = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    with xlsxwriter.Workbook(out, options) as book:
        header = book.add_format({"bold": True})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        for name, table in TABLES.items():
            if name not in tables or table.left_out(tables[name].height):
                continue
            frame = tables[name].select(table.column_names).sort(list(table.key))
            sheet = book.add_worksheet(name)
            sheet.freeze_panes(1, 0)
            for column, title in enumerate(table.column_names):
                sheet.write_string(0, column, title, header)
                longest = frame.select(pl.col(title).cast(pl.String).str.len_chars().max()).item()
                width = max(len(title), longest or 0) + 2
                sheet.set_column(column, column, min(width, XLSX_WIDEST))
            for row, values in enumerate(frame.iter_rows(), start=1):
                for column, value in enumerate(values):
                    if value is None:
                        continue
                    if isinstance(value, dt.date):
                        sheet.write_datetime(
                            row, column, dt.datetime.combine(value, dt.time()), day
                        )
                    elif isinstance(value, int | float):
                        sheet.write_number(row, column, value)
                    else:
                        sheet.write_string(row, column, str(value))
    return out.getvalue()
