"""The URL is a small API: every view round-trips, and bad links fall back with a notice."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from headcount import revisiontext, share

COMPANIES = ["Klarna", "Salesforce", "IBM"]
BASES = ["full-time employees at year end (F-1)", "employees stated by the CEO (CNBC)"]


def roundtrip(view: share.View) -> share.Parsed:
    url = share.link("http://host:8501/explorer?stale=1", view, COMPANIES[0])
    params = parse_qs(urlsplit(url).query)
    return share.parse(params, COMPANIES, BASES)


def test_default_view_is_the_bare_url():
    view = share.View("Klarna")
    assert share.link("http://host:8501/", view, "Klarna") == "http://host:8501/"
    # Streamlit reports the root page without its slash; the link has it.
    assert share.link("http://host:8501", share.View("IBM"), "Klarna") == (
        "http://host:8501/?company=IBM"
    )
    assert share.parse({}, COMPANIES, BASES) == share.Parsed(view, ())


@pytest.mark.parametrize(
    "view",
    [
        share.View("Salesforce"),
        share.View("Klarna", compare=("Salesforce", "IBM")),
        share.View("Klarna", metrics=("headcount", "valuation"), index=True),
        share.View("IBM", bases=tuple(BASES), start=dt.date(2022, 1, 1), end=dt.date(2025, 6, 30)),
        share.View("Klarna", start=dt.date(2022, 12, 31)),
        share.View("Klarna", end=dt.date(2023, 6, 30)),
        share.View("Klarna", statements=True, attributions=("ai_does_work", "forecast")),
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
        ({"statements": ["on"]}, share.View("Klarna"), "statements='on'"),
        ({"cause": ["robots"]}, share.View("Klarna"), "unknown cause 'robots'"),
        ({"from": ["20221231"]}, share.View("Klarna"), "YYYY-MM-DD"),
    ],
)
def test_bad_parameters_fall_back_with_a_notice(params, expected, notice):
    parsed = share.parse(params, COMPANIES, BASES)
    assert parsed.view == expected
    assert len(parsed.notices) == 1 and notice in parsed.notices[0]


def test_main_company_is_never_duplicated_in_the_comparison():
    view = share.View("Klarna", compare=("Klarna", "IBM"))
    assert view.companies == ("Klarna", "IBM")


SPAN = (dt.date(2018, 12, 31), dt.date(2025, 12, 31))


@pytest.mark.parametrize(
    ("params", "start", "end", "notice"),
    [
        ({"from": ["2030-01-01"]}, None, None, "the data ends on 2025-12-31"),
        ({"to": ["2001-01-01"]}, None, None, "the data starts on 2018-12-31"),
        ({"from": ["2024-01-01"], "to": ["2030-01-01"]}, dt.date(2024, 1, 1), None, None),
        ({"from": ["1900-01-01"], "to": ["2023-01-01"]}, None, dt.date(2023, 1, 1), None),
        ({"from": ["2030-01-01"], "to": ["2031-01-01"]}, None, None, "the data ends on"),
    ],
)
def test_dates_beyond_the_data_are_no_bound(params, start, end, notice):
    parsed = share.parse(params, COMPANIES, BASES, SPAN)
    assert (parsed.view.start, parsed.view.end) == (start, end)
    if notice is None:
        assert parsed.notices == ()
    else:
        assert any(notice in n for n in parsed.notices), parsed.notices


def test_a_huge_value_is_quoted_short_in_its_notice():
    parsed = share.parse({"company": ["x" * 100_000]}, COMPANIES, BASES)
    assert parsed.view.company == "Klarna"
    assert len(parsed.notices[0]) < 120


def test_streamlit_embedding_parameters_need_no_notice():
    assert share.parse({"embed": ["true"]}, COMPANIES, BASES).notices == ()


def test_the_data_link_asks_the_api_for_what_the_view_shows():
    view = share.View(
        company="Klarna",
        compare=("IBM",),
        metrics=("headcount",),
        start=dt.date(2022, 1, 1),
    )
    assert share.data_link("http://example.test:8501/explorer?compare=IBM", view) == (
        "http://example.test:8501/api/observations.csv"
        "?company=Klarna&company=IBM&metric=headcount&from=2022-01-01"
    )


def test_the_feed_link_names_the_company_on_this_server():
    page = "http://example.test:8501/sources?company=AT%26T"
    assert share.feed_link(page, "AT&T") == (
        "http://example.test:8501/api/changes.atom?company=AT%26T"
    )
    assert share.feed_link(page) == "http://example.test:8501/api/changes.atom"
    assert share.feed_link("", cause="forecast") == "/api/changes.atom?cause=forecast"


def test_the_chart_parameter_of_an_embed_needs_no_notice():
    parsed = share.parse({"chart": ["arc"], "embed": ["true"]}, COMPANIES, BASES)
    assert parsed == share.Parsed(share.View("Klarna"), ())


def test_an_embed_link_is_the_view_with_its_chart_in_embed_mode():
    view = share.View("IBM", compare=("Klarna",), start=dt.date(2022, 1, 1))
    url = share.embed_link("http://host:8501/explorer?company=x#top", view, "Klarna", "revenue-usd")
    assert url == (
        "http://host:8501/explorer?company=IBM&compare=Klarna&from=2022-01-01"
        "&chart=revenue-usd&embed=true"
    )
    assert share.parse(parse_qs(urlsplit(url).query), COMPANIES, BASES).view == view


@pytest.mark.parametrize(
    ("theme", "option"),
    [("dark", "&embed_options=dark_theme"), ("light", "&embed_options=light_theme")],
)
def test_an_embed_link_can_fix_the_theme(theme, option):
    url = share.embed_link("http://host:8501", share.View("Klarna"), "Klarna", "arc", theme=theme)
    assert url == f"http://host:8501/?chart=arc&embed=true{option}"


def test_the_embed_snippet_is_an_iframe_with_every_value_escaped():
    src = "http://host:8501/?company=A%26B&chart=arc&embed=true"
    snippet = share.embed_snippet(src, 'Salesforce "AI" <agents> & people', 670)
    assert snippet == (
        '<iframe src="http://host:8501/?company=A%26B&amp;chart=arc&amp;embed=true" '
        'title="Salesforce &quot;AI&quot; &lt;agents&gt; &amp; people" width="100%" '
        'height="670" loading="lazy" style="border:0;max-width:100%"></iframe>'
    )


@pytest.mark.parametrize(
    ("metric", "unit", "chart"),
    [
        ("headcount", "employees", "headcount-employees"),
        ("revenue", "SEK", "revenue-sek"),
        ("revenue_per_employee", "USD/employee", "revenue_per_employee-usd-per-employee"),
        ("valuation", "", "valuation"),
    ],
)
def test_an_explorer_chart_is_named_by_metric_and_unit_in_plain_letters(metric, unit, chart):
    assert share.panel_chart(metric, unit) == chart


CHARTS = ["arc", "revenue_per_employee", "valuation"]


@pytest.mark.parametrize(
    ("params", "chart", "notice"),
    [
        ({}, "arc", None),
        ({"chart": ["valuation"]}, "valuation", None),
        ({"chart": ["arc", "valuation"]}, "valuation", None),  # the last one, as elsewhere
        ({"chart": ["pie"]}, "arc", "no chart 'pie': showing its first chart"),
        ({"chart": ["x" * 5000]}, "arc", "no chart 'xxxxxxxx"),
        ({"chart": [""]}, "arc", "no chart ''"),
    ],
)
def test_an_embed_shows_the_chart_asked_for_or_the_first_with_a_notice(params, chart, notice):
    shown, notices = share.chart_asked(params, CHARTS)
    assert shown == chart
    if notice is None:
        assert notices == ()
    else:
        assert len(notices) == 1 and notice in notices[0] and len(notices[0]) < 120


def test_an_embed_of_a_view_without_charts_shows_none():
    assert share.chart_asked({}, []) == (None, ())
    shown, notices = share.chart_asked({"chart": ["arc"]}, [])
    assert shown is None and "no chart 'arc'" in notices[0]


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("http://host:8501", "http://host:8501/"),
        ("http://host:8501?a=1", "http://host:8501/"),
        ("http://host:8501/explorer?a=1#x", "http://host:8501/explorer"),
        ("https://example.org/app/", "https://example.org/app/"),
        ("", ""),
    ],
)
def test_a_page_address_has_its_path(url, page):
    assert share.page_address(url) == page


@pytest.mark.parametrize(
    "text",
    ["2022-W01-1", "20220101xy", "\u0662\u0660\u0662\u0662-\u0660\u0661-\u0660\u0661", "2022-1-01"],
)
def test_a_link_date_is_written_yyyy_mm_dd_with_ascii_digits(text):
    parsed = share.parse({"from": [text]}, COMPANIES, BASES, SPAN)
    assert parsed.view.start is None
    assert any("dates are written YYYY-MM-DD" in n for n in parsed.notices), parsed.notices


def test_every_field_of_a_view_has_one_link_parameter_and_a_widget():
    """The declaration is the one place: each View field is set by its parameter(s), and the
    link's names are unique (from= and to= share the range widget; the revision a link pins
    has no widget: the page keeps it while the person clicks)."""
    declared = share.VIEW_PARAMETERS
    assert sorted(p.field for p in declared) == sorted(share.View.__dataclass_fields__)
    assert len({p.name for p in declared}) == len(declared)
    assert {p.widget for p in declared if p.kind == "date"} == {"range"}
    assert [(p.name, p.widget) for p in declared if not p.widget] == [("rev", "")]
    assert share.PARAMETERS == (
        "company",
        "compare",
        "metric",
        "basis",
        "from",
        "to",
        "index",
        "statements",
        "cause",
        "log",
        "rev",
    )


def test_a_name_typed_in_another_case_is_the_data_s_name():
    parsed = share.parse({"company": ["klarna"], "compare": ["ibm"]}, ("Klarna", "IBM"), ())
    assert (parsed.view.company, parsed.view.compare, parsed.notices) == ("Klarna", ("IBM",), ())
    # Two names that differ only by case: which one was meant cannot be told.
    twins = share.parse({"company": ["acme"]}, ("ACME", "Acme"), ())
    assert twins.view.company == "ACME" and "'acme', which is not in the data" in twins.notices[0]


# A link pins a revision with rev= (issue 23.4: a citation reopens what the reader cited).
LATEST = 5


def test_a_link_pins_the_revision_it_names():
    parsed = share.parse({"company": ["IBM"], "rev": ["3"]}, COMPANIES, BASES, latest=LATEST)
    assert parsed == share.Parsed(share.View("IBM", revision=3), ())
    # The latest may be pinned too: the link stays on it once newer revisions exist.
    assert share.parse({"rev": ["5"]}, COMPANIES, BASES, latest=LATEST).view.revision == 5
    # Without rev= the page shows the latest, unpinned.
    assert share.parse({}, COMPANIES, BASES, latest=LATEST).view.revision is None


def test_a_pinned_view_writes_rev_last_in_its_link():
    view = share.View("IBM", compare=("Klarna",), revision=3)
    assert share.encode(view, "Klarna") == {"company": ["IBM"], "compare": ["Klarna"], "rev": ["3"]}
    assert share.link("http://host:8501/explorer", view, "Klarna") == (
        "http://host:8501/explorer?company=IBM&compare=Klarna&rev=3"
    )
    assert share.link("http://host:8501", share.View("Klarna", revision=12), "Klarna") == (
        "http://host:8501/?rev=12"
    )


def test_a_pinned_view_survives_its_link():
    view = share.View("Salesforce", metrics=("headcount", "revenue"), index=True, revision=2)
    url = share.link("http://host:8501/explorer", view, "Klarna")
    parsed = share.parse(parse_qs(urlsplit(url).query), COMPANIES, BASES, latest=LATEST)
    assert parsed == share.Parsed(view, ())


@pytest.mark.parametrize(
    ("values", "notice"),
    [
        (
            ["abc"],
            "rev='abc' is not a revision number: write it in the digits 0-9, at most "
            "9223372036854775807. Showing the latest, revision 5.",
        ),
        (["0"], "rev=0 is not a revision; revisions are 1 to 5. Showing the latest, revision 5."),
        (["6"], "rev=6 is not a revision; revisions are 1 to 5. Showing the latest, revision 5."),
        (
            ["99999999999999999999"],
            "rev='99999999999999999999' is not a revision number: write it in the digits 0-9, "
            "at most 9223372036854775807. Showing the latest, revision 5.",
        ),
        (
            ["\u0663"],  # Arabic-Indic three: int() reads it, a link's number is ASCII
            "rev='\u0663' is not a revision number: write it in the digits 0-9, at most "
            "9223372036854775807. Showing the latest, revision 5.",
        ),
        (
            [""],
            "rev='' is not a revision number: write it in the digits 0-9, at most "
            "9223372036854775807. Showing the latest, revision 5.",
        ),
        (
            ["1", "2"],
            "The link names 2 revisions ('1', '2'): showing the latest, revision 5.",
        ),
        (
            ["", ""],
            "rev='' is not a revision number: write it in the digits 0-9, at most "
            "9223372036854775807. Showing the latest, revision 5.",
        ),
    ],
)
def test_a_rev_that_names_no_revision_shows_the_latest_and_says_why(values, notice):
    parsed = share.parse({"company": ["IBM"], "rev": values}, COMPANIES, BASES, latest=LATEST)
    assert parsed == share.Parsed(share.View("IBM"), (notice,))


def test_the_same_revision_named_twice_is_still_that_revision():
    parsed = share.parse({"rev": ["2", "2"]}, COMPANIES, BASES, latest=LATEST)
    assert parsed == share.Parsed(share.View("Klarna", revision=2), ())


def test_a_rev_where_no_revision_is_known_is_left_out_with_a_notice():
    parsed = share.parse({"rev": ["2"]}, COMPANIES, BASES)
    assert parsed == share.Parsed(
        share.View("Klarna"), ("Ignored rev='2': there is no published revision to show.",)
    )


def test_the_revision_a_link_pins_is_known_before_its_data_is_read():
    """The page must read the pinned revision's companies before it can check the rest."""
    assert share.pinned({"rev": ["3"], "company": ["Nope"]}, LATEST) == share.Pin(3)
    assert share.pinned({}, LATEST) == share.Pin(None)
    assert share.pinned({"rev": ["9"]}, LATEST).revision is None


