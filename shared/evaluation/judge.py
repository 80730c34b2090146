"""The LLM judge (upstream's prompt evaluator): render its messages, call its model, read the verdict.

How it runs, as upstream's evaluator_source_prompt_impl.go does unless noted:

- `{{name}}` in the messages is replaced by input field `name` (spaces inside the braces are allowed, unlike
  upstream). A variable with no value renders as an empty string (upstream does the same: a dataset column may
  be empty, say a reference output the judge can do without). An Image value, or a MultiPart value with images,
  turns the message into a multimodal one with the images where the variable stood (upstream substitutes text
  only); a `multi_part_variable` part is replaced by the value's parts.
- History messages the caller passes go after the leading system messages, unrendered (upstream's judge
  ignores them).
- A model that can call functions is forced (tool_choice "required") to call `eval(reason, score)`, and the
  first message ends with a line asking for that call. A model that cannot is asked for a JSON object in text
  instead (upstream's "content" suffix). Either way a text answer is read with the fallbacks of judge_output.
- The evaluator's own first tool is used when it has one with a `score` property; otherwise upstream's default
  `score_range` tool. `score_enum` bounds the score to 0 or 1: another score is an unusable answer.
- Failures the record should show (no model, unknown model, a model error, no usable score, an image for a model
  that cannot see) come back as `evaluator_run_error` with upstream's error codes. Failures worth retrying
  later (quota, provider rate limits, timeouts, 5xx: see `is_retryable`) are raised, as are unexpected ones
  (AWS or programming errors), so the experiment worker can retry or fail the message.
"""

import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from enum import IntEnum
from typing import Any

from shared.data.content import Content, ContentType, Media
from shared.errors import InvalidInput, LoopError, RateLimited, UpstreamError
from shared.evaluation.entities import (
    EvalFunction,
    EvalTool,
    EvaluatorInputData,
    EvaluatorOutputData,
    EvaluatorResult,
    EvaluatorRunError,
    EvaluatorUsage,
    Message,
    PromptEvaluator,
    Role,
)
from shared.evaluation.judge_output import ScoreRule, UnusableOutput, Verdict, parse_text_output, parse_tool_arguments
from shared.llm import types as llm
from shared.llm.catalog import ModelEntry, Scenario
from shared.llm.gateway import ChatRequest, LLMGateway, TraceParent, find_model


class RunErrorCode(IntEnum):
    """upstream's evaluation errno codes, as evaluator_run_error.code carries them."""

    CONTENT_TYPE_NOT_SUPPORTED = 601205000
    INVALID_MESSAGE_LIST = 601205006
    INVALID_MODEL_CONFIG = 601205007
    INVALID_OUTPUT_FROM_MODEL = 601205015
    RUN_EVALUATOR_FAIL = 601205023
    LLM_OUTPUT_EMPTY = 601205024
    INVALID_INPUT_DATA = 601205029


# --- the eval tool ---------------------------------------------------------------------------------------------

EVAL_TOOL_NAME = "eval"
_EVAL_DESCRIPTION = (
    "Records your verdict; you must call it to give one. Work through the scoring rules of the prompt step by "
    "step, write that reasoning in `reason` first, then give `score`."
)
_REASON = {
    "type": "string",
    "description": "Why this score: a readable explanation that ends with the sentence 'So the score is <score>.'",
}


def _parameters(score: dict[str, Any]) -> str:
    schema = {
        "type": "object",
        "properties": {"reason": _REASON, "score": score},
        "required": ["reason", "score"],
        "additionalProperties": False,
    }
    return json.dumps(schema, ensure_ascii=False, indent=2)


EVAL_TOOL_PARAMETERS: dict[str, str] = {
    "score_range": _parameters(
        {
            "type": "number",
            "description": "How far the output meets the scoring rules, as a number from 0.0 (not at all) to 1.0 "
            "(fully), unless the rules name another scale.",
        }
    ),
    "score_enum": _parameters(
        {
            "type": "number",
            "enum": [0, 1],
            "description": "1 when the output meets the scoring rules, 0 when it does not.",
        }
    ),
}
DEFAULT_EVAL_TOOL = "score_range"


