"""The experiment scheduler (eval-schedule) and per-item runs (eval-items), one message per invocation."""

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from functions.evaluation.experiments import engine
from shared.observability import logger


def _schedule(record: SQSRecord, context: Any) -> None:
    message = json.loads(record.body)
    expt_id, run_id = int(message["expt_id"]), int(message["run_id"])
    if message["kind"] == "start":
        engine.start(expt_id, run_id, context.get_remaining_time_in_millis)
    elif message["kind"] == "tick":
        engine.tick(expt_id, run_id, int(message["seq"]))
    else:
        logger.warning("unknown schedule message", extra={"kind": message.get("kind")})


def _item(record: SQSRecord, context: Any) -> None:
    message = json.loads(record.body)
    engine.run_item_message(
        engine.ItemMessage(
            expt_id=int(message["expt_id"]),
            run_id=int(message["run_id"]),
            item_index=int(message["item_index"]),
            attempt=int(message["attempt"]),
        ),
        context.get_remaining_time_in_millis,
    )


def schedule_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(  # type: ignore[return-value]
        event=event,
        record_handler=lambda record: _schedule(record, context),
        processor=BatchProcessor(event_type=EventType.SQS),  # one per call: pollers may share this module
        context=context,
    )


def item_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(  # type: ignore[return-value]
        event=event, record_handler=lambda record: _item(record, context), processor=processor, context=context
    )
