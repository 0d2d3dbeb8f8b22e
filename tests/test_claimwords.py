"""The Claim check overview in words, from a small overview frame."""

from __future__ import annotations

import datetime as dt

import polars as pl

from headcount import claimwords

OVERVIEW = pl.DataFrame(
    {
        "company": ["Acme", "Beta & Co"],
        "filed_headcount": [3422.0, None],
        "filed_on": [dt.date(2024, 12, 31), None],
        "change_two_years": [-0.384, None],
        "claims": [2, 0],
        "classes": ["AI does the work", ""],
        "revenue_per_employee": ["$1.2M", None],
        "rpe_change": [0.05, None],
        "newest_figure": [dt.date(2025, 2, 27), None],
        "stale": [False, True],
    }
)


def test_the_overview_says_changes_counts_and_days_as_people_write_them():
    rows = claimwords.overview_in_words(OVERVIEW, "http://host:8501/claims?company=Acme").rows(
        named=True
    )
    acme, beta = rows
    assert acme["filed_headcount"] == "3,422" and acme["filed_on"] == "31 Dec 2024"
    assert acme["change_two_years"] == "-38%" and acme["rpe_change"] == "+5%"
    assert acme["newest_figure"] == "27 Feb 2025" and acme["classes"] == "AI does the work"
    assert acme["revenue_per_employee"] == "$1.2M" and acme["claims"] == 2
    assert beta == {
        "arc": "http://host:8501/?company=Beta+%26+Co",
        "filed_headcount": "no filed series",
        "filed_on": "",
        "change_two_years": "no filing two years before",
        "claims": 0,
        "classes": "none stated",
        "revenue_per_employee": "not derivable",
        "rpe_change": "one year or none",
        "newest_figure": "",
        "stale": True,
    }


def test_each_company_links_to_its_arc_in_the_app_being_read():
    links = claimwords.overview_in_words(OVERVIEW, "http://host/app/claims").get_column("arc")
    assert links.to_list() == [
        "http://host/app/?company=Acme",
        "http://host/app/?company=Beta+%26+Co",
    ]
    # A page pinned to a revision links to the arcs of that revision.
    pinned = claimwords.overview_in_words(OVERVIEW, "http://host/app/claims?rev=2", revision=2)
    assert pinned.get_column("arc").to_list()[0] == "http://host/app/?company=Acme&rev=2"
