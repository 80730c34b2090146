"""The import job: streams an uploaded file into a dataset's draft in batches, resumably.

Each batch of rows is written in one DynamoDB transaction together with the job's checkpoint (file
position, counts, errors), so a redelivered or continued job resumes exactly after the last committed
batch: no row is written twice and none is skipped. Rows that do not fit the schema (or the file format)
become errors grouped by type, with their row numbers; problems with the whole file fail the job with a
message. The job always ends Completed or Failed.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pynamodb.expressions.update import Action

from functions.data import sources
from functions.data.common import IOFileDTO
from shared.clock import now_ms
from shared.data import storage
from shared.data.content import Content, ContentType
from shared.data.entities import (
    Dataset,
    EvalSetItem,
    FieldData,
    FieldSchema,
    FileFormat,
    IOJob,
    ItemErrorType,
    JobStatus,
    Turn,
)
from shared.data.items import purge_later
from shared.data.models import DatasetIOJobItem
from shared.data.repository import DatasetRepository
from shared.data.rows import Also, CapacityExceeded, DraftLocked, RowRepository, build_row
from shared.data.validation import ErrorCollector, ItemChecker
from shared.errors import Conflict, InvalidInput, LoopError, NotFound
from shared.ids import new_id
from shared.observability import logger

IMPORT_ERROR_DETAILS = 10  # upstream keeps 10 details per error type for an import
SAVE_EVERY_ROWS = 500  # a checkpoint at least this often, even when no row is valid
LOCK_WAIT_S = 60
MAX_FAILURES = 3

datasets = DatasetRepository()
rows = RowRepository()


class JobFailed(Exception):
    def __init__(self, error_type: ItemErrorType, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message


@dataclass
class Progress:
    """Where the import is. Rows read since the last checkpoint form the pending batch: its valid items
    and the position it started at."""

    job: IOJob
    step: int
    position: sources.Position
    errors: ErrorCollector
    processed: int = 0
    added: int = 0
    batch_start: sources.Position = field(default_factory=sources.Position)
    batch_items: list[EvalSetItem] = field(default_factory=list)
    batch_rows: int = 0

    def checkpoint(self, ids: list[int]) -> dict[str, object]:
        """The job's checkpoint after this batch; `in_flight` lets a resumed run write the batch's rows again
        (same ids, same content) if this run stops between counting them and writing them."""
        in_flight = None
        if ids:
            in_flight = {"from": self.batch_start.dump(), "to": self.position.dump(), "ids": [str(i) for i in ids]}
        return {**self.job.checkpoint, "position": self.position.dump(), "in_flight": in_flight}

    def actions(self, now: int, added: int, checkpoint: dict[str, object]) -> list[Action]:
        return [
            DatasetIOJobItem.processed.set(self.processed),
            DatasetIOJobItem.added.set(self.added + added),
            DatasetIOJobItem.errors.set(json.dumps([g.model_dump(exclude_none=True) for g in self.errors.result()])),
            DatasetIOJobItem.checkpoint.set(json.dumps(checkpoint)),
            DatasetIOJobItem.step.add(1),
            DatasetIOJobItem.updated_at.set(now),
        ]


def _update_job(job_id: int, actions: list[Action], step: int) -> None:
    DatasetIOJobItem(job_id).update(actions=actions, condition=DatasetIOJobItem.step == step)


def fail(job_id: int, error_type: ItemErrorType, message: str) -> None:
    """Ends the job as Failed; the row errors found so far stay, the reason is added as its own group."""
    now = now_ms()
    item = datasets.job_item(job_id)
    errors = [group for group in json.loads(item.errors) if group.get("type") != int(error_type)] if item else []
    group = {
        "type": int(error_type),
        "summary": "the import failed",
        "error_count": 1,
        "details": [{"message": message}],
    }
    DatasetIOJobItem(job_id).update(
        actions=[
            DatasetIOJobItem.status.set(int(JobStatus.FAILED)),
            DatasetIOJobItem.errors.set(json.dumps([*errors, group])),
            DatasetIOJobItem.ended_at.set(now),
            DatasetIOJobItem.updated_at.set(now),
            DatasetIOJobItem.step.add(1),
        ]
    )
    logger.info("import failed", extra={"job_id": job_id, "reason": message})


class Mapper:
    """Turns a file row into an item of one turn through the job's field mappings."""

    def __init__(self, dataset: Dataset, job: IOJob) -> None:
        by_name = {f.name: f for f in dataset.available_fields}
        by_key = {f.key: f for f in dataset.available_fields}
        self.targets: list[tuple[str, FieldSchema]] = []
        for mapping in job.field_mappings:
            target = by_key.get(mapping.target) or by_name.get(mapping.target)
            if target is None:
                names = ", ".join(by_name)
                raise JobFailed(
                    ItemErrorType.MISMATCH_SCHEMA,
                    f"field_mappings target {mapping.target!r} is no longer a field of the dataset (fields: {names})",
                )
            self.targets.append((mapping.source, target))
        self.workspace_id = dataset.workspace_id

    def turns(self, values: dict[str, object]) -> list[Turn]:
        cells = []
        for source, target in self.targets:
            value = sources.pick(values, source)
            content = self._content(target, value)
            if content is not None:
                cells.append(FieldData(key=target.key, name=target.name, content=content))
        return [Turn(id=0, field_data_list=cells)]

    def _content(self, target: FieldSchema, value: object) -> Content | None:
        if value is None or value == "":
            return None
        kind = target.content_type
        if kind == ContentType.TEXT:
            return Content(content_type=kind, text=sources.as_text(value))
        if kind == ContentType.MULTI_PART:
            parts = value if isinstance(value, list) else _json_list(value)
            return Content(content_type=kind, multi_part=[Content.model_validate(part) for part in parts or []])
        text = sources.as_text(value) or ""
        media = {"url": text} if text.startswith(("http://", "https://")) else {"uri": text}
        return Content.model_validate({"content_type": kind, kind.value.lower(): media})


