"""Dataset import figures through the local stack: a CSV generated here (100,000 rows by default, about 100
bytes each), uploaded with the console's presigned form, imported by the data-jobs worker.

The worker runs as a Lambda would: in a process of its own that handles the queue's messages one at a time
with `functions.data.worker.lambda_handler` (the stack runs with LOOP_WORKERS=off so nothing else takes
them). That process reports its own peak resident memory (`ru_maxrss`) and its RSS right before the first
message (modules imported), so the figure is the worker's alone. A small import runs first: if memory grew
with the file, the large one would peak much higher than the small one.

Run: `.venv/bin/python tests/bench/bench_dataset_import.py [rows]`.
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.accounts import Account, register  # noqa: E402
from tests.support.stack import REPO_ROOT, aws_environment, start_stack, stop_stack  # noqa: E402

WORKER = """
import json, resource, sys, time, uuid
from functions.data.worker import lambda_handler
from shared.aws import sqs_client
from shared.data.repository import DatasetRepository
from shared.queues import queue_url

def rss_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0

class Context:
    function_name = "bench-data-worker"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:bench"
    aws_request_id = str(uuid.uuid4())
    def __init__(self):
        self.deadline = time.monotonic() + 900
    def get_remaining_time_in_millis(self):
        return int((self.deadline - time.monotonic()) * 1000)

job_id, workspace_id = int(sys.argv[1]), int(sys.argv[2])
sqs, url, jobs = sqs_client(), queue_url("data-jobs"), DatasetRepository()
baseline, messages = rss_kb(), 0
while jobs.get_job(workspace_id, job_id).status not in (3, 4):
    for message in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1, MaxNumberOfMessages=1).get("Messages", []):
        event = {"Records": [{"messageId": message["MessageId"], "receiptHandle": message["ReceiptHandle"],
                  "body": message["Body"], "attributes": {}, "messageAttributes": {}, "md5OfBody": "",
                  "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:data-jobs",
                  "awsRegion": "us-east-1"}]}
        lambda_handler(event, Context())
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        messages += 1
print(json.dumps({"baseline_kb": baseline, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "messages": messages}))
"""


def csv_body(rows: int) -> bytes:
    lines = ["question,expected_answer,category"]
    for i in range(rows):
        lines.append(f'"What is {i} plus {i * 3}, in words?","{i + i * 3} (four times {i})",arith-{i % 17}')
    return ("\n".join(lines) + "\n").encode()


def upload(account: Account, name: str, body: bytes) -> str:
    signed = account.client.post(
        "/api/foundation/v1/sign_upload_files",
        json={"workspace_id": account.workspace_id, "keys": [name], "business_type": "data"},
    ).json()
    form = signed["uploads"][0]
    sent = httpx.post(form["url"], data=form["fields"], files={"file": (name, body)}, timeout=300)
    assert sent.status_code in (200, 204), sent.text
    uri: str = signed["uris"][0]
    return uri


def run(stack_moto: str, account: Account, rows: int) -> None:
    body = csv_body(rows)
    dataset = account.client.post(
        "/api/data/v1/datasets",
        json={
            "workspace_id": account.workspace_id,
            "name": f"bench {rows} rows, {time.time_ns()}",
            "fields": [{"name": name, "content_type": 1} for name in ("question", "expected_answer", "category")],
        },
    ).json()["dataset_id"]
    uri = upload(account, f"bench-{rows}.csv", body)
    started = time.monotonic()
    job = account.client.post(
        f"/api/data/v1/datasets/{dataset}/import",
        json={
            "workspace_id": account.workspace_id,
            "file": {"provider": 5, "path": uri},
            "field_mappings": [{"source": n, "target": n} for n in ("question", "expected_answer", "category")],
        },
    ).json()["job_id"]
    worker = subprocess.run(
        [sys.executable, "-c", WORKER, job, account.workspace_id],
        cwd=REPO_ROOT,
        env=aws_environment(stack_moto, POWERTOOLS_LOG_LEVEL="ERROR"),
        capture_output=True,
        text=True,
        timeout=3600,
    )
    elapsed = time.monotonic() - started
    assert worker.returncode == 0, worker.stderr[-3000:]
    figures = json.loads(worker.stdout.splitlines()[-1])
    final = account.client.get(f"/api/data/v1/dataset_io_jobs/{job}", params={"workspace_id": account.workspace_id})
    progress = final.json()["job"]["progress"]
    count = account.client.get(f"/api/data/v1/datasets/{dataset}", params={"workspace_id": account.workspace_id})
    print(
        f"  {rows:>7,} rows ({len(body) / 1e6:5.1f} MB): {elapsed:6.1f} s wall = {rows / elapsed:6,.0f} rows/s; "
        f"added {progress['added']}, item_count {count.json()['dataset']['item_count']}; worker RSS "
        f"{figures['baseline_kb'] / 1024:.0f} MB before the job, peak {figures['peak_kb'] / 1024:.0f} MB "
        f"({figures['messages']} messages)"
    )


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp) / "data", LOOP_WORKERS="off")
        try:
            account = register(stack.base_url)
            print("dataset import (CSV → presigned upload → data-jobs worker → DynamoDB on moto):")
            run(stack.moto_url, account, min(rows, 10_000))
            run(stack.moto_url, account, rows)
        finally:
            stop_stack(stack)


if __name__ == "__main__":
    main()
