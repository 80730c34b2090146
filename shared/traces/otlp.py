"""OTLP/HTTP trace exports (`/v1/loop/opentelemetry/v1/traces`): decode a request, map its spans onto the SDK's shape.

Decoding accepts protobuf and JSON, plain, gzip or deflate, and always returns the OTLP/JSON shape with hex ids, so the
mapping reads one form. The mapping understands three attribute dialects (cozeloop.*, OpenInference and OpenTelemetry
gen_ai in its JSON-message, flattened and event forms) and turns every other span attribute into a typed custom tag.
It validates no ids, times or sizes: the shared normaliser (shared.traces.normalize) does that for every ingest path.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from shared.errors import InvalidInput, PayloadTooLarge

if TYPE_CHECKING:
    from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
    from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
MAX_DECODED_BYTES = 128 << 20  # a few kilobytes of gzip must not be able to fill the function's memory
_HEX = re.compile(r"[0-9a-fA-F]+")
_STATUS_ERROR = (2, "2", "STATUS_CODE_ERROR")  # OTLP/JSON sends enums as ints; protobuf's JSON mapping as names
_OPENINFERENCE_TYPES = {
    "LLM": "model",
    "TOOL": "tool",
    "CHAIN": "chain",
    "RETRIEVER": "retriever",
    "EMBEDDING": "embedding",
    "AGENT": "agent",
    "RERANKER": "reranker",
    "GUARDRAIL": "guardrail",
    "EVALUATOR": "evaluator",
    "PROMPT": "prompt",
}
_GEN_AI_OPERATION_TYPES = {
    "chat": "model",
    "text_completion": "model",
    "generate_content": "model",
    "execute_tool": "tool",
    "embeddings": "embedding",
    "invoke_agent": "agent",
    "create_agent": "agent",
}
# call_options keys (tracespec ModelCallOption) by their names in OpenInference's llm.invocation_parameters ...
_INVOCATION_OPTIONS = {
    "temperature": "temperature",
    "max_tokens": "max_tokens",
    "max_completion_tokens": "max_tokens",
    "top_p": "top_p",
    "top_k": "top_k",
    "stop": "stop",
    "presence_penalty": "presence_penalty",
    "frequency_penalty": "frequency_penalty",
    "n": "n",
    "reasoning_effort": "reasoning_effort",
}
# ... and in gen_ai.request.*
_GEN_AI_OPTIONS = {
    "gen_ai.request.temperature": "temperature",
    "gen_ai.request.max_tokens": "max_tokens",
    "gen_ai.request.top_p": "top_p",
    "gen_ai.request.top_k": "top_k",
    "gen_ai.request.stop_sequences": "stop",
    "gen_ai.request.presence_penalty": "presence_penalty",
    "gen_ai.request.frequency_penalty": "frequency_penalty",
    "gen_ai.request.choice.count": "n",
}
# Well-known string tags and where they come from, the explicit cozeloop attribute first.
_STRING_TAGS = {
    "user_id": ("cozeloop.user_id", "user.id", "enduser.id"),
    "thread_id": ("cozeloop.thread_id", "session.id", "gen_ai.conversation.id"),
    "message_id": ("cozeloop.message_id",),
    "prompt_key": ("cozeloop.prompt_key",),
    "prompt_version": ("cozeloop.prompt_version",),
    "prompt_label": ("cozeloop.prompt_label",),
    "model_name": (
        "gen_ai.request.model",
        "gen_ai.response.model",
        "llm.model_name",
        "llm.request.model_name",
        "llm.response.model_name",
    ),
    "model_provider": ("gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system"),
}
_TOKEN_TAGS = {
    "input_tokens": ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt"),
    "output_tokens": ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion"),
    "input_cached_tokens": (
        "llm.token_count.prompt_details.cache_read",
        "gen_ai.usage.cache_read_input_tokens",
        "gen_ai.usage.cache_read.input_tokens",
    ),
    "reasoning_tokens": (
        "llm.token_count.completion_details.reasoning",
        "gen_ai.usage.reasoning_tokens",
        "gen_ai.usage.reasoning.output_tokens",
    ),
}
_EVENT_ROLES = {
    "gen_ai.system.message": "system",
    "gen_ai.user.message": "user",
    "gen_ai.assistant.message": "assistant",
    "gen_ai.tool.message": "tool",
}
_OPENAI_PART_TYPES = ("text", "image_url", "file_url")

Events = list[tuple[str, dict[str, Any]]]  # (event name, attributes) in span order


# ---------------------------------------------------------------------------------------------------------------------
# Decoding


def decode_export_request(body: bytes, content_type: str | None, content_encoding: str | None) -> dict[str, Any]:
    """OTLP ExportTraceServiceRequest as an OTLP/JSON-shaped dict (resourceSpans → scopeSpans → spans), ids in hex."""
    media_type = _media_type(content_type)
    if media_type not in (PROTOBUF, JSON):
        raise InvalidInput(
            f"unsupported Content-Type {content_type!r}: send OTLP traces as {PROTOBUF} or {JSON} (OTLP/HTTP)"
        )
    raw = _decompress(body, content_encoding)
    return _decode_protobuf(raw) if media_type == PROTOBUF else _decode_json(raw)


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _decompress(body: bytes, content_encoding: str | None) -> bytes:
    encoding = (content_encoding or "").strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise InvalidInput(f"unsupported Content-Encoding {content_encoding!r}: send gzip, deflate or no encoding")
    try:
        if encoding == "deflate":
            return _inflate_deflate(body)
        return _inflate(body, 16 + zlib.MAX_WBITS)
    except zlib.error as exc:
        raise InvalidInput(
            f"the body is not valid {encoding} data ({exc}): compress it with {encoding} or drop Content-Encoding"
        ) from exc


def _inflate_deflate(body: bytes) -> bytes:
    # HTTP's deflate is zlib-wrapped, but some clients send a raw deflate stream.
    try:
        return _inflate(body, zlib.MAX_WBITS)
    except zlib.error:
        return _inflate(body, -zlib.MAX_WBITS)


def _inflate(body: bytes, wbits: int) -> bytes:
    """Decompresses gzip members (or one zlib/deflate stream) up to MAX_DECODED_BYTES."""
    out = bytearray()
    data = body
    while data:
        stream = zlib.decompressobj(wbits)
        out += stream.decompress(data, MAX_DECODED_BYTES + 1 - len(out))
        if len(out) > MAX_DECODED_BYTES or stream.unconsumed_tail:
            raise PayloadTooLarge(
                f"the decompressed body exceeds {MAX_DECODED_BYTES >> 20} MiB: export smaller batches"
            )
        if not stream.eof:
            raise zlib.error("the compressed stream is truncated")
        data = stream.unused_data if wbits > zlib.MAX_WBITS else b""  # only gzip may concatenate members
    return bytes(out)


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
                for link in _dicts(span.get("links")):
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
            item[key] = _hex_id(item[key], size)


def _hex_id(value: str, size: int) -> str:
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


# ---------------------------------------------------------------------------------------------------------------------
# Attribute values


def _any_value(value: Any) -> Any:
    """An OTLP/JSON AnyValue as a plain Python value; None when empty or malformed."""
    if not isinstance(value, dict):
        return None
    for key, convert in _VALUE_CONVERTERS.items():
        if key in value:
            try:
                return convert(value[key])
            except (TypeError, ValueError, AttributeError):
                return None
    return None


def _attribute_map(key_values: Any) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    for item in _dicts(key_values):
        key, value = item.get("key"), _any_value(item.get("value"))
        if isinstance(key, str) and value is not None:
            attributes[key] = value
    return attributes


def _bool_value(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() == "true"


_VALUE_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "stringValue": str,
    "boolValue": _bool_value,
    "intValue": int,  # int64 arrives as a string in OTLP/JSON
    "doubleValue": float,
    "arrayValue": lambda array: [_any_value(item) for item in _dicts(array.get("values"))],
    "kvlistValue": lambda kvlist: _attribute_map(kvlist.get("values")),
    "bytesValue": str,  # stays base64 text, as OTLP/JSON writes it
}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    return _compact_json(value)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _json_value(value: Any) -> Any:
    """Attributes that carry structures are usually JSON strings; a string that is not JSON stays a string."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _compact_json(value: Any) -> str:
    # Compact like the SDK's pydantic dumps of ModelInput/ModelOutput/call_options.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Attributes:
    """A span's attributes, remembering which ones the mapping consumed so that they do not also become tags."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values
        self._used: set[str] = set()

    def take(self, *keys: str) -> Any:
        """The first present value; every key counts as consumed, since they are synonyms of one another."""
        self._used.update(keys)
        return next((self._values[key] for key in keys if self._values.get(key) is not None), None)

    def take_prefix(self, prefix: str) -> dict[str, Any]:
        """Every attribute under `prefix`, keyed by the rest of its name."""
        found = {key[len(prefix) :]: value for key, value in self._values.items() if key.startswith(prefix)}
        self._used.update(prefix + key for key in found)
        return found

    def peek(self, key: str) -> Any:
        return self._values.get(key)

    def has_prefix(self, *prefixes: str) -> bool:
        return any(key.startswith(prefixes) for key in self._values)

    def unused(self) -> Iterator[tuple[str, Any]]:
        return ((key, value) for key, value in self._values.items() if key not in self._used)


class _Tags:
    """The four user-tag maps; a value goes to the map of its type, structures as JSON text (as the SDK does)."""

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.longs: dict[str, int] = {}
        self.doubles: dict[str, float] = {}
        self.bools: dict[str, bool] = {}

    def __contains__(self, key: str) -> bool:
        return any(key in tags for tags in (self.strings, self.longs, self.doubles, self.bools))

    def put(self, key: str, value: Any, *, override: bool = True) -> None:
        if not key or value is None:
            return
        if key in self:
            if not override:
                return
            for tags in (self.strings, self.longs, self.doubles, self.bools):
                tags.pop(key, None)
        if isinstance(value, bool):
            self.bools[key] = value
        elif isinstance(value, int):
            self.longs[key] = value
        elif isinstance(value, float):
            self.doubles[key] = value
        else:
            self.strings[key] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------------------------------
# Span mapping


class _Unmappable(Exception):
    """The span lacks something no later step can supply; the message says what."""


def otlp_to_upload_spans(
    request: dict[str, Any], *, header_workspace_id: str | None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Every OTLP span as the SDK's upload span (sdk-contract §7.3), and one line per span that could not be mapped.

    Spans are numbered from 0 in request order, as the shared normaliser numbers them.
    """
    spans: list[dict[str, Any]] = []
    problems: list[str] = []
    index = 0
    for resource_spans in _dicts(request.get("resourceSpans")):
        resource = _attribute_map(_dict(resource_spans.get("resource")).get("attributes"))
        scope_lists = resource_spans.get("scopeSpans") or resource_spans.get("instrumentationLibrarySpans")
        for scope_spans in _dicts(scope_lists):
            scope_name = _as_str(_dict(scope_spans.get("scope")).get("name")) or ""
            raw_spans = scope_spans.get("spans")
            for span in raw_spans if isinstance(raw_spans, list) else []:
                try:
                    spans.append(_upload_span(span, resource, scope_name, header_workspace_id))
                except _Unmappable as reason:
                    name = span.get("name") if isinstance(span, dict) else None
                    problems.append(f"span {index} (name {name!r}): {reason}")
                index += 1
    return spans, problems


