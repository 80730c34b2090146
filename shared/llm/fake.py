"""The built-in fake model: deterministic, offline, and complete enough to exercise every caller.

- Text: "Echo: <the last user message>" (or the entry's configured reply), streamed word by word.
- JSON mode: a JSON object {"echo": <the last user message>}.
- Tools: when tools are given and tool_choice is not "none", and the last user message names a tool (or
  tool_choice is "required"), it calls that tool (else the first) with arguments built from its schema.
  After a tool result, it answers "Tool <name> returned: <result>".
- "[fake-error]" in the last user message fails the call: before any output when not streaming, after the
  first word when streaming (a model error mid-stream).
- Usage counts whitespace-separated words as tokens.

For LLM judges (a called tool whose schema has a numeric `score` property, like the evaluator's
`eval(reason, score)`), the score varies so tests and demos see more than one value:
- "[fake-score=0.3]" anywhere in the messages gives that score (any number, even one the schema forbids);
- otherwise a stable hash of the last user message picks one of 0, 0.25, 0.5, 0.75, 1 (one of the schema's
  `enum` values when it has one; rounded when the score is an integer), and `reason` says how it was chosen.
- "[fake-text]" anywhere in the messages makes it answer in text instead of calling the tool: the configured
  reply, or else the arguments it would have passed as a ```json fenced block (to exercise text fallbacks).
"""

import hashlib
import json
import re
import time
from collections.abc import Iterator
from typing import Any

from shared.errors import UpstreamError
from shared.llm.providers import ModelCall
from shared.llm.types import ChatChunk, ChatMessage, ChatResult, FunctionCall, Role, TokenUsage, Tool, ToolCall

FAIL_MARKER = "[fake-error]"
TEXT_MARKER = "[fake-text]"
SCORE_MARKER = re.compile(r"\[fake-score=(-?\d+(?:\.\d+)?)\]")
SCORE_STEPS = (0.0, 0.25, 0.5, 0.75, 1.0)


def _text_of(message: ChatMessage) -> str:
    if message.content:
        return message.content
    parts = message.multimodal_contents or []
    texts = [part.text for part in parts if part.type == "text" and part.text]
    images = sum(1 for part in parts if part.type == "image_url")
    return " ".join(texts) + (f" [{images} image(s)]" if images else "")


def _tokens(text: str) -> int:
    return len(text.split())


