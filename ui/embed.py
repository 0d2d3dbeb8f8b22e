"""Charts in other people's pages: one chart of a view alone, in Streamlit's embed mode, and
the iframe snippet that puts it there.

A page opened with ``embed=true`` (Streamlit then hides its own menu, header and padding) shows
one of its charts (``chart=``, headcount/share.py), that chart's source line and a link back to
the full view, and nothing else: the shell draws no navigation or sidebar, and the page stops
right after. On every other run the page only marks its charts as embeddable, and the "Copy
link" popover offers their snippets (`offer`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias
from urllib.parse import urlsplit

import plotly.graph_objects as go
import streamlit as st

from headcount import arcview, attribution, charts, comparison, share
from headcount.dataset import Catalog, Dataset
from ui import state
from ui.cited import unchecked
from ui.server import per_revision
from ui.text import escape

APP_NAME = "Headcount & AI claims"
# The frame's height beyond the chart's own: the top padding Streamlit keeps in embed mode, the
# source line (up to three lines at phone width) and the link back. Measured in Chromium at
# 390 px (tests/test_browser_embed.py): less and the link back scrolls out of the frame.
FRAME_EXTRA = 180
KEY_CHARS, KEY_LINE = 40, 24  # a key's characters a line and px a line, at 390 px
# Where each page lives (ui/shell.py's url_path), for the link back to the full view.
PAGE_PATHS = {"arc": "", "explorer": "explorer"}

Figure: TypeAlias = go.Figure | dict


@dataclass(frozen=True)
class Embeddable:
    """One chart a page can give away: its chart= value, its title for people and screen
    readers, and how to draw it (drawn only when shown or measured)."""

    chart: str
    label: str
    draw: Callable[[], Figure]
    key: tuple[str, ...] = ()  # what the chart's numbered markers stand for, one line each

    def frame_height(self) -> int:
        """The snippet's frame: the chart, what Streamlit adds around it and the key, whose
        lines wrap at about 40 characters in a phone's frame."""
        wrapped = sum(-(-len(line) // KEY_CHARS) for line in self.key)
        return height(self.draw()) + FRAME_EXTRA + KEY_LINE * wrapped


def arc_charts(data: Dataset, company: str) -> list[Embeddable]:
    """The arc page's charts: the arc, then revenue per employee and valuation."""
    shown = per_revision(data, "arc", company, lambda: arcview.build(data, company))
    found = []
    if shown.arc is not None:  # its events are numbered: the frame lists what they are
        found.append(Embeddable("arc", shown.title, _ready(shown.arc), tuple(shown.event_list)))
    found += [
        Embeddable(s.metric, f"{company}: {s.label.lower()}", _ready(s.figure))
        for s in shown.side
        if s.figure is not None
    ]
    return found


def _ready(figure: Figure) -> Callable[[], Figure]:
    return lambda: figure


def explorer_charts(data: Dataset, view: share.View, every: Sequence[str]) -> list[Embeddable]:
    """The Explorer's charts for a view: one per metric and unit, as the page draws them
    (``every``: the catalog's companies, which fix each company's colour)."""
    compared = comparison.compare(data.observations, data.sources, view)
    names = ", ".join(view.companies)
    found: list[Embeddable] = []
    for panel in compared.panels:
        if panel.points.is_empty():
            continue
        chart = share.panel_chart(panel.metric, panel.unit)

        def draw(panel: comparison.Panel = panel, chart: str = chart) -> Figure:
            # Kept per revision: every reader of a published embed opens the same figure.
            return per_revision(
                data,
                "embed",
                f"{view!r}|{chart}",
                lambda: charts.comparison_figure(
                    panel.points,
                    panel.title,
                    view.companies,
                    base_year=panel.base_year,
                    log=view.log,
                    every=every,
                ),
            )

        found.append(Embeddable(chart, f"{names}: {panel.title}", draw))
    return found


def figure_dict(figure: Figure) -> dict:
    """A fresh dict of the figure: cached figures are shared by sessions, never changed."""
    return figure.to_dict() if isinstance(figure, go.Figure) else {**figure}


def height(figure: Figure) -> int:
    return int(figure_dict(figure).get("layout", {}).get("height") or 450)


def page_url(context_url: str, origin: str | None, base_path: str, page: str) -> str:
    """The address of the app's page, for the link back. Streamlit reports the top window's
    address where the browser lets it read it: in a frame on a page of the same origin that is
    the host page's, not the app's. Then the app's page is rebuilt from the origin the browser
    connected from (the frame's) and the page's path under the server's base path."""
    page_url = share.page_address(context_url)
    if not origin:
        return page_url
    path = "/" + "/".join(part for part in (base_path.strip("/"), page) if part)
    parts = urlsplit(page_url)
    own = f"{parts.scheme}://{parts.netloc}" == origin.rstrip("/") and (
        parts.path.rstrip("/") or "/"
    ) == (path.rstrip("/") or "/")
    return page_url if own else origin.rstrip("/") + path


def _back_link(kind: str, view: share.View, catalog: Catalog) -> str:
    url = page_url(
        st.context.url or "",
        st.context.headers.get("Origin"),
        str(st.get_option("server.baseUrlPath") or ""),
        PAGE_PATHS[kind],
    )
    return share.link(url, view, catalog.companies[0])


def _show(
    kind: str, found: list[Embeddable], view: share.View, catalog: Catalog, data: Dataset
) -> None:
    """The chart the link asks for, its source line and the link back; nothing else."""
    chosen, chart_notices = share.chart_asked(
        {share.CHART: state.chart_asked()}, [e.chart for e in found]
    )
    pinned = state.pin_words()  # a chart of a revision the link pins says which, last
    notices = [*st.session_state.pop("_link_notices", ()), *chart_notices, *filter(None, [pinned])]
    back = _back_link(kind, view, catalog)
    embeddable = next((e for e in found if e.chart == chosen), None)
    if embeddable is None:
        st.caption(f"No chart of {escape(view.company)} to show here yet.")
    else:
        figure = figure_dict(embeddable.draw())
        st.plotly_chart(
            unchecked(figure),
            key=f"embed_{embeddable.chart}",
            # Reading, not working: the full view has the downloads and the selection.
            config={"displayModeBar": False, "displaylogo": False},
            width="stretch",
            alt=embeddable.label,
        )
        if embeddable.key:  # the numbered markers mean nothing without it
            st.caption("  \n".join(escape(line) for line in embeddable.key))
        # The line the chart carries on its page (headcount/attribution.py).
        st.caption(escape(attribution.source_line(attribution.figure_ids(figure), data.sources)))
    # Markdown links open in a new tab (target=_blank, rel=noopener): the frame stays.
    st.markdown(f"[View on {escape(APP_NAME)} →](<{back}>)")
    if notices:
        st.caption(" ".join(escape(n) for n in notices))


def arc(catalog: Catalog) -> None:
    """At the top of the arc page: embedded, the chart alone and the page ends here;
    otherwise the page's charts are offered as embeds."""
    if not state.embedded():
        state.embeddable("arc")
        return
    view = state.link_view(catalog)
    data = state.company_or_stop(catalog, view.company)
    _show("arc", arc_charts(data, view.company), view, catalog, data)
    st.stop()


def explorer(catalog: Catalog) -> None:
    """At the top of the Explorer: embedded, the chart alone and the page ends here;
    otherwise the page's charts are offered as embeds."""
    if not state.embedded():
        state.embeddable("explorer")
        return
    view = state.link_view(catalog)
    data = state.companies_or_stop(catalog, view.companies)
    _show("explorer", explorer_charts(data, view, catalog.companies), view, catalog, data)
    st.stop()


def snippets(kind: str, view: share.View, catalog: Catalog) -> list[tuple[str, str]]:
    """Each chart of the view with its embed snippet (label, HTML)."""
    if kind == "arc":
        # The arc's view is its company (of the revision the page pins, if any).
        view = share.View(view.company, revision=view.revision)
        found = arc_charts(state.company_or_stop(catalog, view.company), view.company)
    else:
        data = state.companies_or_stop(catalog, view.companies)
        found = explorer_charts(data, view, catalog.companies)
    url = st.context.url or ""
    default = catalog.companies[0]
    # A pinned chart says which revision it shows, under the link back: room for those lines.
    pinned = state.pin_words() or ""
    extra = KEY_LINE * -(-len(pinned) // KEY_CHARS)
    return [
        (
            e.label,
            share.embed_snippet(
                share.embed_link(url, view, default, e.chart),
                e.label,
                e.frame_height() + extra,
            ),
        )
        for e in found
    ]


def offer(kind: str, view: share.View) -> None:
    """In the share popover, beside the link and the data URL: a snippet per chart, computed
    only once the section is opened (an Explorer view's figures take half a second)."""
    section = st.expander(
        "Embed a chart", icon=":material/code:", key="embed_charts", on_change="rerun"
    )
    if not section.open:
        return
    with section:
        found = snippets(kind, view, state.catalog_or_stop())
        if not found:
            st.caption("This view has no chart to embed.")
            return
        st.caption(
            "Paste it into your own page: it shows the chart, its source and a link back to "
            "this view."
        )
        for label, snippet in found:
            st.caption(escape(label))
            st.code(snippet, language="html", wrap_lines=True)