def _upload_span(
    span: Any, resource: dict[str, Any], scope_name: str, header_workspace_id: str | None
) -> dict[str, Any]:
    if not isinstance(span, dict):
        raise _Unmappable("not an OTLP span object")
    trace_id, span_id, parent_id = _ids(span)
    raw_attributes = _attribute_map(span.get("attributes"))
    attributes = _Attributes(raw_attributes)
    events = [
        (_as_str(event.get("name")) or "", _attribute_map(event.get("attributes")))
        for event in _dicts(span.get("events"))
    ]
    workspace_id = _workspace_id(header_workspace_id, attributes, resource)
    span_type = _span_type(attributes)
    start = _as_int(span.get("startTimeUnixNano")) or 0
    end = _as_int(span.get("endTimeUnixNano")) or 0
    log_id = _as_str(attributes.take("cozeloop.log_id")) or ""
    explicit_status = _as_int(attributes.take("cozeloop.status_code"))
    span_input, span_output = _payloads(attributes, events, span_type)
    tags = _well_known_tags(attributes)
    _custom_tags(attributes, tags)
    status_code = _status(span.get("status"), events, explicit_status, tags)
    return {
        "started_at_micros": start // 1000,
        "log_id": log_id,
        "span_id": span_id,
        "parent_id": parent_id,
        "trace_id": trace_id,
        "duration_micros": max(end - start, 0) // 1000,
        "service_name": _as_str(resource.get("service.name")) or "",
        "workspace_id": workspace_id,
        "span_name": _as_str(span.get("name")) or "unknown",
        "span_type": span_type,
        "status_code": status_code,
        "input": span_input,
        "output": span_output,
        "object_storage": "",
        "system_tags_string": {"runtime": _runtime(resource, raw_attributes, scope_name), "report_source": "otel"},
        "system_tags_long": {},
        "system_tags_double": {},
        "tags_string": tags.strings,
        "tags_long": tags.longs,
        "tags_double": tags.doubles,
        "tags_bool": tags.bools,
    }


