"""OTLP spans as the SDK's upload spans (sdk-contract §7.3): ids, times, workspace, status, span type, tags, payloads.

The mapping understands three attribute dialects (cozeloop.*, OpenInference and OpenTelemetry gen_ai in its
JSON-message, flattened and event forms; the messages module builds their model messages) and turns every other span
attribute into a typed custom tag.
It validates no ids, times or sizes: the shared normaliser (shared.traces.normalize) does that for every ingest path.
"""

from __future__ import annotations

import json
from typing import Any

from shared.traces.otlp.messages import conversation, tool_definitions
from shared.traces.otlp.values import (
    Attributes,
    Events,
    as_dict,
    as_int,
    as_str,
    attribute_map,
    compact_json,
    dicts,
    json_value,
    text,
)
from shared.traces.otlp.wire import hex_id

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
    for resource_spans in dicts(request.get("resourceSpans")):
        resource = attribute_map(as_dict(resource_spans.get("resource")).get("attributes"))
        scope_lists = resource_spans.get("scopeSpans") or resource_spans.get("instrumentationLibrarySpans")
        for scope_spans in dicts(scope_lists):
            scope_name = as_str(as_dict(scope_spans.get("scope")).get("name")) or ""
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
    raw_attributes = attribute_map(span.get("attributes"))
    attributes = Attributes(raw_attributes)
    events = [
        (as_str(event.get("name")) or "", attribute_map(event.get("attributes"))) for event in dicts(span.get("events"))
    ]
    workspace_id = _workspace_id(header_workspace_id, attributes, resource)
    span_type = _span_type(attributes)
    start = as_int(span.get("startTimeUnixNano")) or 0
    end = as_int(span.get("endTimeUnixNano")) or 0
    log_id = as_str(attributes.take("cozeloop.log_id")) or ""
    explicit_status = as_int(attributes.take("cozeloop.status_code"))
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
        "service_name": as_str(resource.get("service.name")) or "",
        "workspace_id": workspace_id,
        "span_name": as_str(span.get("name")) or "unknown",
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
    return hex_id(value, size) if isinstance(value, str) else ""


def _workspace_id(header: str | None, attributes: Attributes, resource: dict[str, Any]) -> str:
    from_span = as_str(attributes.take("cozeloop.workspace_id"))  # consumed even when the header wins
    for candidate in (header, from_span, as_str(resource.get("cozeloop.workspace_id"))):
        if candidate and candidate.strip():
            return candidate.strip()
    raise _Unmappable("no workspace: send header cozeloop-workspace-id or attribute cozeloop.workspace_id")


def _span_type(attributes: Attributes) -> str:
    explicit = as_str(attributes.take("cozeloop.span_type"))
    kind = (as_str(attributes.take("openinference.span.kind")) or "").upper()
    operation = as_str(attributes.peek("gen_ai.operation.name")) or ""
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
    failed = as_dict(status).get("code") in _STATUS_ERROR
    if failed:
        message = as_str(as_dict(status).get("message")) or _exception_text(events)
        tags.put("error", message or None, override=False)
    if explicit is not None:
        return explicit
    # As in the SDK, an error message tag makes the span an error; `error: false` does not.
    return -1 if failed or tags.strings.get("error") else 0


def _exception_text(events: Events) -> str:
    for name, attributes in events:
        if name == "exception":
            kind, message = as_str(attributes.get("exception.type")), as_str(attributes.get("exception.message"))
            return f"{kind}: {message}" if kind and message else message or kind or ""
    return ""


def _runtime(resource: dict[str, Any], attributes: dict[str, Any], scope_name: str) -> str:
    openinference = (
        "openinference.span.kind" in attributes
        or any(key.startswith("llm.") for key in attributes)
        or scope_name.startswith("openinference")
    )
    runtime = {
        "language": as_str(resource.get("telemetry.sdk.language")) or "unknown",
        "library": "openinference" if openinference else "opentelemetry",
        "scene": "custom",
    }
    return compact_json(runtime)


# ---------------------------------------------------------------------------------------------------------------------
# Tags


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


def _well_known_tags(attributes: Attributes) -> _Tags:
    tags = _Tags()
    for tag, keys in _STRING_TAGS.items():
        tags.put(tag, as_str(attributes.take(*keys)))
    for tag, keys in _TOKEN_TAGS.items():
        tags.put(tag, as_int(attributes.take(*keys)))
    total = as_int(attributes.take("llm.token_count.total", "gen_ai.usage.total_tokens"))
    used = [tags.longs.get("input_tokens", 0), tags.longs.get("output_tokens", 0)]
    tags.put("tokens", total if total is not None else (sum(used) if any(n > 0 for n in used) else None))
    parameters = as_dict(json_value(attributes.take("llm.invocation_parameters")))
    options = _call_options(parameters, attributes)
    if options:
        tags.put("call_options", compact_json(options))
    stream = attributes.take("llm.is_streaming", "gen_ai.request.stream")
    stream = stream if stream is not None else parameters.get("stream")
    if isinstance(stream, bool):
        tags.put("stream", stream)
    return tags


def _call_options(parameters: dict[str, Any], attributes: Attributes) -> dict[str, Any]:
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


def _custom_tags(attributes: Attributes, tags: _Tags) -> None:
    """`cozeloop.<name>` becomes tag `<name>` and wins; any other attribute keeps its key and never overrides."""
    for key, value in list(attributes.unused()):
        if key.startswith("cozeloop."):
            tags.put(key.removeprefix("cozeloop."), value)
        else:
            tags.put(key, value, override=False)


# ---------------------------------------------------------------------------------------------------------------------
# Input and output


def _payloads(attributes: Attributes, events: Events, span_type: str) -> tuple[str, str]:
    """cozeloop.input/output win; model spans prefer messages (ModelInput/ModelOutput) over input.value/output.value."""
    explicit_input, explicit_output = attributes.take("cozeloop.input"), attributes.take("cozeloop.output")
    raw_input, raw_output = attributes.take("input.value"), attributes.take("output.value")
    attributes.take("input.mime_type", "output.mime_type")
    messages, choices = conversation(attributes, events)
    tools = tool_definitions(attributes)
    model_input = compact_json({"messages": messages, **({"tools": tools} if tools else {})}) if messages else None
    model_output = compact_json({"choices": choices}) if choices else None
    prefer_messages = span_type == "model"
    return (
        _pick(explicit_input, model_input, raw_input, prefer_messages),
        _pick(explicit_output, model_output, raw_output, prefer_messages),
    )


def _pick(explicit: Any, built: str | None, raw: Any, prefer_built: bool) -> str:
    order = (explicit, built, raw) if prefer_built else (explicit, raw, built)
    return text(next((value for value in order if value is not None), None))
