"""OTLP/HTTP wire formats: decode an ExportTraceServiceRequest, encode its ExportTraceServiceResponse.

Decoding accepts protobuf and JSON, plain, gzip or deflate, and always returns the OTLP/JSON shape with hex ids, so the
mapping reads one form. protobuf is imported only inside the protobuf paths.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import TYPE_CHECKING, Any

from shared.errors import InvalidInput
from shared.traces.compression import decompress
from shared.traces.otlp.values import dicts

if TYPE_CHECKING:
    from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
    from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
MAX_DECODED_BYTES = 128 << 20  # a few kilobytes of gzip must not be able to fill the function's memory
_HEX = re.compile(r"[0-9a-fA-F]+")


# ---------------------------------------------------------------------------------------------------------------------
# Decoding


def decode_export_request(body: bytes, content_type: str | None, content_encoding: str | None) -> dict[str, Any]:
    """OTLP ExportTraceServiceRequest as an OTLP/JSON-shaped dict (resourceSpans → scopeSpans → spans), ids in hex."""
    media_type = _media_type(content_type)
    if media_type not in (PROTOBUF, JSON):
        raise InvalidInput(
            f"unsupported Content-Type {content_type!r}: send OTLP traces as {PROTOBUF} or {JSON} (OTLP/HTTP)"
        )
    raw = decompress(body, content_encoding, MAX_DECODED_BYTES)
    return _decode_protobuf(raw) if media_type == PROTOBUF else _decode_json(raw)


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _decode_protobuf(raw: bytes) -> dict[str, Any]:
    # Imported here: the ingest function also serves JSON-only clients, which should not pay for protobuf.
    from google.protobuf.message import DecodeError  # type: ignore[import-untyped]
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    request = ExportTraceServiceRequest()
    try:
        request.ParseFromString(raw)
    except DecodeError as exc:
        raise InvalidInput(
            f"the body is not a protobuf ExportTraceServiceRequest ({exc}); for OTLP/JSON send Content-Type {JSON}"
        ) from exc
    return {"resourceSpans": [_proto_resource_spans(item) for item in request.resource_spans]}


def _proto_resource_spans(resource_spans: ResourceSpans) -> dict[str, Any]:
    return {
        "resource": {"attributes": _proto_attributes(resource_spans.resource.attributes)},
        "scopeSpans": [_proto_scope_spans(item) for item in resource_spans.scope_spans],
    }


def _proto_scope_spans(scope_spans: ScopeSpans) -> dict[str, Any]:
    scope = {"name": scope_spans.scope.name, "version": scope_spans.scope.version}
    return {"scope": scope, "spans": [_proto_span(span) for span in scope_spans.spans]}


def _proto_span(span: Span) -> dict[str, Any]:
    return {
        "traceId": span.trace_id.hex(),
        "spanId": span.span_id.hex(),
        "parentSpanId": span.parent_span_id.hex(),
        "name": span.name,
        "kind": span.kind,
        "startTimeUnixNano": span.start_time_unix_nano,
        "endTimeUnixNano": span.end_time_unix_nano,
        "attributes": _proto_attributes(span.attributes),
        "events": [
            {
                "timeUnixNano": event.time_unix_nano,
                "name": event.name,
                "attributes": _proto_attributes(event.attributes),
            }
            for event in span.events
        ],
        "links": [
            {
                "traceId": link.trace_id.hex(),
                "spanId": link.span_id.hex(),
                "attributes": _proto_attributes(link.attributes),
            }
            for link in span.links
        ],
        "status": {"code": span.status.code, "message": span.status.message},
    }


def _proto_attributes(key_values: Any) -> list[dict[str, Any]]:
    items: list[KeyValue] = list(key_values)
    return [{"key": item.key, "value": _proto_any_value(item.value)} for item in items]


def _proto_any_value(value: AnyValue) -> dict[str, Any]:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return {"arrayValue": {"values": [_proto_any_value(item) for item in value.array_value.values]}}
    if kind == "kvlist_value":
        return {"kvlistValue": {"values": _proto_attributes(value.kvlist_value.values)}}
    if kind == "bytes_value":
        return {"bytesValue": base64.b64encode(value.bytes_value).decode("ascii")}  # as in OTLP/JSON
    if kind is None:
        return {}
    camel = {"string_value": "stringValue", "bool_value": "boolValue", "int_value": "intValue"}
    return {camel.get(kind, "doubleValue"): getattr(value, kind)}


def _decode_json(raw: bytes) -> dict[str, Any]:
    try:
        request = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise InvalidInput(
            f"the body is not valid JSON ({exc}); for OTLP/protobuf send Content-Type {PROTOBUF}"
        ) from exc
    if not isinstance(request, dict) or (request and "resourceSpans" not in request):
        raise InvalidInput(
            "the JSON body must be an OTLP ExportTraceServiceRequest, an object with 'resourceSpans' "
            "(Cozeloop SDK span batches go to /v1/loop/traces/ingest)"
        )
    for r, resource_spans in enumerate(_object_list(request, "resourceSpans", "resourceSpans")):
        if "scopeSpans" not in resource_spans and "instrumentationLibrarySpans" in resource_spans:
            resource_spans["scopeSpans"] = resource_spans.pop("instrumentationLibrarySpans")  # OTLP before 0.15
        path = f"resourceSpans[{r}].scopeSpans"
        for s, scope_spans in enumerate(_object_list(resource_spans, "scopeSpans", path)):
            for span in _object_list(scope_spans, "spans", f"{path}[{s}].spans"):
                _hex_ids(span)
                for link in dicts(span.get("links")):
                    _hex_ids(link)
    return request


def _object_list(parent: dict[str, Any], key: str, path: str) -> list[dict[str, Any]]:
    value = parent.get(key)
    if value is None:
        parent[key] = value = []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InvalidInput(f"{path} must be a list of objects (OTLP/JSON ExportTraceServiceRequest)")
    return value


def _hex_ids(item: dict[str, Any]) -> None:
    for key, size in (("traceId", 16), ("spanId", 8), ("parentSpanId", 8)):
        if isinstance(item.get(key), str):
            item[key] = hex_id(item[key], size)


def hex_id(value: str, size: int) -> str:
    """OTLP/JSON ids are hex, but protobuf's own JSON mapping (and clients built on it) send base64 of the bytes."""
    if len(value) == 2 * size and _HEX.fullmatch(value):
        return value.lower()
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return value  # left for the normaliser to reject with its own message
    return raw.hex() if len(raw) == size else value


# ---------------------------------------------------------------------------------------------------------------------
# Response


def encode_export_response(content_type: str | None, *, rejected_spans: int, error_message: str) -> tuple[bytes, str]:
    """ExportTraceServiceResponse in the request's encoding (JSON unless it was protobuf); returns (body, content type).

    partial_success is set when spans were rejected, or to carry a warning (OTLP allows 0 rejected with a message).
    """
    partial = rejected_spans > 0 or bool(error_message)
    if _media_type(content_type) == PROTOBUF:
        from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

        response = ExportTraceServiceResponse()
        if partial:
            response.partial_success.rejected_spans = rejected_spans
            response.partial_success.error_message = error_message
        return response.SerializeToString(), PROTOBUF
    # int64 as a decimal string, as the proto3 JSON mapping (and so OTLP/JSON) writes it.
    body = {"partialSuccess": {"rejectedSpans": str(rejected_spans), "errorMessage": error_message}} if partial else {}
    return json.dumps(body).encode(), JSON
