"""Drains each registered queue into its worker handler with Lambda-shaped SQS events, as AWS would."""

import importlib
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared.aws import sqs_client
from shared.routes import FUNCTIONS, Worker

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int = 512
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:local"
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"
    deadline: float = field(default_factory=lambda: time.monotonic() + 900)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


def load_handler(reference: str) -> Handler:
    module_name, _, attribute = reference.rpartition(".")
    handler: Handler = getattr(importlib.import_module(module_name), attribute)
    return handler


class QueuePoller(threading.Thread):
    """Long-polls one queue; deletes what the handler did not report as failed (partial batch response)."""

    def __init__(self, worker: Worker, queue_url: str, handler: Handler, stop: threading.Event, sqs: Any) -> None:
        super().__init__(name=f"worker-{worker.queue}", daemon=True)
        self.worker, self.queue_url, self.handler, self.stop_event = worker, queue_url, handler, stop
        self.sqs = sqs
        self.region = sqs.meta.region_name
        attributes = self.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        self.queue_arn = attributes["Attributes"]["QueueArn"]

    def poll_once(self) -> int:
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.worker.batch_size,
            WaitTimeSeconds=1,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        try:
            event = sqs_event(messages, self.queue_arn, self.region)
            result = self.handler(event, LambdaContext(f"worker-{self.worker.queue}"))
        except Exception:  # noqa: BLE001 - as in Lambda, the whole batch becomes visible again
            traceback.print_exc()
            return len(messages)
        failed = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            entries = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done[start : start + 10])
            ]
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
        return len(messages)

    def run(self) -> None:
        while not self.stop_event.is_set():
            try:
                self.poll_once()
            except Exception:  # noqa: BLE001 - keep draining; moto may be restarting
                traceback.print_exc()
                self.stop_event.wait(1)


def start_workers(queue_urls: dict[str, str], stop: threading.Event) -> list[QueuePoller]:
    pollers = [
        QueuePoller(worker, queue_urls[worker.queue], load_handler(worker.handler), stop, sqs_client())
        for function in FUNCTIONS
        for worker in function.workers
    ]
    for poller in pollers:
        poller.start()
    return pollers


def run_reconcilers() -> None:
    for function in FUNCTIONS:
        for reconciler in function.reconcilers:
            load_handler(reconciler.callable)()
