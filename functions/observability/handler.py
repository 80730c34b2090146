"""Lambda entry of the observability query function."""

from functions.observability.api import observability_openapi, traces
from shared.app import create_app
from shared.handler import make_http_handler

app = create_app(traces, observability_openapi, title="Loop observability")
lambda_handler = make_http_handler(app)
