"""Keeps DynamoDB items and S3 objects in a directory across restarts (moto keeps them only in memory).

SQS is not snapshotted: moto replays queues wrongly, and every module's reconciler re-enqueues work
that was durable but unfinished.
"""

import base64
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from provision import bucket_name, client

from shared.resources import BUCKETS, TABLES


def _encode(value: Any) -> Any:
    """DynamoDB JSON with binary values base64-encoded, so items survive a JSON round trip."""
    if isinstance(value, bytes | bytearray):
        return {"__b64__": base64.b64encode(value).decode()}
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__b64__"}:
            return base64.b64decode(value["__b64__"])
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(data)
        temp = Path(handle.name)
    os.replace(temp, path)


def dump_tables(directory: Path) -> None:
    dynamodb = client("dynamodb")
    for model in TABLES:
        lines: list[str] = []
        for page in dynamodb.get_paginator("scan").paginate(TableName=model.Meta.table_name):
            lines.extend(json.dumps(_encode(item)) for item in page["Items"])
        _atomic_write(directory / "tables" / f"{model.Meta.logical_name}.jsonl", "\n".join(lines).encode())


def restore_tables(directory: Path) -> int:
    dynamodb = client("dynamodb")
    restored = 0
    for model in TABLES:
        path = directory / "tables" / f"{model.Meta.logical_name}.jsonl"
        if not path.exists():
            continue
        items = [_decode(json.loads(line)) for line in path.read_text().splitlines() if line.strip()]
        for start in range(0, len(items), 25):
            requests = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            pending: dict[str, Any] = {model.Meta.table_name: requests}
            while pending:
                pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        restored += len(items)
    return restored


def _object_path(root: Path, key: str) -> Path:
    # Keys may contain anything; hex keeps them safe as file names and reversible.
    return root / key.encode().hex()


def dump_objects(directory: Path) -> None:
    """Copies new or changed objects only, tracked by ETag in an index written last."""
    s3 = client("s3")
    for bucket in BUCKETS:
        root = directory / "s3" / bucket.name
        index_path = root / "index.json"
        previous: dict[str, str] = json.loads(index_path.read_text()) if index_path.exists() else {}
        current: dict[str, str] = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket_name(bucket.name)):
            for entry in page.get("Contents", []):
                key, etag = entry["Key"], entry["ETag"]
                current[key] = etag
                if previous.get(key) != etag or not _object_path(root, key).exists():
                    body = s3.get_object(Bucket=bucket_name(bucket.name), Key=key)["Body"].read()
                    _atomic_write(_object_path(root, key), body)
        for key in previous.keys() - current.keys():
            _object_path(root, key).unlink(missing_ok=True)
        _atomic_write(index_path, json.dumps(current).encode())


def restore_objects(directory: Path) -> int:
    s3 = client("s3")
    restored = 0
    for bucket in BUCKETS:
        root = directory / "s3" / bucket.name
        index_path = root / "index.json"
        if not index_path.exists():
            continue
        for key in json.loads(index_path.read_text()):
            path = _object_path(root, key)
            if path.exists():
                s3.put_object(Bucket=bucket_name(bucket.name), Key=key, Body=path.read_bytes())
                restored += 1
    return restored


def take_snapshot(data_dir: Path) -> None:
    snapshot = data_dir / "snapshot"
    dump_tables(snapshot)
    dump_objects(snapshot)


def restore_snapshot(data_dir: Path) -> tuple[int, int]:
    snapshot = data_dir / "snapshot"
    if not snapshot.exists():
        return 0, 0
    return restore_tables(snapshot), restore_objects(snapshot)
