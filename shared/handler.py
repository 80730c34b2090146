"""The Lambda entry of an HTTP function: Mangum around the app, under the Powertools decorators."""

from collections.abc import Callable
from typing import Any, cast

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from fastapi import FastAPI
from mangum import Mangum

from shared.observability import logger, metrics, tracer, xray_enabled

# Without these Mangum base64-encodes error and streaming bodies and API Gateway returns them encoded.
TEXT_MIME_TYPES = [
    "application/json",
    "application/problem+json",
    "application/javascript",
    "application/xml",
    "text/event-stream",
    "text/plain",
    "text/html",
    "text/csv",
]

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def make_http_handler(app: FastAPI) -> LambdaHandler:
    asgi = Mangum(app, lifespan="off", text_mime_types=TEXT_MIME_TYPES)

    def invoke(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        response: dict[str, Any] = asgi(event, cast(Any, context))
        return response

    if xray_enabled():
        invoke = tracer().capture_lambda_handler(capture_response=False)(invoke)
    handler: LambdaHandler = logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)(
        metrics.log_metrics(invoke, capture_cold_start_metric=True)
    )
    return handler
