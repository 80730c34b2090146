"""Drains each registered queue into its worker handler with Lambda-shaped SQS events, as AWS would."""

import importlib
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moto_process import die_with_parent

from shared.aws import sqs_client
from shared.routes import FUNCTIONS, Schedule, Worker

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
    """Long-polls one queue and invokes the handler with Lambda-shaped batches, up to the worker's
    max_concurrency at once (as Lambda's event source scales), deleting what the handler did not report as
    failed (partial batch response). One receiver feeds them, so an idle queue costs one long poll, not one
    per slot."""

    def __init__(self, worker: Worker, queue_url: str, handler: Handler, stop: threading.Event, sqs: Any) -> None:
        super().__init__(name=f"worker-{worker.queue}", daemon=True)
        self.worker, self.queue_url, self.handler, self.stop_event = worker, queue_url, handler, stop
        self.sqs = sqs
        self.region = sqs.meta.region_name
        attributes = self.sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        self.queue_arn = attributes["Attributes"]["QueueArn"]
        self.slots = threading.BoundedSemaphore(worker.max_concurrency)
        self.pool = ThreadPoolExecutor(max_workers=worker.max_concurrency, thread_name_prefix=f"run-{worker.queue}")

    def _receive(self, count: int, wait_s: int) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=min(10, count),
            WaitTimeSeconds=wait_s,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        return messages

    def receive_batch(self) -> list[dict[str, Any]]:
        messages = self._receive(self.worker.batch_size, 1)
        if not messages:
            return []
        # SQS returns at most 10 per call; for bigger batches Lambda's batching window gathers more, and so
        # does this (a message already in the batch, visible again, is not added twice).
        seen = {message["MessageId"] for message in messages}
        while self.worker.batch_size > 10 and len(messages) < self.worker.batch_size:
            more = [m for m in self._receive(self.worker.batch_size - len(messages), 0) if m["MessageId"] not in seen]
            if not more:
                break
            seen.update(message["MessageId"] for message in more)
            messages += more
        return messages

    def invoke(self, messages: list[dict[str, Any]]) -> None:
        try:
            event = sqs_event(messages, self.queue_arn, self.region)
            result = self.handler(event, LambdaContext(f"worker-{self.worker.queue}"))
        except Exception:  # noqa: BLE001 - as in Lambda, the whole batch becomes visible again
            traceback.print_exc()
            return
        failed = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            entries = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done[start : start + 10])
            ]
            self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)

    def poll_once(self) -> int:
        """Receives one batch and runs it here; returns how many messages it handled (tests call this)."""
        messages = self.receive_batch()
        if messages:
            self.invoke(messages)
        return len(messages)

    def _run_in_slot(self, messages: list[dict[str, Any]]) -> None:
        try:
            self.invoke(messages)
        finally:
            self.slots.release()

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.slots.acquire()
            try:
                messages = self.receive_batch()
            except Exception:  # noqa: BLE001 - keep draining; moto may be restarting
                self.slots.release()
                traceback.print_exc()
                self.stop_event.wait(1)
                continue
            if not messages:
                self.slots.release()
                continue
            self.pool.submit(self._run_in_slot, messages)


def start_workers(queue_urls: dict[str, str], stop: threading.Event) -> list[QueuePoller]:
    pollers = [
        QueuePoller(worker, queue_urls[worker.queue], load_handler(worker.handler), stop, sqs_client())
        for function in FUNCTIONS
        for worker in function.workers
    ]
    for poller in pollers:
        poller.start()
    return pollers


class ScheduleRunner(threading.Thread):
    """Runs one scheduled job every `every_minutes` (scaled by LOOP_SCHEDULE_SCALE for tests)."""

    def __init__(self, schedule: Schedule, handler: Handler, stop: threading.Event, scale: float) -> None:
        super().__init__(name=f"schedule-{schedule.name}", daemon=True)
        self.schedule, self.handler, self.stop_event = schedule, handler, stop
        self.interval_s = schedule.every_minutes * 60 * scale

    def run(self) -> None:
        while not self.stop_event.wait(self.interval_s):
            try:
                self.handler({}, LambdaContext(f"schedule-{self.schedule.name}"))
            except Exception:  # noqa: BLE001 - as in AWS, the next run tries again
                traceback.print_exc()


def schedules() -> dict[str, Schedule]:
    return {schedule.name: schedule for function in FUNCTIONS for schedule in function.schedules}


def start_schedules(stop: threading.Event, scale: float = 1.0) -> list[ScheduleRunner]:
    runners = [
        ScheduleRunner(schedule, load_handler(schedule.handler), stop, scale) for schedule in schedules().values()
    ]
    for runner in runners:
        runner.start()
    return runners


def run_job(name: str) -> Any:
    schedule = schedules()[name]
    return load_handler(schedule.handler)({}, LambdaContext(f"schedule-{name}"))


def drain(queue_urls: dict[str, str], timeout_s: float = 15.0) -> bool:
    """Waits until every queue is empty, so accepted work (ingested spans) is stored before a shutdown's
    snapshot: moto keeps queues in memory only. Returns False if time ran out."""
    sqs = sqs_client()
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        counts = [
            int(value)
            for url in queue_urls.values()
            for value in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"].values()
        ]
        if not any(counts):
            return True
        time.sleep(0.2)
    return False


class WorkerProcess:
    """The workers and schedules in a process of their own, as they are separate Lambdas in AWS: the
    API keeps its interpreter (and its GIL) to itself, and a crashed worker is started again."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.supervisor = threading.Thread(target=self._supervise, name="worker-supervisor", daemon=True)

    def _spawn(self) -> None:
        # A session of its own: Ctrl-C in the terminal must not stop it before the queues are drained.
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve())],
            env=self.env,
            start_new_session=True,
            preexec_fn=die_with_parent if sys.platform == "linux" else None,
        )

    def _supervise(self) -> None:
        while not self.stopping.wait(1):
            if self.process is not None and self.process.poll() is not None:
                print(f"loop: the workers exited ({self.process.returncode}); starting them again", flush=True)
                self._spawn()

    def start(self) -> None:
        self._spawn()
        self.supervisor.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def run_reconcilers() -> None:
    for function in FUNCTIONS:
        for reconciler in function.reconcilers:
            load_handler(reconciler.callable)()


def main() -> None:
    """`PYTHONPATH=. python localstack/workers.py [job]`: the workers and schedules without the API, against
    the AWS the environment names (`make dev` runs it so); or, given a job name, that job once."""
    import os
    import signal

    from shared.queues import queue_url
    from shared.resources import QUEUES

    if len(sys.argv) > 1:
        print(run_job(sys.argv[1]), flush=True)
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    start_workers({queue.name: queue_url(queue.name) for queue in QUEUES}, stop)
    start_schedules(stop, float(os.environ.get("LOOP_SCHEDULE_SCALE", "1")))
    print("loop: workers running", flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        stop.set()


if __name__ == "__main__":
    main()
