"""Experiments end to end on the local stack: a prompt target and two evaluators (an LLM judge on the fake
model and a Python code evaluator) over an evaluation set, through the SQS scheduler and item workers."""

import csv
import io
import json
import secrets
from typing import Any

import httpx
import pytest

from tests.support.accounts import Account, register
from tests.support.evaluation import (
    EVALUATION,
    code_content,
    create_evaluator,
    create_prompt,
    eval_set_with_version,
    get_experiment,
    judge_content,
    ok,
    prompt_experiment,
    results,
    submit,
    wait_finished,
)
from tests.support.stack import RunningStack
from tests.support.traces import list_spans, wait_until

ROWS = [{"question": f"q{i}", "reference": f"q{i}" if i % 3 else "nope"} for i in range(12)]


@pytest.fixture(scope="module")
def owner(stack: RunningStack) -> Account:
    return register(stack.base_url)


@pytest.fixture(scope="module")
def setup(owner: Account) -> dict[str, str]:
    eval_set_id, version_id = eval_set_with_version(owner, f"set-{secrets.token_hex(3)}", ROWS)
    _, judge = create_evaluator(owner, f"judge-{secrets.token_hex(3)}", 1, judge_content())
    _, code = create_evaluator(owner, f"code-{secrets.token_hex(3)}", 2, code_content())
    prompt_id = create_prompt(owner, f"p_{secrets.token_hex(3)}")
    return {"set": eval_set_id, "version": version_id, "judge": judge, "code": code, "prompt": prompt_id}


def run(owner: Account, setup: dict[str, str], **fields: Any) -> dict[str, Any]:
    experiment = prompt_experiment(
        owner,
        f"expt-{secrets.token_hex(4)}",
        setup["set"],
        setup["version"],
        setup["prompt"],
        [setup["judge"], setup["code"]],
        **fields,
    )
    return wait_finished(owner, experiment["id"])


def counts(experiment: dict[str, Any]) -> dict[str, int]:
    stats = experiment["expt_stats"]
    return {key: stats[f"{key}_turn_cnt"] for key in ("pending", "processing", "success", "fail", "terminated")}


def aggregate(experiment: dict[str, Any], version_id: str, kind: int) -> float:
    found = next(
        r for r in experiment["expt_stats"]["evaluator_aggregate_results"] if r["evaluator_version_id"] == version_id
    )
    value: float = next(a["data"]["value"] for a in found["aggregator_results"] if a["aggregator_type"] == kind)
    return value


def test_an_experiment_runs_every_item_once_and_aggregates(owner: Account, setup: dict[str, str]) -> None:
    experiment = run(owner, setup, item_concur_num=3)
    assert experiment["status"] == 11, experiment["status_message"]
    assert counts(experiment) == {"pending": 0, "processing": 0, "success": 12, "fail": 0, "terminated": 0}
    page = results(owner, [experiment["id"]])
    assert int(page["total"]) == 12
    code_scores = []
    for item in page["item_results"]:
        payload = item["turn_results"][0]["experiment_results"][0]["payload"]
        output = payload["target_output"]["eval_target_record"]["eval_target_output_data"]
        assert output["output_fields"]["actual_output"]["text"].endswith(
            payload["eval_set"]["turn"]["field_data_list"][0]["content"]["text"]
        )
        records = payload["evaluator_output"]["evaluator_records"]
        assert set(records) == {setup["judge"], setup["code"]}
        judge = records[setup["judge"]]["evaluator_output_data"]["evaluator_result"]
        assert 0 <= judge["score"] <= 1 and judge["reasoning"]
        code_scores.append(records[setup["code"]]["evaluator_output_data"]["evaluator_result"]["score"])
    assert sorted(code_scores) == sorted(1.0 if row["reference"] != "nope" else 0.0 for row in ROWS)
    assert aggregate(experiment, setup["code"], 1) == pytest.approx(8 / 12, abs=1e-4)
    assert aggregate(experiment, setup["code"], 2) == pytest.approx(8)


