"""What went wrong with the store, in words a reader can act on (issue 12.9).

A full disk, a locked or read-only SQLite file, a lost or unreachable PostgreSQL server: each
becomes one short message saying what happened and what to do. The message never carries the
driver's text, which holds file paths, host names and sometimes credentials, and which the
pages would otherwise show to anonymous viewers as a traceback.

Faults are told by the drivers' own codes (SQLite's result codes, PostgreSQL's SQLSTATE), which
stay put across versions and locales, never by the wording of their messages; only libpq's
client-side failures carry no code, and for those whether a connection was ever made decides.
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

# SQLite's primary result codes (https://sqlite.org/rescode.html); an extended code keeps its
# primary one in the low byte (SQLITE_READONLY_DBMOVED is 8 | 4 << 8).
_SQLITE_CODES: dict[int, Fault] = {
    5: LOCKED,  # SQLITE_BUSY: the busy timeout ran out
    6: LOCKED,  # SQLITE_LOCKED
    8: READ_ONLY,  # SQLITE_READONLY
    13: FULL,  # SQLITE_FULL
    14: UNOPENABLE,  # SQLITE_CANTOPEN
    26: NOT_A_DATABASE,  # SQLITE_NOTADB
}

# PostgreSQL's SQLSTATE codes (its manual, appendix A): a whole code, else its two-letter class.
_SQLSTATES: dict[str, Fault] = {
    "53100": FULL,  # disk_full
    "25006": READ_ONLY,  # read_only_sql_transaction
    "55P03": LOCKED,  # lock_not_available (a lock timeout)
    "57P01": LOST,  # admin_shutdown: the connection was terminated
    "57P02": LOST,  # crash_shutdown
    "57P03": UNREACHABLE,  # cannot_connect_now: the server is starting or stopping
    "08003": LOST,  # connection_does_not_exist
    "08006": LOST,  # connection_failure
    "08": UNREACHABLE,  # connection exceptions: refused, rejected, timed out
    "28": UNREACHABLE,  # invalid authorization: wrong user or password
    "3D": UNREACHABLE,  # invalid catalog name: no such database
}


def _chain(error: BaseException) -> list[BaseException]:
    """The error, its driver's original and the chain of causes."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(seen) < 8:
        seen.append(current)
        original = getattr(current, "orig", None)
        if isinstance(original, BaseException) and original is not current:
            seen.append(original)
        current = current.__cause__ or current.__context__
    return seen


def _by_code(error: BaseException) -> Fault | None:
    """The fault a driver's own code names: SQLite's result code, PostgreSQL's SQLSTATE."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        return _SQLITE_CODES.get(code & 0xFF) if isinstance(code, int) else None
    if isinstance(error, psycopg.Error) and error.sqlstate:
        return _SQLSTATES.get(error.sqlstate) or _SQLSTATES.get(error.sqlstate[:2])
    return None


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
    chain = _chain(error)
    for link in chain:
        fault = _by_code(link)
        if fault is not None:
            return fault
    if isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated:
        return LOST
    # libpq reports what happens on the client's side (a refused connection, a server that
    # vanished mid-query) without a SQLSTATE: an operational error that carries no code.
    for link in chain:
        if isinstance(link, psycopg.OperationalError) and not link.sqlstate:
            return LOST if _was_connected(link) else UNREACHABLE
    return None


def _was_connected(error: psycopg.Error) -> bool:
    """Whether the connection had been made: a connection that never opened leaves no
    server-side process id behind (libpq's connection object is absent or never reached
    the ready state)."""
    connection = getattr(error, "pgconn", None)
    return bool(connection is not None and getattr(connection, "backend_pid", 0))
