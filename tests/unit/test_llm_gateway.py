"""The gateway checks a call against the catalog and the quota, calls the provider, and records a model span."""

import json
from pathlib import Path

import pytest
from moto import mock_aws

from shared.errors import InvalidInput, RateLimited, UpstreamError
from shared.llm.gateway import ChatRequest, LLMGateway, TraceParent
from shared.llm.quota import ModelQuotaItem
from shared.llm.types import CallOptions, ChatMessage, Role, Tool
from shared.spans import UploadSpan

CATALOG = """
models:
  - id: 1
    name: fake
    protocol: fake
    ability: {function_call: true, json_mode: true, max_output_tokens: 100}
  - id: 3
    name: tunable
    protocol: fake
    param_config:
      param_schemas:
        - {name: reasoning, type: string, options: [{value: low}, {value: high}]}
        - {name: seed, type: int, min: 0, max: 100}
        - {name: temperature, type: float, min: 0, max: 1}
  - id: 2
    name: limited
    protocol: fake
    ability: {max_output_tokens: 200}
    scenario_configs:
      default: {quota: {qpm: 2}}
      evaluator: {quota: {tpm: 150}}
      prompt_debug: {unavailable: true}
"""


def request(text: str = "hi", model_id: int = 1, **fields: object) -> ChatRequest:
    return ChatRequest(
        model_id=model_id, messages=[ChatMessage(role=Role.USER, content=text)], workspace_id=7, **fields
    )  # type: ignore[arg-type]


def test_a_call_returns_the_answer_and_records_a_model_span(gateway: LLMGateway, spans: list[UploadSpan]) -> None:
    parent = TraceParent(trace_id="ab" * 16, span_id="cd" * 8)
    result = gateway.complete(request("hello", parent=parent, span_tags={"prompt_key": "demo"}))

    assert result.message.content == "Echo: hello"
    (span,) = spans
    assert (span.span_type, span.workspace_id, span.status_code) == ("model", "7", 0)
    assert (span.trace_id, span.parent_id) == (parent.trace_id, parent.span_id)
    assert span.tags_string["prompt_key"] == "demo" and span.tags_string["model_id"] == "1"
    assert span.tags_long["tokens"] == result.usage.total_tokens
    assert json.loads(span.input)["messages"][0]["content"] == "hello"
    assert "Echo: hello" in span.output


def test_a_stream_records_first_token_latency_and_a_mid_stream_error(
    gateway: LLMGateway, spans: list[UploadSpan]
) -> None:
    assert "".join(chunk.content for chunk in gateway.stream(request("a b"))) == "Echo: a b"
    assert spans[-1].tags_long["latency_first_resp"] >= 0 and spans[-1].status_code == 0

    failing = gateway.stream(request("[fake-error]"))
    with pytest.raises(UpstreamError):
        list(failing)
    assert spans[-1].status_code == -1 and "mid-stream" in spans[-1].tags_string["error"]
    assert spans[-1].output == "Echo:"


def test_a_stream_the_caller_abandons_is_still_recorded(gateway: LLMGateway, spans: list[UploadSpan]) -> None:
    stream = gateway.stream(request("one two three"))
    next(stream)
    stream.close()  # type: ignore[attr-defined]
    assert spans[-1].tags_string["error"] == "the caller closed the stream"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (request(model_id=99), "model 99 is not configured"),
        (request(model_id=2, tools=[Tool(name="t")]), "cannot call functions"),
        (request(model_id=2, options=CallOptions(json_mode=True)), "has no JSON mode"),
        (request(options=CallOptions(max_tokens=101)), "at most 100 tokens"),
        (request(model_id=2, scenario="prompt_debug"), "not available for prompt_debug"),
        (ChatRequest(model_id=1, messages=[], workspace_id=7), "at least one message"),
    ],
)
def test_bad_calls_are_refused_before_the_provider(
    gateway: LLMGateway, spans: list[UploadSpan], bad: ChatRequest, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        gateway.complete(bad)
    assert spans == []


def test_quotas_count_calls_per_minute_and_tokens_by_max_tokens(gateway: LLMGateway) -> None:
    gateway.complete(request(model_id=2))
    gateway.complete(request(model_id=2))
    with pytest.raises(RateLimited, match="allows 2 calls a minute in scenario default"):
        gateway.complete(request(model_id=2))

    evaluator = {"model_id": 2, "scenario": "evaluator", "options": CallOptions(max_tokens=100)}
    gateway.complete(request(**evaluator))
    with pytest.raises(RateLimited, match="150 tokens a minute"):
        gateway.complete(request(**evaluator))
    with pytest.raises(InvalidInput, match="can never fit"):
        gateway.complete(request(model_id=2, scenario="evaluator", options=CallOptions(max_tokens=151)))


def test_a_real_protocol_goes_through_litellm_with_the_resolved_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_settings: None, spans: list[UploadSpan]
) -> None:
    from shared.llm.catalog import Protocol
    from shared.llm.litellm_provider import LiteLLMProvider

    # Given an OpenAI model whose key comes from the environment, and litellm answering from its mock
    path = tmp_path / "models.yaml"
    path.write_text(
        "models:\n  - {id: 5, name: gpt, protocol: openai,"
        " protocol_config: {model: gpt-4o-mini, api_key: '${TEST_KEY}'}}\n"
    )
    monkeypatch.setenv("LOOP_MODEL_CONFIG_PATH", str(path))
    monkeypatch.setenv("TEST_KEY", "sk-test")
    litellm_provider = LiteLLMProvider(extra_arguments={"mock_response": "Bonjour from litellm"})
    gateway = LLMGateway({Protocol.OPENAI: litellm_provider})

    # When the gateway is asked, whole and streamed
    with mock_aws():
        ModelQuotaItem.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        whole = gateway.complete(request("hello", model_id=5))
        streamed = "".join(chunk.content for chunk in gateway.stream(request("hello", model_id=5)))

    # Then litellm answered, and both calls were recorded with the model's name
    assert whole.message.content == streamed == "Bonjour from litellm"
    assert [span.tags_string["model_name"] for span in spans] == ["gpt-4o-mini", "gpt-4o-mini"]
    assert all("sk-test" not in span.model_dump_json() for span in spans)


def test_without_litellm_a_real_provider_fails_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from shared.llm.litellm_provider import _litellm

    monkeypatch.setitem(sys.modules, "litellm", None)  # what a function deployed without the llm layer sees
    with pytest.raises(UpstreamError, match="litellm is not installed in this function"):
        _litellm()


def test_only_parameters_the_model_declares_reach_the_provider(gateway: LLMGateway) -> None:
    from shared.llm.gateway import find_model, model_params

    tunable = find_model(3)
    assert model_params(tunable, {"reasoning": "high", "seed": "7", "temperature": "0.5"}) == {
        "reasoning": "high",
        "seed": 7,
    }
    for raw, message in [
        ({"api_base": "http://attacker.invalid"}, "has no parameter 'api_base'"),
        ({"api_key": "x"}, "has no parameter 'api_key'"),
        ({"seed": "101"}, "above the maximum 100"),
        ({"seed": "seven"}, "is not a int"),
        ({"reasoning": "medium"}, "not one of the options"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            gateway.complete(request(model_id=3, options=CallOptions(extra_params=raw)))
