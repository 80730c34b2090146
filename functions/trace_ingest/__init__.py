"""Trace ingest: the small, fast-starting function behind /v1/loop/traces/ingest and the OTLP route."""
