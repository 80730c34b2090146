"""A model span's messages (tracespec ModelInput messages and tools, ModelOutput choices) in the SDK's shape.

They come from the first dialect that has them: OpenInference, gen_ai JSON messages, gen_ai flattened attributes, or
gen_ai events.
"""

from __future__ import annotations

from typing import Any

from shared.traces.otlp.values import (
    Attributes,
    Events,
    as_dict,
    as_int,
    as_str,
    compact_json,
    dicts,
    json_value,
    text,
)

_EVENT_ROLES = {
    "gen_ai.system.message": "system",
    "gen_ai.user.message": "user",
    "gen_ai.assistant.message": "assistant",
    "gen_ai.tool.message": "tool",
}
_OPENAI_PART_TYPES = ("text", "image_url", "file_url")


def conversation(attributes: Attributes, events: Events) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
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


def _finish_reasons(attributes: Attributes) -> list[str]:
    reasons = attributes.take("gen_ai.response.finish_reasons", "llm.finish_reason")
    if isinstance(reasons, list):
        return [as_str(reason) or "" for reason in reasons]
    return [as_str(reasons) or ""] if reasons is not None else []


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
        "content": None if content is None else text(content),
        "reasoning_content": reasoning_content,
        "parts": parts or None,
        "name": as_str(name),
        "tool_calls": tool_calls or None,
        "tool_call_id": as_str(tool_call_id),
    }
    return {"role": as_str(role) or "", **{key: value for key, value in optional.items() if value is not None}}


def _tool_call(call_id: Any, name: Any, arguments: Any) -> dict[str, Any]:
    function = {"name": as_str(name) or ""}
    if arguments is not None:
        function["arguments"] = arguments if isinstance(arguments, str) else compact_json(arguments)
    call: dict[str, Any] = {"id": as_str(call_id)} if call_id is not None else {}
    return {**call, "type": "function", "function": function}


def _choice(index: int, message: dict[str, Any], finish_reason: Any = None) -> dict[str, Any]:
    return {"finish_reason": as_str(finish_reason) or "", "index": index, "message": message}


def _indexed(flat: dict[str, Any]) -> list[dict[str, Any]]:
    """Flattened lists (`0.role`, `0.content`, `1.role`) as one dict per index, in index order."""
    groups: dict[int, dict[str, Any]] = {}
    for key, value in flat.items():
        head, _, rest = key.partition(".")
        if head.isdecimal() and head.isascii() and rest:
            groups.setdefault(int(head), {})[rest] = value
    return [groups[index] for index in sorted(groups)]


