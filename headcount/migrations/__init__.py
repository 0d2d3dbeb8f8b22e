"""Alembic's scripts for the store's schema: `headcount.schema` runs them, never by hand."""
