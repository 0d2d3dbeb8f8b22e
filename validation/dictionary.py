"""The data dictionary's generated parts: each table's columns and the problem catalogue as
markdown, rendered from the contract (``tables``) and the catalogue (``catalogue``).

data/README.md holds them between markers; tests/test_dictionary.py fails when the README
differs from what is rendered here, so the documentation cannot drift from the contract.
After changing a table or a code, rewrite the README's generated parts with

    uv run python -m validation.dictionary
"""

from __future__ import annotations

import re
import string
import sys
from collections.abc import Callable
from pathlib import Path

from validation.catalogue import ENTRIES, Severity
from validation.tables import TABLES, Column, Table

README = Path(__file__).resolve().parent.parent / "data" / "README.md"
BEGIN = "<!-- generated from validation/dictionary.py: {name} -->"
END = "<!-- end of generated part -->"
KINDS = {"text": "text", "date": "date (YYYY-MM-DD)", "number": "number"}


def _cell(text: str) -> str:
    """Text safe in a markdown table cell: no column break, no tag a renderer would take."""
    return text.replace("|", "\\|").replace("<", "&lt;")


def _template(text: str) -> str:
    """A catalogue template as a reader sees it: ``{limit:,}`` and ``{column!r}`` as ``{limit}``
    and ``{column}``."""
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(f"{{{name}}}")
    return "".join(out)


def _meaning(column: Column) -> str:
    allowed = ", ".join(f"`{value}`" for value in column.vocabulary)
    return column.meaning.replace("{vocabulary}", allowed)


def table_markdown(table: Table) -> str:
    """A table's columns (name, type, required, meaning) and its key."""
    lines = ["| column | type | required | meaning |", "|---|---|---|---|"]
    for column in table.columns:
        required = "yes" if column.required else "no"
        lines.append(f"| {column.name} | {KINDS[column.kind]} | {required} | {_meaning(column)} |")
    lines += ["", f"Key: ({', '.join(table.key)}): no two rows share it."]
    return "\n".join(lines)


def catalogue_markdown(severity: Severity = "error") -> str:
    """Every problem code of a severity with its message and its hint ({fields} are filled
    in per problem)."""
    lines = ["| code | problem | how to fix |", "|---|---|---|"]
    for entry in (e for e in ENTRIES if e.severity == severity):
        problem, hint = (_cell(_template(text)) for text in (entry.problem, entry.hint))
        lines.append(f"| `{entry.code}` | {problem} | {hint} |")
    return "\n".join(lines)


def parts() -> dict[str, str]:
    """Every generated part of the README, by its name in the markers."""
    rendered = {name: table_markdown(table) for name, table in TABLES.items()}
    rendered["catalogue"] = catalogue_markdown()
    rendered["warnings"] = catalogue_markdown("warning")
    return rendered


def _literally(part: str) -> Callable[[re.Match[str]], str]:
    """A replacement taken as it is: a template would read backslashes in it as escapes."""
    return lambda _: part


def updated(text: str) -> str:
    """The README text with every generated part rendered anew; a part whose markers are
    missing (or doubled) is an error, not a silent gap in the documentation."""
    for name, body in parts().items():
        begin = BEGIN.format(name=name)
        block = re.compile(re.escape(begin) + r"\n.*?" + re.escape(END), re.DOTALL)
        found = block.findall(text)
        if len(found) != 1:
            raise ValueError(f"{len(found)} generated parts named {name!r}; need exactly one")
        text = block.sub(_literally(f"{begin}\n{body}\n{END}"), text)
    return text


def main() -> int:
    README.write_text(updated(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"Rewrote the generated parts of {README}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
