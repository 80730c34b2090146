"""Queries over the trace store: one builder that writes the SQL for DuckDB and for Athena."""
