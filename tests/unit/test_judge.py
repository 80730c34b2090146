"""The LLM judge end to end against the real gateway and fake model, with moto's DynamoDB for quotas."""

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from shared.data.content import Content, ContentType, Media
from shared.errors import InvalidInput, NotFound, RateLimited, UpstreamError
from shared.evaluation.entities import (
    EvalFunction,
    EvalModelConfig,
    EvalTool,
    EvaluatorInputData,
    EvaluatorOutputData,
    Message,
    PromptEvaluator,
    Role,
)
from shared.evaluation.judge import RunErrorCode, eval_tools, is_retryable, run_prompt_evaluator, variables_of
from shared.llm.catalog import Protocol
from shared.llm.fake import FakeProvider
from shared.llm.gateway import ChatRequest, LLMGateway, TraceParent
from shared.llm.providers import ModelCall
from shared.llm.types import ChatResult
from shared.spans import UploadSpan

WORKSPACE = 7
REPLIES = {
    10: '```json\n{"reason": "fenced", "score": 0.4}\n```',
    11: "{'score': 0.6, 'reason': 'single quotes',}",
    12: 'My verdict follows. {"reason": "embedded", "score": "0.9"} Thanks.',
    13: "Score: 0.8\nThe answer is mostly right.",
    14: "I would rather not judge this.",
    15: '{"reason": "out of ten", "score": 7}',
}
CATALOG = """
models:
  - id: 1
    name: judge
    protocol: fake
    ability: {function_call: true, multi_modal: true, ability_multi_modal: {image: true}}
  - id: 2
    name: blind
    protocol: fake
    ability: {function_call: true}
  - id: 3
    name: limited
    protocol: fake
    ability: {function_call: true}
    scenario_configs:
      evaluator: {quota: {qpm: 1}}
  - id: 4
    name: not-for-judges
    protocol: fake
    ability: {function_call: true}
    scenario_configs:
      evaluator: {unavailable: true}
  - id: 5
    name: refuses-in-text
    protocol: fake
    ability: {function_call: true}
    protocol_config: {protocol_config_fake: {reply: "I cannot help with that."}}
""" + "".join(
    f"""  - id: {model_id}
    name: text-only-{model_id}
    protocol: fake
    protocol_config: {{protocol_config_fake: {{reply: {json.dumps(reply)}}}}}
"""
    for model_id, reply in REPLIES.items()
)


def judge(*messages: Message, model_id: int | None = 1, tools: list[EvalTool] | None = None) -> PromptEvaluator:
    return PromptEvaluator(
        message_list=list(messages),
        model_config=None if model_id is None else EvalModelConfig(model_id=model_id, temperature=0.1, max_tokens=300),
        tools=tools,
    )


def text(role: Role, body: str) -> Message:
    return Message(role=role, content=Content.of_text(body))


RUBRIC = text(Role.SYSTEM, "Judge whether the output answers the question. Score 0 to 1.")
MATERIAL = text(Role.USER, "<question>{{input}}</question>\n<output>{{ output }}</output>")


def fields(**values: str | Content) -> EvaluatorInputData:
    return EvaluatorInputData(
        input_fields={name: v if isinstance(v, Content) else Content.of_text(v) for name, v in values.items()}
    )


def run(
    evaluator: PromptEvaluator,
    data: EvaluatorInputData,
    gateway: LLMGateway,
    parent: TraceParent | None = None,
) -> EvaluatorOutputData:
    return run_prompt_evaluator(evaluator, data, workspace_id=WORKSPACE, user_id="u1", parent=parent, gateway=gateway)


def sent_messages(span: UploadSpan) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = json.loads(span.input)["messages"]
    return messages


# --- the forced tool call ---------------------------------------------------------------------------------------


