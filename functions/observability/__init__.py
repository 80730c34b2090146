"""Observability: span search, traces, views, annotations, metrics, and the trace store's writer and jobs."""
