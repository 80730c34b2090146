"""Experiment throughput through the local stack, with the fake model:

- 1,000 items x 2 evaluators (an LLM judge and a Python code evaluator) against a prompt target, at
  item_concur_num 10 and 50: wall time from submit to the experiment's final status, items per second;
- the quota run: 1,000 items at concurrency 50 against a prompt whose model allows 600 calls a minute
  (scenario eval_target): wall time, and the most calls any minute admitted (read from the quota counters).

Usage: python tests/bench/bench_experiments.py [--items N] [--skip-quota]
"""

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.accounts import Account, register  # noqa: E402
from tests.support.evaluation import (  # noqa: E402
    FAKE_MODEL,
    code_content,
    create_evaluator,
    create_prompt,
    eval_set_with_version,
    judge_content,
    prompt_experiment,
    wait_finished,
)
from tests.support.stack import RunningStack, start_stack, stop_stack  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
QUOTA_MODEL = "2"


def model_config(path: Path) -> Path:
    """The shipped config plus a second fake model limited to 600 calls a minute as an evaluation target."""
    config = yaml.safe_load((REPO / "conf" / "model_config.yaml").read_text())
    limited = dict(config["models"][0])
    limited.update(id=int(QUOTA_MODEL), name="fake-echo (600 qpm)")
    limited["scenario_configs"] = {
        "default": {"quota": {"qpm": 0, "tpm": 0}},
        "eval_target": {"scenario": "eval_target", "quota": {"qpm": 600, "tpm": 0}},
    }
    config["models"].append(limited)
    path.write_text(yaml.safe_dump(config))
    return path


def timed_run(account: Account, setup: dict[str, str], prompt_id: str, concurrency: int) -> tuple[float, dict]:  # type: ignore[type-arg]
    started = time.monotonic()
    experiment = prompt_experiment(
        account,
        f"bench-{concurrency}-{secrets.token_hex(3)}",
        setup["set"],
        setup["version"],
        prompt_id,
        [setup["judge"], setup["code"]],
        item_concur_num=concurrency,
    )
    finished = wait_finished(account, experiment["id"], timeout=1800)
    return time.monotonic() - started, finished


def quota_peak(stack: RunningStack) -> int:
    dynamodb = stack.boto3_client("dynamodb")
    peak = 0
    for page in dynamodb.get_paginator("scan").paginate(TableName="loop-dev-model-quotas"):
        for item in page["Items"]:
            if item["counter_key"]["S"].startswith(f"{QUOTA_MODEL}#eval_target#"):
                peak = max(peak, int(item["requests"]["N"]))
    return peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--skip-quota", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = model_config(Path(tmp) / "model_config.yaml")
        stack = start_stack(Path(tmp) / "data", LOOP_MODEL_CONFIG_PATH=str(config))
        try:
            account = register(stack.base_url)
            rows = [
                {"question": f"question {i}", "reference": f"question {i}" if i % 2 else "x"} for i in range(args.items)
            ]
            started = time.monotonic()
            eval_set_id, version_id = eval_set_with_version(account, f"bench-{secrets.token_hex(3)}", rows)
            print(f"setup: {args.items} items written and versioned in {time.monotonic() - started:.1f} s")
            _, judge = create_evaluator(account, f"judge-{secrets.token_hex(3)}", 1, judge_content())
            _, code = create_evaluator(account, f"code-{secrets.token_hex(3)}", 2, code_content())
            setup = {"set": eval_set_id, "version": version_id, "judge": judge, "code": code}
            prompt_id = create_prompt(account, f"bench_{secrets.token_hex(3)}")
            print(f"experiments: {args.items} items x 2 evaluators (judge on model {FAKE_MODEL}, Python code)")
            for concurrency in (10, 50):
                elapsed, finished = timed_run(account, setup, prompt_id, concurrency)
                stats = finished["expt_stats"]
                print(
                    f"  item_concur_num {concurrency:>3}: {elapsed:6.1f} s  {args.items / elapsed:6.1f} items/s  "
                    f"success {stats['success_turn_cnt']} fail {stats['fail_turn_cnt']}"
                )
            if not args.skip_quota:
                limited = create_prompt(account, f"limited_{secrets.token_hex(3)}", model_id=QUOTA_MODEL)
                started = time.monotonic()
                experiment = prompt_experiment(
                    account,
                    f"quota-{secrets.token_hex(3)}",
                    eval_set_id,
                    version_id,
                    limited,
                    [code],
                    item_concur_num=50,
                )
                finished = wait_finished(account, experiment["id"], timeout=1800)
                elapsed = time.monotonic() - started
                stats = finished["expt_stats"]
                print(
                    f"  quota run (qpm 600, concurrency 50): {elapsed:6.1f} s, success {stats['success_turn_cnt']} "
                    f"fail {stats['fail_turn_cnt']}, most target calls in one minute: {quota_peak(stack)}"
                )
        finally:
            stop_stack(stack)


if __name__ == "__main__":
    main()
