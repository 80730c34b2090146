"""Acting as a user of evaluation: evaluation sets with items and versions, prompts, evaluators, experiments."""

import time
from typing import Any

from tests.support.accounts import Account

FAKE_MODEL = "1"
EVAL_SETS = "/api/evaluation/v1/evaluation_sets"
EVALUATION = "/api/evaluation/v1"
FINISHED = {11, 12, 13, 14}
SNAPSHOT_COMPLETED, SNAPSHOT_FAILED = 3, 4


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == 0, body
    return body


def text(value: str) -> dict[str, Any]:
    return {"content_type": "Text", "text": value}


def create_eval_set(account: Account, name: str, columns: list[str]) -> str:
    schema = {"field_schemas": [{"name": column, "content_type": "Text"} for column in columns]}
    body = ok(
        account.client.post(
            EVAL_SETS, json={"workspace_id": account.workspace_id, "name": name, "evaluation_set_schema": schema}
        )
    )
    eval_set_id: str = body["evaluation_set_id"]
    return eval_set_id


def add_items(account: Account, eval_set_id: str, rows: list[dict[str, str]]) -> None:
    for start in range(0, len(rows), 100):
        items = [
            {"turns": [{"field_data_list": [{"name": k, "content": text(v)} for k, v in row.items()]}]}
            for row in rows[start : start + 100]
        ]
        body = ok(
            account.client.post(
                f"{EVAL_SETS}/{eval_set_id}/items/batch_create",
                json={"workspace_id": account.workspace_id, "evaluation_set_id": eval_set_id, "items": items},
            )
        )
        assert not body.get("errors"), body


def create_version(account: Account, eval_set_id: str, version: str = "0.0.1") -> str:
    body = ok(
        account.client.post(
            f"{EVAL_SETS}/{eval_set_id}/versions",
            json={"workspace_id": account.workspace_id, "evaluation_set_id": eval_set_id, "version": version},
        )
    )
    version_id: str = body["id"]
    wait_for_version(account, eval_set_id, version_id)
    return version_id


def wait_for_version(account: Account, eval_set_id: str, version_id: str, timeout: float = 60) -> None:
    """Large versions are snapshotted by a job; an experiment can pin one once it is complete."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = account.client.get(
            f"{EVAL_SETS}/{eval_set_id}/versions/{version_id}", params={"workspace_id": account.workspace_id}
        )
        if response.status_code == 200:
            status = response.json()["version"].get("snapshot_status")
            assert status != SNAPSHOT_FAILED, response.text
            if status in (None, SNAPSHOT_COMPLETED):
                return
        time.sleep(0.2)
    raise AssertionError(f"version {version_id} was not snapshotted within {timeout} s")


def eval_set_with_version(account: Account, name: str, rows: list[dict[str, str]]) -> tuple[str, str]:
    eval_set_id = create_eval_set(account, name, list(rows[0]))
    add_items(account, eval_set_id, rows)
    return eval_set_id, create_version(account, eval_set_id)


def create_prompt(
    account: Account, key: str, user_template: str = "Answer: {{question}}", model_id: str = FAKE_MODEL
) -> str:
    detail = {
        "prompt_template": {
            "template_type": "normal",
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": user_template}],
            "variable_defs": [{"key": "question", "desc": "", "type": "string"}],
        },
        "model_config": {"model_id": model_id, "max_tokens": 100},
    }
    prompt_id: str = ok(
        account.client.post(
            "/api/prompt/v1/prompts",
            json={"workspace_id": account.workspace_id, "prompt_name": key, "prompt_key": key, "draft_detail": detail},
        )
    )["prompt_id"]
    ok(
        account.client.post(
            f"/api/prompt/v1/prompts/{prompt_id}/drafts/save", json={"prompt_draft": {"detail": detail}}
        )
    )
    ok(account.client.post(f"/api/prompt/v1/prompts/{prompt_id}/drafts/commit", json={"commit_version": "1.0.0"}))
    return prompt_id


def judge_content(instruction: str = "Rate the answer {{output}} to {{input}}.") -> dict[str, Any]:
    return {
        "prompt_evaluator": {
            "message_list": [
                {"role": 1, "content": text("You grade answers from 0 to 1.")},
                {"role": 2, "content": text(instruction)},
            ],
            "model_config": {"model_id": FAKE_MODEL, "max_tokens": 200},
        }
    }


EQUALS_CODE = """
def exec_evaluation(turn):
    expected = turn["evaluate_dataset_fields"]["reference"]["text"]
    actual = turn["evaluate_target_output_fields"]["actual_output"]["text"]
    return EvalOutput(score=1.0 if expected.strip() in actual else 0.0, reason=f"looked for {expected!r}")