def _json_list(value: object) -> list[object] | None:
    try:
        parsed = json.loads(str(value))
    except ValueError:
        return [{"content_type": "Text", "text": str(value)}]
    return parsed if isinstance(parsed, list) else [parsed]


def _start(job_item: DatasetIOJobItem, job: IOJob, key: str, fmt: FileFormat, dataset: Dataset) -> int:
    """Marks the job running with the file's row count (first delivery only); returns the job's step."""
    if job.status != JobStatus.PENDING:
        return int(job_item.step)
    wanted = [m.source for m in job.field_mappings]
    if fmt == FileFormat.CSV:
        sources.check_sources(sources.csv_header(key), wanted)
    elif fmt == FileFormat.PARQUET:
        sources.check_sources(sources.parquet_columns(key), wanted, "Parquet file")
    total = sources.count(key, fmt, dataset.spec.max_item_size)
    now = now_ms()
    _update_job(
        job.job_id,
        [
            DatasetIOJobItem.status.set(int(JobStatus.RUNNING)),
            DatasetIOJobItem.started_at.set(now),
            DatasetIOJobItem.total.set(total),
            DatasetIOJobItem.updated_at.set(now),
            DatasetIOJobItem.step.add(1),
        ],
        job_item.step,
    )
    return int(job_item.step) + 1


def _overwrite(dataset: Dataset, job: IOJob, step: int, user: str) -> tuple[Dataset, int]:
    """Clears the dataset once per job (the clear and the note that it happened are one transaction)."""
    if not job.option.get("overwrite_dataset") or job.checkpoint.get("cleared"):
        return dataset, step
    checkpoint = {**job.checkpoint, "cleared": True}
    also = Also(
        DatasetIOJobItem(job.job_id),
        [DatasetIOJobItem.checkpoint.set(json.dumps(checkpoint)), DatasetIOJobItem.step.add(1)],
        DatasetIOJobItem.step == step,
    )
    rows.begin(dataset, user=user, clear=True, also=also)
    job.checkpoint = checkpoint
    purge_later(dataset)
    return datasets.get(dataset.workspace_id, dataset.dataset_id), step + 1


