"""Explorer: pick companies, metrics, bases and dates; compare as values or as an index."""

from __future__ import annotations

import polars as pl
import streamlit as st

from headcount import charts, citations, claims, exports
from headcount.streamlit_cache import store
from ui import state
from ui.cited import chart, citation_panel, file_stem
from validation.vocabulary import METRIC_LABELS

# Only the companies being compared are read (each once per revision): the page opens as
# fast on thousands of companies as on a handful.
catalog = state.catalog_or_stop()
state.link_view(catalog)
companies = list(catalog.companies)

st.title("Explorer")
state.show_link_notices()

first, second = st.columns(2)
others = [c for c in companies if c != st.session_state[state.COMPANY]]
st.session_state[state.COMPARE] = [c for c in st.session_state[state.COMPARE] if c in others]
with first:
    st.multiselect(
        "Compare with",
        others,
        key=state.COMPARE,
        help="The company chosen in the sidebar is always shown.",
    )
    st.multiselect(
        "Metrics",
        list(METRIC_LABELS),
        format_func=METRIC_LABELS.get,
        key=state.METRICS,
    )
view = state.current_view(catalog)
data = state.companies_or_stop(catalog, view.companies)
observations = data.observations
chosen = observations.filter(
    pl.col("company").is_in(list(view.companies)) & pl.col("metric").is_in(list(view.metrics))
)
with second:
    available = sorted(set(chosen.get_column("basis")))
    # A basis carried over from another choice of companies or metrics cannot be selected.
    st.session_state[state.BASES] = [b for b in st.session_state[state.BASES] if b in available]
    st.multiselect(
        "Bases (none chosen: all)",
        available,
        key=state.BASES,
        help="What exactly is counted. A line only ever joins figures of one basis.",
    )
    lowest, highest = state.date_span(catalog)
    state.seed(state.RANGE, (view.start or lowest, view.end or highest))
    st.date_input(
        "Date range",
        min_value=lowest,
        max_value=highest,
        key=state.RANGE,
    )
    st.toggle(
        "Index (each series' first value = 100)",
        key=state.INDEX,
        help="Compare shapes rather than sizes; each series is indexed to its own first value.",
    )

view = state.current_view(catalog)
link = state.publish(view, catalog)
state.share_control(link)

shown = chosen
if view.bases:
    shown = shown.filter(pl.col("basis").is_in(list(view.bases)))
if view.start:
    shown = shown.filter(pl.col("date") >= view.start)
if view.end:
    shown = shown.filter(pl.col("date") <= view.end)
shown = citations.with_citations(shown, data.sources).sort("company", "metric", "date")

if shown.is_empty():
    st.info("Nothing matches this choice. Widen the date range or choose other bases.")
# One chart per metric and unit: SEK and USD, or FTE and employees, never share an axis.
for metric, unit in shown.select("metric", "unit").unique(maintain_order=True).iter_rows():
    rows = shown.filter((pl.col("metric") == metric) & (pl.col("unit") == unit))
    plotted = pl.concat(
        [claims.points(part) for _, part in rows.group_by("company", maintain_order=True)],
        how="vertical",
    )
    series_key = ["company", "metric", "unit", "basis"]
    if view.index:
        # An index needs a start and a later value; lone statements stay in the table below.
        plotted = plotted.filter(pl.col("date").n_unique().over(series_key) > 1)
        if plotted.is_empty():
            st.caption(f"No {METRIC_LABELS[metric].lower()} series with two or more dates here.")
            continue
    first_value = pl.col("value").first().over(series_key)
    plotted = plotted.sort("date").with_columns(
        (pl.col("value") / first_value * 100 if view.index else pl.col("value")).alias("plot_value")
    )
    label = f"{METRIC_LABELS[metric]} ({unit})"
    figure = charts.comparison_figure(plotted, view.index, label)
    name = file_stem(*view.companies, metric, unit, "index" if view.index else "values")
    citation_panel(chart(figure, f"explore_{metric}_{unit}", name, label), data)

st.subheader("Exactly what is plotted")
table = shown.select(
    "company",
    "metric",
    "date",
    "period",
    "value",
    "unit",
    "basis",
    "claim_type",
    "source_id",
    "cited_as",
    "url",
    "note",
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "date": st.column_config.DateColumn("date"),
        "value": st.column_config.NumberColumn("value", format="localized"),
        "url": st.column_config.LinkColumn("url"),
        "cited_as": st.column_config.TextColumn("source"),
    },
)


def whole_dataset_csv(revision: int | None) -> bytes:
    """Every observation of the revision with its source, read only when the button is
    clicked (at millions of rows, reading and joining them costs seconds). Published rows
    passed the validation gate when they were published."""
    tables = store().read(revision)
    rows = tables["observations"].sort("company", "date", "source_id")
    return exports.csv_bytes(citations.with_citations(rows, tables["sources"]))


left, right = st.columns(2)
left.download_button(
    "Download what is shown (CSV)",
    data=lambda: exports.csv_bytes(shown),
    file_name=f"{file_stem(*view.companies, 'selection')}.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)
right.download_button(
    "Download the whole dataset (CSV)",
    data=lambda: whole_dataset_csv(catalog.revision),
    file_name="headcount-observations-with-sources.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)
