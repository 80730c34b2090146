"""The trace writer: drains the trace-ingest queue into the Parquet store.

Powertools' BatchProcessor handles one record at a time; the writer needs the whole batch at once to
write one file per partition, so it reports partial failures itself in the same response shape.
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.clock import now_ms
from shared.observability import logger
from shared.traces import ingest_queue
from shared.traces.layout import RAW_ROOT
from shared.traces.store import delete_keys
from shared.traces.writer import Batch, write_batch


def handle(records: list[dict[str, Any]]) -> list[str]:
    """Stores the records' spans; returns the message ids to retry."""
    batch = Batch()
    unreadable: list[str] = []
    raw_keys: dict[str, str] = {}
    for record in records:
        message_id = record["messageId"]
        try:
            message = ingest_queue.read(record["body"])
        except Exception:  # a malformed message, or its S3 payload not readable right now
            logger.exception("could not read trace-ingest message %s", message_id)
            unreadable.append(message_id)  # retried, and after a few tries parked in the DLQ
            continue
        for workspace_id, rows in message.groups:
            batch.add(message_id, workspace_id, rows)
        if message.raw_key:
            raw_keys[message_id] = message.raw_key
    failed = write_batch(batch, now_ms() * 1000)
    stored_raw = [f"{RAW_ROOT}{key}" for message_id, key in raw_keys.items() if message_id not in failed]
    if stored_raw:
        try:
            delete_keys(stored_raw)
        except Exception:  # the bucket's lifecycle rule removes them later
            logger.exception("could not delete %d raw batches", len(stored_raw))
    return [*unreadable, *sorted(failed)]


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    failed = handle(event.get("Records", []))
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
