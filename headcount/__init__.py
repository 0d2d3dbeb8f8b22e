"""The headcount dashboard's core: importable and testable without a running Streamlit server."""