def _ids(span: dict[str, Any]) -> tuple[str, str, str]:
    trace_id = _id(span.get("traceId"), 16)
    span_id = _id(span.get("spanId"), 8)
    if not trace_id:
        raise _Unmappable("no traceId")
    if not span_id:
        raise _Unmappable("no spanId")
    parent_id = _id(span.get("parentSpanId"), 8)
    return trace_id, span_id, parent_id if parent_id.strip("0") else "0"  # empty or all zeros: a root


def _id(value: Any, size: int) -> str:
    return _hex_id(value, size) if isinstance(value, str) else ""


def _workspace_id(header: str | None, attributes: _Attributes, resource: dict[str, Any]) -> str:
    from_span = _as_str(attributes.take("cozeloop.workspace_id"))  # consumed even when the header wins
    for candidate in (header, from_span, _as_str(resource.get("cozeloop.workspace_id"))):
        if candidate and candidate.strip():
            return candidate.strip()
    raise _Unmappable("no workspace: send header cozeloop-workspace-id or attribute cozeloop.workspace_id")


def _span_type(attributes: _Attributes) -> str:
    explicit = _as_str(attributes.take("cozeloop.span_type"))
    kind = (_as_str(attributes.take("openinference.span.kind")) or "").upper()
    operation = _as_str(attributes.peek("gen_ai.operation.name")) or ""
    if operation in _GEN_AI_OPERATION_TYPES:
        attributes.take("gen_ai.operation.name")  # an operation we do not know stays visible as a tag
    if explicit:
        return explicit
    if kind in _OPENINFERENCE_TYPES:
        return _OPENINFERENCE_TYPES[kind]
    if operation in _GEN_AI_OPERATION_TYPES:
        return _GEN_AI_OPERATION_TYPES[operation]
    return "model" if attributes.has_prefix("gen_ai.request.", "gen_ai.usage.") else "custom"


