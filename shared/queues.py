"""Sending to the platform's SQS queues by logical name (shared.resources.QUEUES)."""

from functools import cache

from shared.aws import sqs_client
from shared.resources import QUEUES, queue_name
from shared.settings import LoopSettings, get_settings

# SQS takes at most 256 KiB per message; a bigger payload goes to S3 and the message carries its key.
MAX_MESSAGE_BYTES = 256 * 1024 - 1024


@cache
def queue_url(logical: str) -> str:
    spec = next((queue for queue in QUEUES if queue.name == logical), None)
    if spec is None:
        raise ValueError(f"no queue named {logical!r} in shared.resources.QUEUES")
    name = queue_name(get_settings(LoopSettings).resource_prefix, spec)
    return sqs_client().get_queue_url(QueueName=name)["QueueUrl"]


MAX_DELAY_S = 900  # SQS delays a message at most 15 minutes


def send(logical: str, body: str, *, delay_s: int = 0) -> None:
    if len(body.encode()) > MAX_MESSAGE_BYTES:
        raise ValueError(f"a message to {logical} is over the SQS limit; offload the payload to S3 first")
    delay = max(0, min(MAX_DELAY_S, delay_s))
    sqs_client().send_message(QueueUrl=queue_url(logical), MessageBody=body, DelaySeconds=delay)
