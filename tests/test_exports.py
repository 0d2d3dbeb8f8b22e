"""What people take away: CSV a spreadsheet cannot run, and a brief that stands on its own."""

from __future__ import annotations

import csv
import io

import plotly.graph_objects as go
import polars as pl

from headcount import exports


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