def _status(status: Any, events: Events, explicit: int | None, tags: _Tags) -> int:
    """The SDK's status_code; an OTLP error also sets the `error` tag unless the span already has one."""
    failed = _dict(status).get("code") in _STATUS_ERROR
    if failed:
        message = _as_str(_dict(status).get("message")) or _exception_text(events)
        tags.put("error", message or None, override=False)
    if explicit is not None:
        return explicit
    return -1 if failed or "error" in tags else 0  # as in the SDK, an error tag makes the span an error


def _exception_text(events: Events) -> str:
    for name, attributes in events:
        if name == "exception":
            kind, message = _as_str(attributes.get("exception.type")), _as_str(attributes.get("exception.message"))
            return f"{kind}: {message}" if kind and message else message or kind or ""
    return ""


def _runtime(resource: dict[str, Any], attributes: dict[str, Any], scope_name: str) -> str:
    openinference = (
        "openinference.span.kind" in attributes
        or any(key.startswith("llm.") for key in attributes)
        or scope_name.startswith("openinference")
    )
    runtime = {
        "language": _as_str(resource.get("telemetry.sdk.language")) or "unknown",
        "library": "openinference" if openinference else "opentelemetry",
        "scene": "custom",
    }
    return _compact_json(runtime)


# ---------------------------------------------------------------------------------------------------------------------
# Tags


