"""A revision's note and author (issue 25.5): control characters broke the changes feed's XML
and put raw terminal escapes into `headcount history`, an undecodable byte gave a traceback,
and a note had no size limit (a 10 MB note rode along in every revisions response and the
feed). Such notes are refused at publish, by the CLI and the pages alike, with nothing written;
notes stored before the rule are shown with those characters written out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sqlalchemy as sa

from headcount import api, cli, feeds
from headcount.site import for_store
from headcount.store import Store
from tests.csvtools import read_rows, to_csv
from tests.test_cli import Cli

ESCAPE = "\x1b]0;pwned\x07\x1b[2J"  # sets the terminal's title, clears the screen
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'notes.sqlite'}"
    assert cli.main(["init", "--store", url]) == 0
    return url


def an_upload(tmp_path: Path) -> str:
    path = tmp_path / "events.csv"
    path.write_bytes(to_csv([{**read_rows("events")[0], "title": "A new event"}]))
    return str(path)


def latest(url: str) -> int | None:
    store = Store(url)
    try:
        return store.latest_id()
    finally:
        store.engine.dispose()


@pytest.mark.parametrize(
    ("note", "said"),
    [
        (f"Fixed{ESCAPE} the totals", "control character (U+001B)"),
        ("Line one\nline two", "control character (U+000A)"),
        ("caf\udce9 numbers", "undecodable byte"),  # the byte 0xE9 of a Latin-1 terminal
        ("x" * 10_000_000, "10,000,000 characters"),
    ],
    ids=["escape", "newline", "undecodable", "10MB"],
)
def test_a_note_the_feed_or_a_terminal_cannot_show_is_refused(store, tmp_path, run, note, said):
    ran = run.on(store, "publish", an_upload(tmp_path), "--note", note)
    assert ran.returncode == cli.EXIT_INVALID, ran.stderr[-2000:]
    assert said in ran.stdout and "Nothing was written" in ran.stdout
    assert ESCAPE not in ran.stdout
    assert latest(store) == 1
    ran = run.on(store, "rollback", "1", "--note", note)
    assert ran.returncode == cli.EXIT_INVALID and said in ran.stdout
    assert latest(store) == 1


def test_an_author_with_a_control_character_is_refused(store, tmp_path, run):
    ran = run.on(store, "publish", an_upload(tmp_path), "--note", "ok", "--author", f"eve{ESCAPE}")
    assert ran.returncode == cli.EXIT_INVALID and "author" in ran.stdout
    assert latest(store) == 1


def test_a_plain_note_of_a_paragraph_still_publishes(store, tmp_path, run):
    note = (
        "Added the Q3 filing; the café's numbers are from the F-1 (naïve estimate removed). " * 20
    )
    ran = run.on(store, "publish", an_upload(tmp_path), "--note", note.strip())
    assert ran.returncode == cli.EXIT_OK, ran
    assert latest(store) == 2


def stored_before_the_rule(url: str, author: str, note: str) -> None:
    """Revision 1's author and note overwritten, as an older release let them in."""
    store = Store(url)
    with store.engine.begin() as connection:
        connection.execute(sa.update(store.revisions_table).values(author=author, note=note))
    store.engine.dispose()


def test_old_notes_reach_the_terminal_and_the_feed_written_out(store, run):
    stored_before_the_rule(store, f"eve{ESCAPE}", f"x\x00y{ESCAPE}\x0bz")
    ran = run.on(store, "history")
    assert ran.returncode == cli.EXIT_OK
    assert "\x1b" not in ran.stdout and "\x07" not in ran.stdout and "\x00" not in ran.stdout
    assert "eve<U+001B>" in ran.stdout and "x<U+0000>y<U+001B>" in ran.stdout
    reply = api._or_unavailable(lambda: feeds.feed_reply(for_store(store)))
    feed = ET.fromstring(reply.body)  # well-formed XML
    entry = feed.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "eve<U+001B>]0;pwned<U+0007><U+001B>[2J"
    assert (entry.findtext(f"{ATOM}summary") or "").startswith("x<U+0000>y<U+001B>")