def run(job_id: int, out_of_time: Callable[[], bool]) -> bool:
    """Runs (or resumes) an import; True when the job is finished, False to continue in a new invocation."""
    job_item = datasets.job_item(job_id)
    if job_item is None:
        logger.warning("import of an unknown job", extra={"job_id": job_id})
        return True
    job = datasets.to_job(job_item)
    if job.status in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED):
        return True
    try:
        dataset = datasets.find(job.dataset_id)
        if dataset is None or dataset.deleted:
            raise JobFailed(ItemErrorType.INTERNAL_ERROR, "the dataset was deleted before the import finished")
        file = IOFileDTO.model_validate(job.source.get("file") or {})
        key = sources.object_key(job.workspace_id, file)
        fmt = sources.file_format(file)
        if storage.object_size(key) is None:
            raise JobFailed(ItemErrorType.RW_FILE_FAILED, f"the uploaded file {key!r} is gone; upload it again")
        step = _start(job_item, job, key, fmt, dataset)
        dataset, step = _overwrite(dataset, job, step, job.created_by)
        mapper = Mapper(dataset, job)
        return _rows(job, dataset, key, fmt, step, mapper, out_of_time)
    except JobFailed as failure:
        fail(job_id, failure.error_type, failure.message)
        return True
    except sources.FileError as failure:
        fail(job_id, ItemErrorType.MALFORMED_FILE, str(failure))
        return True
    except DraftLocked:
        return False  # a version snapshot holds the draft; the next invocation resumes from the checkpoint
    except NotFound:
        fail(job_id, ItemErrorType.INTERNAL_ERROR, "the dataset was deleted while the import ran")
        return True
    except (InvalidInput, CapacityExceeded) as failure:
        fail(job_id, ItemErrorType.MISMATCH_SCHEMA, failure.message)
        return True


def _replay(job: IOJob, dataset: Dataset, key: str, fmt: FileFormat, mapper: Mapper, checker: ItemChecker) -> None:
    """Writes the last counted batch's rows again, with the ids it was counted with (a no-op if they landed)."""
    in_flight = job.checkpoint.get("in_flight")
    if not in_flight:
        return
    ids = [int(item_id) for item_id in in_flight["ids"]]
    last = sources.Position.load(in_flight["to"]).rows
    items: list[EvalSetItem] = []
    for row in sources.rows(key, fmt, sources.Position.load(in_flight["from"]), max_field=dataset.spec.max_item_size):
        if row.number > last or len(items) == len(ids):
            break
        if row.values is None:
            continue
        turns, problem = checker.check(mapper.turns(row.values))
        if problem is None:
            items.append(_item(ids[len(items)], turns, job))
    rows.put_new([build_row(dataset, item) for item in items])
    rows.adjust_count(dataset.dataset_id, len(items) - len(ids))  # fewer only if the schema changed meanwhile


def _item(item_id: int, turns: list[Turn], job: IOJob) -> EvalSetItem:
    now = now_ms()
    return EvalSetItem(
        item_id=item_id,
        turns=turns,
        created_by=job.created_by,
        created_at=now,
        updated_by=job.created_by,
        updated_at=now,
    )


