"""Engines for the store's databases, and SQLite's tuning.

Every SQLite transaction begins with BEGIN IMMEDIATE: the write lock is taken before a
publish checks its base revision, so two publishers cannot both pass the check.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from headcount import settings

SQLITE_CACHE_KIB = 262_144  # per connection, at most


def create_engine(url: str) -> sa.Engine:
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    busy = settings.current().sqlite_busy_seconds
    engine = sa.create_engine(url, connect_args={"timeout": busy})
    _serialise_writes(engine)
    return engine


def _serialise_writes(engine: sa.Engine) -> None:
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
        connection.exec_driver_sql("BEGIN IMMEDIATE")
