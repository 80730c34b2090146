"""The trace-ingest queue's message: one workspace's normalised rows, or the S3 key of a batch too big for SQS.

Ingest answers only after `publish` returns, so an accepted span is durable (in SQS, or in S3 and SQS).
"""

import json
import secrets
from typing import Any

from shared.queues import MAX_MESSAGE_BYTES, send
from shared.traces.store import get_raw_batch, put_raw_batch

QUEUE = "trace-ingest"
VERSION = 1


def publish(workspace_id: str, rows: list[dict[str, Any]]) -> None:
    payload = {"v": VERSION, "workspace_id": workspace_id, "rows": rows}
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    if len(body) * 4 > MAX_MESSAGE_BYTES and len(body.encode()) > MAX_MESSAGE_BYTES:
        key = f"{workspace_id}/{secrets.token_hex(12)}.json.gz"
        put_raw_batch(key, payload)
        body = json.dumps({"v": VERSION, "workspace_id": workspace_id, "s3_key": key})
    send(QUEUE, body)


def read(body: str) -> tuple[str, list[dict[str, Any]]]:
    """(workspace id, rows) of a message; raises ValueError for a message this version cannot read."""
    message = json.loads(body)
    if not isinstance(message, dict) or message.get("v") != VERSION:
        raise ValueError("not a trace-ingest message of version 1")
    if "s3_key" in message:
        message = get_raw_batch(message["s3_key"])
    rows = message["rows"]
    if not isinstance(rows, list):
        raise ValueError("the message's rows are not a list")
    return str(message["workspace_id"]), rows


def raw_key_of(body: str) -> str | None:
    """The S3 side object of a message, deleted once the message's rows are stored."""
    message = json.loads(body)
    key = message.get("s3_key") if isinstance(message, dict) else None
    return key if isinstance(key, str) else None