def _rows(
    job: IOJob,
    dataset: Dataset,
    key: str,
    fmt: FileFormat,
    step: int,
    mapper: Mapper,
    out_of_time: Callable[[], bool],
) -> bool:
    checker = ItemChecker(dataset)
    _replay(job, dataset, key, fmt, mapper, checker)
    start = sources.Position.load(job.checkpoint.get("position"))
    progress = Progress(
        job=job,
        step=step,
        position=start,
        errors=ErrorCollector(IMPORT_ERROR_DETAILS, job.errors),
        processed=job.progress.processed,
        added=job.progress.added,
        batch_start=start,
    )
    room = dataset.spec.max_item_count - dataset.item_count
    settings = storage.settings()
    for row in sources.rows(key, fmt, start, max_field=dataset.spec.max_item_size):
        progress.processed += 1
        progress.batch_rows += 1
        progress.position = row.after
        if row.error is not None:
            progress.errors.add(ItemErrorType.MALFORMED_FILE, row.error, index=row.number)
        else:
            assert row.values is not None
            turns, problem = checker.check(mapper.turns(row.values))
            if problem is not None:
                progress.errors.add(problem.kind, f"row {row.number}: {problem.message}", index=row.number)
            elif room <= len(progress.batch_items):
                progress.errors.add(
                    ItemErrorType.EXCEED_DATASET_CAPACITY,
                    f"row {row.number}: the dataset is full ({dataset.spec.max_item_count} items)",
                    index=row.number,
                )
            else:
                progress.batch_items.append(_item(0, turns, job))
        if len(progress.batch_items) >= settings.data_import_batch_rows or progress.batch_rows >= SAVE_EVERY_ROWS:
            room -= _commit(progress, dataset, out_of_time)
            if out_of_time():
                return False
    _commit(progress, dataset, out_of_time)
    now = now_ms()
    checkpoint = {**progress.job.checkpoint, "position": progress.position.dump(), "in_flight": None}
    _update_job(
        job.job_id,
        [
            DatasetIOJobItem.status.set(int(JobStatus.COMPLETED)),
            DatasetIOJobItem.checkpoint.set(json.dumps(checkpoint)),
            DatasetIOJobItem.ended_at.set(now),
            DatasetIOJobItem.updated_at.set(now),
            DatasetIOJobItem.step.add(1),
        ],
        progress.step,
    )
    logger.info("import finished", extra={"job_id": job.job_id, "added": progress.added, "rows": progress.processed})
    return True


def _commit(progress: Progress, dataset: Dataset, out_of_time: Callable[[], bool]) -> int:
    """Counts the batch and stores the checkpoint in one transaction, then writes the batch's rows; returns
    how many were added. A version snapshot holding the draft makes it wait (up to a minute), then hand the
    job over to a fresh invocation, which resumes from the last checkpoint."""
    items = progress.batch_items
    ids = [new_id() for _ in items]
    for item, item_id in zip(items, ids, strict=True):
        item.item_id = item_id
    checkpoint = progress.checkpoint(ids)
    now = now_ms()
    actions = progress.actions(now, len(items), checkpoint)
    condition = DatasetIOJobItem.step == progress.step
    waited = 0.0
    while True:
        try:
            if items:
                also = Also(DatasetIOJobItem(progress.job.job_id), actions, condition)
                lease = rows.begin(dataset, user=progress.job.created_by, count_delta=len(items), also=also, now=now)
                rows.put_new([build_row(dataset, item) for item in items])
                rows.end(dataset.dataset_id, lease)
            else:
                _update_job(progress.job.job_id, actions, progress.step)
            break
        except DraftLocked:
            if waited >= LOCK_WAIT_S or out_of_time():
                raise
            time.sleep(2)
            waited += 2
        except Conflict as error:
            if isinstance(error, CapacityExceeded):
                raise
            raise JobFailed(ItemErrorType.INTERNAL_ERROR, f"the import stopped: {error.message}") from error
    progress.job.checkpoint = checkpoint
    progress.step += 1
    progress.added += len(items)
    progress.batch_items = []
    progress.batch_rows = 0
    progress.batch_start = progress.position
    return len(items)


def record_failure(job_id: int, error: Exception) -> bool:
    """Counts an unexpected failure; after MAX_FAILURES the job is failed. True if it should be retried."""
    item = datasets.job_item(job_id)
    if item is None or item.status in (JobStatus.COMPLETED, JobStatus.FAILED):
        return False
    failures = item.failures + 1
    if failures >= MAX_FAILURES or isinstance(error, LoopError):
        fail(job_id, ItemErrorType.INTERNAL_ERROR, f"the job failed on the server after {failures} attempts")
        return False
    item.update(actions=[DatasetIOJobItem.failures.set(failures)])
    return True
