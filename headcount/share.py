"""The view state as URL query parameters: a small API that a shared link must honour.

    ?company=Klarna&compare=Salesforce&compare=IBM&metric=headcount&basis=...&from=2022-01-01
     &to=2025-12-31&index=1&statements=1&cause=ai_does_work&rev=3

The page itself is the URL path (``/``, ``/explorer``, ``/claims``, ``/sources``). ``rev=``
pins the view to a revision of the data (a citation's address reopens what was cited); without
it a page shows the latest. Parsing never fails: an unknown or malformed value falls back to
its default and yields a notice for the reader. Encoding leaves defaults out, so the plain page
URL is the default view.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from html import escape
from typing import Literal
from urllib.parse import urlencode

from headcount import revisiontext
from validation.vocabulary import ATTRIBUTIONS, METRICS

# Streamlit's own parameters (embedding, theme) are not the view's and deserve no notice.
STREAMLIT_PARAMETERS = ("embed", "embed_options")
# Which of a page's charts an embed shows (ui/embed.py); not part of the view a link shares.
CHART = "chart"
EMBED_PARAMETERS = (CHART,)
# Streamlit's embed_options value per theme of an embedded chart (none: the reader's setting).
THEMES = {"light": "light_theme", "dark": "dark_theme"}
DEFAULT_METRICS: tuple[str, ...] = ("headcount",)
# A notice quotes at most this much of a bad value: a link may carry kilobytes of garbage.
QUOTED = 40


@dataclass(frozen=True)
class View:
    company: str
    compare: tuple[str, ...] = ()
    metrics: tuple[str, ...] = DEFAULT_METRICS
    bases: tuple[str, ...] = ()  # empty: every basis
    start: dt.date | None = None
    end: dt.date | None = None
    index: bool = False
    statements: bool = False  # also lone statements and targets, not only each best series
    attributions: tuple[str, ...] = ()  # causes of AI claims to show; empty: every cause
    log: bool = False  # values on a log scale (one large company would flatten the rest)
    revision: int | None = None  # the revision the link pins; None: the latest, whichever

    @property
    def companies(self) -> tuple[str, ...]:
        return (self.company, *(c for c in self.compare if c != self.company))


@dataclass(frozen=True)
class Parsed:
    view: View
    notices: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Parameter:
    """One parameter of a view's link, declared once: its name in the address, the View field
    it sets, the page widget that holds it (ui/state.py; none for the revision, which the page
    keeps while the person clicks), its kind (how a link's text becomes a value), what a value
    must be one of, and the data column it filters in the data API (headcount/api.py), if it
    is one of the API's filters."""

    name: str
    field: str
    widget: str
    kind: Literal["company", "choices", "date", "switch", "revision"]
    allowed: Literal["companies", "bases", "metrics", "causes", ""] = ""
    api_column: str | None = None
    unknown: str = ""  # the notice for a value the data does not have ({value}: quoted)
    meaning: str = ""  # a switch: what 1 turns on


VIEW_PARAMETERS: tuple[Parameter, ...] = (
    Parameter("company", "company", "company", "company", "companies", api_column="company"),
    Parameter(
        "compare",
        "compare",
        "compare",
        "choices",
        "companies",
        unknown="Left out {value} from the comparison: not in the data.",
    ),
    Parameter(
        "metric",
        "metrics",
        "metrics",
        "choices",
        "metrics",
        api_column="metric",
        unknown="Left out the unknown metric {value}.",
    ),
    Parameter(
        "basis",
        "bases",
        "bases",
        "choices",
        "bases",
        api_column="basis",
        unknown="Left out the basis {value}: not in the data.",
    ),
    Parameter("from", "start", "range", "date", api_column="date"),
    Parameter("to", "end", "range", "date", api_column="date"),
    Parameter("index", "index", "index", "switch", meaning="an index"),
    Parameter("statements", "statements", "statements", "switch", meaning="statements and targets"),
    Parameter(
        "cause",
        "attributions",
        "attributions",
        "choices",
        "causes",
        unknown="Left out the unknown cause {value}.",
    ),
    Parameter("log", "log", "log", "switch", meaning="a log scale"),
    # The data API's rev= too (headcount/revisiontext.py reads its number for both).
    Parameter("rev", "revision", "", "revision"),
)
PARAMETERS = tuple(parameter.name for parameter in VIEW_PARAMETERS)
BY_NAME = {parameter.name: parameter for parameter in VIEW_PARAMETERS}
REVISION = next(p.name for p in VIEW_PARAMETERS if p.kind == "revision")


@dataclass(frozen=True)
class Pin:
    """The revision a link pins (None: the latest) and, when its rev= named none, why."""

    revision: int | None
    notice: str | None = None


def pinned(params: Mapping[str, Sequence[str]], latest: int | None) -> Pin:
    """The revision a page's link pins with rev=: one revision the store has (1 to ``latest``),
    read by the data API's own rule and worded as it words a refusal; any other rev= is left
    out, saying why and that the latest is shown. A page needs this first: the pinned
    revision's companies, bases and dates are what the rest of the link is checked against."""
    values = params.get(REVISION) or ()
    if not values:
        return Pin(None)
    if latest is None:
        nothing = "there is no published revision to show."
        return Pin(None, f"Ignored rev={quoted(values[-1])}: {nothing}")
    shown = f"showing the latest, revision {latest}."
    if len(set(values)) > 1:
        named = ", ".join(quoted(value) for value in values[:3])
        return Pin(None, f"The link names {len(values)} revisions ({named}): {shown}")
    try:
        return Pin(revisiontext.asked_revision({REVISION: values}, latest))
    except revisiontext.RevisionRefused as refused:
        return Pin(None, f"{str(refused).rstrip('.')}. {shown.capitalize()}")


def matched(value: str, names: Sequence[str]) -> str | None:
    """``value`` as one of ``names``: itself, or the one name it equals but for case ('ibm'
    is IBM); None when there is none, or when two names differ only by case."""
    if value in names:
        return value
    alike = [name for name in names if name.casefold() == value.casefold()]
    return alike[0] if len(alike) == 1 else None


def choices(companies: Sequence[str], bases: Sequence[str]) -> dict[str, Sequence[str]]:
    """What each kind of value may be (a Parameter's ``allowed``), for data with these
    companies and bases: the pages' links and the data API check values against it."""
    return {"companies": companies, "bases": bases, "metrics": METRICS, "causes": ATTRIBUTIONS}


def default(field_name: str) -> object:
    """A View field's default: what a link without its parameter means."""
    return View.__dataclass_fields__[field_name].default


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def link_date(text: str) -> dt.date | None:
    """A date of a link or a data URL: YYYY-MM-DD in ASCII digits, or None. (fromisoformat
    also takes "20221231", week dates such as "2022-W01-1" and other forms.)"""
    if ISO_DAY.fullmatch(text) is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def quoted(value: object) -> str:
    """A value from a link as a notice shows it: in quotes and never longer than a line."""
    text = str(value)
    return repr(text if len(text) <= QUOTED else text[:QUOTED] + "…")


def _dates(
    start: dt.date | None, end: dt.date | None, span: tuple[dt.date, dt.date] | None
) -> tuple[dt.date | None, dt.date | None, list[str]]:
    """The link's dates kept inside the data's first and last date (a bound at or beyond
    either end is no bound); a range that ends before it starts is dropped."""
    notices: list[str] = []
    if start and end and start > end:
        return None, None, ["Ignored the date range: it ends before it starts."]
    if span is None:
        return start, end, notices
    lowest, highest = span
    if start and start > highest:
        notices.append(f"Ignored from={start.isoformat()}: the data ends on {highest.isoformat()}.")
        start = None
    if end and end < lowest:
        notices.append(f"Ignored to={end.isoformat()}: the data starts on {lowest.isoformat()}.")
        end = None
    start = None if start is None or start <= lowest else start
    end = None if end is None or end >= highest else end
    if start and end and start > end:  # only possible once one side was dropped above
        return None, None, notices
    return start, end, notices


def parse(
    params: Mapping[str, Sequence[str]],
    companies: Sequence[str],
    bases: Sequence[str] = (),
    span: tuple[dt.date, dt.date] | None = None,
    latest: int | None = None,
) -> Parsed:
    """The view a link asks for, restricted to what the data has (its companies, bases and,
    given ``span``, its first and last date: those of the revision the link pins, `pinned`)
    and to the revisions 1 to ``latest``, with notices for the rest."""
    notices: list[str] = []
    first_company = companies[0] if companies else ""

    def last(name: str) -> str | None:
        values = params.get(name) or ()
        return values[-1] if values else None

    for name in params:
        if name not in (*PARAMETERS, *EMBED_PARAMETERS, *STREAMLIT_PARAMETERS):
            notices.append(f"Ignored the unknown link parameter {quoted(name)}.")

    allowed = choices(companies, bases)

    def known(parameter: Parameter) -> list[str]:
        """The parameter's values the data has, once each, in link order."""
        kept: list[str] = []
        for value in params.get(parameter.name) or ():
            found = matched(value, allowed[parameter.allowed])
            if found is None:
                notices.append(parameter.unknown.format(value=quoted(value)))
            elif found not in kept:
                kept.append(found)
        return kept

    fields: dict[str, object] = {}
    for parameter in VIEW_PARAMETERS:
        text = last(parameter.name)
        if parameter.kind == "company":
            found = matched(text, companies) if text is not None else None
            if text is not None and found is None:
                notices.append(
                    f"The link names the company {quoted(text)}, which is not in the data."
                )
            fields[parameter.field] = found or first_company
        elif parameter.kind == "choices":
            fields[parameter.field] = tuple(known(parameter)) or default(parameter.field)
        elif parameter.kind == "date":
            fields[parameter.field] = link_date(text) if text else None
            if text and fields[parameter.field] is None:
                notices.append(
                    f"Ignored {parameter.name}={quoted(text)}: dates are written YYYY-MM-DD."
                )
        elif parameter.kind == "switch":
            if text not in (None, "0", "1"):
                notices.append(
                    f"Ignored {parameter.name}={quoted(text)}: use 1 for {parameter.meaning}, "
                    "0 for none."
                )
            fields[parameter.field] = text == "1"
        else:  # the revision: the whole of rev= (its values must agree), not only its last
            pin = pinned(params, latest)
            fields[parameter.field] = pin.revision
            notices.extend([pin.notice] if pin.notice else [])
    start, end, date_notices = _dates(fields["start"], fields["end"], span)  # type: ignore[arg-type]
    notices.extend(date_notices)
    view = View(**{**fields, "start": start, "end": end})  # type: ignore[arg-type]
    return Parsed(view, tuple(notices))


def encode(view: View, default_company: str) -> dict[str, list[str]]:
    """Query parameters for a view, leaving out whatever equals the default."""
    params: dict[str, list[str]] = {}
    for parameter in VIEW_PARAMETERS:
        value = getattr(view, parameter.field)
        if parameter.kind == "company":
            if value != default_company:
                params[parameter.name] = [value]
        elif parameter.kind == "choices":
            if value and value != default(parameter.field):
                params[parameter.name] = list(value)
        elif parameter.kind == "date":
            if value:
                params[parameter.name] = [value.isoformat()]
        elif parameter.kind == "revision":
            if value is not None:
                params[parameter.name] = [str(value)]
        elif value:
            params[parameter.name] = ["1"]
    return params


def link(current_url: str, view: View, default_company: str) -> str:
    """The address that reopens this view on the current page (the root page's with its
    slash: Streamlit reports it as 'http://host:8501', and '...8501?company=X' is no address
    to print or paste)."""
    page = page_address(current_url)
    query = urlencode(encode(view, default_company), doseq=True)
    return f"{page}?{query}" if query else page


def cited_link(current_url: str, view: View, revision: int | None) -> str:
    """A citation's address of a view: pinned to the revision shown (None: data that came from
    no store), and naming its company even when it is the default one, which another revision
    may change."""
    return link(current_url, replace(view, revision=revision), default_company="")


def arc_link(current_url: str | None, company: str, revision: int | None = None) -> str:
    """The arc page of ``company`` in the app that serves ``current_url`` (any of its pages),
    of ``revision`` if one is pinned: the link names its company, even the default one, so a
    table can show the name."""
    app = page_address(current_url or "").rsplit("/", 1)[0] + "/"
    view = View(company, revision=revision)
    return f"{app}?{urlencode(encode(view, default_company=''), doseq=True)}"


def _site(current_url: str) -> str:
    """The scheme and host of a page's address ('' if it has none): where the API is too."""
    root = current_url.split("?", 1)[0].split("#", 1)[0]
    scheme, _, rest = root.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}" if scheme and host else ""


