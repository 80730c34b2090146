"""Prompt figures through the local stack, warm, over loopback:

- SDK `get_prompt` as the wire sees it: `POST /v1/loop/prompts/mget` with a PAT, one query, no SDK-side
  cache (the SDK would answer a repeat from its cache without any request), n=1000;
- time to first token of `POST /v1/loop/prompts/execute_streaming` with the fake model (which answers at
  once, so this is what the platform adds): request sent → first `event: data` frame read, n=200;
- for comparison, `execute` (whole answer), n=200.
"""

import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.accounts import bearer, create_token, register  # noqa: E402
from tests.support.stack import start_stack, stop_stack  # noqa: E402

WARMUP = 30


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(name: str, samples: list[float]) -> None:
    print(
        f"  {name:<44} n={len(samples):<5} p50 {percentile(samples, 0.5):6.1f} ms  "
        f"p99 {percentile(samples, 0.99):6.1f} ms  mean {statistics.mean(samples):6.1f} ms"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp) / "data")
        try:
            account = register(stack.base_url)
            key = f"bench.{secrets.token_hex(3)}"
            detail = {
                "prompt_template": {
                    "messages": [{"role": "user", "content": "Question: {{question}}"}],
                    "variable_defs": [{"key": "question", "desc": "", "type": "string"}],
                },
                "model_config": {"model_id": "1"},
            }
            created = account.client.post(
                "/api/prompt/v1/prompts",
                json={
                    "workspace_id": account.workspace_id,
                    "prompt_name": key,
                    "prompt_key": key,
                    "draft_detail": detail,
                },
            ).json()["prompt_id"]
            account.client.post(f"/api/prompt/v1/prompts/{created}/drafts/commit", json={"commit_version": "1.0.0"})
            sdk = httpx.Client(base_url=stack.base_url, headers=bearer(create_token(account)), timeout=10)
            mget_body = {
                "workspace_id": account.workspace_id,
                "queries": [{"prompt_key": key, "version": "", "label": ""}],
            }
            run_body = {
                "workspace_id": account.workspace_id,
                "prompt_identifier": {"prompt_key": key},
                "variable_vals": [{"key": "question", "value": "how fast is the first token?"}],
            }

            def mget() -> None:
                response = sdk.post("/v1/loop/prompts/mget", json=mget_body)
                assert response.json()["code"] == 0, response.text

            def first_token() -> float:
                started = time.perf_counter()
                with sdk.stream("POST", "/v1/loop/prompts/execute_streaming", json=run_body) as response:
                    lines = response.iter_lines()
                    for line in lines:
                        if line.startswith("data: "):
                            elapsed = (time.perf_counter() - started) * 1000
                            break
                    for _ in lines:  # drain, so the connection is reused
                        pass
                return elapsed

            def execute() -> None:
                response = sdk.post("/v1/loop/prompts/execute", json=run_body)
                assert response.json()["code"] == 0, response.text

            print("prompt routes through the local stack (moto DynamoDB, warm, loopback)")
            for _ in range(WARMUP):
                mget()
                first_token()
            report("mget (SDK get_prompt, no SDK cache)", timed(mget, 1000))
            report("execute_streaming: time to first token", [first_token() for _ in range(200)])
            report("execute (whole answer)", timed(execute, 200))
        finally:
            stop_stack(stack)


def timed(call: "callable[[], None]", count: int) -> list[float]:  # type: ignore[valid-type]
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


if __name__ == "__main__":
    main()
