"""A model's per-minute quota holds under an experiment: items over the quota wait for the next minute
(without using up their retries) instead of failing, and no minute admits more calls than the quota."""

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.accounts import Account, register
from tests.support.evaluation import (
    code_content,
    create_evaluator,
    create_prompt,
    eval_set_with_version,
    prompt_experiment,
    wait_finished,
)
from tests.support.stack import REPO_ROOT, RunningStack, start_stack, stop_stack

QPM = 3
LIMITED_MODEL = "2"


@pytest.fixture(scope="module")
def limited_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    root = Path(tmp_path_factory.mktemp("quota"))
    config = yaml.safe_load((REPO_ROOT / "conf" / "model_config.yaml").read_text())
    limited = dict(config["models"][0], id=int(LIMITED_MODEL), name="fake-echo (3 qpm)")
    limited["scenario_configs"] = {
        "default": {"quota": {"qpm": 0, "tpm": 0}},
        "eval_target": {"scenario": "eval_target", "quota": {"qpm": QPM, "tpm": 0}},
    }
    config["models"].append(limited)
    (root / "models.yaml").write_text(yaml.safe_dump(config))
    running = start_stack(root / "data", LOOP_MODEL_CONFIG_PATH=str(root / "models.yaml"))
    yield running
    stop_stack(running)


def test_items_over_the_quota_wait_for_the_next_minute(limited_stack: RunningStack) -> None:
    account: Account = register(limited_stack.base_url)
    rows = [{"question": f"q{i}", "reference": f"q{i}"} for i in range(QPM + 2)]
    eval_set_id, version_id = eval_set_with_version(account, f"set-{secrets.token_hex(3)}", rows)
    _, code = create_evaluator(account, f"code-{secrets.token_hex(3)}", 2, code_content())
    prompt_id = create_prompt(account, f"limited_{secrets.token_hex(3)}", model_id=LIMITED_MODEL)
    experiment = prompt_experiment(
        account, f"quota-{secrets.token_hex(3)}", eval_set_id, version_id, prompt_id, [code], item_concur_num=5
    )
    finished = wait_finished(account, experiment["id"], timeout=150)
    stats = finished["expt_stats"]
    assert finished["status"] == 11, stats
    assert stats["success_turn_cnt"] == QPM + 2

    dynamodb = limited_stack.boto3_client("dynamodb")
    minutes = [
        int(item["requests"]["N"])
        for item in dynamodb.scan(TableName="loop-dev-model-quotas")["Items"]
        if item["counter_key"]["S"].startswith(f"{LIMITED_MODEL}#eval_target#")
    ]
    assert sum(minutes) == QPM + 2 and max(minutes) <= QPM and len(minutes) >= 2, minutes
