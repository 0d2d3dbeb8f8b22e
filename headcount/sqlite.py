"""Engines for the store's databases, and SQLite's tuning.

On SQLite a transaction that writes begins with BEGIN IMMEDIATE (`write_transaction`): the write
lock is taken before a publish checks its base revision, so two publishers cannot both pass the
check. Every other transaction, a read, begins DEFERRED and takes only the shared lock while it
reads, so that readers never queue for the write lock or hold it: anonymous readers polling the
data API cannot starve a publish (issue 25.4). A publish waits at its commit only for the reads
in progress (SQLite then admits no new ones until it has committed).
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from headcount import settings

SQLITE_CACHE_KIB = 262_144  # per connection, at most
WRITES = "headcount_writes"  # the execution option of a connection that will write


class BadStoreURL(ValueError):
    """The store URL cannot be parsed, or names a database headcount does not speak."""


class StoreFileGone(OSError):
    """The store's SQLite file was deleted, moved or replaced after it was opened."""


def create_engine(url: str) -> sa.Engine:
    parsed = _parsed(url)
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(parsed, pool_pre_ping=True)
    busy = settings.current().sqlite_busy_seconds
    engine = sa.create_engine(url, connect_args={"timeout": busy})
    _tune(engine)
    return engine


def _parsed(url: str) -> sa.URL:
    """The URL, refused (`BadStoreURL`, without its text: it may hold a password) unless it
    names SQLite or PostgreSQL; PostgreSQL is reached through psycopg (3), the driver that is
    installed, also when the URL names none (`postgresql://`)."""
    try:
        parsed = sa.make_url(url)
        parsed.port  # noqa: B018 - a port that is not a number fails here, not later
    except (sa.exc.ArgumentError, ValueError):
        raise BadStoreURL("the store URL cannot be parsed") from None
    backend, _, driver = parsed.drivername.partition("+")  # named, not loaded
    if backend == "postgresql" and driver in ("", "psycopg", "psycopg2"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and driver in ("", "pysqlite"):
        return parsed
    raise BadStoreURL(f"the store URL names a database headcount does not use ({backend})")


def watch_file(engine: sa.Engine, path: Path) -> None:
    """Refuse every transaction once ``path`` is no longer the file the engine opened.

    A connection keeps reading a deleted file (its inode lives on while open) and SQLite calls
    it read-only when written: the app would serve data that no longer exists and tell an
    analyst the database is read-only (issue 25.11). The file's identity is checked at the
    start of each transaction (one stat)."""
    opened = _identity(path)

    @sa.event.listens_for(engine, "begin")
    def _still_there(_connection: sa.Connection) -> None:
        if _identity(path) != opened:
            raise StoreFileGone(errno.ENOENT, "the store's file was deleted or replaced")


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


@contextmanager
def write_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction that will write: on SQLite it holds the write lock from its start."""
    with engine.execution_options(**{WRITES: True}).begin() as connection:
        yield connection


def _tune(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _connect(connection: Any, _record: Any) -> None:  # the driver's connection
        connection.isolation_level = None
        # A bigger page cache keeps index pages of millions of rows in memory while a
        # publish inserts, and spares readers the lock a spilling writer takes early; it
        # is allocated only as pages are read. (Write-ahead logging was tried: the next
        # write paid for checkpointing the last big publish, a 10-row publish took 10 s.)
        connection.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        writes = connection.get_execution_options().get(WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN DEFERRED")