def _well_known_tags(attributes: _Attributes) -> _Tags:
    tags = _Tags()
    for tag, keys in _STRING_TAGS.items():
        tags.put(tag, _as_str(attributes.take(*keys)))
    for tag, keys in _TOKEN_TAGS.items():
        tags.put(tag, _as_int(attributes.take(*keys)))
    total = _as_int(attributes.take("llm.token_count.total", "gen_ai.usage.total_tokens"))
    used = [tags.longs.get("input_tokens", 0), tags.longs.get("output_tokens", 0)]
    tags.put("tokens", total if total is not None else (sum(used) if any(n > 0 for n in used) else None))
    parameters = _dict(_json_value(attributes.take("llm.invocation_parameters")))
    options = _call_options(parameters, attributes)
    if options:
        tags.put("call_options", _compact_json(options))
    stream = attributes.take("llm.is_streaming", "gen_ai.request.stream")
    stream = stream if stream is not None else parameters.get("stream")
    if isinstance(stream, bool):
        tags.put("stream", stream)
    return tags


def _call_options(parameters: dict[str, Any], attributes: _Attributes) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for source, name in _INVOCATION_OPTIONS.items():
        if parameters.get(source) is not None:
            options.setdefault(name, parameters[source])
    for key, name in _GEN_AI_OPTIONS.items():
        value = attributes.take(key)
        if value is not None:
            options[name] = value
    if isinstance(options.get("stop"), str):
        options["stop"] = [options["stop"]]
    return options


def _custom_tags(attributes: _Attributes, tags: _Tags) -> None:
    """`cozeloop.<name>` becomes tag `<name>` and wins; any other attribute keeps its key and never overrides."""
    for key, value in list(attributes.unused()):
        if key.startswith("cozeloop."):
            tags.put(key.removeprefix("cozeloop."), value)
        else:
            tags.put(key, value, override=False)


# ---------------------------------------------------------------------------------------------------------------------
# Input and output


def _payloads(attributes: _Attributes, events: Events, span_type: str) -> tuple[str, str]:
    """cozeloop.input/output win; model spans prefer messages (ModelInput/ModelOutput) over input.value/output.value."""
    explicit_input, explicit_output = attributes.take("cozeloop.input"), attributes.take("cozeloop.output")
    raw_input, raw_output = attributes.take("input.value"), attributes.take("output.value")
    attributes.take("input.mime_type", "output.mime_type")
    messages, choices = _conversation(attributes, events)
    tools = _tools(attributes)
    model_input = _compact_json({"messages": messages, **({"tools": tools} if tools else {})}) if messages else None
    model_output = _compact_json({"choices": choices}) if choices else None
    prefer_messages = span_type == "model"
    return (
        _pick(explicit_input, model_input, raw_input, prefer_messages),
        _pick(explicit_output, model_output, raw_output, prefer_messages),
    )


def _pick(explicit: Any, built: str | None, raw: Any, prefer_built: bool) -> str:
    order = (explicit, built, raw) if prefer_built else (explicit, raw, built)
    return _text(next((value for value in order if value is not None), None))


