"""Version snapshots: the draft's items copied to S3 as gzip JSONL chunks plus a manifest.

`versions/<version_id>/chunk-00000.jsonl.gz` holds up to `data_snapshot_chunk_items` items in item order and
`manifest.json` lists the chunks with their counts and first/last item ids, so a page of a version or an
item by id reads one chunk, never the whole version.

While a snapshot runs, the version holds the draft's write lock (renewed with every chunk). If the lock was
lost (its worker stalled past the lock's life and the draft was written meanwhile) the version is marked
Failed instead of capturing a mix of two drafts. A run that nears its time limit stores its cursor and the
chunks so far on the version row and is continued by another invocation.
"""

import gzip
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

from shared.clock import now_ms
from shared.data import storage
from shared.data.entities import Dataset, DatasetVersion, EvalSetItem, SnapshotStatus
from shared.data.models import DatasetVersionIdItem, DatasetVersionItem
from shared.data.repository import DatasetRepository
from shared.data.rows import RowRepository, load_item
from shared.errors import InvalidInput
from shared.observability import logger

datasets = DatasetRepository()
rows = RowRepository()
MANIFEST = "manifest.json"


def _chunk_key(prefix: str, number: int) -> str:
    return f"{prefix}chunk-{number:05d}.jsonl.gz"


def _write_chunk(key: str, items: list[EvalSetItem]) -> None:
    lines = "".join(item.model_dump_json(exclude_none=True) + "\n" for item in items)
    storage.put_bytes(key, gzip.compress(lines.encode(), compresslevel=5), "application/gzip")


def read_chunk(key: str) -> list[EvalSetItem]:
    text = gzip.decompress(storage.get_bytes(key)).decode()
    return [EvalSetItem.model_validate_json(line) for line in text.splitlines() if line]


def _fail(item: DatasetVersionItem, reason: str) -> None:
    logger.warning("snapshot failed", extra={"version_id": item.version_id, "reason": reason})
    datasets.finish_snapshot(item, status=SnapshotStatus.FAILED, error=reason, count=0)


def run(version_id: int, *, out_of_time: Callable[[], bool] = lambda: False) -> bool:
    """Takes (or continues) the snapshot of a version. True when it is finished, False to be continued."""
    try:
        index = DatasetVersionIdItem.get(version_id)
        item = DatasetVersionItem.get(index.dataset_id, index.version_num, consistent_read=True)
    except (DatasetVersionIdItem.DoesNotExist, DatasetVersionItem.DoesNotExist):
        logger.warning("snapshot of an unknown version", extra={"version_id": version_id})
        return True
    if item.snapshot_status != SnapshotStatus.IN_PROGRESS:
        return True  # a redelivered message of a finished snapshot
    dataset = datasets.find(item.dataset_id)
    if dataset is None or dataset.deleted:
        _fail(item, "the dataset was deleted before its snapshot was taken")
        return True
    if (dataset.snapshot_lock, dataset.draft_rev, dataset.generation) != (version_id, item.draft_rev, item.generation):
        _fail(item, "the draft changed while the snapshot was stalled; create the version again")
        return True
    if not item.cursor and dataset.write_lease_until >= now_ms():
        # Writes that began before the lock may still be landing; their leases end within seconds.
        time.sleep((dataset.write_lease_until - now_ms()) / 1000 + 0.05)
    settings = storage.settings()
    prefix = storage.version_prefix(dataset.workspace_id, dataset.dataset_id, version_id)
    chunks: list[dict[str, Any]] = json.loads(item.chunks)
    buffer: list[EvalSetItem] = []
    last_key = item.cursor

    def flush() -> bool:
        nonlocal buffer
        key = _chunk_key(prefix, len(chunks))
        _write_chunk(key, buffer)
        chunks.append({"key": key, "count": len(buffer), "first": buffer[0].item_id, "last": buffer[-1].item_id})
        datasets.save_snapshot_progress(item, chunks, last_key)
        buffer = []
        lock_until = now_ms() + settings.data_snapshot_lock_s * 1000
        return datasets.renew_lock(dataset.dataset_id, version_id, item.draft_rev, lock_until)

    for row in rows.rows(dataset, ascending=True, after=item.cursor or None):
        buffer.append(load_item(row))
        last_key = row.row_key
        if len(buffer) >= settings.data_snapshot_chunk_items:
            if not flush():
                _fail(item, "the snapshot lost its lock on the draft; create the version again")
                return True
            if out_of_time():
                return False
    if buffer and not flush():
        _fail(item, "the snapshot lost its lock on the draft; create the version again")
        return True
    count = sum(chunk["count"] for chunk in chunks)
    manifest = {
        "version_id": version_id,
        "dataset_id": dataset.dataset_id,
        "item_count": count,
        "chunk_items": settings.data_snapshot_chunk_items,
        "chunks": chunks,
    }
    manifest_key = prefix + MANIFEST
    storage.put_bytes(manifest_key, json.dumps(manifest).encode(), "application/json")
    datasets.finish_snapshot(item, status=SnapshotStatus.COMPLETED, manifest_key=manifest_key, count=count)
    return True


