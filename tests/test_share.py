"""The URL is a small API: every view round-trips, and bad links fall back with a notice."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from headcount import share

COMPANIES = ["Klarna", "Salesforce", "IBM"]
BASES = ["full-time employees at year end (F-1)", "employees stated by the CEO (CNBC)"]


def roundtrip(view: share.View) -> share.Parsed:
    url = share.link("http://host:8501/explorer?stale=1", view, COMPANIES[0])
    params = parse_qs(urlsplit(url).query)
    return share.parse(params, COMPANIES, BASES)


def test_default_view_is_the_bare_url():
    view = share.View("Klarna")
    assert share.link("http://host:8501/", view, "Klarna") == "http://host:8501/"
    assert share.parse({}, COMPANIES, BASES) == share.Parsed(view, ())


@pytest.mark.parametrize(
    "view",
    [
        share.View("Salesforce"),
        share.View("Klarna", compare=("Salesforce", "IBM")),
        share.View("Klarna", metrics=("headcount", "valuation"), index=True),
        share.View("IBM", bases=tuple(BASES), start=dt.date(2022, 1, 1), end=dt.date(2025, 6, 30)),
    ],
)
def test_every_view_survives_a_link(view):
    parsed = roundtrip(view)
    assert parsed.notices == ()
    assert parsed.view == view


def test_link_keeps_the_page_and_drops_old_query():
    url = share.link("http://host:8501/explorer?company=IBM#x", share.View("Salesforce"), "Klarna")
    assert url == "http://host:8501/explorer?company=Salesforce"


@pytest.mark.parametrize(
    ("params", "expected", "notice"),
    [
        ({"company": ["Nope"]}, share.View("Klarna"), "not in the data"),
        ({"compare": ["Nope", "IBM"]}, share.View("Klarna", compare=("IBM",)), "Left out 'Nope'"),
        ({"metric": ["jobs"]}, share.View("Klarna"), "unknown metric 'jobs'"),
        ({"basis": ["made up"]}, share.View("Klarna"), "basis 'made up'"),
        ({"from": ["2024-13-01"]}, share.View("Klarna"), "YYYY-MM-DD"),
        (
            {"from": ["2025-01-01"], "to": ["2024-01-01"]},
            share.View("Klarna"),
            "ends before it starts",
        ),
        ({"index": ["yes"]}, share.View("Klarna"), "index='yes'"),
        ({"utm_source": ["mail"]}, share.View("Klarna"), "unknown link parameter 'utm_source'"),
    ],
)
def test_bad_parameters_fall_back_with_a_notice(params, expected, notice):
    parsed = share.parse(params, COMPANIES, BASES)
    assert parsed.view == expected
    assert len(parsed.notices) == 1 and notice in parsed.notices[0]


def test_main_company_is_never_duplicated_in_the_comparison():
    view = share.View("Klarna", compare=("Klarna", "IBM"))
    assert view.companies == ("Klarna", "IBM")