def _conversation(attributes: _Attributes, events: Events) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Input messages and output choices from the first dialect that has them; all dialects' attributes are consumed."""
    candidates = [
        _openinference_conversation(attributes),
        _gen_ai_json_conversation(attributes),
        _gen_ai_flat_conversation(attributes),
        _gen_ai_event_conversation(events),
    ]
    messages = next((found for found, _ in candidates if found), [])
    choices = next((found for _, found in candidates if found), [])
    reasons = _finish_reasons(attributes)
    for choice in choices:
        if not choice["finish_reason"] and 0 <= choice["index"] < len(reasons):
            choice["finish_reason"] = reasons[choice["index"]]
    return messages, choices


def _finish_reasons(attributes: _Attributes) -> list[str]:
    reasons = attributes.take("gen_ai.response.finish_reasons", "llm.finish_reason")
    if isinstance(reasons, list):
        return [_as_str(reason) or "" for reason in reasons]
    return [_as_str(reasons) or ""] if reasons is not None else []


def _message(
    role: Any,
    content: Any = None,
    *,
    name: Any = None,
    tool_call_id: Any = None,
    tool_calls: list[dict[str, Any]] | None = None,
    parts: list[dict[str, Any]] | None = None,
    reasoning_content: str | None = None,
) -> dict[str, Any]:
    """A tracespec ModelMessage with its empty fields dropped, as the SDK's pydantic dump drops them."""
    optional = {
        "content": None if content is None else _text(content),
        "reasoning_content": reasoning_content,
        "parts": parts or None,
        "name": _as_str(name),
        "tool_calls": tool_calls or None,
        "tool_call_id": _as_str(tool_call_id),
    }
    return {"role": _as_str(role) or "", **{key: value for key, value in optional.items() if value is not None}}


def _tool_call(call_id: Any, name: Any, arguments: Any) -> dict[str, Any]:
    function = {"name": _as_str(name) or ""}
    if arguments is not None:
        function["arguments"] = arguments if isinstance(arguments, str) else _compact_json(arguments)
    call: dict[str, Any] = {"id": _as_str(call_id)} if call_id is not None else {}
    return {**call, "type": "function", "function": function}


def _choice(index: int, message: dict[str, Any], finish_reason: Any = None) -> dict[str, Any]:
    return {"finish_reason": _as_str(finish_reason) or "", "index": index, "message": message}


def _indexed(flat: dict[str, Any]) -> list[dict[str, Any]]:
    """Flattened lists (`0.role`, `0.content`, `1.role`) as one dict per index, in index order."""
    groups: dict[int, dict[str, Any]] = {}
    for key, value in flat.items():
        head, _, rest = key.partition(".")
        if head.isdigit() and rest:
            groups.setdefault(int(head), {})[rest] = value
    return [groups[index] for index in sorted(groups)]