def test_evaluation_calls_are_traced_as_eval_target_and_evaluator(owner: Account, setup: dict[str, str]) -> None:
    run(owner, setup, item_concur_num=4)

    # The platform filter selects on call_type: Evaluator and EvalTarget spans, each with its model call below.
    for platform, root_type in (("evaluator", "evaluator"), ("evaluation_target", "eval_target")):

        def found(platform: str = platform, root_type: str = root_type) -> bool:
            spans = list_spans(owner.client, owner.workspace_id, platform_type=platform)["spans"]
            return {root_type, "model"} <= {span["span_type"] for span in spans}

        wait_until(found, timeout=30, what=f"{platform} spans")


def test_duplicated_messages_never_run_or_count_an_item_twice(
    stack: RunningStack, owner: Account, setup: dict[str, str]
) -> None:
    experiment = run(owner, setup, item_concur_num=5)
    before = results(owner, [experiment["id"]])
    sqs = stack.boto3_client("sqs")
    items_url = sqs.get_queue_url(QueueName="loop-dev-eval-items")["QueueUrl"]
    schedule_url = sqs.get_queue_url(QueueName="loop-dev-eval-schedule")["QueueUrl"]
    run_id = experiment["run_id"]
    # Each row keeps the attempt token its (already delivered) message carried: send every message again, twice.
    rows = stack.boto3_client("dynamodb").query(
        TableName="loop-dev-experiment-items",
        KeyConditionExpression="expt_id = :id",
        ExpressionAttributeValues={":id": {"N": experiment["id"]}},
    )["Items"]
    assert len(rows) == 12
    for row in rows * 2:
        body = {
            "expt_id": experiment["id"],
            "run_id": run_id,
            "item_index": int(row["item_index"]["N"]),
            "attempt": int(row["attempt"]["N"]),
        }
        sqs.send_message(QueueUrl=items_url, MessageBody=json.dumps(body))
    sqs.send_message(
        QueueUrl=schedule_url, MessageBody=json.dumps({"kind": "start", "expt_id": experiment["id"], "run_id": run_id})
    )

    def drained() -> bool:
        for url in (items_url, schedule_url):
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            if (
                attributes["ApproximateNumberOfMessages"] != "0"
                or attributes["ApproximateNumberOfMessagesNotVisible"] != "0"
            ):
                return False
        return True

    wait_until(drained, timeout=30, what="the duplicates to be consumed")
    after = get_experiment(owner, experiment["id"])
    assert counts(after) == counts(experiment)
    again = results(owner, [experiment["id"]])
    record_ids = lambda page: sorted(  # noqa: E731
        r["id"]
        for item in page["item_results"]
        for r in item["turn_results"][0]["experiment_results"][0]["payload"]["evaluator_output"][
            "evaluator_records"
        ].values()
    )
    assert record_ids(again) == record_ids(before)


def test_a_failing_target_fails_its_item_and_retry_runs_it_again(owner: Account, setup: dict[str, str]) -> None:
    eval_set_id, version_id = eval_set_with_version(
        owner,
        f"set-{secrets.token_hex(3)}",
        [{"question": "fine", "reference": "fine"}, {"question": "[fake-error]", "reference": "x"}],
    )
    experiment = prompt_experiment(
        owner, f"expt-{secrets.token_hex(4)}", eval_set_id, version_id, setup["prompt"], [setup["code"]]
    )
    finished = wait_finished(owner, experiment["id"])
    assert finished["status"] == 12
    assert counts(finished) | {} == {"pending": 0, "processing": 0, "success": 1, "fail": 1, "terminated": 0}
    page = results(owner, [experiment["id"]])
    failed = next(item for item in page["item_results"] if item["system_info"]["run_state"] == 3)
    assert "target failed" in failed["system_info"]["error"]["message"]
    retried = ok(
        owner.client.post(
            f"{EVALUATION}/experiments/{experiment['id']}/retry",
            json={"workspace_id": owner.workspace_id, "retry_mode": 2},
        )
    )
    assert retried["run_id"] != finished["run_id"]
    again = wait_finished(owner, experiment["id"])
    assert counts(again) == {"pending": 0, "processing": 0, "success": 1, "fail": 1, "terminated": 0}
    running = owner.client.post(
        f"{EVALUATION}/experiments/{experiment['id']}/kill", json={"workspace_id": owner.workspace_id}
    )
    assert running.status_code == 409


