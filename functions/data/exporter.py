"""The export job: a dataset's draft or one of its versions written to a CSV or JSONL file in the files bucket.

Items are streamed (a version chunk by chunk, the draft page by page) into an S3 multipart upload, so memory
stays bounded whatever the size. The finished job's target file gets a signed download URL when read.

CSV has one column per field (text as is, a file by its uri or url, a multi-part value as JSON); a
multi-turn dataset adds `item_id` and `turn_id` columns and writes one line per turn. JSONL writes one item
per line: `{field name: value}` for a single turn, `{"item_id", "item_key", "turns": [...]}` otherwise.
"""

import json
from collections.abc import Iterator
from typing import Any

from functions.data import sources
from shared.clock import now_ms
from shared.data import snapshots, storage
from shared.data.content import Content, ContentType
from shared.data.entities import Dataset, EvalSetItem, FieldSchema, FileFormat, IOJob, ItemErrorType, JobStatus
from shared.data.models import DatasetIOJobItem
from shared.data.repository import DatasetRepository
from shared.data.rows import RowRepository, load_item
from shared.observability import logger

PROGRESS_EVERY = 1000

datasets = DatasetRepository()
rows = RowRepository()


def cell_value(content: Content | None) -> Any:
    if content is None:
        return None
    kind = content.content_type or ContentType.TEXT
    if kind == ContentType.TEXT:
        return content.text or ""
    if kind == ContentType.MULTI_PART:
        return [part.model_dump(mode="json", exclude_none=True) for part in content.multi_part or []]
    media = content.image or content.audio or content.video
    return (media.uri or media.url) if media else None


def _items(job: IOJob, dataset: Dataset) -> tuple[Iterator[EvalSetItem], list[FieldSchema], int]:
    version_id = (job.source.get("dataset") or {}).get("version_id")
    if version_id:
        version = datasets.get_version(job.workspace_id, int(version_id))
        snapshots.manifest(version)  # raises if it is not readable
        return snapshots.iterate(version.manifest_key), [f for f in version.fields if f.available], version.item_count
    return (load_item(row) for row in rows.rows(dataset, ascending=True)), dataset.available_fields, dataset.item_count


def _lines(items: Iterator[EvalSetItem], fields: list[FieldSchema], fmt: int, multi_turn: bool) -> Iterator[bytes]:
    names = [field.name for field in fields]
    if fmt == FileFormat.CSV:
        yield sources.csv_line((["item_id", "turn_id"] if multi_turn else []) + names)
    for item in items:
        turns = [{cell.key: cell_value(cell.content) for cell in turn.field_data_list} for turn in item.turns]
        if fmt == FileFormat.CSV:
            for turn, values in zip(item.turns, turns, strict=True):
                cells = [_csv_text(values.get(field.key)) for field in fields]
                yield sources.csv_line(([str(item.item_id), str(turn.id)] if multi_turn else []) + cells)
            continue
        if multi_turn:
            record: dict[str, Any] = {
                "item_id": str(item.item_id),
                "item_key": item.item_key,
                "turns": [
                    {"id": str(turn.id), **{f.name: v.get(f.key) for f in fields if f.key in v}}
                    for turn, v in zip(item.turns, turns, strict=True)
                ],
            }
        else:
            values = turns[0] if turns else {}
            record = {field.name: values[field.key] for field in fields if field.key in values}
        yield (json.dumps(record, ensure_ascii=False) + "\n").encode()


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def run(job_id: int) -> bool:
    item = datasets.job_item(job_id)
    if item is None:
        return True
    job = datasets.to_job(item)
    if job.status in (JobStatus.COMPLETED, JobStatus.FAILED):
        return True
    from functions.data.importer import fail

    dataset = datasets.find(job.dataset_id)
    if dataset is None or dataset.deleted:
        fail(job_id, ItemErrorType.INTERNAL_ERROR, "the dataset was deleted before the export ran")
        return True
    target = job.target.get("file") or {}
    now = now_ms()
    DatasetIOJobItem(job_id).update(
        actions=[
            DatasetIOJobItem.status.set(int(JobStatus.RUNNING)),
            DatasetIOJobItem.started_at.set(now),
            DatasetIOJobItem.updated_at.set(now),
        ]
    )
    items, fields, total = _items(job, dataset)
    fmt = int(target.get("format") or FileFormat.CSV)
    writer = storage.MultipartWriter(target["path"], "text/csv" if fmt == FileFormat.CSV else "application/x-ndjson")
    exported = 0

    def counted(source: Iterator[EvalSetItem]) -> Iterator[EvalSetItem]:
        nonlocal exported
        for found in source:
            exported += 1
            if exported % PROGRESS_EVERY == 0:
                DatasetIOJobItem(job_id).update(
                    actions=[DatasetIOJobItem.processed.set(exported), DatasetIOJobItem.updated_at.set(now_ms())]
                )
            yield found

    try:
        for line in _lines(counted(items), fields, fmt, dataset.features.repeated_data):
            writer.write(line)
        writer.close()
    except Exception:
        writer.abort()
        raise
    done = now_ms()
    DatasetIOJobItem(job_id).update(
        actions=[
            DatasetIOJobItem.status.set(int(JobStatus.COMPLETED)),
            DatasetIOJobItem.total.set(max(total, exported)),
            DatasetIOJobItem.processed.set(exported),
            DatasetIOJobItem.added.set(exported),
            DatasetIOJobItem.ended_at.set(done),
            DatasetIOJobItem.updated_at.set(done),
        ]
    )
    logger.info("export finished", extra={"job_id": job_id, "items": exported, "bytes": writer.size})
    return True
