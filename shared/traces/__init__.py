"""The trace store: span rows, ingest rules, the Parquet store and its queries."""
