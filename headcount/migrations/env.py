"""Alembic's entry point, run by `headcount.schema` with an open connection whose transaction
already holds the store's write lock: the migrations run in it, and nothing else connects."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