def test_the_judge_forces_the_eval_tool_and_reads_its_arguments(gateway: LLMGateway, spans: list[UploadSpan]) -> None:
    # Given a judge whose output field carries a score marker
    parent = TraceParent(trace_id="ab" * 16, span_id="cd" * 8)
    data = fields(input="What is 2 + 2?", output="4 [fake-score=0.3]")

    # When it runs
    output = run(judge(RUBRIC, MATERIAL), data, gateway, parent)

    # Then the score and reason come from the eval call, with usage and timing
    assert output.evaluator_run_error is None and output.evaluator_result is not None
    assert output.evaluator_result.score == 0.3
    assert output.evaluator_result.reasoning == "The fake model gave 0.3: the [fake-score] marker asked for it."
    assert output.evaluator_usage is not None
    assert output.evaluator_usage.input_tokens and output.evaluator_usage.input_tokens > 10
    assert output.evaluator_usage.output_tokens and output.evaluator_usage.output_tokens > 0
    assert output.time_consuming_ms is not None and output.time_consuming_ms >= 0
    # and the model saw the rendered prompt, the forced eval tool and the instruction to call it
    (span,) = spans
    assert (span.call_type, span.trace_id, span.parent_id, span.workspace_id) == (
        "Evaluator",
        parent.trace_id,
        parent.span_id,
        str(WORKSPACE),
    )
    assert span.tags_string["scenario"] == "evaluator"
    assert json.loads(span.tags_string["call_options"]) == {
        "temperature": 0.1,
        "max_tokens": 300,
        "tool_choice": "required",
    }
    system, user = sent_messages(span)
    assert system["content"].endswith("give your verdict by calling the eval tool.")
    assert user["content"] == "<question>What is 2 + 2?</question>\n<output>4 [fake-score=0.3]</output>"
    (tool,) = json.loads(span.input)["tools"]
    assert tool["name"] == "eval"
    assert set(json.loads(tool["def"])["properties"]) == {"reason", "score"}


def test_without_a_marker_the_fake_judge_scores_by_a_stable_hash(gateway: LLMGateway) -> None:
    answers = [f"answer number {n}" for n in range(12)]
    scores = [run(judge(RUBRIC, MATERIAL), fields(input="q", output=a), gateway) for a in answers]
    values = [o.evaluator_result.score for o in scores if o.evaluator_result]
    assert len(values) == 12 and set(values) <= {0.0, 0.25, 0.5, 0.75, 1.0} and len(set(values)) > 1
    again = run(judge(RUBRIC, MATERIAL), fields(input="q", output=answers[0]), gateway)
    assert again.evaluator_result and again.evaluator_result.score == values[0]


def test_a_score_enum_tool_bounds_the_score(gateway: LLMGateway) -> None:
    enum_judge = judge(RUBRIC, MATERIAL, tools=[eval_tools()["score_enum"]])
    ok = run(enum_judge, fields(input="q", output="a"), gateway)
    assert ok.evaluator_result and ok.evaluator_result.score in (0.0, 1.0)

    bad = run(enum_judge, fields(input="q", output="a [fake-score=0.5]"), gateway)
    assert bad.evaluator_run_error is not None and bad.evaluator_result is None
    assert bad.evaluator_run_error.code == RunErrorCode.INVALID_OUTPUT_FROM_MODEL
    assert "score 0.5, which is not one of the allowed 0, 1" in (bad.evaluator_run_error.message or "")
    assert bad.evaluator_usage is not None and bad.evaluator_usage.output_tokens  # tokens were spent all the same


def test_a_score_outside_zero_to_one_is_kept_as_upstream_does(gateway: LLMGateway) -> None:
    output = run(judge(RUBRIC, MATERIAL), fields(input="q", output="[fake-score=7]"), gateway)
    assert output.evaluator_result and output.evaluator_result.score == 7.0


# --- text fallbacks -------------------------------------------------------------------------------------------


def test_a_judge_that_answers_in_text_is_read_by_the_fallbacks(gateway: LLMGateway) -> None:
    # the fake writes its arguments as a fenced JSON block instead of calling the tool
    output = run(judge(RUBRIC, MATERIAL), fields(input="q", output="[fake-text] [fake-score=0.25]"), gateway)
    assert output.evaluator_result is not None and output.evaluator_result.score == 0.25
    assert "marker asked for it" in (output.evaluator_result.reasoning or "")


