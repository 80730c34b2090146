"""The data-jobs queue contract: what the API (and other modules) ask the data worker to do."""

from typing import Literal

from pydantic import BaseModel

from shared.aws import sqs_client
from shared.observability import logger
from shared.queues import queue_url

QUEUE = "data-jobs"


class DataJobMessage(BaseModel):
    """One unit of work. Redelivery is safe: every kind resumes from the checkpoint it stored."""

    kind: Literal["import", "export", "snapshot", "purge"]
    workspace_id: int
    dataset_id: int
    job_id: int = 0  # import and export
    version_id: int = 0  # snapshot
    continuation: int = 0  # how many times the job has handed itself over to a fresh invocation
    attempt: int = 0  # failed runs so far (a run that fails is retried a few times, then the job fails)


def enqueue(message: DataJobMessage, *, delay_s: int = 0) -> None:
    sqs_client().send_message(
        QueueUrl=queue_url(QUEUE), MessageBody=message.model_dump_json(), DelaySeconds=max(0, min(delay_s, 900))
    )


def enqueue_best_effort(message: DataJobMessage) -> None:
    """For clean-up work whose loss only costs storage (a later purge of the same dataset catches up)."""
    try:
        enqueue(message)
    except Exception:  # noqa: BLE001 - the request that asked for it has already succeeded
        logger.exception("could not queue %s job for dataset %s", message.kind, message.dataset_id)
