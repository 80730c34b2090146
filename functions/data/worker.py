"""Data jobs from the data-jobs queue: imports, exports, version snapshots and purges of cleared rows.

Batch size 1 and a 15-minute Lambda: a job that nears the end of its time stores its checkpoint and queues
a continuation of itself, so a 100,000-row import spans as many invocations as it needs. A run that fails
unexpectedly is retried from its checkpoint a few times (a delayed message, not the 90-minute visibility
timeout), then the job is marked Failed; a job never stays Running for good.
"""

import time
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.data import exporter, importer
from shared.data import items, snapshots
from shared.data.entities import SnapshotStatus
from shared.data.jobs import DataJobMessage, enqueue
from shared.data.models import DatasetVersionIdItem, DatasetVersionItem
from shared.data.repository import DatasetRepository
from shared.observability import logger

SAFETY_MARGIN_MS = 90_000  # stop this long before Lambda's timeout: the last batch and the hand-over fit in it
RETRY_DELAY_S = 30
MAX_ATTEMPTS = 3

processor = BatchProcessor(event_type=EventType.SQS)


def deadline(context: Any) -> Callable[[], bool]:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return lambda: False
    return lambda: bool(remaining() < SAFETY_MARGIN_MS)


def _fail_snapshot(version_id: int, reason: str) -> None:
    try:
        index = DatasetVersionIdItem.get(version_id)
        item = DatasetVersionItem.get(index.dataset_id, index.version_num)
    except (DatasetVersionIdItem.DoesNotExist, DatasetVersionItem.DoesNotExist):
        return
    if item.snapshot_status == SnapshotStatus.IN_PROGRESS:
        DatasetRepository().finish_snapshot(item, status=SnapshotStatus.FAILED, error=reason, count=0)


def run(message: DataJobMessage, out_of_time: Callable[[], bool]) -> bool:
    """Runs one job; True when finished, False when it must continue in another invocation."""
    if message.kind == "import":
        return importer.run(message.job_id, out_of_time)
    if message.kind == "export":
        return exporter.run(message.job_id)
    if message.kind == "snapshot":
        return snapshots.run(message.version_id, out_of_time=out_of_time)
    items.purge(message.dataset_id)
    return True


def handle(message: DataJobMessage, out_of_time: Callable[[], bool]) -> None:
    started = time.monotonic()
    try:
        finished = run(message, out_of_time)
    except Exception as error:
        if message.kind == "purge":
            raise  # SQS retries it; losing it only costs storage
        logger.exception("data job failed", extra={"job": message.model_dump()})
        retry = message.attempt + 1 < MAX_ATTEMPTS
        if message.kind in ("import", "export"):
            retry = importer.record_failure(message.job_id, error)
        elif not retry:
            _fail_snapshot(message.version_id, "the snapshot failed on the server; create the version again")
        if retry:
            enqueue(message.model_copy(update={"attempt": message.attempt + 1}), delay_s=RETRY_DELAY_S)
        return
    if not finished:
        enqueue(message.model_copy(update={"continuation": message.continuation + 1}))
    logger.info(
        "data job ran",
        extra={"job": message.model_dump(), "finished": finished, "seconds": round(time.monotonic() - started, 1)},
    )


def record_handler(record: SQSRecord, lambda_context: LambdaContext) -> None:
    handle(DataJobMessage.model_validate_json(record.body), deadline(lambda_context))


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)
