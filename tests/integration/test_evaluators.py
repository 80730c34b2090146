"""Evaluators on the local stack: LLM judges on the fake model and Python code in the sandbox; drafts,
versions, debug runs, records and corrections, templates, and the refusals."""

import secrets

import httpx
import pytest

from tests.support.accounts import Account, create_token, register
from tests.support.evaluation import EVALUATION, code_content, create_evaluator, judge_content, ok, text
from tests.support.stack import RunningStack


@pytest.fixture(scope="module")
def owner(stack: RunningStack) -> Account:
    return register(stack.base_url)


def name() -> str:
    return f"ev-{secrets.token_hex(4)}"


def inputs(**fields: str) -> dict[str, object]:
    return {"input_fields": {key: text(value) for key, value in fields.items()}}


def test_a_judge_is_drafted_debugged_versioned_and_run(owner: Account) -> None:
    evaluator_id, version_id = create_evaluator(owner, name(), 1, judge_content())
    debugged = ok(
        owner.client.post(
            f"{EVALUATION}/evaluators/debug",
            json={
                "workspace_id": owner.workspace_id,
                "evaluator_type": 1,
                "evaluator_content": judge_content("Grade {{output}} for {{input}} [fake-score=0.25]"),
                "input_data": inputs(input="2+2", output="4"),
            },
        )
    )["evaluator_output_data"]
    assert debugged["evaluator_result"]["score"] == 0.25
    assert debugged["evaluator_usage"]["input_tokens"]

    record = ok(
        owner.client.post(
            f"{EVALUATION}/evaluators_versions/{version_id}/run",
            json={"workspace_id": owner.workspace_id, "input_data": inputs(input="2+2", output="4")},
        )
    )["record"]
    assert record["status"] == 1 and record["trace_id"]
    score = record["evaluator_output_data"]["evaluator_result"]["score"]
    assert 0 <= score <= 1

    corrected = ok(
        owner.client.patch(
            f"{EVALUATION}/evaluator_records/{record['id']}",
            json={"workspace_id": owner.workspace_id, "correction": {"score": 0.5, "explain": "half right"}},
        )
    )["record"]
    assert corrected["evaluator_output_data"]["evaluator_result"]["correction"]["score"] == 0.5
    fetched = ok(
        owner.client.get(f"{EVALUATION}/evaluator_records/{record['id']}", params={"workspace_id": owner.workspace_id})
    )
    assert fetched["record"]["evaluator_output_data"]["evaluator_result"]["correction"]["explain"] == "half right"

    # The draft changes; the version does not.
    ok(
        owner.client.patch(
            f"{EVALUATION}/evaluators/{evaluator_id}/update_draft",
            json={
                "workspace_id": owner.workspace_id,
                "evaluator_type": 1,
                "evaluator_content": judge_content("New {{x}}"),
            },
        )
    )
    version = ok(
        owner.client.get(f"{EVALUATION}/evaluators_versions/{version_id}", params={"workspace_id": owner.workspace_id})
    )
    message = version["evaluator"]["current_version"]["evaluator_content"]["prompt_evaluator"]["message_list"][1]
    assert "{{output}}" in message["content"]["text"]
    draft = ok(owner.client.get(f"{EVALUATION}/evaluators/{evaluator_id}", params={"workspace_id": owner.workspace_id}))
    assert draft["evaluator"]["draft_submitted"] is False

    for version_text, status in (("0.0.1", 400), ("0.0.0", 400), ("banana", 400)):
        response = owner.client.post(
            f"{EVALUATION}/evaluators/{evaluator_id}/submit_version",
            json={"workspace_id": owner.workspace_id, "version": version_text},
        )
        assert response.status_code == status, response.text
    ok(
        owner.client.post(
            f"{EVALUATION}/evaluators/{evaluator_id}/submit_version",
            json={"workspace_id": owner.workspace_id, "version": "0.1.0", "description": "second"},
        )
    )
    versions = ok(
        owner.client.post(
            f"{EVALUATION}/evaluators/{evaluator_id}/versions/list", json={"workspace_id": owner.workspace_id}
        )
    )
    assert [v["version"] for v in versions["evaluator_versions"]] == ["0.1.0", "0.0.1"]


