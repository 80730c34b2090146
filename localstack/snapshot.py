"""Keeps DynamoDB items and S3 objects in a directory across restarts (moto keeps them only in memory).

Each snapshot is a new generation directory; a `CURRENT` file, replaced atomically, names the complete
one, so a crash or a second Ctrl-C in the middle of a snapshot leaves the previous one intact. Object
bodies are stored once by content hash and shared between generations.

SQS is not snapshotted: moto replays queues wrongly, and every module's reconciler re-enqueues work
that was durable but unfinished.
"""

import base64
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from provision import bucket_name

from shared.aws import dynamodb_client, s3_client
from shared.resources import BUCKETS, TABLES

Index = dict[str, dict[str, dict[str, str]]]  # logical bucket → key → {"etag", "sha256"}


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
        handle.flush()
        os.fsync(handle.fileno())
        temp = Path(handle.name)
    os.replace(temp, path)


def current_generation(root: Path) -> Path | None:
    pointer = root / "CURRENT"
    if not pointer.exists():
        return None
    generation = root / pointer.read_text().strip()
    return generation if generation.is_dir() else None


def _dump_tables(generation: Path) -> None:
    dynamodb = dynamodb_client()
    for model in TABLES:
        lines: list[str] = []
        for page in dynamodb.get_paginator("scan").paginate(TableName=model.Meta.table_name):
            lines.extend(json.dumps(_encode(item)) for item in page["Items"])
        _atomic_write(generation / "tables" / f"{model.Meta.logical_name}.jsonl", "\n".join(lines).encode())


def _dump_objects(root: Path, previous: Index) -> Index:
    """Downloads only objects whose ETag changed since the previous snapshot."""
    s3 = s3_client()
    index: Index = {}
    for bucket in BUCKETS:
        known, current = previous.get(bucket.name, {}), {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket_name(bucket.name)):
            for entry in page.get("Contents", []):
                key, etag = entry["Key"], entry["ETag"]
                seen = known.get(key)
                if seen and seen["etag"] == etag and (root / "blobs" / seen["sha256"]).exists():
                    current[key] = seen
                    continue
                body = s3.get_object(Bucket=bucket_name(bucket.name), Key=key)["Body"].read()
                digest = hashlib.sha256(body).hexdigest()
                if not (root / "blobs" / digest).exists():
                    _atomic_write(root / "blobs" / digest, body)
                current[key] = {"etag": etag, "sha256": digest}
        index[bucket.name] = current
    return index


def _read_index(generation: Path | None) -> Index:
    if generation is None or not (generation / "objects.json").exists():
        return {}
    index: Index = json.loads((generation / "objects.json").read_text())
    return index


def _generation_number(path: Path) -> int:
    return int(path.name.removeprefix("g-"))


def _collect_garbage(root: Path, keep: Path, index: Index) -> None:
    """Removes older generations (complete or half-written) and the blobs only they used."""
    for path in root.glob("g-*"):
        if path.is_dir() and _generation_number(path) < _generation_number(keep):
            shutil.rmtree(path, ignore_errors=True)
    referenced = {entry["sha256"] for objects in index.values() for entry in objects.values()}
    for blob in (root / "blobs").glob("*"):
        if blob.name not in referenced:
            blob.unlink(missing_ok=True)


_one_at_a_time = threading.Lock()


def take_snapshot(data_dir: Path) -> None:
    with _one_at_a_time:
        _take_snapshot(data_dir / "snapshot")


def _take_snapshot(root: Path) -> None:
    previous = current_generation(root)
    generation = root / f"g-{time.time_ns()}"
    _dump_tables(generation)
    index = _dump_objects(root, _read_index(previous))
    _atomic_write(generation / "objects.json", json.dumps(index).encode())
    _atomic_write(root / "CURRENT", generation.name.encode())  # the moment the new snapshot counts
    _collect_garbage(root, generation, index)


def restore_snapshot(data_dir: Path) -> tuple[int, int]:
    """Loads the last complete snapshot; returns how many items and objects it restored."""
    root = data_dir / "snapshot"
    generation = current_generation(root)
    if generation is None:
        return 0, 0
    dynamodb = dynamodb_client()
    items_restored = 0
    for model in TABLES:
        path = generation / "tables" / f"{model.Meta.logical_name}.jsonl"
        if not path.exists():
            continue
        items = [_decode(json.loads(line)) for line in path.read_text().splitlines() if line.strip()]
        for start in range(0, len(items), 25):
            requests = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            pending: dict[str, Any] = {model.Meta.table_name: requests}
            while pending:
                pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        items_restored += len(items)
    s3 = s3_client()
    objects_restored = 0
    for logical, objects in _read_index(generation).items():
        for key, entry in objects.items():
            body = (root / "blobs" / entry["sha256"]).read_bytes()
            s3.put_object(Bucket=bucket_name(logical), Key=key, Body=body)
            objects_restored += 1
    return items_restored, objects_restored