@pytest.mark.parametrize(
    ("model_id", "score", "reasoning"),
    [
        (10, 0.4, "fenced"),
        (11, 0.6, "single quotes"),
        (12, 0.9, "embedded"),
        (13, 0.8, "Score: 0.8\nThe answer is mostly right."),
        (15, 7.0, "out of ten"),
    ],
)
def test_a_model_without_function_calling_is_asked_for_json_and_parsed(
    gateway: LLMGateway, spans: list[UploadSpan], model_id: int, score: float, reasoning: str
) -> None:
    output = run(judge(RUBRIC, MATERIAL, model_id=model_id), fields(input="q", output="a"), gateway)
    assert output.evaluator_result is not None
    assert (output.evaluator_result.score, output.evaluator_result.reasoning) == (score, reasoning)
    # no tools were offered; the first message asks for the JSON object instead
    call = json.loads(spans[-1].input)
    assert call["tools"] == []
    assert "tool_choice" not in json.loads(spans[-1].tags_string["call_options"])
    assert '"score": <a JSON number>' in call["messages"][0]["content"]


@pytest.mark.parametrize(("model_id", "marker"), [(14, ""), (5, " [fake-text]")])
def test_an_answer_without_a_score_is_a_run_error(gateway: LLMGateway, model_id: int, marker: str) -> None:
    output = run(judge(RUBRIC, MATERIAL, model_id=model_id), fields(input="q", output="a" + marker), gateway)
    assert output.evaluator_result is None and output.evaluator_run_error is not None
    assert output.evaluator_run_error.code == RunErrorCode.INVALID_OUTPUT_FROM_MODEL
    assert "has no score" in (output.evaluator_run_error.message or "")
    assert output.evaluator_usage is not None and output.time_consuming_ms is not None


def test_an_empty_answer_is_a_run_error(gateway: LLMGateway) -> None:
    class Silent(FakeProvider):
        def complete(self, call: ModelCall) -> ChatResult:
            result = super().complete(call)
            return result.model_copy(update={"message": result.message.model_copy(update={"tool_calls": None})})

    silent = LLMGateway({Protocol.FAKE: Silent()})
    output = run(judge(RUBRIC, MATERIAL), fields(input="q", output="a"), silent)
    assert output.evaluator_run_error is not None
    assert output.evaluator_run_error.code == RunErrorCode.LLM_OUTPUT_EMPTY


# --- rendering ----------------------------------------------------------------------------------------------------


def test_a_missing_variable_renders_empty_as_upstream(gateway: LLMGateway, spans: list[UploadSpan]) -> None:
    output = run(judge(RUBRIC, MATERIAL), fields(input="only the question"), gateway)
    assert output.evaluator_result is not None
    assert sent_messages(spans[-1])[1]["content"] == "<question>only the question</question>\n<output></output>"


def test_values_are_inserted_once_not_rendered_again(gateway: LLMGateway, spans: list[UploadSpan]) -> None:
    run(judge(RUBRIC, MATERIAL), fields(input="say {{output}}", output="{{input}}"), gateway)
    assert sent_messages(spans[-1])[1]["content"] == "<question>say {{output}}</question>\n<output>{{input}}</output>"


def test_an_image_variable_becomes_an_image_part(gateway: LLMGateway, spans: list[UploadSpan]) -> None:
    # Given a judge whose prompt puts an image variable between two pieces of text
    look = text(Role.USER, "Question: {{question}}\nPicture: {{picture}}\nAnswer: {{answer}}")
    picture = Content(content_type=ContentType.IMAGE, image=Media(url="https://images.invalid/cat.png"))
    data = fields(question="What animal is this?", picture=picture, answer="A cat")

    output = run(judge(RUBRIC, look), data, gateway)

    # Then the message is multimodal with the image in place, and the judge still scores
    assert output.evaluator_result is not None
    user = sent_messages(spans[-1])[1]
    assert user.get("content") is None
    assert [part["type"] for part in user["multimodal_contents"]] == ["text", "image_url", "text"]
    assert user["multimodal_contents"][0]["text"] == "Question: What animal is this?\nPicture: "
    assert user["multimodal_contents"][1]["image_url"]["url"] == "https://images.invalid/cat.png"
    assert user["multimodal_contents"][2]["text"] == "\nAnswer: A cat"


