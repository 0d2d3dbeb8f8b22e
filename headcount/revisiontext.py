"""A revision's words and number as people type them: the number in a link or a command, the
note and author of a publish (issue 25.5, 25.7, 25.9).

A revision number is ASCII digits (``int`` also reads "٣" and "1_0" as numbers) within SQL's
integers. A note or author is refused at publish when it holds a control character (a terminal
escape in `headcount history`, a character XML cannot hold in the changes feed), a character
that reorders text, an undecodable byte (the surrogates a command line's bytes decode to), or
too many characters (every revisions response and the feed carry each note). Words stored
before these rules are shown with such characters written out (``shown``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from headcount.labels import day

LARGEST_REVISION = 2**63 - 1  # SQL's BIGINT: no store holds a revision beyond it
MAX_NOTE = 2_000  # characters: a paragraph on what changed and why
MAX_AUTHOR = 200  # characters: an e-mail address or a name
# Control characters (C0, DEL, C1), surrogates (undecodable bytes), and what reorders or hides
# text (embeddings, overrides, isolates, byte order marks, zero-width space), as in data cells.
UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufeff\u200b]")


def revision_number(text: str) -> int | None:
    """The revision number ``text`` writes in ASCII digits, or None: not such a number."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(LARGEST_REVISION)):
        return None
    number = int(text)
    return number if number <= LARGEST_REVISION else None


class RevisionRefused(ValueError):
    """A ``rev=`` that names no revision: the message, and the HTTP status that answers it."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def asked_revision(params: Mapping[str, Sequence[str]], latest: int) -> int:
    """The revision a data address asks for with ``rev=`` (its last value), or ``latest``
    without one; a rev that is not a number (400) or not a revision (404) is refused."""
    if "rev" not in params:
        return latest
    text = params["rev"][-1]
    number = revision_number(text)
    if number is None:
        raise RevisionRefused(f"rev={not_a_revision(text)}", 400)
    if not 1 <= number <= latest:
        raise RevisionRefused(f"rev={number} is not a revision; revisions are 1 to {latest}", 404)
    return number


def not_a_revision(text: str) -> str:
    """Why ``text`` is refused as a revision number, quoting at most its start."""
    start = text if len(text) <= 30 else text[:30] + "…"
    return (
        f"{shown(start)!r} is not a revision number: write it in the digits 0-9, "
        f"at most {LARGEST_REVISION}."
    )


def problem(what: str, text: str, limit: int) -> str | None:
    """Why ``text`` cannot be a revision's ``what`` ("note", "author"), or None."""
    if len(text) > limit:
        return (
            f"The {what} has {len(text):,} characters; at most {limit:,} are allowed. Shorten "
            "it (the details belong in the data's own notes and sources). Nothing was written."
        )
    found = UNSHOWABLE.search(text)
    if found is not None:
        char = found.group()
        kind = "an undecodable byte" if "\ud800" <= char <= "\udfff" else "a control character"
        return (
            f"The {what} holds {kind} (U+{ord(char):04X}) at character {found.start() + 1}. "
            f"Write it as plain text on one line. Nothing was written."
        )
    return None


def shown(text: str) -> str:
    """Text with every character ``UNSHOWABLE`` written as <U+XXXX>: safe for a terminal and
    for XML, and visibly not what it looks like."""
    return UNSHOWABLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def pinned_words(revision: int, latest: int, published: dt.date | dt.datetime) -> str:
    """What a page pinned to ``revision`` (a link's rev=) says first: which revision of how many
    it shows, when that was published, and that the latest may differ (or that it is the latest
    and the link stays on it)."""
    if revision < latest:
        return (
            f"You are looking at revision {revision} of {latest} (published {day(published)}). "
            "The latest data may differ."
        )
    return (
        f"You are looking at revision {revision}, the latest (published {day(published)}). "
        "This link stays on it."
    )