def _under(fields: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {key[len(prefix) :]: value for key, value in fields.items() if key.startswith(prefix)}


# OpenInference: llm.input_messages.{i}.message.* and llm.output_messages.{i}.message.*


def _openinference_conversation(attributes: _Attributes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    inputs = [_openinference_message(fields) for fields in _indexed(attributes.take_prefix("llm.input_messages."))]
    outputs = [_openinference_message(fields) for fields in _indexed(attributes.take_prefix("llm.output_messages."))]
    return inputs, [_choice(index, message) for index, message in enumerate(outputs)]


def _openinference_message(fields: dict[str, Any]) -> dict[str, Any]:
    message = _under(fields, "message.")
    tool_calls = [
        _tool_call(
            call.get("tool_call.id"), call.get("tool_call.function.name"), call.get("tool_call.function.arguments")
        )
        for call in _indexed(_under(message, "tool_calls."))
    ]
    parts = [part for part in map(_openinference_part, _indexed(_under(message, "contents."))) if part]
    return _message(
        message.get("role"),
        message.get("content"),
        name=message.get("name"),
        tool_call_id=message.get("tool_call_id"),
        tool_calls=tool_calls,
        parts=parts,
    )


def _openinference_part(content: dict[str, Any]) -> dict[str, Any] | None:
    kind = content.get("message_content.type")
    if kind == "text":
        return {"type": "text", "text": _text(content.get("message_content.text"))}
    url = content.get("message_content.image.image.url")
    return {"type": "image_url", "image_url": {"url": _text(url)}} if kind == "image" and url else None


# gen_ai, current semconv: gen_ai.input.messages / gen_ai.output.messages / gen_ai.system_instructions (JSON parts)


def _gen_ai_json_conversation(attributes: _Attributes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    system = _json_value(attributes.take("gen_ai.system_instructions"))
    inputs = [_parts_message(raw) for raw in _dicts(_json_value(attributes.take("gen_ai.input.messages")))]
    if isinstance(system, list):
        inputs.insert(0, _parts_message({"role": "system", "parts": system}))
    elif system is not None:
        inputs.insert(0, _message("system", system))
    outputs = _dicts(_json_value(attributes.take("gen_ai.output.messages")))
    choices = [_choice(index, _parts_message(raw), raw.get("finish_reason")) for index, raw in enumerate(outputs)]
    return inputs, choices


def _parts_message(raw: dict[str, Any]) -> dict[str, Any]:
    """A semconv message ({role, parts[{type: text|tool_call|tool_call_response|reasoning|uri|blob}]}) as a message."""
    ordered: list[dict[str, Any]] = []  # text and media parts, in order
    tool_calls: list[dict[str, Any]] = []
    reasoning: list[str] = []
    tool_call_id: Any = None
    for part in _dicts(raw.get("parts")):
        kind = part.get("type")
        if kind == "text":
            ordered.append({"type": "text", "text": _text(part.get("content"))})
        elif kind == "tool_call":
            tool_calls.append(_tool_call(part.get("id"), part.get("name"), part.get("arguments")))
        elif kind == "tool_call_response":
            tool_call_id = part.get("id")
            ordered.append({"type": "text", "text": _text(part.get("response"))})
        elif kind == "reasoning":
            reasoning.append(_text(part.get("content")))
        elif media := _media_part(part):
            ordered.append(media)
    has_media = any(part["type"] != "text" for part in ordered)
    texts = [part["text"] for part in ordered if part["type"] == "text"]
    return _message(
        raw.get("role"),
        None if has_media or not texts else "\n".join(texts),
        name=raw.get("name"),
        tool_call_id=tool_call_id,
        tool_calls=tool_calls,
        parts=ordered if has_media else None,
        reasoning_content="\n".join(reasoning) or None,
    )


def _media_part(part: dict[str, Any]) -> dict[str, Any] | None:
    if part.get("type") == "uri":
        url = _as_str(part.get("uri"))
    elif part.get("type") == "blob":
        url = f"data:{_as_str(part.get('mime_type')) or ''};base64,{_as_str(part.get('content')) or ''}"
    else:
        return None
    if not url:
        return None
    if part.get("modality") == "image":
        return {"type": "image_url", "image_url": {"url": url}}
    return {"type": "file_url", "file_url": {"url": url}}


# gen_ai, older forms: flattened gen_ai.prompt.{i}.* and gen_ai.completion.{i}.*, or JSON gen_ai.prompt/completion


def _gen_ai_flat_conversation(attributes: _Attributes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    prompts = _indexed(attributes.take_prefix("gen_ai.prompt."))
    completions = _indexed(attributes.take_prefix("gen_ai.completion."))
    inputs = [_flat_message(fields) for fields in prompts]
    choices = [
        _choice(index, _flat_message(fields), fields.get("finish_reason")) for index, fields in enumerate(completions)
    ]
    json_prompt = _openai_messages(_json_value(attributes.take("gen_ai.prompt")))
    json_completion = _openai_messages(_json_value(attributes.take("gen_ai.completion")))
    return (
        inputs or json_prompt,
        choices or [_choice(index, message) for index, message in enumerate(json_completion)],
    )


def _flat_message(fields: dict[str, Any]) -> dict[str, Any]:
    tool_calls = [
        _tool_call(call.get("id"), call.get("name"), call.get("arguments"))
        for call in _indexed(_under(fields, "tool_calls."))
    ]
    return _message(
        fields.get("role"),
        fields.get("content"),
        name=fields.get("name"),
        tool_call_id=fields.get("tool_call_id"),
        tool_calls=tool_calls,
    )


def _openai_messages(value: Any) -> list[dict[str, Any]]:
    return [_openai_message(raw) for raw in _dicts(value)]


def _openai_message(raw: dict[str, Any], default_role: str = "") -> dict[str, Any]:
    """An OpenAI-style message ({role, content (text or parts), tool_calls, tool_call_id, name}) as ModelMessage."""
    content = raw.get("content")
    parts = None
    if isinstance(content, list):
        parts = [part for part in _dicts(content) if part.get("type") in _OPENAI_PART_TYPES]
        content = None
    tool_calls = [
        _tool_call(
            call.get("id"), _dict(call.get("function")).get("name"), _dict(call.get("function")).get("arguments")
        )
        for call in _dicts(_json_value(raw.get("tool_calls")))
    ]
    return _message(
        raw.get("role") or default_role,
        content,
        name=raw.get("name"),
        tool_call_id=raw.get("tool_call_id"),
        tool_calls=tool_calls,
        parts=parts,
    )


# gen_ai events: gen_ai.{system,user,assistant,tool}.message, gen_ai.choice, gen_ai.content.prompt/completion


def _gen_ai_event_conversation(events: Events) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    inputs: list[dict[str, Any]] = []
    choices: list[dict[str, Any]] = []
    for name, attributes in events:
        payload = _event_payload(attributes)
        if name in _EVENT_ROLES:
            if name == "gen_ai.tool.message" and "tool_call_id" not in payload:
                payload["tool_call_id"] = payload.get("id")  # the tool event names the call `id`
            inputs.append(_openai_message(payload, _EVENT_ROLES[name]))
        elif name == "gen_ai.choice":
            choices.append(_event_choice(payload, len(choices)))
        elif name == "gen_ai.content.prompt":
            inputs.extend(_openai_messages(_json_value(attributes.get("gen_ai.prompt"))))
        elif name == "gen_ai.content.completion":
            completion = _openai_messages(_json_value(attributes.get("gen_ai.completion")))
            choices.extend(_choice(len(choices) + offset, message) for offset, message in enumerate(completion))
    return inputs, choices


def _event_payload(attributes: dict[str, Any]) -> dict[str, Any]:
    """The event's fields: its attributes, merged with its `body` when the exporter put the log body there."""
    body = _json_value(attributes.get("body"))
    fields = {key: value for key, value in attributes.items() if key != "body"}
    if isinstance(body, dict):
        return {**fields, **body}
    if body is not None:
        return {**fields, "content": body}
    return fields


def _event_choice(payload: dict[str, Any], default_index: int) -> dict[str, Any]:
    message = _json_value(payload.get("message"))
    as_message = _openai_message(message, "assistant") if isinstance(message, dict) else _message("assistant", message)
    index = _as_int(payload.get("index"))
    return _choice(default_index if index is None else index, as_message, payload.get("finish_reason"))


# Tools: OpenInference llm.tools.{i}.tool.json_schema, gen_ai.tool.definitions


def _tools(attributes: _Attributes) -> list[dict[str, Any]]:
    schemas = [_json_value(fields.get("tool.json_schema")) for fields in _indexed(attributes.take_prefix("llm.tools."))]
    schemas += _dicts(_json_value(attributes.take("gen_ai.tool.definitions")))
    return [tool for tool in map(_tool, schemas) if tool]


def _tool(schema: Any) -> dict[str, Any] | None:
    """A tracespec ModelTool ({type, function: {name, description, parameters}}) from OpenAI or semconv form."""
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("function"), dict):
        return {"type": _as_str(schema.get("type")) or "function", "function": schema["function"]}
    if "name" not in schema:
        return None
    function = {key: schema[key] for key in ("name", "description", "parameters") if key in schema}
    return {"type": "function", "function": function}
