"""Lambda entry of the trace-ingest function: no DuckDB, no litellm, nothing heavy at import."""

from functions.trace_ingest.api import ingest
from shared.app import create_app
from shared.handler import make_http_handler

app = create_app(ingest, title="Loop trace ingest")
lambda_handler = make_http_handler(app)
