"""Explorer: pick companies, metrics, bases and dates; compare as values or as an index."""

from __future__ import annotations

import streamlit as st

from headcount import charts, comparison, downloads, exports
from headcount.labels import label
from ui import embed, sharing, state
from ui.cited import chart, citation_panel, cite_this, file_stem
from ui.server import store
from ui.text import escape
from validation.vocabulary import ATTRIBUTION_LABELS, METRIC_LABELS

# Only the companies being compared are read (each once per revision): the page opens as
# fast on thousands of companies as on a handful.
catalog = state.catalog_or_stop()
embed.explorer(catalog)  # embedded (?embed=true): one chart alone, and the page ends there
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
        format_func=lambda code: label("metric", code),
        key=state.METRICS,
    )
view = state.current_view(catalog)
data = state.companies_or_stop(catalog, view.companies)
observations = data.observations
with second:
    available = comparison.bases_on_offer(observations, view)
    # A basis carried over from another choice of companies or metrics cannot be selected.
    st.session_state[state.BASES] = [b for b in st.session_state[state.BASES] if b in available]
    st.multiselect(
        "Bases (none chosen: each company's best series)",
        available,
        key=state.BASES,
        help="What exactly is counted. A line only ever joins figures of one basis. With none "
        "chosen, each company shows its best series: the one with the most filed values.",
    )
    lowest, highest = state.date_span(catalog)
    state.seed(state.RANGE, (view.start or lowest, view.end or highest))
    st.date_input(
        "Date range",
        min_value=lowest,
        max_value=highest,
        key=state.RANGE,
        format="YYYY-MM-DD",  # as the data and the links write dates
    )
switches = st.columns(4)
switches[0].toggle(
    "Statements and targets",
    key=state.STATEMENTS,
    help="Also every lone statement, estimate and target, each on its own basis (never joined "
    "to a line): diamonds for statements, hollow circles for targets.",
)
switches[1].toggle(
    "Index (base year = 100)",
    key=state.INDEX,
    help="Compare shapes rather than sizes: each series is divided by its own figure in one "
    "base year, the first year every series has a figure, so all lines cross 100 together.",
)
switches[2].toggle(
    "Log scale",
    key=state.LOG,
    help="Equal steps are equal percentage changes, so a company a hundred times larger does "
    "not flatten the rest.",
)
switches[3].multiselect(
    "Cause of AI claims (none chosen: all)",
    list(ATTRIBUTION_LABELS),
    format_func=lambda code: label("attribution", code),
    key=state.ATTRIBUTIONS,
    help="Why the source ties a claim to AI. Figures that are no claim about AI (a filed "
    "headcount, revenue) have no cause and are always shown.",
)

view = state.current_view(catalog)
link = state.publish(view, catalog)
sharing.share_control(link, view)

compared = comparison.compare(observations, data.sources, view)
for note in compared.notes:
    st.info(escape(note), icon=":material/info:")
# One chart per metric and unit: SEK and USD, or FTE and employees, never share an axis.
for panel in compared.panels:
    if not panel.points.is_empty():
        figure = charts.attributed(
            charts.comparison_figure(
                panel.points,
                panel.title,
                view.companies,
                base_year=panel.base_year,
                log=view.log,
                every=catalog.companies,
            ),
            data.sources,
            link,
        )
        name = file_stem(
            *view.companies, panel.metric, panel.unit, "index" if view.index else "values"
        )
        key = f"explore_{panel.metric}_{panel.unit}"
        citation_panel(chart(figure, key, name, panel.title), data)
        title = f"{', '.join(view.companies)}: {panel.title}"
        cite_this(title, data, view, (panel.metric,))
    for note in panel.notes:  # right under the chart it explains
        st.caption(escape(note))

st.subheader("Exactly what is plotted")
shown = compared.rows
if shown.is_empty():
    st.caption("Nothing is plotted, so there is nothing to list.")
else:
    st.dataframe(
        comparison.in_words(shown, view.index),
        hide_index=True,
        width="stretch",
        column_config={
            "date": st.column_config.DateColumn("date", format="D MMM YYYY"),
            "value": st.column_config.NumberColumn("value", format="localized"),
            comparison.PLOT: st.column_config.NumberColumn("index (first = 100)", format="%.1f"),
            "claim_type": st.column_config.TextColumn("kind of claim"),
            "attribution": st.column_config.TextColumn("cause"),
            "url": st.column_config.LinkColumn("url"),
            "cited_as": st.column_config.TextColumn("source"),
            "source_id": st.column_config.TextColumn("source id"),
        },
    )


left, right = st.columns(2)
left.download_button(
    "Download what is shown (CSV)",
    data=lambda: exports.csv_bytes(compared.rows),
    file_name=f"{file_stem(*view.companies, 'selection')}.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)
right.download_button(
    "Download the whole dataset (CSV)",
    data=lambda: downloads.whole_dataset_csv(store(), catalog.revision),
    file_name="headcount-observations-with-sources.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)
right.download_button(
    "Download every table (Excel)",
    data=lambda: exports.xlsx_bytes(store().read(catalog.revision)),
    file_name="headcount-tables.xlsx",
    mime=exports.XLSX_MIME,
    icon=":material/download:",
    on_click="ignore",
    help="One sheet per table, sources with their citations included; it uploads back "
    "unchanged on the Upload page.",
)
