"""Trace ingest figures through the local stack (moto, loopback, the writer running in the same stack):

- throughput: CLIENTS threads post SDK-shaped batches of 100 spans (the 21 keys, a model span's
  payload size) to `/v1/loop/traces/ingest` for DURATION_S; accepted spans per second;
- ingest-to-visible delay: one trace sent with the real SDK (flush), then `/spans/list` polled every
  20 ms until it shows; n=50, sent one by one after the throughput run has drained.

Run: `.venv/bin/python tests/bench/bench_trace_ingest.py [clients] [seconds]`.
"""

import json
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.bench_prompt import percentile  # noqa: E402
from tests.support.accounts import Account, bearer, create_token, register  # noqa: E402
from tests.support.stack import start_stack, stop_stack  # noqa: E402

BATCH = 100


def sdk_batch(workspace_id: str) -> bytes:
    """One SDK export: a trace of 100 spans, children before the root as the SDK's finish order has it."""
    now = int(time.time() * 1e6)
    trace_id = secrets.token_hex(16)
    root_id = secrets.token_hex(8)
    spans = []
    for index in range(BATCH):
        root = index == BATCH - 1
        spans.append(
            {
                "started_at_micros": now + index,
                "log_id": "",
                "span_id": root_id if root else secrets.token_hex(8),
                "parent_id": "0" if root else root_id,
                "trace_id": trace_id,
                "duration_micros": 1500,
                "service_name": "bench",
                "workspace_id": workspace_id,
                "span_name": "llm_call",
                "span_type": "model",
                "status_code": 0,
                "input": json.dumps({"messages": [{"role": "user", "content": "What is the weather in Paris? " * 4}]}),
                "output": json.dumps(
                    {"choices": [{"index": 0, "message": {"role": "assistant", "content": "Sunny."}}]}
                ),
                "object_storage": "",
                "system_tags_string": {
                    "runtime": '{"language":"python","scene":"custom","loop_sdk_version":"v0.1.28"}'
                },
                "system_tags_long": {},
                "system_tags_double": {},
                "tags_string": {"model_provider": "openai", "model_name": "gpt-4o-mini", "tenant": "acme"},
                "tags_long": {"input_tokens": 11, "output_tokens": 3, "tokens": 14},
                "tags_double": {},
                "tags_bool": {},
            }
        )
    return json.dumps({"spans": spans}).encode()


def throughput(base_url: str, token: str, workspace_id: str, clients: int, duration_s: float) -> None:
    bodies = [sdk_batch(workspace_id) for _ in range(200)]
    accepted = [0] * clients
    errors: list[str] = []
    stop_at = time.monotonic() + duration_s

    def run(slot: int) -> None:
        with httpx.Client(base_url=base_url, headers=bearer(token) | {"content-type": "application/json"}) as http:
            turn = slot
            while time.monotonic() < stop_at:
                response = http.post("/v1/loop/traces/ingest", content=bodies[turn % len(bodies)], timeout=30)
                if response.status_code != 200 or response.json()["code"] != 0:
                    errors.append(response.text[:200])
                    return
                accepted[slot] += BATCH
                turn += clients

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    total = sum(accepted)
    print(f"  ingest throughput: {total} spans in {elapsed:.1f} s = {total / elapsed:,.0f} spans/s ({clients} clients)")
    if errors:
        print(f"  errors: {errors[:3]}")


def visible_delay(account: Account, token: str, samples: int) -> None:
    import cozeloop

    client = cozeloop.new_client(
        api_base_url=str(account.client.base_url), workspace_id=account.workspace_id, api_token=token
    )
    delays: list[float] = []
    for _ in range(samples):
        with client.start_span("visible", "custom") as span:
            span.set_input("hello")
        sent = time.monotonic()
        client.flush()
        body = {
            "workspace_id": account.workspace_id,
            "start_time": int(time.time() * 1000) - 60_000,
            "end_time": int(time.time() * 1000) + 60_000,
            "span_list_type": "all_span",
            "page_size": 1,
            "filters": {"filter_fields": [{"field_name": "trace_id", "values": [span.trace_id], "query_type": "eq"}]},
        }
        while not account.client.post("/api/observability/v1/spans/list", json=body).json()["spans"]:
            time.sleep(0.02)
        delays.append((time.monotonic() - sent) * 1000)
    client.close()
    print(
        f"  ingest-to-visible: n={len(delays)} p50 {percentile(delays, 0.5):.0f} ms  "
        f"p95 {percentile(delays, 0.95):.0f} ms  max {max(delays):.0f} ms"
    )


def main() -> None:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    duration_s = float(sys.argv[2]) if len(sys.argv) > 2 else 20
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp) / "data")
        try:
            account = register(stack.base_url)
            token = create_token(account)
            httpx.post(
                f"{stack.base_url}/v1/loop/traces/ingest",
                content=sdk_batch(account.workspace_id),
                headers=bearer(token) | {"content-type": "application/json"},
            )  # warm
            print("trace ingest through the local stack:")
            throughput(stack.base_url, token, account.workspace_id, clients, duration_s)
            time.sleep(5)  # let the writer drain before measuring the delay
            visible_delay(account, token, 50)
        finally:
            stop_stack(stack)


if __name__ == "__main__":
    main()