# --- reading -------------------------------------------------------------------------------------------------


def manifest(version: DatasetVersion) -> dict[str, Any]:
    if version.snapshot_status != SnapshotStatus.COMPLETED or not version.manifest_key:
        status = SnapshotStatus(version.snapshot_status).name.replace("_", " ").title().replace(" ", "")
        hint = (
            "wait until its snapshot_status is Completed"
            if version.snapshot_status == SnapshotStatus.IN_PROGRESS
            else "create the version again"
        )
        raise InvalidInput(f"version {version.version} has no items to read yet (snapshot {status}); {hint}")
    loaded: dict[str, Any] = json.loads(storage.get_bytes(version.manifest_key))
    return loaded


def page(version: DatasetVersion, offset: int, limit: int, *, ascending: bool = True) -> list[EvalSetItem]:
    """Items [offset, offset+limit) of the version in item order (or from the newest when not ascending)."""
    chunks = manifest(version)["chunks"]
    total = sum(chunk["count"] for chunk in chunks)
    if offset >= total or limit <= 0:
        return []
    if not ascending:  # the same window counted from the end, read forwards and reversed
        end = total - offset
        start = max(0, end - limit)
        return list(reversed(_window(chunks, start, end)))
    return _window(chunks, offset, min(total, offset + limit))


def _window(chunks: list[dict[str, Any]], start: int, end: int) -> list[EvalSetItem]:
    found: list[EvalSetItem] = []
    position = 0
    for chunk in chunks:
        chunk_end = position + chunk["count"]
        if chunk_end > start and position < end:
            items = read_chunk(chunk["key"])
            found += items[max(0, start - position) : end - position]
        if chunk_end >= end:
            break
        position = chunk_end
    return found


def by_ids(version: DatasetVersion, item_ids: list[int]) -> list[EvalSetItem]:
    """The version's items with these ids, in the order asked for; each chunk is read at most once."""
    chunks = manifest(version)["chunks"]
    wanted = set(item_ids)
    found: dict[int, EvalSetItem] = {}
    for chunk in chunks:
        if any(chunk["first"] <= item_id <= chunk["last"] for item_id in wanted):
            for item in read_chunk(chunk["key"]):
                if item.item_id in wanted:
                    found[item.item_id] = item
    return [found[item_id] for item_id in dict.fromkeys(item_ids) if item_id in found]


def iterate(manifest_key: str) -> Iterator[EvalSetItem]:
    """Every item of a version, chunk by chunk (one chunk in memory at a time)."""
    loaded = json.loads(storage.get_bytes(manifest_key))
    for chunk in loaded["chunks"]:
        yield from read_chunk(chunk["key"])


def dataset_of(version: DatasetVersion) -> Dataset:
    return datasets.get(version.workspace_id, version.dataset_id, with_deleted=True)