def test_a_multi_part_variable_expands_into_its_parts(gateway: LLMGateway, spans: list[UploadSpan]) -> None:
    # Given a multi-part message with a multi_part_variable part, as upstream's image template has
    message = Message(
        role=Role.USER,
        content=Content(
            content_type=ContentType.MULTI_PART,
            multi_part=[
                Content.of_text("Question: {{question}}. The pictures:"),
                Content(content_type=ContentType.MULTI_PART_VARIABLE, text="pictures"),
            ],
        ),
    )
    album = Content(
        content_type=ContentType.MULTI_PART,
        multi_part=[
            Content(content_type=ContentType.IMAGE, image=Media(url="https://images.invalid/1.png")),
            Content.of_text("and"),
            Content(content_type=ContentType.IMAGE, image=Media(uri=f"{WORKSPACE}/2.png")),
        ],
    )
    evaluator = judge(RUBRIC, message)
    assert variables_of(evaluator) == ["question", "pictures"]

    output = run(evaluator, fields(question="Same cat?", pictures=album), gateway)

    assert output.evaluator_result is not None
    parts = sent_messages(spans[-1])[1]["multimodal_contents"]
    assert [part["type"] for part in parts] == ["text", "image_url", "text", "image_url"]
    assert parts[0]["text"] == "Question: Same cat?. The pictures:"
    # a stored file of this workspace is sent as a presigned link
    assert f"/{WORKSPACE}/2.png?" in parts[3]["image_url"]["url"] and "Signature" in parts[3]["image_url"]["url"]


@pytest.mark.parametrize(
    ("picture", "code", "message"),
    [
        (Media(uri="8/secret.png"), RunErrorCode.INVALID_INPUT_DATA, "not a file of this workspace"),
        (Media(uri=f"{WORKSPACE}/../8/secret.png"), RunErrorCode.INVALID_INPUT_DATA, "not a file of this workspace"),
        (Media(name="no link"), RunErrorCode.INVALID_INPUT_DATA, "has no url or uri"),
    ],
)
def test_an_image_that_cannot_be_sent_is_a_run_error(
    gateway: LLMGateway, spans: list[UploadSpan], picture: Media, code: RunErrorCode, message: str
) -> None:
    look = text(Role.USER, "Picture: {{picture}}")
    output = run(judge(RUBRIC, look), fields(picture=Content(content_type=ContentType.IMAGE, image=picture)), gateway)
    assert output.evaluator_run_error is not None and output.evaluator_run_error.code == code
    assert "input_fields.picture" in (output.evaluator_run_error.message or "")
    assert message in (output.evaluator_run_error.message or "")
    assert spans == []  # the model was never called


def test_an_image_for_a_model_that_cannot_see_is_a_run_error(gateway: LLMGateway, spans: list[UploadSpan]) -> None:
    look = text(Role.USER, "Picture: {{picture}}")
    picture = Content(content_type=ContentType.IMAGE, image=Media(url="https://images.invalid/cat.png"))
    output = run(judge(RUBRIC, look, model_id=2), fields(picture=picture), gateway)
    assert output.evaluator_run_error is not None
    assert output.evaluator_run_error.code == RunErrorCode.CONTENT_TYPE_NOT_SUPPORTED
    assert "model blind cannot read images, and input_fields.picture holds one" in (
        output.evaluator_run_error.message or ""
    )
    assert spans == []


