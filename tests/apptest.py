"""Open the dashboard in Streamlit's AppTest, as a link would: the one way tests do it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from streamlit.testing.v1 import AppTest

from headcount.settings import ROOT

TIMEOUT = 60


def open_app(
    page: str | None = None,
    params: Mapping[str, str | list[str]] | None = None,
    *,
    context: dict[str, Any] | None = None,
    check: bool = True,
    timeout: float = TIMEOUT,
) -> AppTest:
    """app.py with `params` in its query string, switched to views/`page`.py (None or "arc":
    the landing page). `context` is what the browser reports (the URL, whether embedded);
    `check` fails the test on an exception, which a test of mangled links checks itself."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if context is not None:
        at.context = context
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.run()
    if page not in (None, "arc"):
        at.switch_page(f"views/{page}.py").run()
    if check:
        assert not at.exception, at.exception
    return at


def open_expanders(at: AppTest, label: str) -> AppTest:
    """The page after a reader opens every expander labelled ``label``: some (Cite this) draw
    their content only once opened. A keyed expander's id ends in its key ('$$ID-<hash>-key')."""
    keys = [e.proto.id.split("-", 2)[2] for e in at.expander if e.label == label]
    assert keys, f"no {label!r} expander on the page"
    for key in keys:
        at.session_state[key] = True
    at.run()
    assert not at.exception, at.exception
    return at
