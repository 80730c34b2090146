"""100,000 spans through the real SDK, with duplicated retries and the writer killed mid-batch: exactly
100,000 distinct spans are queryable, before and after compaction."""

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cozeloop
import httpx
import pytest

from tests.support.accounts import Account, create_token, register
from tests.support.fault_proxy import FaultProxy
from tests.support.stack import REPO_ROOT, RunningStack, aws_environment, free_port, run_job, start_stack, stop_stack

TRACES = 10_000
SPANS_PER_TRACE = 10
TOTAL = TRACES * SPANS_PER_TRACE
FLUSH_EVERY = 1_000  # the SDK's queue holds 1024 spans and drops new ones when full
FAILURE_RATE = 0.2
QUEUE_VISIBILITY_S = 5  # so the killed writer's messages come back within the test


class Workers:
    """`localstack/workers.py` in a process of its own, so the test can kill it like a crashed Lambda."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        started = self.log.read_text().count("workers running") if self.log.exists() else 0
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "localstack/workers.py"], cwd=REPO_ROOT, env=self.env, stdout=out, stderr=out
            )
        deadline = time.monotonic() + 60
        while self.log.read_text().count("workers running") == started:
            assert self.process.poll() is None, f"the workers exited:\n{self.log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.1)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    sys.path.insert(0, str(REPO_ROOT / "localstack"))
    import moto_process  # the local stack's scripts are not a package

    port = free_port()
    process = moto_process.start_moto(port)
    yield f"http://127.0.0.1:{port}"
    moto_process.stop(process)


@pytest.fixture(scope="module")
def api_only_stack(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(Path(tmp_path_factory.mktemp("reliability")), AWS_ENDPOINT_URL=moto_url, LOOP_WORKERS="off")
    yield running
    stop_stack(running)


def _aws(moto_url: str, service: str) -> Any:
    import boto3

    return boto3.client(  # type: ignore[call-overload]
        service, endpoint_url=moto_url, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    )


def _ingest_queue(moto_url: str) -> tuple[Any, str]:
    sqs = _aws(moto_url, "sqs")
    url = sqs.get_queue_url(QueueName="loop-dev-trace-ingest")["QueueUrl"]
    return sqs, url


def _queue_drained(sqs: Any, url: str) -> bool:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return all(attributes[name] == "0" for name in names)


def _send(client: Any, start: int, stop: int) -> None:
    for trace in range(start, stop):
        with client.start_span(f"request-{trace}", "custom") as root:
            root.set_tags({"batch": "reliability", "n": trace})
            for child in range(SPANS_PER_TRACE - 1):
                with client.start_span(f"step-{child}", "tool", child_of=root) as span:
                    span.set_input(f"step {child} of {trace}")
        if (trace + 1) * SPANS_PER_TRACE % FLUSH_EVERY == 0:
            client.flush()


def _all_spans(account: Account, since_ms: int) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    token = ""
    while True:
        response = account.client.post(
            "/api/observability/v1/spans/list",
            json={
                "workspace_id": account.workspace_id,
                "start_time": since_ms,
                "end_time": int(time.time() * 1000) + 60_000,
                "span_list_type": "all_span",
                "page_size": 1000,
                "page_token": token,
            },
            timeout=60,
        )
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [(span["trace_id"], span["span_id"]) for span in page["spans"]]
        if not page["has_more"]:
            return seen
        token = page["next_page_token"]


def _span_count(account: Account, since_ms: int) -> int:
    response = account.client.post(
        "/api/observability/v1/metrics/list",
        json={
            "workspace_id": account.workspace_id,
            "start_time": since_ms,
            "end_time": int(time.time() * 1000) + 60_000,
            "metric_names": ["service_span_count", "service_trace_count"],
            "granularity": "1hour",
        },
        timeout=60,
    )
    assert response.status_code == 200, response.text
    metrics = response.json()["metrics"]
    assert metrics["service_trace_count"]["summary"] == str(TRACES)
    return int(metrics["service_span_count"]["summary"])


def test_every_span_once_despite_retries_and_a_killed_writer(
    api_only_stack: RunningStack, moto_url: str, tmp_path: Path
) -> None:
    stack = api_only_stack
    account = register(stack.base_url)
    since_ms = int(time.time() * 1000) - 60_000
    sqs, queue_url = _ingest_queue(moto_url)
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"VisibilityTimeout": str(QUEUE_VISIBILITY_S)})
    workers = Workers(aws_environment(moto_url), tmp_path / "workers.log")
    workers.start()
    try:
        with FaultProxy(stack.base_url, FAILURE_RATE) as proxy:
            client = cozeloop.new_client(
                api_base_url=proxy.url, workspace_id=account.workspace_id, api_token=create_token(account)
            )
            _send(client, 0, TRACES // 2)
            workers.kill()  # the writer is busy with the backlog, so this lands mid-batch
            workers.start()
            _send(client, TRACES // 2, TRACES)
            client.flush()
            client.close()
        assert proxy.injected > 0, "no duplicate was forced"
        deadline = time.monotonic() + 240
        while not _queue_drained(sqs, queue_url):
            assert time.monotonic() < deadline, "the writer did not drain the queue"
            time.sleep(1)
    finally:
        workers.stop()

    spans = _all_spans(account, since_ms)
    assert len(spans) == TOTAL
    assert len(set(spans)) == TOTAL
    assert _span_count(account, since_ms) == TOTAL

    # The store really held copies (the retried batches), and compaction leaves one per span.
    objects = _aws(moto_url, "s3").list_objects_v2(
        Bucket="loop-dev-traces", Prefix=f"spans/workspace_id={account.workspace_id}/"
    )["Contents"]
    assert len(objects) > 1
    run_job(moto_url, "compact")
    assert _span_count(account, since_ms) == TOTAL
    assert len(set(_all_spans(account, since_ms))) == TOTAL
    assert httpx.get(f"{stack.base_url}/ping").status_code == 200