def test_audio_cannot_be_judged(gateway: LLMGateway) -> None:
    clip = Content(content_type=ContentType.AUDIO)
    output = run(judge(RUBRIC, text(Role.USER, "{{clip}}")), fields(clip=clip), gateway)
    assert output.evaluator_run_error is not None
    assert output.evaluator_run_error.code == RunErrorCode.CONTENT_TYPE_NOT_SUPPORTED


def test_history_messages_go_after_the_system_prompt_unrendered(gateway: LLMGateway, spans: list[UploadSpan]) -> None:
    data = fields(input="q", output="a")
    data.history_messages = [text(Role.USER, "earlier {{input}}"), text(Role.ASSISTANT, "earlier answer")]
    output = run(judge(RUBRIC, MATERIAL), data, gateway)
    assert output.evaluator_result is not None
    sent = sent_messages(spans[-1])
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[1]["content"] == "earlier {{input}}"
    assert sent[0]["content"].endswith("calling the eval tool.")  # the instruction stays on the judge's prompt


def test_variables_are_listed_in_order_of_first_use() -> None:
    evaluator = judge(
        text(Role.SYSTEM, "Rules for {{ output }}"),
        text(Role.USER, "{{input}} then {{output}} then {{reference_output}} and {{}} or {not a variable}"),
    )
    assert variables_of(evaluator) == ["output", "input", "reference_output"]
    assert variables_of(PromptEvaluator()) == []


# --- configuration and model errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("evaluator", "code", "message"),
    [
        (judge(RUBRIC, MATERIAL, model_id=None), RunErrorCode.INVALID_MODEL_CONFIG, "the judge has no model"),
        (judge(model_id=1), RunErrorCode.INVALID_MESSAGE_LIST, "the judge has no messages"),
        (judge(RUBRIC, MATERIAL, model_id=99), RunErrorCode.INVALID_MODEL_CONFIG, "model 99 is not configured"),
        (judge(RUBRIC, MATERIAL, model_id=4), RunErrorCode.INVALID_MODEL_CONFIG, "not available for evaluator"),
        (
            judge(RUBRIC, MATERIAL, tools=[EvalTool(function=EvalFunction(name="eval", parameters="{not json"))]),
            RunErrorCode.INVALID_MODEL_CONFIG,
            "tools[0].function.parameters: not valid JSON",
        ),
        (
            judge(
                RUBRIC, MATERIAL, tools=[EvalTool(function=EvalFunction(name="eval", parameters='{"type": "object"}'))]
            ),
            RunErrorCode.INVALID_MODEL_CONFIG,
            "must be a JSON schema with a `score` property",
        ),
    ],
)
def test_a_judge_that_cannot_run_says_why(
    gateway: LLMGateway, evaluator: PromptEvaluator, code: RunErrorCode, message: str
) -> None:
    output = run(evaluator, fields(input="q", output="a"), gateway)
    assert output.evaluator_result is None and output.evaluator_run_error is not None
    assert output.evaluator_run_error.code == code
    assert message in (output.evaluator_run_error.message or "")
    assert output.time_consuming_ms is not None


def test_a_model_error_is_a_run_error(gateway: LLMGateway, spans: list[UploadSpan]) -> None:
    output = run(judge(RUBRIC, MATERIAL), fields(input="q", output="[fake-error]"), gateway)
    assert output.evaluator_run_error is not None
    assert output.evaluator_run_error.code == RunErrorCode.RUN_EVALUATOR_FAIL
    assert "the fake model was asked to fail" in (output.evaluator_run_error.message or "")
    assert spans[-1].status_code == -1


def test_the_judges_own_tool_is_used_when_it_has_a_score(gateway: LLMGateway, spans: list[UploadSpan]) -> None:
    parameters = json.dumps(
        {"type": "object", "properties": {"verdict": {"type": "string"}, "score": {"type": "integer"}}}
    )
    own = EvalTool(function=EvalFunction(name="grade", description="grade it", parameters=parameters))
    output = run(judge(RUBRIC, MATERIAL, tools=[own]), fields(input="q", output="[fake-score=1]"), gateway)
    assert output.evaluator_result is not None and output.evaluator_result.score == 1.0
    assert output.evaluator_result.reasoning == ""  # its schema has no reason
    assert json.loads(spans[-1].input)["tools"][0]["name"] == "grade"


