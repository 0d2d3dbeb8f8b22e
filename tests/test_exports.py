"""What people take away: CSV a spreadsheet cannot run, and a brief that stands on its own."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from headcount import bootstrap, cli, exports, ingest
from headcount.dataset import load_curated
from headcount.settings import ROOT
from headcount.store import Store
from tests.csvtools import read_rows, to_csv
from validation import parse
from validation.tables import TABLES


def test_formula_cells_are_neutralised_and_numbers_are_not():
    frame = pl.DataFrame(
        {
            "text": [
                '=HYPERLINK("http://x")',
                "+1",
                "-21% on the year",
                "@SUM(A1)",
                "\tx",
                "\rx",
                "plain",
            ],
            "value": [-5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    rows = list(csv.DictReader(io.StringIO(exports.csv_bytes(frame).decode("utf-8-sig"))))
    assert [r["text"] for r in rows] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-21% on the year",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "plain",
    ]
    assert [float(r["value"]) for r in rows] == frame.get_column("value").to_list()


def test_brief_is_self_contained_and_escapes_data_text():
    figure = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    page = exports.brief_html(
        title="Klarna <b>",
        link="http://127.0.0.1:8501/?company=Klarna",
        cards=[("Headcount", "3,422", "<script>alert(1)</script>")],
        sentences=["A & B"],
        figures=[figure, figure],
        citations=["Publisher: 'Title'. https://example.org/a (accessed 2026-11-21)"],
    )
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert page.count("https://example.org/a") == 1
    assert 'src="http' not in page  # nothing is fetched: plotly.js is inline
    assert page.count("Plotly.newPlot") == 2


# Text cells a spreadsheet would run, and cells that look like an export's inert form already.
TRICKY = [
    '=HYPERLINK("http://evil.example","click")',
    "+1",
    "-1+2",
    "@SUM(A1)",
    "'=already quoted",
    "''+twice",
    "it's plain",
    "'plain after an apostrophe",
]


def test_reading_an_export_gives_back_exactly_the_text_written():
    frame = pl.DataFrame({"company": TRICKY})
    written = exports.csv_bytes(frame).decode("utf-8-sig")
    cells = [row["company"] for row in csv.DictReader(io.StringIO(written))]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)
    observations = read_rows("observations")[: len(TRICKY)]
    rows = [{**row, "note": cell} for row, cell in zip(observations, cells, strict=True)]
    parsed = parse.parse("observations.csv", to_csv(rows))
    assert parsed.frame is not None
    assert parsed.frame.get_column("note").to_list() == TRICKY


def no_live_formula(path: Path) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        # Numbers stay numbers, a negative one included: every other cell is text.
        texts = [c for row in csv.DictReader(handle) for k, c in row.items() if k != "value"]
    assert texts, path
    assert [c for c in texts if c.startswith(("=", "+", "-", "@", "\t", "\r"))] == [], path


def test_cli_export_holds_no_live_formula_and_re_uploads_unchanged(tmp_path):
    bootstrap.initialise(f"sqlite:///{tmp_path / 'store.sqlite'}")
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    rows = read_rows("observations")
    for index, cell in enumerate(TRICKY):
        rows[index] = {**rows[index], "note": cell, "basis": f"{cell} basis"}
    proposal = ingest.prepare(ingest.parse_uploads([("observations.csv", to_csv(rows))]), store)
    assert proposal.ok, proposal.problems.to_dicts()
    ingest.publish(proposal, store, "ana", "formula-like text", acknowledge=True)

    out = tmp_path / "export"
    assert cli.main(["export", "--store", store.url, "--out", str(out)]) == 0
    exported = sorted(out.glob("*.csv"))
    assert [p.name for p in exported] == [
        "events.csv",
        "framings.csv",
        "notices.csv",
        "observations.csv",
        "sources.csv",
    ]
    for path in exported:
        no_live_formula(path)
    assert "'=HYPERLINK" in (out / "observations.csv").read_text(encoding="utf-8-sig")
    again = ingest.prepare(
        ingest.parse_uploads([(p.name, p.read_bytes()) for p in exported]), store, "replace"
    )
    assert again.ok and again.empty, again.problems.to_dicts()


def test_every_csv_the_app_writes_goes_through_csv_bytes():
    # The class, not the example: no page, CLI command or module writes CSV for people except
    # through exports.csv_bytes. store.py streams rows to COPY and fingerprint.py hashes them:
    # neither is a file anyone opens.
    internal = {"headcount/exports.py", "headcount/store.py", "headcount/fingerprint.py"}
    writers = re.compile(r"\.write_csv\(|\.to_csv\(|csv\.writer\(|csv\.DictWriter\(")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("headcount", "views", "ui", "validation", "app.py")
        for path in sorted((ROOT / folder).rglob("*.py") if folder != "app.py" else [ROOT / folder])
        if str(path.relative_to(ROOT)) not in internal
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if writers.search(line)
    ]
    assert found == []


def documented_columns(table: str) -> list[str]:
    """The column names of a table's section of the data dictionary (data/README.md)."""
    section = (ROOT / "data" / "README.md").read_text(encoding="utf-8").split(f"## {table}.csv")[1]
    rows = section.split("| column |")[1].split("\n\n")[0].splitlines()[2:]
    return [row.split("|")[1].strip() for row in rows]


def test_templates_hold_the_documented_header_and_two_rows_that_upload_cleanly():
    loaded = load_curated()
    assert loaded.dataset is not None
    for name, table in TABLES.items():
        # Columns out of order, as a frame read back from a store may be.
        rows = getattr(loaded.dataset, name)
        assert rows.height >= 2, f"the curated {name} has too few rows for a template"
        template = exports.template_csv(table, rows.select(reversed(rows.columns)))
        header = template.decode("utf-8-sig").splitlines()[0].split(",")
        assert header == documented_columns(name)
        parsed = parse.parse(f"{name}.csv", template)
        assert parsed.ok and parsed.table == table, parsed.problems.to_dicts()
        assert parsed.frame is not None and parsed.frame.height == 2


def test_brief_links_only_web_addresses_and_lists_events_under_the_first_chart():
    figure = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    page = exports.brief_html(
        title="Klarna",
        link='javascript:alert("x")',
        cards=[],
        sentences=[],
        figures=[figure, figure],
        citations=[],
        events=["① 2023-12-03 Hiring freeze <i>"],
    )
    assert 'href="javascript' not in page  # a link that is not http(s) is text
    assert "<span>javascript:alert(&#34;x&#34;)</span>" in page
    first, second = (page.index("Plotly.newPlot"), page.rindex("Plotly.newPlot"))
    assert first < page.index("① 2023-12-03 Hiring freeze &lt;i&gt;") < second