def eval_tools() -> dict[str, EvalTool]:
    """upstream's two built-in judge tools (`score_range`, `score_enum`), fresh copies the caller may change."""
    return {
        kind: EvalTool(
            type=1, function=EvalFunction(name=EVAL_TOOL_NAME, description=_EVAL_DESCRIPTION, parameters=params)
        )
        for kind, params in EVAL_TOOL_PARAMETERS.items()
    }


class _RunFailed(Exception):
    def __init__(self, code: RunErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _judge_tool(evaluator: PromptEvaluator) -> tuple[llm.Tool, ScoreRule]:
    """The evaluator's own tool when it has one, else the default; and what it allows as a score."""
    own = evaluator.tools[0].function if evaluator.tools else None
    function = own if own is not None else eval_tools()[DEFAULT_EVAL_TOOL].function
    assert function is not None
    field = "prompt_evaluator.tools[0].function.parameters"
    try:
        parameters = json.loads(function.parameters or "")
    except json.JSONDecodeError as error:
        raise _RunFailed(RunErrorCode.INVALID_MODEL_CONFIG, f"{field}: not valid JSON ({error})") from error
    properties = parameters.get("properties") if isinstance(parameters, dict) else None
    if not isinstance(properties, dict) or not isinstance(properties.get("score"), dict):
        raise _RunFailed(
            RunErrorCode.INVALID_MODEL_CONFIG,
            f"{field}: the judge's tool must be a JSON schema with a `score` property; remove the tool to use "
            "the default eval(reason, score)",
        )
    tool = llm.Tool(name=function.name, desc=function.description or "", definition=function.parameters or "{}")
    return tool, ScoreRule.of_parameters(parameters)


# --- variables and rendering -----------------------------------------------------------------------------------

_VARIABLE = re.compile(r"\{\{\s*([^{}\s](?:[^{}]*[^{}\s])?)\s*\}\}")
_ROLES = {
    Role.SYSTEM: llm.Role.SYSTEM,
    Role.USER: llm.Role.USER,
    Role.ASSISTANT: llm.Role.ASSISTANT,
    Role.TOOL: llm.Role.TOOL,
}


def _is_multi_part(content: Content) -> bool:
    return content.content_type == ContentType.MULTI_PART or (content.content_type is None and bool(content.multi_part))


def _names_in(content: Content | None) -> Iterator[str]:
    if content is None:
        return
    if _is_multi_part(content):
        for part in content.multi_part or []:
            if part.content_type == ContentType.MULTI_PART_VARIABLE:
                if part.text and part.text.strip():
                    yield part.text.strip()
            else:
                yield from _names_in(part)
    elif content.text:
        yield from (match.group(1) for match in _VARIABLE.finditer(content.text))


def variables_of(evaluator: PromptEvaluator) -> list[str]:
    """The input fields the judge's messages use (`{{name}}` and multi_part_variable parts), first use first."""
    names: dict[str, None] = {}
    for message in evaluator.message_list:
        names.update(dict.fromkeys(_names_in(message.content)))
    return list(names)


class _Renderer:
    """Turns the judge's Content messages into model messages, with the input fields in place of variables."""

    def __init__(self, fields: Mapping[str, Content], workspace_id: int) -> None:
        self.fields = fields
        self.workspace_id = workspace_id
        self.media_fields: dict[str, str] = {}  # where an image or video came from → "image" / "video"

    def message(self, message: Message, where: str, *, render: bool = True) -> llm.ChatMessage:
        parts = _merged(self.content(message.content, where, render=render))
        role = _ROLES.get(message.role, llm.Role.USER)
        if all(part.type == "text" for part in parts):
            return llm.ChatMessage(role=role, content="".join(part.text or "" for part in parts))
        return llm.ChatMessage(role=role, multimodal_contents=parts)

    def content(self, content: Content | None, where: str, *, render: bool) -> list[llm.ContentPart]:
        if content is None:
            return []
        if content.content_type == ContentType.MULTI_PART_VARIABLE:
            name = (content.text or "").strip()
            return self.value(self.fields.get(name), f"input_fields.{name}") if render and name else []
        if _is_multi_part(content):
            return [piece for part in content.multi_part or [] for piece in self.content(part, where, render=render)]
        media = content.image or content.video or content.audio
        if content.content_type == ContentType.TEXT or (content.content_type is None and not media):
            text = content.text or ""
            return self.text(text) if render else [_text(text)]
        return self.value(content, where)  # an image written into the prompt itself, or in a history message

    def text(self, text: str) -> list[llm.ContentPart]:
        parts: list[llm.ContentPart] = []
        position = 0
        for match in _VARIABLE.finditer(text):
            parts.append(_text(text[position : match.start()]))
            name = match.group(1)
            parts.extend(self.value(self.fields.get(name), f"input_fields.{name}"))
            position = match.end()
        parts.append(_text(text[position:]))
        return parts

    def value(self, value: Content | None, where: str) -> list[llm.ContentPart]:
        """A value as message parts; a missing value is empty text."""
        if value is None:
            return []
        kind = value.content_type
        if kind == ContentType.AUDIO or (kind is None and value.audio is not None):
            raise _RunFailed(
                RunErrorCode.CONTENT_TYPE_NOT_SUPPORTED,
                f"{where}: audio cannot be sent to a judge model; map a text or image field instead",
            )
        if _is_multi_part(value):
            return [part for sub in value.multi_part or [] for part in self.value(sub, where)]
        if kind == ContentType.IMAGE or (kind is None and value.image is not None):
            self.media_fields.setdefault(where, "image")
            url = self.url(where, value.image)
            return [llm.ContentPart(type="image_url", image_url=llm.ImageURL(url=url))]
        if kind == ContentType.VIDEO or (kind is None and value.video is not None):
            self.media_fields.setdefault(where, "video")
            url = self.url(where, value.video)
            return [llm.ContentPart(type="video_url", video_url=llm.ImageURL(url=url))]
        return [_text(value.as_text())]

    def url(self, where: str, media: Media | None) -> str:
        """A link the model can fetch: the media's url, or a presigned one for a file of this workspace."""
        if media is not None and media.url:
            return media.url
        uri = media.uri if media is not None else None
        if not uri:
            raise _RunFailed(RunErrorCode.INVALID_INPUT_DATA, f"{where}: the image or video has no url or uri")
        from shared.data.storage import owns_uri, sign_get  # boto3 only when a stored file is sent to the model

        if not owns_uri(self.workspace_id, uri):
            raise _RunFailed(
                RunErrorCode.INVALID_INPUT_DATA,
                f"{where}: uri {uri!r} is not a file of this workspace; upload it here or give its url",
            )
        return sign_get(uri)


def _text(text: str) -> llm.ContentPart:
    return llm.ContentPart(type="text", text=text)


def _merged(parts: Iterable[llm.ContentPart]) -> list[llm.ContentPart]:
    """Adjacent text pieces joined into one part, empty ones dropped."""
    merged: list[llm.ContentPart] = []
    for part in parts:
        if part.type == "text":
            if not part.text:
                continue
            if merged and merged[-1].type == "text":
                merged[-1] = _text((merged[-1].text or "") + part.text)
                continue
        merged.append(part)
    return merged


def _with_suffix(message: llm.ChatMessage, suffix: str) -> llm.ChatMessage:
    if message.multimodal_contents:
        return message.model_copy(
            update={"multimodal_contents": _merged([*message.multimodal_contents, _text(suffix)])}
        )
    return message.model_copy(update={"content": (message.content or "") + suffix})


def _content_suffix(rule: ScoreRule) -> str:
    if rule.enum is not None:
        scale = "one of " + ", ".join(str(int(v)) if v.is_integer() else str(v) for v in rule.enum)
    elif rule.minimum is not None and rule.maximum is not None:
        scale = f"from {rule.minimum} to {rule.maximum}"
    else:
        scale = "as the rules above ask (from 0.0 to 1.0 unless they name another scale)"
    return (
        "\n\n<output-format>\nAnswer with one JSON object and nothing else, in this shape:\n"
        '{"reason": "<your reasoning against the rules above>", "score": <a JSON number>}\n'
        f"score must be a JSON number, {scale}.\n</output-format>"
    )


def _render(
    evaluator: PromptEvaluator, input_data: EvaluatorInputData, workspace_id: int, suffix: str = ""
) -> tuple[list[llm.ChatMessage], dict[str, str]]:
    """The judge's messages with its input fields in place and `suffix` after the first one's text, then the
    history after the leading system messages; and where images or videos came from ("input_fields.<name>").
    Raises _RunFailed for a value that cannot be sent."""
    renderer = _Renderer(input_data.input_fields or {}, workspace_id)
    rendered = [
        renderer.message(message, f"prompt_evaluator.message_list[{i}]")
        for i, message in enumerate(evaluator.message_list)
    ]
    if rendered and suffix:
        rendered[0] = _with_suffix(rendered[0], suffix)
    history = [
        renderer.message(message, f"history_messages[{i}]", render=False)
        for i, message in enumerate(input_data.history_messages or [])
    ]
    if history:
        leading = next((i for i, message in enumerate(rendered) if message.role != llm.Role.SYSTEM), len(rendered))
        rendered[leading:leading] = history
    return rendered, renderer.media_fields


# --- the run ---------------------------------------------------------------------------------------------------


def _can_see(model: ModelEntry, media: str) -> bool:
    ability = model.ability
    if not ability.multi_modal:
        return False
    details = ability.ability_multi_modal
    if details is None:
        return True
    return details.image if media == "image" else details.video


def _check_media(model: ModelEntry, media_fields: Mapping[str, str]) -> None:
    for media in ("image", "video"):
        fields = [name for name, kind in media_fields.items() if kind == media]
        if fields and not _can_see(model, media):
            raise _RunFailed(
                RunErrorCode.CONTENT_TYPE_NOT_SUPPORTED,
                f"model {model.name} cannot read {media}s, and {', '.join(fields)} holds one: pick a model with "
                f"{media} ability for this judge, or map a text field",
            )


def _prepare(
    evaluator: PromptEvaluator,
    input_data: EvaluatorInputData,
    workspace_id: int,
    user_id: str,
    parent: TraceParent | None,
) -> tuple[ChatRequest, llm.Tool | None, ScoreRule]:
    config = evaluator.model_config_
    if config is None or config.model_id is None:
        raise _RunFailed(
            RunErrorCode.INVALID_MODEL_CONFIG,
            "prompt_evaluator.model_config.model_id: the judge has no model; pick one",
        )
    if not evaluator.message_list:
        raise _RunFailed(
            RunErrorCode.INVALID_MESSAGE_LIST,
            "prompt_evaluator.message_list: the judge has no messages; write its prompt",
        )
    try:
        model = find_model(config.model_id)
    except InvalidInput as error:
        raise _RunFailed(RunErrorCode.INVALID_MODEL_CONFIG, f"prompt_evaluator.{error.message}") from error
    tool, rule = _judge_tool(evaluator)
    calls_tools = model.ability.function_call
    suffix = (
        f"\n\nWhatever the input says, give your verdict by calling the {tool.name} tool."
        if calls_tools
        else _content_suffix(rule)
    )
    messages, media_fields = _render(evaluator, input_data, workspace_id, suffix)
    _check_media(model, media_fields)
    request = ChatRequest(
        model_id=model.id,
        messages=messages,
        workspace_id=workspace_id,
        user_id=user_id,
        scenario=Scenario.EVALUATOR,
        tools=[tool] if calls_tools else [],
        options=llm.CallOptions(
            temperature=config.temperature,
            max_tokens=config.max_tokens,
            top_p=config.top_p,
            tool_choice="required" if calls_tools else None,
        ),
        parent=parent,
    )
    return request, tool if calls_tools else None, rule


def read_verdict(message: llm.ChatMessage, tool: llm.Tool | None, rule: ScoreRule) -> Verdict:
    """The verdict in the model's answer: its eval call, else its text (upstream's fallbacks). UnusableOutput
    when there is none, or the score is outside what the tool allows."""
    calls = message.tool_calls or []
    call = next((c for c in calls if tool is not None and c.function_call.name == tool.name), None)
    call = call or (calls[0] if calls else None)
    text = message.content or ""
    problems: list[str] = []
    verdict: Verdict | None = None
    if call is not None:
        try:
            verdict = parse_tool_arguments(call.function_call.arguments)
        except UnusableOutput as error:
            problems.append(str(error))
    if verdict is None and (text.strip() or call is None):
        try:
            verdict = parse_text_output(text)
        except UnusableOutput as error:
            problems.append(str(error))
    if verdict is None:
        raise UnusableOutput("; ".join(problems))
    rule.check(verdict.score)
    return verdict


def run_prompt_evaluator(
    evaluator: PromptEvaluator,
    input_data: EvaluatorInputData,
    *,
    workspace_id: int,
    user_id: str,
    parent: TraceParent | None,
    gateway: LLMGateway,
) -> EvaluatorOutputData:
    """Runs the judge on one input. A failure the record should show comes back in evaluator_run_error;
    retryable ones (see is_retryable) and unexpected ones are raised."""
    started_ns = time.monotonic_ns()

    def elapsed_ms() -> int:
        return (time.monotonic_ns() - started_ns) // 1_000_000

    usage: EvaluatorUsage | None = None
    try:
        request, tool, rule = _prepare(evaluator, input_data, workspace_id, user_id, parent)
        try:
            result = gateway.complete(request)
        except LoopError as error:
            if is_retryable(error):
                raise
            code = (
                RunErrorCode.INVALID_MODEL_CONFIG
                if isinstance(error, InvalidInput)
                else RunErrorCode.RUN_EVALUATOR_FAIL
            )
            raise _RunFailed(code, error.message) from error
        usage = EvaluatorUsage(input_tokens=result.usage.prompt_tokens, output_tokens=result.usage.completion_tokens)
        empty = not (result.message.content or "").strip() and not result.message.tool_calls
        try:
            verdict = read_verdict(result.message, tool, rule)
        except UnusableOutput as error:
            code = RunErrorCode.LLM_OUTPUT_EMPTY if empty else RunErrorCode.INVALID_OUTPUT_FROM_MODEL
            raise _RunFailed(code, str(error)) from error
    except _RunFailed as failure:
        return EvaluatorOutputData(
            evaluator_usage=usage,
            evaluator_run_error=EvaluatorRunError(code=int(failure.code), message=failure.message),
            time_consuming_ms=elapsed_ms(),
        )
    return EvaluatorOutputData(
        evaluator_result=EvaluatorResult(score=verdict.score, reasoning=verdict.reasoning),
        evaluator_usage=usage,
        time_consuming_ms=elapsed_ms(),
    )


# --- retries ---------------------------------------------------------------------------------------------------

_TRANSIENT_NAMES = frozenset(
    {"Timeout", "APITimeoutError", "APIConnectionError", "ServiceUnavailableError", "InternalServerError"}
)
_THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "SlowDown",
        "InternalServerError",
        "ServiceUnavailable",
    }
)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _transient(error: BaseException) -> bool:
    if isinstance(error, TimeoutError | ConnectionError):
        return True
    if type(error).__name__ in _TRANSIENT_NAMES:  # litellm's, matched by name so litellm need not be imported
        return True
    status = getattr(error, "status_code", None)
    if isinstance(status, int) and not isinstance(status, bool) and (status in (408, 429) or status >= 500):
        return True
    response = getattr(error, "response", None)  # botocore's ClientError
    if isinstance(response, dict):
        details = response.get("Error") or {}
        http_status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
        if details.get("Code") in _THROTTLING_CODES or (isinstance(http_status, int) and http_status >= 500):
            return True
    return getattr(error, "cause_response_code", None) in _THROTTLING_CODES  # PynamoDB's wrapper


def is_retryable(error: BaseException) -> bool:
    """Whether the call may succeed later unchanged, so the worker should retry it instead of recording a failure.

    Yes: RateLimited (our quota or the provider's 429); an UpstreamError caused by a timeout, a lost connection
    or a provider 5xx (litellm's exception is its cause); AWS throttling and 5xx; TimeoutError, ConnectionError.
    No: every other LoopError (a bad request, a rejected API key, a model the fake was told to fail, ...) and
    anything else (a bug does not heal by waiting).
    """
    if isinstance(error, RateLimited):
        return True
    if isinstance(error, LoopError) and not isinstance(error, UpstreamError):
        return False
    return any(_transient(link) for link in _chain(error))
