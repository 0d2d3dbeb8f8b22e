"""The store's schema and its version: Alembic's migrations in headcount/migrations, recorded
in the `alembic_version` table.

Opening a store never changes its schema: a database with no tables is refused with a message
naming `headcount init` (which creates it, headcount/bootstrap.py); a store that is behind (also
one made before the version table existed, by the 2026-11-21 release) or ahead of this code is
refused with a message naming what to run; `headcount upgrade` migrates it. A database with
tables that are not ours (another application's, even with a table named `revisions`) is
refused as not a headcount store, and neither initialised nor upgraded. Stores without a
version table run every migration, each written to skip what exists.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"
UPGRADE = "headcount upgrade"
INIT = "uv run headcount init"
State = Literal["empty", "current", "behind", "ahead", "foreign"]
# What makes a database ours, in every release: the revisions' record and the observations'
# rows with their revision bounds (s0001). Another application's `revisions` table lacks them.
OURS = {
    "revisions": {"id", "parent_id", "created_at", "author", "note", "counts", "hashes"},
    "rows_observations": {"company", "metric", "value", "_rev_from", "_rev_to"},
}


class StoreError(Exception):
    """The store cannot be used as asked; nothing was read or changed."""


class SchemaMismatch(StoreError):
    """The store's schema is not the one this code reads and writes; nothing was changed."""


class StoreNotInitialised(SchemaMismatch):
    """The database has no tables yet; nothing was changed. `headcount init` creates it."""

    def __init__(self, default_store: bool) -> None:
        command = INIT if default_store else f"{INIT} --store URL"
        url = (
            ""
            if default_store
            else " with this store's URL (HEADCOUNT_STORE_URL, or [store] url in the app's secrets)"
        )
        super().__init__(
            f"This store has no tables yet: it was never initialised. Run `{command}`{url} to "
            "create it and load the curated data as its first revision. Nothing was read or "
            "changed."
        )


class ForeignDatabase(SchemaMismatch):
    """The database holds tables of another application; nothing was read or changed."""

    def __init__(self) -> None:
        super().__init__(
            "This database is not a headcount store: it holds tables of another application "
            "(or tables of the same names that headcount did not make). headcount neither "
            "initialises nor upgrades it. Give headcount a database of its own, an empty one "
            f"to start (then run `{INIT} --store URL`), and point HEADCOUNT_STORE_URL (or "
            "[store] url in the app's secrets) at it. Nothing was read or changed."
        )


def _config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> tuple[str, frozenset[str]]:
    scripts = ScriptDirectory.from_config(_config())
    head = scripts.get_current_head()
    assert head is not None  # there are migrations
    return head, frozenset(script.revision for script in scripts.walk_revisions())


def head() -> str:
    """The schema version this code reads and writes."""
    return _scripts()[0]


def version(connection: sa.Connection) -> str | None:
    """The store's recorded schema version (None: no version table)."""
    return MigrationContext.configure(connection).get_current_revision()


def _ours(connection: sa.Connection, tables: set[str]) -> bool:
    """The database has our tables with our columns (those every release made)."""
    inspector = sa.inspect(connection)
    return all(
        name in tables and columns <= {c["name"] for c in inspector.get_columns(name)}
        for name, columns in OURS.items()
    )


def state(connection: sa.Connection) -> State:
    """ "empty" only for a database without any table: one with tables that are not ours is
    "foreign", never initialised, upgraded or read (issue 25.9)."""
    tables = set(sa.inspect(connection).get_table_names())
    if not tables:
        return "empty"
    if not _ours(connection, tables - {"alembic_version"}):
        return "foreign"
    found = version(connection)
    if found is None:
        return "behind"  # made before the version table (the 2026-11-21 release)
    latest, known = _scripts()
    if found == latest:
        return "current"
    return "behind" if found in known else "ahead"


def refusal(found: State, recorded: str | None) -> str:
    """Why this store cannot be opened, and what to run."""
    if found == "ahead":
        return (
            f"This store's schema is version {recorded}, newer than this copy of headcount knows "
            f"(it reads version {head()}): it was upgraded by a newer release. Run that release "
            "or a newer one. Nothing was read or changed."
        )
    was = f"version {recorded}" if recorded else "from before schema versions (2026-11 or older)"
    return (
        f"This store's schema is {was}; this copy of headcount needs version {head()}. "
        f"Back the database up, then run `{UPGRADE}` (with the same --store URL or "
        "HEADCOUNT_STORE_URL) to migrate it: every revision is kept. Nothing was read or changed."
    )


def upgrade(connection: sa.Connection, default_store: bool) -> tuple[str | None, str]:
    """Migrate the store to the latest schema in the caller's transaction (which must hold the
    store's write lock). Returns the versions before and after. An empty database is refused:
    `headcount init` creates it with its data; another application's, untouched."""
    found = state(connection)
    before = version(connection) if found != "foreign" else None
    if found == "empty":
        raise StoreNotInitialised(default_store)
    if found == "foreign":
        raise ForeignDatabase()
    if found == "ahead":
        raise SchemaMismatch(refusal("ahead", before))
    command.upgrade(_config(connection), "head")
    return before, head()


def require_current(connection: sa.Connection, default_store: bool) -> None:
    """Refuse, changing nothing, a store whose schema this code cannot read and write."""
    found = state(connection)
    if found == "empty":
        raise StoreNotInitialised(default_store)
    if found == "foreign":
        raise ForeignDatabase()
    if found != "current":
        raise SchemaMismatch(refusal(found, version(connection)))


def create(connection: sa.Connection) -> None:
    """Create the schema of an empty database in the caller's transaction (which must hold
    the store's write lock)."""
    command.upgrade(_config(connection), "head")
