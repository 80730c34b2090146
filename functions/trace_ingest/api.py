"""The two ingest routes. The body is parsed by hand, not by a pydantic model, to keep ingest fast."""

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from functions.trace_ingest import service
from shared.auth.dependencies import OpenAPIUser
from shared.envelope import Envelope
from shared.errors import PayloadTooLarge
from shared.spans import UploadSpan
from shared.traces.compression import decompress

ingest = APIRouter(prefix="/v1/loop", tags=["trace-ingest"])

_INGEST_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["spans"],
                    "properties": {"spans": {"type": "array", "items": UploadSpan.model_json_schema()}},
                }
            }
        },
    }
}
_OTLP_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-protobuf": {"schema": {"type": "string", "format": "binary"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


async def _body(request: Request) -> bytes:
    """The raw body, refused before it is read when its declared size is over the limit."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > service.MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is over {service.MAX_BODY_BYTES >> 20} MiB; send fewer spans per request")
    return await request.body()


@ingest.post("/traces/ingest", response_model=Envelope, openapi_extra=_INGEST_DOC)
async def ingest_traces(request: Request, principal: OpenAPIUser) -> Envelope:
    body = decompress(await _body(request), request.headers.get("content-encoding"), service.MAX_BODY_BYTES)
    spans = service.parse_spans(body)
    result = await run_in_threadpool(service.ingest, principal, spans)
    return Envelope(msg=result.message)


@ingest.post("/opentelemetry/v1/traces", openapi_extra=_OTLP_DOC, response_class=Response)
async def otel_ingest_traces(request: Request, principal: OpenAPIUser) -> Response:
    from shared.traces import otlp

    content_type = request.headers.get("content-type")
    decoded = otlp.decode_export_request(await _body(request), content_type, request.headers.get("content-encoding"))
    spans, problems = otlp.otlp_to_upload_spans(
        decoded, header_workspace_id=request.headers.get("cozeloop-workspace-id")
    )
    result = await run_in_threadpool(service.ingest, principal, spans, problems)
    body, media_type = otlp.encode_export_response(
        content_type, rejected_spans=result.rejected, error_message=result.message
    )
    return Response(body, media_type=media_type)