def test_a_pinned_view_s_data_link_and_embeds_keep_its_revision():
    view = share.View("IBM", revision=3)
    assert share.data_link("http://host:8501/?company=IBM&rev=3", view) == (
        "http://host:8501/api/observations.csv?company=IBM&metric=headcount&rev=3"
    )
    assert share.embed_link("http://host:8501/", view, "Klarna", "arc") == (
        "http://host:8501/?company=IBM&rev=3&chart=arc&embed=true"
    )


def test_a_cited_address_names_its_company_and_pins_the_revision_shown():
    # An unpinned page is cited at the revision it shows; a pinned one at its own.
    assert share.cited_link("http://host:8501/?company=IBM", share.View("Klarna"), 4) == (
        "http://host:8501/?company=Klarna&rev=4"
    )
    pinned = share.View("IBM", compare=("Klarna",), revision=2)
    assert share.cited_link("http://host:8501/explorer?rev=2", pinned, 2) == (
        "http://host:8501/explorer?company=IBM&compare=Klarna&rev=2"
    )
    # Data that did not come from a store has no revision to pin.
    assert share.cited_link("http://host:8501/", share.View("IBM"), None) == (
        "http://host:8501/?company=IBM"
    )


def test_an_arc_link_from_another_page_keeps_the_revision():
    assert share.arc_link("http://host/app/claims?rev=2", "Acme", 2) == (
        "http://host/app/?company=Acme&rev=2"
    )
    assert share.arc_link("http://host/app/claims", "Acme") == "http://host/app/?company=Acme"
    assert share.arc_link(None, "A&B") == "/?company=A%26B"


def test_a_pinned_page_says_which_revision_it_shows_and_that_the_latest_may_differ():
    published = dt.datetime(2026, 12, 1, 9, 30)
    assert revisiontext.pinned_words(3, 5, published) == (
        "You are looking at revision 3 of 5 (published 1 Dec 2026). The latest data may differ."
    )
    assert revisiontext.pinned_words(5, 5, published) == (
        "You are looking at revision 5, the latest (published 1 Dec 2026). This link stays on it."
    )


def test_the_readme_names_every_link_parameter():
    """The README's list of a link's parameters is the declaration's, none left out."""
    from headcount.settings import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = readme.split("- **Links.**", 1)[1].split("\n- **", 1)[0]
    missing = [n for n in share.PARAMETERS if f"`{n}`" not in links and f"`{n}=" not in links]
    assert missing == []
