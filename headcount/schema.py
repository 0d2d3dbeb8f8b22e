"""The store's schema and its version: Alembic's migrations in headcount/migrations, recorded
in the `alembic_version` table.

Opening a store never changes its schema, with one exception: a database with no tables at all
is created at the latest version (so `streamlit run app.py` works on a fresh machine). A store
that is behind (also one made before the version table existed, by the 2026-11-21 release) or
ahead of this code is refused with a message naming what to run; `headcount upgrade` migrates
it. Stores without a version table run every migration, each written to skip what exists.
"""

from __future__ import annotations

from collections.abc import Callable
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
State = Literal["empty", "current", "behind", "ahead"]


class SchemaMismatch(Exception):
    """The store's schema is not the one this code reads and writes; nothing was changed."""


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


def upgrade(connection: sa.Connection) -> tuple[str | None, str]:
    """Migrate the store to the latest schema in the caller's transaction (which must hold the
    store's write lock). Returns the versions before and after."""
    before = version(connection)
    if state(connection) == "ahead":
        raise SchemaMismatch(refusal("ahead", before))
    command.upgrade(_config(connection), "head")
    return before, head()


def ensure(engine: sa.Engine, locked: Callable[[sa.Connection], None]) -> None:
    """Open a store: nothing to do when its schema is current; an empty database is created
    (under the write lock, so two first starts do not both create it); otherwise refused."""
    with engine.connect() as connection:
        found = state(connection)
        recorded = version(connection)
    if found == "current":
        return
    if found != "empty":
        raise SchemaMismatch(refusal(found, recorded))
    with engine.begin() as connection:
        locked(connection)
        found = state(connection)
        if found == "empty":
            upgrade(connection)
        elif found != "current":
            raise SchemaMismatch(refusal(found, version(connection)))