def test_kill_stops_the_rest_and_the_counters_add_up(owner: Account, setup: dict[str, str]) -> None:
    rows = [{"question": f"k{i}", "reference": "k"} for i in range(40)]
    eval_set_id, version_id = eval_set_with_version(owner, f"set-{secrets.token_hex(3)}", rows)
    experiment = prompt_experiment(
        owner,
        f"expt-{secrets.token_hex(4)}",
        eval_set_id,
        version_id,
        setup["prompt"],
        [setup["judge"]],
        item_concur_num=1,
    )
    wait_until(lambda: get_experiment(owner, experiment["id"])["status"] == 3, timeout=30, what="processing")
    ok(
        owner.client.post(
            f"{EVALUATION}/experiments/{experiment['id']}/kill", json={"workspace_id": owner.workspace_id}
        )
    )

    def settled() -> dict[str, Any] | None:
        found = get_experiment(owner, experiment["id"])
        return found if found["expt_stats"]["processing_turn_cnt"] == 0 else None

    killed = wait_until(settled, timeout=30, what="in-flight items to finish")
    assert killed["status"] == 13
    tally = counts(killed)
    assert sum(tally.values()) == 40 and tally["terminated"] > 0 and tally["pending"] == 0


def test_correction_comparison_and_export(owner: Account, setup: dict[str, str]) -> None:
    first = run(owner, setup)
    second = run(owner, setup, item_concur_num=6)
    page = results(owner, [first["id"], second["id"]], baseline_experiment_id=first["id"])
    assert int(page["total"]) == 12
    for item in page["item_results"]:
        side_by_side = item["turn_results"][0]["experiment_results"]
        assert [r["experiment_id"] for r in side_by_side] == [first["id"], second["id"]]
        assert all(r["payload"]["evaluator_output"]["evaluator_records"] for r in side_by_side)

    record = page["item_results"][0]["turn_results"][0]["experiment_results"][0]["payload"]["evaluator_output"][
        "evaluator_records"
    ][setup["code"]]
    before = aggregate(get_experiment(owner, first["id"]), setup["code"], 2)
    corrected_score = 0.0 if record["evaluator_output_data"]["evaluator_result"]["score"] == 1.0 else 1.0
    corrected = ok(
        owner.client.patch(
            f"{EVALUATION}/evaluator_records/{record['id']}",
            json={"workspace_id": owner.workspace_id, "correction": {"score": corrected_score, "explain": "checked"}},
        )
    )
    assert corrected["record"]["evaluator_output_data"]["evaluator_result"]["correction"]["score"] == corrected_score
    after = aggregate(get_experiment(owner, first["id"]), setup["code"], 2)
    assert after == pytest.approx(
        before + (corrected_score - record["evaluator_output_data"]["evaluator_result"]["score"])
    )

    export_id = ok(
        owner.client.post(
            f"{EVALUATION}/experiments/{first['id']}/results/export", json={"workspace_id": owner.workspace_id}
        )
    )["export_id"]
    exported = ok(
        owner.client.post(
            f"{EVALUATION}/experiments/{first['id']}/export_records/{export_id}",
            json={"workspace_id": owner.workspace_id},
        )
    )["expt_result_export_records"]
    assert exported["csv_export_status"] == 2
    body = httpx.get(exported["URL"], timeout=10).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    assert table[0][:4] == ["item_id", "status", "question", "reference"] and len(table) == 13


