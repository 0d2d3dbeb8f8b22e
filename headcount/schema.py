"""The store's schema and its version: Alembic's migrations in headcount/migrations, recorded
in the `alembic_version` table.

Opening a store never changes its schema: a database with no tables is refused with a message
naming `headcount init` (which creates it, headcount/bootstrap.py); a store that is behind (also
one made before the version table existed, by the 2026-11-21 release) or ahead of this code is
refused with a message naming what to run; `headcount upgrade` migrates it. Stores without a
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
State = Literal["empty", "current", "behind", "ahead"]


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


def state(connection: sa.Connection) -> State:
    found = version(connection)
    if found is None:
        tables = sa.inspect(connection).get_table_names()
        return "behind" if "revisions" in tables else "empty"
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
    `headcount init` creates it with its data."""
    before = version(connection)
    found = state(connection)
    if found == "empty":
        raise StoreNotInitialised(default_store)
    if found == "ahead":
        raise SchemaMismatch(refusal("ahead", before))
    command.upgrade(_config(connection), "head")
    return before, head()


def require_current(connection: sa.Connection, default_store: bool) -> None:
    """Refuse, changing nothing, a store whose schema this code cannot read and write."""
    found = state(connection)
    if found == "empty":
        raise StoreNotInitialised(default_store)
    if found != "current":
        raise SchemaMismatch(refusal(found, version(connection)))


def create(connection: sa.Connection) -> None:
    """Create the schema of an empty database in the caller's transaction (which must hold
    the store's write lock)."""
    command.upgrade(_config(connection), "head")
