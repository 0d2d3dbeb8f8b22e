"""Imports run one way (docs/ARCHITECTURE.md): views -> ui -> headcount -> validation. The core
never reaches up into the pages' helpers, and no two modules import each other, even from inside
a function (a circle that a deferred import hides is still a circle)."""

from __future__ import annotations

import ast
from pathlib import Path

from headcount.settings import ROOT

PACKAGES = ("validation", "headcount", "ui", "views")


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imports() -> dict[str, set[str]]:
    """Each project module and the project modules it imports, wherever in the file."""
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    known = {_module(p) for p in files}
    found: dict[str, set[str]] = {}
    for path in files:
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[_module(path)] = {n for n in names if n in known and n != _module(path)}
    return found


def test_the_core_never_imports_the_pages_or_their_helpers():
    upward = {
        (module, target)
        for module, targets in imports().items()
        if module.startswith(("headcount.", "validation."))
        for target in targets
        if target.startswith(("ui.", "views."))
    }
    assert upward == set()


def test_validation_stands_apart_from_the_store_and_the_pages():
    reaching = {
        (module, target)
        for module, targets in imports().items()
        if module.startswith("validation.")
        for target in targets
        if not target.startswith("validation.")
    }
    assert reaching == set()


def test_no_two_modules_import_each_other():
    graph = imports()
    mutual = {
        tuple(sorted((module, target)))
        for module, targets in graph.items()
        for target in targets
        if module in graph.get(target, set())
    }
    assert mutual == set()


def test_the_core_never_imports_streamlit():
    """Streamlit stays in ui/ and views/ (the server's site is ui/server.py): the command line,
    the API's logic and the tests of the core run without it."""
    reaching: set[tuple[str, str]] = set()
    for package in ("headcount", "validation"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                reaching.update((_module(path), n) for n in names if n.split(".")[0] == "streamlit")
    assert reaching == set()