def test_code_evaluators_run_in_the_sandbox_and_report_user_errors(owner: Account) -> None:
    _, version_id = create_evaluator(owner, name(), 2, code_content())
    data = {
        "evaluate_dataset_fields": {"reference": text("4")},
        "evaluate_target_output_fields": {"actual_output": text("it is 4")},
    }
    record = ok(
        owner.client.post(
            f"{EVALUATION}/evaluators_versions/{version_id}/run",
            json={"workspace_id": owner.workspace_id, "input_data": data},
        )
    )["record"]
    assert record["evaluator_output_data"]["evaluator_result"]["score"] == 1.0

    raising = "def exec_evaluation(turn):\n    raise ValueError('bad data here')\n"
    output = ok(
        owner.client.post(
            f"{EVALUATION}/evaluators/debug",
            json={
                "workspace_id": owner.workspace_id,
                "evaluator_type": 2,
                "evaluator_content": code_content(raising),
                "input_data": data,
            },
        )
    )["evaluator_output_data"]
    assert "bad data here" in output["evaluator_run_error"]["message"]


def test_templates_are_listed_and_usable(owner: Account) -> None:
    prompts = ok(owner.client.post(f"{EVALUATION}/evaluators/list_template", params={"builtin_template_type": 1}))
    keys = {content["prompt_evaluator"]["prompt_template_key"] for content in prompts["builtin_template_keys"]}
    assert {"relevance", "correctness", "hallucination", "detail"} <= keys and len(keys) == 14
    codes = ok(owner.client.post(f"{EVALUATION}/evaluators/list_template", params={"builtin_template_type": 2}))
    assert len(codes["builtin_template_keys"]) == 6
    info = ok(
        owner.client.post(
            f"{EVALUATION}/evaluators/get_template_info",
            params={"builtin_template_type": 1, "builtin_template_key": "relevance"},
        )
    )
    create_evaluator(owner, name(), 1, info["builtin_template"])
    missing = owner.client.post(
        f"{EVALUATION}/evaluators/get_template_info",
        params={"builtin_template_type": 1, "builtin_template_key": "nope"},
    )
    assert missing.status_code == 404


def test_evaluators_refuse_bad_input_and_strangers(stack: RunningStack, owner: Account) -> None:
    taken = name()
    create_evaluator(owner, taken, 1, judge_content())
    duplicate = owner.client.post(
        f"{EVALUATION}/evaluators",
        json={
            "workspace_id": owner.workspace_id,
            "evaluator": {
                "evaluator_type": 1,
                "name": taken,
                "current_version": {"evaluator_content": judge_content()},
            },
        },
    )
    assert duplicate.status_code == 409
    check = ok(
        owner.client.post(
            f"{EVALUATION}/evaluators/check_name", json={"workspace_id": owner.workspace_id, "name": taken}
        )
    )
    assert check["pass"] is False

    no_model = judge_content()
    no_model["prompt_evaluator"].pop("model_config")
    for content, evaluator_type, reason in (
        (no_model, 1, "model"),
        ({}, 2, "exec_evaluation"),
        (judge_content(), 3, "evaluator_type"),
    ):
        response = owner.client.post(
            f"{EVALUATION}/evaluators",
            json={
                "workspace_id": owner.workspace_id,
                "evaluator": {
                    "evaluator_type": evaluator_type,
                    "name": name(),
                    "current_version": {"evaluator_content": content},
                },
            },
        )
        assert response.status_code == 400, response.text
        assert reason in response.json()["msg"]

    evaluator_id, version_id = create_evaluator(owner, name(), 1, judge_content())
    stranger = register(stack.base_url)
    assert (
        stranger.client.get(
            f"{EVALUATION}/evaluators/{evaluator_id}", params={"workspace_id": stranger.workspace_id}
        ).status_code
        == 404
    )
    foreign = stranger.client.get(
        f"{EVALUATION}/evaluators/{evaluator_id}", params={"workspace_id": owner.workspace_id}
    )
    assert foreign.status_code in (403, 404), foreign.text
    assert (
        stranger.client.post(
            f"{EVALUATION}/evaluators_versions/{version_id}/run",
            json={"workspace_id": stranger.workspace_id, "input_data": inputs(input="x")},
        ).status_code
        == 404
    )


def test_the_openapi_runs_an_evaluator_version_with_a_token(stack: RunningStack, owner: Account) -> None:
    _, version_id = create_evaluator(owner, name(), 1, judge_content())
    token = create_token(owner)

    response = httpx.post(
        f"{stack.base_url}/v1/loop/evaluation/evaluators_versions/{version_id}/run",
        headers={"Authorization": f"Bearer {token}"},
        json={"workspace_id": owner.workspace_id, "input_data": inputs(input="a", output="b")},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["record"]["evaluator_output_data"]["evaluator_result"]["score"] is not None
