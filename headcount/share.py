"""The view state as URL query parameters: a small API that a shared link must honour.

    ?company=Klarna&compare=Salesforce&compare=IBM&metric=headcount&basis=...&from=2022-01-01
     &to=2025-12-31&index=1

The page itself is the URL path (``/``, ``/explorer``, ``/sources``). Parsing never fails: an
unknown or malformed value falls back to its default and yields a notice for the reader.
Encoding leaves defaults out, so the plain page URL is the default view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from validation.vocabulary import METRICS

PARAMETERS = ("company", "compare", "metric", "basis", "from", "to", "index")
DEFAULT_METRICS: tuple[str, ...] = ("headcount",)


@dataclass(frozen=True)
class View:
    company: str
    compare: tuple[str, ...] = ()
    metrics: tuple[str, ...] = DEFAULT_METRICS
    bases: tuple[str, ...] = ()  # empty: every basis
    start: dt.date | None = None
    end: dt.date | None = None
    index: bool = False

    @property
    def companies(self) -> tuple[str, ...]:
        return (self.company, *(c for c in self.compare if c != self.company))


@dataclass(frozen=True)
class Parsed:
    view: View
    notices: tuple[str, ...] = field(default_factory=tuple)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse(
    params: Mapping[str, Sequence[str]],
    companies: Sequence[str],
    bases: Sequence[str] = (),
) -> Parsed:
    """The view a link asks for, restricted to what the data has, with notices for the rest."""
    notices: list[str] = []
    default = companies[0] if companies else ""

    def last(name: str) -> str | None:
        values = params.get(name) or ()
        return values[-1] if values else None

    for name in params:
        if name not in PARAMETERS:
            notices.append(f"Ignored the unknown link parameter {name!r}.")

    company = last("company")
    if company is not None and company not in companies:
        notices.append(f"The link names the company {company!r}, which is not in the data.")
        company = None

    def known(name: str, allowed: Sequence[str], unknown: str) -> list[str]:
        """The parameter's values the data has, once each, in link order."""
        kept: list[str] = []
        for value in params.get(name) or ():
            if value not in allowed:
                notices.append(unknown.format(value=value))
            elif value not in kept:
                kept.append(value)
        return kept

    compare = known(
        "compare", companies, "Left out {value!r} from the comparison: not in the data."
    )
    metrics = known("metric", METRICS, "Left out the unknown metric {value!r}.")
    chosen_bases = known("basis", bases, "Left out the basis {value!r}: not in the data.")

    dates = {}
    for name in ("from", "to"):
        text = last(name)
        dates[name] = _date(text) if text else None
        if text and dates[name] is None:
            notices.append(f"Ignored {name}={text!r}: dates are written YYYY-MM-DD.")
    if dates["from"] and dates["to"] and dates["from"] > dates["to"]:
        notices.append("Ignored the date range: it ends before it starts.")
        dates = {"from": None, "to": None}

    index_text = last("index")
    if index_text not in (None, "0", "1"):
        notices.append(f"Ignored index={index_text!r}: use 1 for an index, 0 for values.")

    view = View(
        company=company or default,
        compare=tuple(compare),
        metrics=tuple(metrics) or DEFAULT_METRICS,
        bases=tuple(chosen_bases),
        start=dates["from"],
        end=dates["to"],
        index=index_text == "1",
    )
    return Parsed(view, tuple(notices))


def encode(view: View, default_company: str) -> dict[str, list[str]]:
    """Query parameters for a view, leaving out whatever equals the default."""
    params: dict[str, list[str]] = {}
    if view.company != default_company:
        params["company"] = [view.company]
    if view.compare:
        params["compare"] = list(view.compare)
    if view.metrics != DEFAULT_METRICS:
        params["metric"] = list(view.metrics)
    if view.bases:
        params["basis"] = list(view.bases)
    if view.start:
        params["from"] = [view.start.isoformat()]
    if view.end:
        params["to"] = [view.end.isoformat()]
    if view.index:
        params["index"] = ["1"]
    return params


def link(current_url: str, view: View, default_company: str) -> str:
    """The address that reopens this view on the current page."""
    page = current_url.split("?", 1)[0].split("#", 1)[0]
    query = urlencode(encode(view, default_company), doseq=True)
    return f"{page}?{query}" if query else page