def _under(fields: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {key[len(prefix) :]: value for key, value in fields.items() if key.startswith(prefix)}


# OpenInference: llm.input_messages.{i}.message.* and llm.output_messages.{i}.message.*


def _openinference_conversation(attributes: Attributes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
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
        return {"type": "text", "text": text(content.get("message_content.text"))}
    url = content.get("message_content.image.image.url")
    return {"type": "image_url", "image_url": {"url": text(url)}} if kind == "image" and url else None


# gen_ai, current semconv: gen_ai.input.messages / gen_ai.output.messages / gen_ai.system_instructions (JSON parts)


def _gen_ai_json_conversation(attributes: Attributes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    system = json_value(attributes.take("gen_ai.system_instructions"))
    inputs = [_parts_message(raw) for raw in dicts(json_value(attributes.take("gen_ai.input.messages")))]
    if isinstance(system, list):
        inputs.insert(0, _parts_message({"role": "system", "parts": system}))
    elif system is not None:
        inputs.insert(0, _message("system", system))
    outputs = dicts(json_value(attributes.take("gen_ai.output.messages")))
    choices = [_choice(index, _parts_message(raw), raw.get("finish_reason")) for index, raw in enumerate(outputs)]
    return inputs, choices


def _parts_message(raw: dict[str, Any]) -> dict[str, Any]:
    """A semconv message ({role, parts[{type: text|tool_call|tool_call_response|reasoning|uri|blob}]}) as a message."""
    ordered: list[dict[str, Any]] = []  # text and media parts, in order
    tool_calls: list[dict[str, Any]] = []
    reasoning: list[str] = []
    tool_call_id: Any = None
    for part in dicts(raw.get("parts")):
        kind = part.get("type")
        if kind == "text":
            ordered.append({"type": "text", "text": text(part.get("content"))})
        elif kind == "tool_call":
            tool_calls.append(_tool_call(part.get("id"), part.get("name"), part.get("arguments")))
        elif kind == "tool_call_response":
            tool_call_id = part.get("id")
            ordered.append({"type": "text", "text": text(part.get("response"))})
        elif kind == "reasoning":
            reasoning.append(text(part.get("content")))
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
        url = as_str(part.get("uri"))
    elif part.get("type") == "blob":
        url = f"data:{as_str(part.get('mime_type')) or ''};base64,{as_str(part.get('content')) or ''}"
    else:
        return None
    if not url:
        return None
    if part.get("modality") == "image":
        return {"type": "image_url", "image_url": {"url": url}}
    return {"type": "file_url", "file_url": {"url": url}}


# gen_ai, older forms: flattened gen_ai.prompt.{i}.* and gen_ai.completion.{i}.*, or JSON gen_ai.prompt/completion


def _gen_ai_flat_conversation(attributes: Attributes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    prompts = _indexed(attributes.take_prefix("gen_ai.prompt."))
    completions = _indexed(attributes.take_prefix("gen_ai.completion."))
    inputs = [_flat_message(fields) for fields in prompts]
    choices = [
        _choice(index, _flat_message(fields), fields.get("finish_reason")) for index, fields in enumerate(completions)
    ]
    json_prompt = _openai_messages(json_value(attributes.take("gen_ai.prompt")))
    json_completion = _openai_messages(json_value(attributes.take("gen_ai.completion")))
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
    return [_openai_message(raw) for raw in dicts(value)]


def _openai_message(raw: dict[str, Any], default_role: str = "") -> dict[str, Any]:
    """An OpenAI-style message ({role, content (text or parts), tool_calls, tool_call_id, name}) as ModelMessage."""
    content = raw.get("content")
    parts = None
    if isinstance(content, list):
        parts = [part for part in dicts(content) if part.get("type") in _OPENAI_PART_TYPES]
        content = None
    tool_calls = [
        _tool_call(
            call.get("id"), as_dict(call.get("function")).get("name"), as_dict(call.get("function")).get("arguments")
        )
        for call in dicts(json_value(raw.get("tool_calls")))
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
            inputs.extend(_openai_messages(json_value(attributes.get("gen_ai.prompt"))))
        elif name == "gen_ai.content.completion":
            completion = _openai_messages(json_value(attributes.get("gen_ai.completion")))
            choices.extend(_choice(len(choices) + offset, message) for offset, message in enumerate(completion))
    return inputs, choices


def _event_payload(attributes: dict[str, Any]) -> dict[str, Any]:
    """The event's fields: its attributes, merged with its `body` when the exporter put the log body there."""
    body = json_value(attributes.get("body"))
    fields = {key: value for key, value in attributes.items() if key != "body"}
    if isinstance(body, dict):
        return {**fields, **body}
    if body is not None:
        return {**fields, "content": body}
    return fields


def _event_choice(payload: dict[str, Any], default_index: int) -> dict[str, Any]:
    message = json_value(payload.get("message"))
    as_message = _openai_message(message, "assistant") if isinstance(message, dict) else _message("assistant", message)
    index = as_int(payload.get("index"))
    return _choice(default_index if index is None else index, as_message, payload.get("finish_reason"))


# Tools: OpenInference llm.tools.{i}.tool.json_schema, gen_ai.tool.definitions


def tool_definitions(attributes: Attributes) -> list[dict[str, Any]]:
    schemas = [json_value(fields.get("tool.json_schema")) for fields in _indexed(attributes.take_prefix("llm.tools."))]
    schemas += dicts(json_value(attributes.take("gen_ai.tool.definitions")))
    return [tool for tool in map(_tool, schemas) if tool]


def _tool(schema: Any) -> dict[str, Any] | None:
    """A tracespec ModelTool ({type, function: {name, description, parameters}}) from OpenAI or semconv form."""
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("function"), dict):
        return {"type": as_str(schema.get("type")) or "function", "function": schema["function"]}
    if "name" not in schema:
        return None
    function = {key: schema[key] for key in ("name", "description", "parameters") if key in schema}
    return {"type": "function", "function": function}