# --- what propagates ---------------------------------------------------------------------------------------------


def test_the_quota_propagates_as_rate_limited(gateway: LLMGateway) -> None:
    evaluator = judge(RUBRIC, MATERIAL, model_id=3)
    assert run(evaluator, fields(input="q", output="a"), gateway).evaluator_result is not None
    with pytest.raises(RateLimited, match="allows 1 calls a minute in scenario evaluator") as caught:
        run(evaluator, fields(input="q", output="a"), gateway)
    assert is_retryable(caught.value)


class Flaky:
    """A provider that fails the way litellm's mapped errors do: an UpstreamError caused by the provider's error."""

    def __init__(self, cause: Exception) -> None:
        self.cause = cause

    def complete(self, call: ModelCall) -> ChatResult:
        raise UpstreamError(f"model {call.model.name} failed: {self.cause}") from self.cause

    def stream(self, call: ModelCall) -> Iterator[Any]:
        raise NotImplementedError


class ServiceUnavailableError(Exception):  # named like litellm's
    pass


class ProviderStatus(Exception):
    def __init__(self, status_code: int) -> None:
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code


@pytest.mark.parametrize(
    "cause",
    [TimeoutError("read timed out"), ConnectionResetError(), ServiceUnavailableError("503"), ProviderStatus(500)],
)
def test_transient_provider_errors_propagate_for_a_retry(gateway: LLMGateway, cause: Exception) -> None:
    flaky = LLMGateway({Protocol.FAKE: Flaky(cause)})
    with pytest.raises(UpstreamError) as caught:
        run(judge(RUBRIC, MATERIAL), fields(input="q", output="a"), flaky)
    assert is_retryable(caught.value)


def test_a_permanent_provider_error_is_recorded(gateway: LLMGateway) -> None:
    flaky = LLMGateway({Protocol.FAKE: Flaky(ProviderStatus(401))})
    output = run(judge(RUBRIC, MATERIAL), fields(input="q", output="a"), flaky)
    assert output.evaluator_run_error is not None
    assert output.evaluator_run_error.code == RunErrorCode.RUN_EVALUATOR_FAIL
    assert "HTTP 401" in (output.evaluator_run_error.message or "")


def test_time_consuming_covers_the_model_call(gateway: LLMGateway) -> None:
    class Slow(LLMGateway):
        def complete(self, request: ChatRequest) -> ChatResult:
            time.sleep(0.05)
            return super().complete(request)

    output = run(judge(RUBRIC, MATERIAL), fields(input="q", output="a"), Slow())
    assert output.time_consuming_ms is not None and output.time_consuming_ms >= 50


def throttled() -> ClientError:
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "UpdateItem")


def chained(error: Exception, cause: BaseException) -> Exception:
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (RateLimited("quota"), True),
        (InvalidInput("bad"), False),
        (NotFound("gone"), False),
        (UpstreamError("the fake model was asked to fail"), False),
        (chained(UpstreamError("timed out"), TimeoutError()), True),
        (chained(UpstreamError("unavailable"), ProviderStatus(503)), True),
        (chained(UpstreamError("too many"), ProviderStatus(429)), True),
        (chained(UpstreamError("bad key"), ProviderStatus(401)), False),
        (chained(InvalidInput("refused"), TimeoutError()), False),
        (throttled(), True),
        (ClientError({"Error": {"Code": "ValidationException"}}, "PutItem"), False),
        (ClientError({"Error": {"Code": "X"}, "ResponseMetadata": {"HTTPStatusCode": 503}}, "PutItem"), True),  # type: ignore[typeddict-item]
        (chained(RuntimeError("wrapped"), throttled()), True),
        (TimeoutError(), True),
        (ValueError("a bug"), False),
    ],
)
def test_is_retryable(error: Exception, retryable: bool) -> None:
    assert is_retryable(error) is retryable