def _example_for(schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    if "enum" in schema and schema["enum"]:
        return schema["enum"][0]
    if kind == "object":
        return {name: _example_for(sub) for name, sub in (schema.get("properties") or {}).items()}
    if kind == "array":
        return [_example_for(schema.get("items") or {"type": "string"})]
    return {"integer": 1, "number": 1.0, "boolean": True, "null": None}.get(str(kind), "example")


def _judge_arguments(arguments: dict[str, Any], schema: dict[str, Any], texts: list[str], request: str) -> None:
    """Sets a judge's `score` (and `reason`) by the rules in the module docstring, in place."""
    properties = schema.get("properties")
    score_schema = properties.get("score") if isinstance(properties, dict) else None
    if not isinstance(score_schema, dict) or score_schema.get("type") not in ("number", "integer"):
        return
    marked = next((match.group(1) for text in texts if (match := SCORE_MARKER.search(text))), None)
    if marked is not None:
        score: float = float(marked)
        how = "the [fake-score] marker asked for it"
    else:
        pick = hashlib.sha256(request.encode()).digest()[0]
        enum = score_schema.get("enum")
        choices = [v for v in enum if isinstance(v, int | float) and not isinstance(v, bool)] if enum else []
        score = float(choices[pick % len(choices)]) if choices else SCORE_STEPS[pick % len(SCORE_STEPS)]
        how = "a stable hash of the last user message chose it"
    arguments["score"] = round(score) if score_schema.get("type") == "integer" else score
    if "reason" in arguments:
        arguments["reason"] = f"The fake model gave {arguments['score']}: {how}."


def _pick_tool(tools: list[Tool], request: str, tool_choice: str | None) -> Tool | None:
    if not tools or tool_choice == "none":
        return None
    named = next((tool for tool in tools if tool.name in request), None)
    if named:
        return named
    return tools[0] if tool_choice == "required" else None


class FakeProvider:
    def _plan(self, call: ModelCall) -> tuple[str, list[ToolCall] | None, int]:
        prompt_tokens = sum(_tokens(_text_of(message)) for message in call.messages)
        last = call.messages[-1] if call.messages else None
        if last is not None and last.role == Role.TOOL:
            called = next(
                (
                    tool_call.function_call.name
                    for message in reversed(call.messages)
                    for tool_call in message.tool_calls or []
                    if tool_call.id == last.tool_call_id
                ),
                "tool",
            )
            return f"Tool {called} returned: {_text_of(last)}", None, prompt_tokens
        request = next((_text_of(m) for m in reversed(call.messages) if m.role == Role.USER), "")
        tool = _pick_tool(call.tools, request, call.options.tool_choice)
        if tool is not None:
            try:
                schema = json.loads(tool.definition or "{}")
            except json.JSONDecodeError:
                schema = {}
            schema = schema if isinstance(schema, dict) else {}
            example = _example_for(schema)
            texts = [_text_of(message) for message in call.messages]
            if isinstance(example, dict):
                _judge_arguments(example, schema, texts, request)
            arguments = json.dumps(example, ensure_ascii=False)
            if any(TEXT_MARKER in text for text in texts):
                fake = call.model.protocol_config.protocol_config_fake
                reply = fake.reply if fake and fake.reply else f"```json\n{arguments}\n```"
                return reply, None, prompt_tokens
            tool_call = ToolCall(
                index=0, id=f"call_{tool.name}_1", function_call=FunctionCall(name=tool.name, arguments=arguments)
            )
            return "", [tool_call], prompt_tokens
        fake = call.model.protocol_config.protocol_config_fake
        if call.options.json_mode:
            return json.dumps({"echo": request}, ensure_ascii=False), None, prompt_tokens
        reply = fake.reply if fake and fake.reply else f"Echo: {request}"
        if call.options.max_tokens is not None:
            reply = " ".join(reply.split(" ")[: call.options.max_tokens])
        return reply, None, prompt_tokens

    @staticmethod
    def _usage(prompt_tokens: int, text: str, tool_calls: list[ToolCall] | None) -> TokenUsage:
        completion = _tokens(text) + sum(_tokens(call.function_call.arguments) for call in tool_calls or [])
        return TokenUsage(
            prompt_tokens=prompt_tokens, completion_tokens=completion, total_tokens=prompt_tokens + completion
        )

    @staticmethod
    def _should_fail(call: ModelCall) -> bool:
        return any(FAIL_MARKER in _text_of(m) for m in call.messages[-1:] if m.role == Role.USER)

    def complete(self, call: ModelCall) -> ChatResult:
        if self._should_fail(call):
            raise UpstreamError(f"model {call.model.name} failed: the fake model was asked to fail ({FAIL_MARKER})")
        text, tool_calls, prompt_tokens = self._plan(call)
        return ChatResult(
            message=ChatMessage(role=Role.ASSISTANT, content=text, tool_calls=tool_calls),
            finish_reason="tool_calls" if tool_calls else "stop",
            usage=self._usage(prompt_tokens, text, tool_calls),
        )

    def stream(self, call: ModelCall) -> Iterator[ChatChunk]:
        text, tool_calls, prompt_tokens = self._plan(call)
        fake = call.model.protocol_config.protocol_config_fake
        delay_s = (fake.chunk_delay_ms if fake else 0) / 1000
        words = text.split(" ") if text else []
        for position, word in enumerate(words):
            if position and delay_s:
                time.sleep(delay_s)
            yield ChatChunk(content=word if position == 0 else f" {word}")
            if position == 0 and self._should_fail(call):
                raise UpstreamError(f"model {call.model.name} failed mid-stream: the fake model was asked to fail")
        yield ChatChunk(
            tool_calls=tool_calls,
            finish_reason="tool_calls" if tool_calls else "stop",
            usage=self._usage(prompt_tokens, text, tool_calls),
        )