def data_link(current_url: str, view: View, revision: int | None = None) -> str:
    """The data API's address of the figures a view shows (headcount/api.py): every company of
    the view named, with its metrics, bases and dates, so `curl` gets what the page shows;
    pinned to ``revision``, else to the revision the view pins, if any (a citation's address
    that never changes)."""
    revision = view.revision if revision is None else revision
    base = _site(current_url)
    query: list[tuple[str, str]] = [("company", company) for company in view.companies]
    query += [("metric", metric) for metric in view.metrics]
    query += [("basis", basis) for basis in view.bases]
    if view.start:
        query.append(("from", view.start.isoformat()))
    if view.end:
        query.append(("to", view.end.isoformat()))
    if revision is not None:
        query.append((REVISION, str(revision)))
    return f"{base}/api/observations.csv?{urlencode(query)}"


def feed_link(current_url: str, company: str | None = None, cause: str | None = None) -> str:
    """The changes feed's address (headcount/feeds.py): every revision, or only those that
    changed a company's rows or rows of one cause of AI claims."""
    query = urlencode([(k, v) for k, v in (("company", company), ("cause", cause)) if v])
    return f"{_site(current_url)}/api/changes.atom" + (f"?{query}" if query else "")


def panel_chart(metric: str, unit: str) -> str:
    """The chart= value of an Explorer chart (one metric in one unit): 'revenue-usd',
    'revenue_per_employee-usd-per-employee'; plain letters, so a link needs no escapes."""
    words = re.sub(r"[^a-z0-9]+", "-", unit.lower().replace("/", " per ")).strip("-")
    return f"{metric}-{words}" if words else metric