"""


def code_content(code: str = EQUALS_CODE) -> dict[str, Any]:
    return {"code_evaluator": {"language_type": "Python", "code_content": code}}


def create_evaluator(account: Account, name: str, evaluator_type: int, content: dict[str, Any]) -> tuple[str, str]:
    """Creates an evaluator and submits version 0.0.1; returns (evaluator_id, evaluator_version_id)."""
    evaluator_id: str = ok(
        account.client.post(
            f"{EVALUATION}/evaluators",
            json={
                "workspace_id": account.workspace_id,
                "evaluator": {
                    "evaluator_type": evaluator_type,
                    "name": name,
                    "current_version": {"evaluator_content": content},
                },
            },
        )
    )["evaluator_id"]
    submitted = ok(
        account.client.post(
            f"{EVALUATION}/evaluators/{evaluator_id}/submit_version",
            json={"workspace_id": account.workspace_id, "version": "0.0.1"},
        )
    )
    version_id: str = submitted["evaluator"]["current_version"]["id"]
    return evaluator_id, version_id


def submit(account: Account, **fields: Any) -> dict[str, Any]:
    body = ok(
        account.client.post(f"{EVALUATION}/experiments/submit", json={"workspace_id": account.workspace_id, **fields})
    )
    experiment: dict[str, Any] = body["experiment"]
    return experiment


def get_experiment(account: Account, expt_id: str) -> dict[str, Any]:
    body = ok(
        account.client.post(
            f"{EVALUATION}/experiments/batch_get", json={"workspace_id": account.workspace_id, "expt_ids": [expt_id]}
        )
    )
    experiment: dict[str, Any] = body["experiments"][0]
    return experiment


def wait_finished(account: Account, expt_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    experiment = get_experiment(account, expt_id)
    while experiment["status"] not in FINISHED:
        if time.monotonic() > deadline:
            raise AssertionError(f"experiment did not finish in {timeout} s: {experiment['expt_stats']}")
        time.sleep(0.3)
        experiment = get_experiment(account, expt_id)
    return experiment


def results(account: Account, expt_ids: list[str], **fields: Any) -> dict[str, Any]:
    return ok(
        account.client.post(
            f"{EVALUATION}/experiments/results/batch_get",
            json={"workspace_id": account.workspace_id, "experiment_ids": expt_ids, "page_size": 200, **fields},
        )
    )


def prompt_experiment(
    account: Account,
    name: str,
    eval_set_id: str,
    version_id: str,
    prompt_id: str,
    evaluators: list[str],
    **fields: Any,
) -> dict[str, Any]:
    """A prompt target fed `question`, each evaluator fed input/output/reference as its variables expect."""
    mappings = [
        {
            "evaluator_version_id": evaluator_version_id,
            "from_eval_set": [
                {"field_name": "input", "from_field_name": "question"},
                {"field_name": "reference", "from_field_name": "reference"},
            ],
            "from_target": [{"field_name": "output", "from_field_name": "actual_output"}],
        }
        for evaluator_version_id in evaluators
    ]
    return submit(
        account,
        name=name,
        eval_set_id=eval_set_id,
        eval_set_version_id=version_id,
        evaluator_version_ids=evaluators,
        create_eval_target_param={
            "source_target_id": prompt_id,
            "source_target_version": "1.0.0",
            "eval_target_type": 2,
        },
        target_field_mapping={"from_eval_set": [{"field_name": "question", "from_field_name": "question"}]},
        evaluator_field_mapping=mappings,
        **fields,
    )
