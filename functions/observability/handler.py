"""Lambda entry of the observability query function."""

from starlette.middleware.gzip import GZipMiddleware

from functions.observability.api import observability_openapi, traces
from shared.app import create_app
from shared.handler import make_http_handler

app = create_app(traces, observability_openapi, title="Loop observability")
# Span lists and trees are large and repetitive JSON: gzip keeps them far under Lambda's 6 MB response limit.
app.add_middleware(GZipMiddleware, minimum_size=4096)
lambda_handler = make_http_handler(app)