def chart_asked(
    params: Mapping[str, Sequence[str]], charts: Sequence[str]
) -> tuple[str | None, tuple[str, ...]]:
    """The chart an embed link shows: its (last) chart= value when the view has that chart,
    else the view's first chart, with a notice when the link asked for another one."""
    values = params.get(CHART) or ()
    asked = values[-1] if values else None
    if asked in charts:
        return asked, ()
    first = charts[0] if charts else None
    if asked is None:
        return first, ()
    if first is None:
        return None, (f"This view has no chart {quoted(asked)} to show.",)
    return first, (f"This view has no chart {quoted(asked)}: showing its first chart.",)


def embed_link(
    current_url: str,
    view: View,
    default_company: str,
    chart: str,
    theme: str | None = None,
) -> str:
    """The address of one chart of a view in Streamlit's embed mode (``embed=true`` hides the
    app's menu, header and padding); ``theme`` 'light' or 'dark' fixes its colours,
    otherwise it follows the reader's system setting."""
    query: list[tuple[str, str]] = [
        (name, value) for name, values in encode(view, default_company).items() for value in values
    ]
    query += [(CHART, chart), ("embed", "true")]
    if theme is not None:
        query.append(("embed_options", THEMES[theme]))
    return f"{page_address(current_url)}?{urlencode(query)}"


def host(url: str) -> str:
    """The host (and port) of an address, as a printed chart names where it comes from
    ('headcount.example.org'); empty for an address without one."""
    _, separator, rest = url.partition("://")
    return rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0] if separator else ""


def page_address(url: str) -> str:
    """A page's address without query or fragment, and with the path's slash that Streamlit
    leaves out of the root page's address ('http://host:8501' is 'http://host:8501/')."""
    page = url.split("?", 1)[0].split("#", 1)[0]
    _, separator, rest = page.partition("://")
    return page + "/" if separator and rest and "/" not in rest else page


def embed_snippet(src: str, title: str, height: int, width: str = "100%") -> str:
    """The HTML a publisher pastes into their page: an iframe of ``src``, lazily loaded, its
    title read out by screen readers; every value escaped for an HTML attribute (an address
    holds '&', a company name may hold quotes or angle brackets)."""
    attributes = {
        "src": src,
        "title": title,
        "width": width,
        "height": str(height),
        "loading": "lazy",
        "style": "border:0;max-width:100%",
    }
    text = " ".join(f'{name}="{escape(value, quote=True)}"' for name, value in attributes.items())
    return f"<iframe {text}></iframe>"
