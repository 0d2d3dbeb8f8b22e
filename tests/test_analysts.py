"""Who counts as an analyst, from the [analysts] section of secrets.toml."""

from __future__ import annotations

from ui.access import is_analyst


def test_listed_email_and_domain_are_analysts_case_and_space_insensitive() -> None:
    analysts = {"emails": [" Ana@Example.org "], "domains": ["@research.example"]}
    assert is_analyst("ana@example.org", analysts)
    assert is_analyst("Someone@Research.Example", analysts)
    assert not is_analyst("ana@example.com", analysts)
    assert not is_analyst("research.example", analysts)


def test_a_single_string_is_one_entry_not_its_letters() -> None:
    # A deployer writing emails = "ana@example.org" must not make every one-letter match count.
    assert is_analyst("ana@example.org", {"emails": "ana@example.org"})
    assert not is_analyst("a", {"emails": "ana@example.org"})
    assert not is_analyst("x@a", {"domains": "ab"})


def test_missing_or_odd_settings_make_nobody_an_analyst() -> None:
    assert not is_analyst("ana@example.org", {})
    assert not is_analyst("ana@example.org", {"emails": None, "domains": 3})


def test_unicode_case_folding_does_not_make_another_address_an_analyst():
    # Issue 25.8: "\u212a" (KELVIN SIGN) lowercases to "k" under Unicode's rules, so a provider's
    # address with it matched the analyst's; "\u0130" (I WITH DOT ABOVE) lowercases to "i" + a dot.
    analysts = {"emails": ["kim@example.org"], "domains": ["kit.example"]}
    assert is_analyst("Kim@Example.ORG", analysts)  # ASCII case still does not matter
    assert not is_analyst("\u212aim@example.org", analysts)
    assert not is_analyst("eve@\u212ait.example", analysts)
    assert not is_analyst("eve@k\u0130t.example", analysts)