def test_bad_submissions_are_refused_with_reasons(stack: RunningStack, owner: Account, setup: dict[str, str]) -> None:
    base = {
        "name": f"bad-{secrets.token_hex(3)}",
        "eval_set_id": setup["set"],
        "eval_set_version_id": setup["version"],
    }
    cases = [
        ({}, "evaluator"),
        ({"evaluator_version_ids": ["123"]}, "not found"),
        (
            {
                "evaluator_version_ids": [setup["code"]],
                "evaluator_field_mapping": [
                    {
                        "evaluator_version_id": setup["code"],
                        "from_eval_set": [{"field_name": "x", "from_field_name": "nope"}],
                    }
                ],
            },
            "no column",
        ),
        (
            {
                "evaluator_version_ids": [setup["code"]],
                "create_eval_target_param": {"source_target_id": setup["prompt"], "source_target_version": "9.9.9"},
            },
            "no version",
        ),
    ]
    for extra, reason in cases:
        response = owner.client.post(
            f"{EVALUATION}/experiments/submit", json={"workspace_id": owner.workspace_id, **base, **extra}
        )
        assert response.status_code == 400, response.text
        assert reason in response.json()["msg"]
    stranger = register(stack.base_url)
    experiment = submit(
        owner, **{**base, "name": f"mine-{secrets.token_hex(3)}"}, evaluator_version_ids=[setup["code"]]
    )
    response = stranger.client.post(
        f"{EVALUATION}/experiments/{experiment['id']}/kill", json={"workspace_id": stranger.workspace_id}
    )
    assert response.status_code == 404
    duplicate = owner.client.post(
        f"{EVALUATION}/experiments/submit",
        json={
            "workspace_id": owner.workspace_id,
            **base,
            "name": experiment["name"],
            "evaluator_version_ids": [setup["code"]],
        },
    )
    assert duplicate.status_code == 409


def test_rows_left_waiting_by_a_retry_that_stopped_halfway_are_started_by_the_tick_chain(
    stack: RunningStack, owner: Account, setup: dict[str, str]
) -> None:
    eval_set_id, version_id = eval_set_with_version(
        owner,
        f"set-{secrets.token_hex(3)}",
        [{"question": "ok", "reference": "ok"}, {"question": "[fake-error]", "reference": "x"}],
    )
    experiment = prompt_experiment(
        owner, f"expt-{secrets.token_hex(4)}", eval_set_id, version_id, setup["prompt"], [setup["code"]]
    )
    assert counts(wait_finished(owner, experiment["id"]))["fail"] == 1
    # What a retry of the failed row does before it sends `start`, had its request stopped there: the new
    # run's tick is out, the run is switched and the row requeued, and no start message follows.
    dynamodb, sqs = stack.boto3_client("dynamodb"), stack.boto3_client("sqs")
    key = {"expt_id": {"N": experiment["id"]}}
    stored = dynamodb.get_item(TableName="loop-dev-experiments", Key=key, ConsistentRead=True)["Item"]
    new_run, seq = "4242", int(stored["tick"]["N"]) + 1
    failed = next(
        row
        for row in dynamodb.query(
            TableName="loop-dev-experiment-items",
            KeyConditionExpression="expt_id = :id",
            ExpressionAttributeValues={":id": {"N": experiment["id"]}},
        )["Items"]
        if row["state"]["N"] == "3"
    )
    schedule_url = sqs.get_queue_url(QueueName="loop-dev-eval-schedule")["QueueUrl"]
    tick = {"kind": "tick", "expt_id": experiment["id"], "run_id": int(new_run), "seq": seq}
    sqs.send_message(QueueUrl=schedule_url, MessageBody=json.dumps(tick), DelaySeconds=3)  # as send_tick does
    dynamodb.update_item(
        TableName="loop-dev-experiments",
        Key=key,
        UpdateExpression=(
            "SET run_id = :run, #s = :processing, tick = :seq, aggregates = :empty ADD pending :one, #f :minus"
        ),
        ExpressionAttributeNames={"#s": "status", "#f": "fail"},
        ExpressionAttributeValues={
            ":run": {"N": new_run},
            ":processing": {"N": "3"},
            ":seq": {"N": str(seq)},
            ":empty": {"S": ""},
            ":one": {"N": "1"},
            ":minus": {"N": "-1"},
        },
    )
    dynamodb.update_item(
        TableName="loop-dev-experiment-items",
        Key={"expt_id": failed["expt_id"], "item_index": failed["item_index"]},
        UpdateExpression="SET #s = :queueing, run_id = :run, results = :empty, next_index = :none",
        ExpressionAttributeNames={"#s": "state"},
        ExpressionAttributeValues={
            ":queueing": {"N": "0"},
            ":run": {"N": new_run},
            ":empty": {"S": ""},
            ":none": {"N": "-1"},
        },
    )

    finished = wait_finished(owner, experiment["id"], timeout=60)
    assert finished["run_id"] == new_run
    assert counts(finished) == {"pending": 0, "processing": 0, "success": 1, "fail": 1, "terminated": 0}
