"""Compaction merges a partition's files without losing or duplicating a span, even when it dies halfway.

The job runs in a process of its own against the stack's moto, as the scheduled Lambda would; the
crash is a real process exit between writing the merged file and deleting the old ones.
"""

import json
import secrets
import subprocess
import sys
import time
from typing import Any

import httpx

from tests.support.accounts import Account, bearer, create_token
from tests.support.stack import REPO_ROOT, RunningStack, aws_environment, run_job

BATCHES = 4
SPANS_PER_BATCH = 25
CRASH_AFTER_WRITE = """
import sys
from shared.clock import now_ms
from shared.traces import compaction, store

def die(keys):
    sys.exit(9)  # the process ends after the merged file is written, before any old file is deleted

compaction.delete_keys = die
now = now_ms() * 1000
files = store.list_files(sys.argv[1], now - 3_600_000_000, now)
compaction.compact_partition(files[0].partition, [f for f in files if f.partition == files[0].partition], now)
"""


def _batch(workspace_id: str, trace_id: str) -> dict[str, Any]:
    now = int(time.time() * 1e6)
    return {
        "spans": [
            {
                "started_at_micros": now,
                "span_id": secrets.token_hex(8),
                "parent_id": "0",
                "trace_id": trace_id,
                "duration_micros": 10,
                "workspace_id": workspace_id,
                "span_name": "step",
                "span_type": "custom",
                "status_code": 0,
                "input": "x",
                "output": "y",
            }
            for _ in range(SPANS_PER_BATCH)
        ]
    }


def _spans(account: Account) -> list[tuple[str, str]]:
    now = int(time.time() * 1000)
    body = {
        "workspace_id": account.workspace_id,
        "start_time": now - 3_600_000,
        "end_time": now + 60_000,
        "span_list_type": "all_span",
        "page_size": 1000,
    }
    response = account.client.post("/api/observability/v1/spans/list", json=body)
    assert response.status_code == 200, response.text
    return [(span["trace_id"], span["span_id"]) for span in response.json()["spans"]]


def _files(stack: RunningStack, workspace_id: str) -> list[str]:
    listing = stack.boto3_client("s3").list_objects_v2(
        Bucket="loop-dev-traces", Prefix=f"spans/workspace_id={workspace_id}/"
    )
    return [entry["Key"].rsplit("/", 1)[1] for entry in listing.get("Contents", [])]


def test_a_crashed_compaction_neither_loses_nor_duplicates_spans(stack: RunningStack, account: Account) -> None:
    token = create_token(account)
    trace_id = secrets.token_hex(16)
    for sent in range(1, BATCHES + 1):  # one writer file per batch: wait for each before the next
        response = httpx.post(
            f"{stack.base_url}/v1/loop/traces/ingest",
            content=json.dumps(_batch(account.workspace_id, trace_id)),
            headers=bearer(token) | {"content-type": "application/json"},
        )
        assert response.json()["code"] == 0, response.text
        deadline = time.monotonic() + 15
        while len(_spans(account)) < sent * SPANS_PER_BATCH:
            assert time.monotonic() < deadline, "spans did not become visible"
            time.sleep(0.1)
    before = sorted(_spans(account))
    assert len(before) == len(set(before)) == BATCHES * SPANS_PER_BATCH
    assert len(_files(stack, account.workspace_id)) == BATCHES

    crashed = subprocess.run(
        [sys.executable, "-c", CRASH_AFTER_WRITE, account.workspace_id],
        cwd=REPO_ROOT,
        env=aws_environment(stack.moto_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert crashed.returncode == 9, crashed.stderr
    files = _files(stack, account.workspace_id)
    assert len(files) == BATCHES + 1 and sum(name.startswith("c-") for name in files) == 1
    assert sorted(_spans(account)) == before  # every span once, though two files hold each

    run_job(stack.moto_url, "compact", LOOP_COMPACTION_MIN_FILES="2")
    files = _files(stack, account.workspace_id)
    assert len(files) == 1 and files[0].startswith("c-")
    assert sorted(_spans(account)) == before
    trace = account.client.get(
        f"/api/observability/v1/traces/{trace_id}", params={"workspace_id": account.workspace_id}
    ).json()
    assert len(trace["spans"]) == BATCHES * SPANS_PER_BATCH


def test_retention_deletes_only_partitions_past_the_workspace_ttl(stack: RunningStack, account: Account) -> None:
    token = create_token(account)
    response = httpx.post(
        f"{stack.base_url}/v1/loop/traces/ingest",
        content=json.dumps(_batch(account.workspace_id, secrets.token_hex(16))),
        headers=bearer(token) | {"content-type": "application/json"},
    )
    assert response.json()["code"] == 0
    deadline = time.monotonic() + 15
    while not _files(stack, account.workspace_id):
        assert time.monotonic() < deadline, "the writer stored nothing"
        time.sleep(0.1)
    settings = account.client.put(
        "/api/observability/v1/trace_settings", json={"workspace_id": account.workspace_id, "ttl_days": 3}
    )
    assert settings.status_code == 200 and settings.json()["ttl_days"] == 3
    s3 = stack.boto3_client("s3")
    prefix = f"spans/workspace_id={account.workspace_id}/"
    current = s3.list_objects_v2(Bucket="loop-dev-traces", Prefix=prefix)["Contents"][0]["Key"]
    # Partitions of 5 and of 2 days ago, copies of the current file (ingest refuses spans that old).
    for days, name in ((5, "expired"), (2, "kept")):
        moment = time.gmtime(time.time() - days * 86_400)
        key = f"{prefix}date={time.strftime('%Y-%m-%d', moment)}/hour={time.strftime('%H', moment)}/{name}.parquet"
        s3.copy_object(Bucket="loop-dev-traces", CopySource={"Bucket": "loop-dev-traces", "Key": current}, Key=key)

    run_job(stack.moto_url, "retention")
    remaining = _files(stack, account.workspace_id)
    assert "expired.parquet" not in remaining
    assert "kept.parquet" in remaining and current.rsplit("/", 1)[1] in remaining
