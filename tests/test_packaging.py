"""Deployment files stay true to the lock file."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from headcount.settings import ROOT

EXPORT = ["export", "--no-dev", "--no-emit-project", "--no-hashes", "--format", "requirements-txt"]


def test_requirements_txt_is_the_exported_lock():
    """Community Cloud installs from requirements.txt; it must pin what uv.lock pins."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    exported = subprocess.run(
        [uv, *EXPORT, "--frozen", "--quiet"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    pins = lambda text: sorted(  # noqa: E731
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
    assert pins((ROOT / "requirements.txt").read_text()) == pins(exported), (
        "requirements.txt is stale: run "
        "uv export --no-dev --no-emit-project --no-hashes -o requirements.txt"
    )


def test_security_page_names_only_tests_and_files_that_exist():
    import re

    text = (ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    named = re.findall(r"`((?:tests|headcount|ui|\.ci)/[\w./]+)(?:::(\w+))?`", text)
    assert len(named) >= 10  # the page names its tests by file and function
    assert [path for path, _ in named if not (ROOT / path).exists()] == []
    tests = [(path, test) for path, test in named if test]
    assert tests != []
    missing = [
        test for path, test in tests if f"def {test}(" not in (ROOT / path).read_text("utf-8")
    ]
    assert missing == []


def test_no_module_of_ours_bears_the_name_of_a_standard_library_module():
    # The workbook reader runs validation/sheet_reader_child.py as a script: a module beside it
    # named like one of the standard library's (validation/warnings.py once) is imported in its
    # place, and every .xlsx upload failed.
    # (headcount/site.py is the one exception: `site` is imported when Python starts, before
    # any folder of ours is on the path, and headcount/ never runs as a script's folder.)
    ours = {
        path.stem
        for folder in ("validation", "headcount", "ui", "views")
        for path in (ROOT / folder).glob("*.py")
    }
    assert ours & set(sys.stdlib_module_names) == {"site"}
