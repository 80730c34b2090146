"""The playground: run what is on screen (saved or not) against its model, streamed, with mock tools.

A run is a loop: the model answers; if it calls tools and the run is not single-step, each call gets its
mock response and the model goes on, up to MAX_STEPS. Every step is a model span under one `prompt`
root span, and the run is written to the debug history.
"""

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

from functions.prompt import schemas
from functions.prompt.service import checked_detail, error_event, owned_prompt, repository
from shared.auth.principals import Principal, WorkspaceScope, require_membership
from shared.clock import now_ms
from shared.errors import InternalError, InvalidInput, LoopError
from shared.ids import new_id
from shared.llm.catalog import Scenario
from shared.llm.gateway import TraceParent, default_gateway
from shared.llm.types import ChatMessage as LLMMessage
from shared.observability import logger
from shared.prompt import execution
from shared.prompt.entities import Message, TokenUsage
from shared.prompt.models import DebugContextItem, DebugLogItem
from shared.prompt.repository import debug_context_key
from shared.spans import UploadSpan, write_spans
from shared.sse import with_keep_alive

MAX_STEPS = 5
HISTORY_DAYS = 30
FREE_PLAYGROUND = 0  # the prompt id of the workspace's unsaved playground


def _scope(principal: Principal, prompt_id: int, workspace_id: int) -> WorkspaceScope:
    if prompt_id == FREE_PLAYGROUND:
        return require_membership(principal, workspace_id)
    prompt, scope = owned_prompt(principal, prompt_id)
    if prompt.workspace_id != workspace_id:
        raise InvalidInput(f"prompt.workspace_id: prompt {prompt_id} belongs to another workspace")
    return scope


@dataclass
class Tally:
    input_tokens: int = 0
    output_tokens: int = 0
    steps: int = 0


def _event(event: schemas.DebugStreamingEvent) -> str:
    return f"event: data\ndata: {event.model_dump_json(exclude_none=True)}\n\n"


def debug_streaming(principal: Principal, prompt_id: int, request: schemas.DebugStreamingRequest) -> Iterator[str]:
    """Checks everything it can before the first event: a bad request is a normal JSON error response."""
    scope = _scope(principal, prompt_id, request.prompt.workspace_id)
    detail = request.prompt.prompt_draft.detail
    checked_detail(detail)
    mocks = {tool.name: tool.mock_response for tool in request.mock_tools}
    trace = TraceParent(trace_id=secrets.token_hex(16), span_id=secrets.token_hex(8))
    debug_id = new_id()

    def run(conversation: list[Message]) -> execution.PromptRun:
        return execution.PromptRun(
            detail=detail,
            workspace_id=scope.workspace_id,
            user_id=str(scope.user_id),
            prompt_key=request.prompt.prompt_key or "",
            version="",
            variable_vals=request.variable_vals,
            messages=conversation,
            scenario=Scenario.PROMPT_DEBUG,
            parent=trace,
        )

    conversation = list(request.messages)
    first = execution.execute_stream(default_gateway(), run(conversation))  # fails here, before any event, if it must

    def events() -> Iterator[str]:
        started, tally, error = now_ms(), Tally(), None
        chunks, turns = first, list(conversation)
        try:
            while True:
                tally.steps += 1
                text, tool_calls, last_step = [], None, True
                for chunk in chunks:
                    text.append(chunk.content)
                    delta = execution.from_llm_message(
                        LLMMessage(
                            role="assistant",
                            content=chunk.content,
                            reasoning_content=chunk.reasoning_content or None,
                            tool_calls=chunk.tool_calls,
                        )
                    )
                    usage = None
                    if chunk.usage:
                        tally.input_tokens += chunk.usage.prompt_tokens
                        tally.output_tokens += chunk.usage.completion_tokens
                        usage = TokenUsage(input_tokens=tally.input_tokens, output_tokens=tally.output_tokens)
                    tool_calls = chunk.tool_calls or tool_calls
                    final = chunk.finish_reason is not None
                    last_step = not tool_calls or request.single_step_debug or tally.steps >= MAX_STEPS
                    yield _event(
                        schemas.DebugStreamingEvent(
                            delta=delta,
                            finish_reason=chunk.finish_reason if final and last_step else None,
                            usage=usage,
                            debug_id=debug_id if final else None,
                            debug_trace_key=request.debug_trace_key,
                        )
                    )
                if last_step or not tool_calls:
                    break
                assistant = execution.from_llm_message(
                    LLMMessage(role="assistant", content="".join(text) or None, tool_calls=tool_calls)
                )
                turns = [*turns, assistant] + [
                    Message(role="tool", tool_call_id=call.id, content=mocks.get(call.function_call.name, ""))
                    for call in tool_calls
                ]
                chunks = execution.execute_stream(default_gateway(), run(turns))
        except LoopError as failure:
            error = failure
            yield error_event(failure)
        except GeneratorExit:  # the browser went away: the run is recorded as cut short, not as a success
            error = LoopError("the caller closed the stream", code=499)
            raise
        except Exception:
            logger.exception("playground run failed")
            error = InternalError("the run failed on the server; the log id in x-tt-logid says where")
            yield error_event(error)
        finally:
            _finish(scope, prompt_id, request, debug_id, trace, started, tally, error)

    return with_keep_alive(events())


