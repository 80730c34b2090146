"""The playground streams a run of what is on screen, plays mock tools, and keeps context and history."""

import json
import secrets
from typing import Any

import httpx

from tests.support.accounts import Account, register
from tests.support.stack import RunningStack

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "weather by city",
        "parameters": json.dumps({"type": "object", "properties": {"city": {"type": "string"}}}),
    },
}


def draft(**extra: Any) -> dict[str, Any]:
    return {
        "prompt_template": {
            "template_type": "normal",
            "messages": [{"role": "system", "content": "You are {{persona}}."}],
            "variable_defs": [{"key": "persona", "desc": "", "type": "string"}],
        },
        "model_config": {"model_id": "1"},
        **extra,
    }


def run(account: Account, prompt_id: str, text: str, **body: Any) -> tuple[int, list[tuple[str, dict[str, Any]]]]:
    """Posts a debug run and returns the status and the SSE events as (event, data) pairs."""
    payload = {
        "prompt": {"workspace_id": account.workspace_id, "prompt_draft": {"detail": body.pop("detail", draft())}},
        "messages": [{"role": "user", "content": text}],
        "variable_vals": [{"key": "persona", "value": "a tester"}],
        **body,
    }
    with account.client.stream("POST", f"/api/prompt/v1/prompts/{prompt_id}/debug_streaming", json=payload) as response:
        if response.headers["content-type"].startswith("application/json"):
            response.read()
            return response.status_code, [("json", response.json())]
        events, name = [], "message"
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
        return response.status_code, events


def text_of(events: list[tuple[str, dict[str, Any]]]) -> str:
    return "".join(data.get("delta", {}).get("content") or "" for name, data in events if name == "data")


def test_a_run_streams_the_answer_with_usage_and_lands_in_history(account: Account) -> None:
    status, events = run(account, "0", "hello playground")

    assert status == 200
    assert len(events) > 2 and text_of(events) == "Echo: hello playground"
    final = events[-1][1]
    assert final["finish_reason"] == "stop" and final["usage"]["output_tokens"] == 3 and final["debug_id"]
    history = account.client.get(
        "/api/prompt/v1/prompts/0/debug_history/list", params={"workspace_id": account.workspace_id}
    ).json()["debug_history"]
    assert history[0]["debug_id"] == final["debug_id"] and history[0]["status_code"] == 0


def test_mock_tools_answer_tool_calls_unless_single_step(account: Account) -> None:
    detail = draft(tools=[WEATHER], tool_call_config={"tool_choice": "auto"})
    mocks = [{"name": "get_weather", "mock_response": "sunny, 21 C"}]

    _, multi = run(account, "0", "use get_weather for Paris", detail=detail, mock_tools=mocks)
    _, single = run(account, "0", "use get_weather for Paris", detail=detail, mock_tools=mocks, single_step_debug=True)

    assert text_of(multi) == "Tool get_weather returned: sunny, 21 C"
    assert any(data.get("delta", {}).get("tool_calls") for _, data in multi)
    assert single[-1][1]["finish_reason"] == "tool_calls"
    assert single[-1][1]["delta"]["tool_calls"][0]["function_call"]["name"] == "get_weather"


def test_a_model_failure_mid_stream_is_an_error_event_after_the_partial_text(account: Account) -> None:
    status, events = run(account, "0", "please [fake-error]")
    assert status == 200
    assert text_of(events) == "Echo:"
    assert events[-1][0] == "error" and "mid-stream" in events[-1][1]["msg"]


def test_bad_runs_fail_before_streaming_with_a_json_error(stack: RunningStack, account: Account) -> None:
    broken = draft()
    broken["prompt_template"]["messages"][0]["content"] = "{% if %}"
    status, events = run(account, "0", "hi", detail=broken)
    assert status == 400 and "invalid template syntax" in events[0][1]["msg"]

    status, events = run(
        account,
        "0",
        "hi",
        variable_vals=[{"key": "persona", "placeholder_messages": [{"role": "user", "content": "x"}]}],
    )
    assert status == 400 and "persona" in events[0][1]["msg"]

    stranger = register(stack.base_url)
    status, events = run(
        stranger, "0", "hi", prompt={"workspace_id": account.workspace_id, "prompt_draft": {"detail": draft()}}
    )
    assert status == 404

    anonymous = httpx.post(f"{stack.base_url}/api/prompt/v1/prompts/0/debug_streaming", json={})
    assert anonymous.status_code == 401


def test_the_debug_context_is_kept_per_user_and_prompt(account: Account) -> None:
    created = account.client.post(
        "/api/prompt/v1/prompts",
        json={"workspace_id": account.workspace_id, "prompt_name": "ctx", "prompt_key": f"ctx.{secrets.token_hex(3)}"},
    ).json()["prompt_id"]
    context = {
        "debug_core": {
            "mock_contexts": [{"role": "user", "content": "earlier turn"}],
            "mock_variables": [{"key": "persona", "value": "a pirate"}],
            "mock_tools": [{"name": "get_weather", "mock_response": "rain"}],
        }
    }
    saved = account.client.post(
        f"/api/prompt/v1/prompts/{created}/debug_context/save",
        json={"workspace_id": account.workspace_id, "debug_context": context},
    )
    got = account.client.get(
        f"/api/prompt/v1/prompts/{created}/debug_context/get", params={"workspace_id": account.workspace_id}
    ).json()["debug_context"]

    assert saved.status_code == 200
    assert got["debug_core"]["mock_variables"] == [
        {"key": "persona", "value": "a pirate", "placeholder_messages": None, "multi_part_values": None}
    ]
    assert got["debug_core"]["mock_tools"] == context["debug_core"]["mock_tools"]


def test_history_pages_newest_first_and_shows_only_your_own_runs(stack: RunningStack, account: Account) -> None:
    # Given a team workspace where the account and a teammate both run the playground
    team = account.client.post("/api/foundation/v1/spaces", json={"name": "history team"}).json()["space"]["id"]
    teammate = register(stack.base_url)
    added = account.client.post(f"/api/foundation/v1/spaces/{team}/members", json={"email": teammate.email, "role": 3})
    assert added.status_code == 200, added.text
    in_team = {"prompt": {"workspace_id": team, "prompt_draft": {"detail": draft()}}}
    for text in ("one", "two", "three"):
        run(account, "0", text, **in_team)
    run(teammate, "0", "not yours", **in_team)

    def page(token: str | None) -> dict[str, Any]:
        params = {"workspace_id": team, "page_size": 2} | ({"page_token": token} if token else {})
        response = account.client.get("/api/prompt/v1/prompts/0/debug_history/list", params=params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    # When the account pages through its history
    first = page(None)
    second = page(first["next_page_token"])
    runs = first["debug_history"] + second["debug_history"]

    # Then it sees its three runs, newest first, and not the teammate's
    assert first["has_more"] is True and second["has_more"] is False
    assert len(runs) == 3 and len({r["debug_id"] for r in runs}) == 3
    assert [r["started_at"] for r in runs] == sorted((r["started_at"] for r in runs), reverse=True)
    assert {r["debugged_by"] for r in runs} == {account.user_id}


def test_a_failed_run_is_recorded_as_failed(account: Account) -> None:
    run(account, "0", "[fake-error] now")
    history = account.client.get(
        "/api/prompt/v1/prompts/0/debug_history/list", params={"workspace_id": account.workspace_id}
    ).json()["debug_history"]
    assert history[0]["status_code"] == 502
