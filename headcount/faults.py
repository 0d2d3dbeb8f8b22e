"""What went wrong with the store, in words a reader can act on (issue 12.9).

A full disk, a locked or read-only SQLite file, a lost or unreachable PostgreSQL server: each
becomes one short message saying what happened and what to do. The message never carries the
driver's text, which holds file paths, host names and sometimes credentials, and which the
pages would otherwise show to anonymous viewers as a traceback.
"""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass

import psycopg
import sqlalchemy as sa

from headcount.sqlite import BadStoreURL, StoreFileGone

NOTHING_WRITTEN = "Nothing was written; the published data is unchanged."
WHERE = "the store URL (HEADCOUNT_STORE_URL, or [store] url in the app's secrets)"


@dataclass(frozen=True)
class Fault:
    what: str
    todo: str

    @property
    def message(self) -> str:
        return f"{self.what} {NOTHING_WRITTEN} {self.todo}"


FULL = Fault(
    "The disk that holds the database is full.",
    "Free space on that disk (or give the database more), then try again.",
)
READ_ONLY = Fault(
    "The database can be read but not written (a read-only file, folder or disk).",
    f"Give the app's user write access to the database file and its folder, or point {WHERE} "
    "at a writable store, then try again.",
)
LOCKED = Fault(
    "The database is busy: another program has held a lock on it for over a minute.",
    "Try again in a minute. If it stays busy, close the other program that has the database "
    "file open (a database browser, a stuck publish).",
)
UNREACHABLE = Fault(
    "The database server cannot be reached.",
    f"Check that it is running and accepts connections, and that {WHERE} names the right "
    "host, port, database and user. Then reload the page.",
)
LOST = Fault(
    "The connection to the database was lost.",
    "Reload the page to reconnect. If it happens again, check that the database server is "
    "running and not restarting.",
)
UNOPENABLE = Fault(
    "The database file cannot be opened.",
    f"Check that {WHERE} names a file in a folder that exists and that the app's user may "
    "read and write, then try again.",
)
BAD_URL = Fault(
    "The store URL is not one headcount can use.",
    f"Write {WHERE} as sqlite:///PATH/TO/FILE.sqlite or "
    "postgresql+psycopg://USER@HOST:PORT/DATABASE, then try again.",
)
GONE = Fault(
    "The database file was deleted, moved or replaced while the app was running.",
    f"Put the store's file back (from a backup) or point {WHERE} at the store, then restart "
    "the app (or run the command again).",
)
NOT_A_DATABASE = Fault(
    "The store's file is not a SQLite database (another kind of file, or a damaged one).",
    f"Point {WHERE} at the store's own file, or at a new path and run `headcount init`. The "
    "file was left as it is.",
)

# Words in driver messages (SQLite, psycopg/libpq), lower case; first match wins.
_SIGNS: tuple[tuple[tuple[str, ...], Fault], ...] = (
    (("database or disk is full", "no space left on device", "could not extend file",
      "disk full", "diskfull"), FULL),
    (("readonly database", "read-only file system", "read-only database",
      "readonly", "read only"), READ_ONLY),
    (("database is locked", "database table is locked"), LOCKED),
    (("terminating connection", "server closed the connection unexpectedly",
      "connection already closed", "the connection is closed", "consuming input failed",
      "connection is lost", "ssl connection has been closed", "adminshutdown",
      "connection not open", "server conn crashed"), LOST),
    (("connection refused", "could not connect", "connection failed", "connection timed out",
      "could not translate host name", "name or service not known", "no route to host",
      "password authentication failed", "no pg_hba.conf entry",
      "timeout expired"), UNREACHABLE),
    (("unable to open database file",), UNOPENABLE),
    (("file is not a database",), NOT_A_DATABASE),
)  # fmt: skip


def _texts(error: BaseException) -> str:
    """The error, its driver's original and the chain of causes, lower case."""
    seen: list[str] = []
    current: BaseException | None = error
    while current is not None and len(seen) < 8:
        seen.append(f"{type(current).__name__} {current}")
        original = getattr(current, "orig", None)
        if isinstance(original, BaseException) and original is not current:
            seen.append(f"{type(original).__name__} {original}")
        current = current.__cause__ or current.__context__
    return " ".join(seen).lower()


def describe(error: BaseException) -> Fault | None:
    """The fault behind ``error``, or None when it is not a fault of the store's medium
    (a bug, which should still fail loudly)."""
    if isinstance(error, BadStoreURL):
        return BAD_URL
    if isinstance(error, StoreFileGone):
        return GONE
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return FULL
    if isinstance(error, OSError) and error.errno == errno.EROFS:
        return READ_ONLY
    # Only the database's own errors are read for signs: a refused connection elsewhere (say,
    # the chart image exporter) is not the database's.
    if not isinstance(error, sa.exc.SQLAlchemyError | sqlite3.Error | psycopg.Error):
        return None
    text = _texts(error)
    for signs, fault in _SIGNS:
        if any(sign in text for sign in signs):
            return fault
    if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
        return LOST
    return None