def _finish(
    scope: WorkspaceScope,
    prompt_id: int,
    request: schemas.DebugStreamingRequest,
    debug_id: int,
    trace: TraceParent,
    started: int,
    tally: Tally,
    error: LoopError | None,
) -> None:
    ended = now_ms()
    log = DebugLogItem(
        debug_context_key(scope.workspace_id, prompt_id),
        f"{started:015d}#{debug_id}",
        debug_id=debug_id,
        prompt_key=request.prompt.prompt_key or "",
        input_tokens=tally.input_tokens,
        output_tokens=tally.output_tokens,
        cost_ms=ended - started,
        status_code=error.code if error else 0,
        debugged_by=str(scope.user_id),
        debug_step=tally.steps,
        started_at=started,
        ended_at=ended,
        expires_at=ended // 1000 + HISTORY_DAYS * 86_400,
    )
    repository.record_debug_run(prompt_id, log)
    write_spans(
        [
            UploadSpan(
                trace_id=trace.trace_id,
                span_id=trace.span_id,
                started_at_micros=started * 1000,
                duration_micros=(ended - started) * 1000,
                workspace_id=str(scope.workspace_id),
                span_name="PromptDebug",
                span_type="prompt",
                call_type="PromptDebug",
                status_code=-1 if error else 0,
                input=request.model_dump_json(include={"messages", "variable_vals"}),
                tags_string={"prompt_key": request.prompt.prompt_key or "", "debug_id": str(debug_id)}
                | ({"error": error.message} if error else {}),
                tags_long={"input_tokens": tally.input_tokens, "output_tokens": tally.output_tokens},
                system_tags_string={"user_id": str(scope.user_id)},
            )
        ]
    )


def save_context(principal: Principal, prompt_id: int, request: schemas.SaveDebugContextRequest) -> None:
    scope = _scope(principal, prompt_id, request.workspace_id)
    text = request.debug_context.model_dump_json()
    if len(text.encode()) > 300_000:
        raise InvalidInput("debug_context: larger than 300 KB; remove some turns")
    item = DebugContextItem(
        debug_context_key(scope.workspace_id, prompt_id), str(scope.user_id), context=text, updated_at=now_ms()
    )
    repository.save_debug_context(prompt_id, item)


def get_context(principal: Principal, prompt_id: int, workspace_id: int) -> schemas.GetDebugContextResponse:
    scope = _scope(principal, prompt_id, workspace_id)
    item = repository.find_debug_context(scope.workspace_id, prompt_id, str(scope.user_id))
    if item is None:
        return schemas.GetDebugContextResponse()
    return schemas.GetDebugContextResponse(debug_context=schemas.DebugContext.model_validate_json(item.context))


def list_history(
    principal: Principal, prompt_id: int, workspace_id: int, days_limit: int, page_size: int, page_token: str | None
) -> schemas.ListDebugHistoryResponse:
    scope = _scope(principal, prompt_id, workspace_id)
    logs = repository.debug_runs(
        scope.workspace_id,
        prompt_id,
        str(scope.user_id),
        since_ms=now_ms() - days_limit * 86_400_000,
        before=page_token,
        limit=page_size + 1,
    )
    page, more = logs[:page_size], len(logs) > page_size
    return schemas.ListDebugHistoryResponse(
        debug_history=[
            schemas.DebugLog(
                id=log.debug_id,
                prompt_id=prompt_id,
                workspace_id=scope.workspace_id,
                prompt_key=log.prompt_key,
                version=log.version,
                input_tokens=log.input_tokens,
                output_tokens=log.output_tokens,
                cost_ms=log.cost_ms,
                status_code=log.status_code,
                debugged_by=log.debugged_by,
                debug_id=log.debug_id,
                debug_step=log.debug_step,
                started_at=log.started_at,
                ended_at=log.ended_at,
            )
            for log in page
        ],
        has_more=more,
        next_page_token=page[-1].started_key if more and page else "",
    )
