"""The local stack itself: routing like API Gateway, the console, ports, restarts, workers, localstack-client."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from localstack_client.session import Session

from tests.support.accounts import create_token, register, upload_file
from tests.support.stack import SERVE, RunningStack, stack_environment, start_stack, stop_stack

sys.path.insert(0, str(SERVE.parent))
from workers import QueuePoller  # noqa: E402 - a script folder, not a package

from shared.routes import Worker  # noqa: E402


def test_ping_and_unknown_routes_answer_with_the_envelope(stack: RunningStack) -> None:
    ping = httpx.get(f"{stack.base_url}/ping")
    assert ping.status_code == 200 and ping.json() == {"code": 0, "msg": ""}
    assert len(ping.headers["x-tt-logid"]) == 24
    missing = httpx.post(f"{stack.base_url}/api/nothing/v1/here")
    assert missing.status_code == 404 and missing.json()["code"] == 404
    inside = httpx.post(f"{stack.base_url}/api/foundation/v1/nothing")
    assert inside.status_code == 404 and "no route" in inside.json()["msg"]
    wrong_method = httpx.get(f"{stack.base_url}/api/foundation/v1/users/register")
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == 405


def test_console_is_served_with_client_side_routes(stack: RunningStack) -> None:
    root = httpx.get(f"{stack.base_url}/")
    deep = httpx.get(f"{stack.base_url}/console/enterprise/personal/space/1/pe/prompts")
    assert root.status_code == deep.status_code == 200
    assert "<html" in root.text and root.text == deep.text


def test_a_second_stack_on_the_same_port_says_the_port_is_taken(stack: RunningStack, tmp_path: Path) -> None:
    port = stack.base_url.rsplit(":", 1)[1]
    env = stack_environment(int(port), 0, tmp_path)
    result = subprocess.run([sys.executable, str(SERVE)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"port {port} is already in use" in result.stderr


def test_user_token_and_file_survive_a_restart(tmp_path: Path) -> None:
    # Given a stack with a user, a token and an uploaded file
    data_dir = tmp_path / "data"
    first = start_stack(data_dir)
    try:
        account = register(first.base_url)
        token = create_token(account)
        assert upload_file(first.base_url, token, account.workspace_id, "kept.txt", b"still here").json()["code"] == 0
        cookie = account.client.cookies["session_key"]
    finally:
        printed = stop_stack(first)
    assert "saved a snapshot" in printed
    # And Ctrl-C stopped everything it started, moto included
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{first.moto_url}/moto-api/", timeout=2)
    # And a later snapshot died half-written (a second Ctrl-C, a crash)
    half_written = data_dir / "snapshot" / "g-1" / "tables"
    half_written.mkdir(parents=True)
    (half_written / "users.jsonl").write_text("{not json")
    # When the stack starts again on the same data directory (new moto, new ports)
    second = start_stack(data_dir)
    try:
        # Then the session, the token and the file are all there
        session = httpx.get(f"{second.base_url}/api/foundation/v1/users/session", cookies={"session_key": cookie})
        assert session.json()["user_info"]["email"] == account.email
        spaces = httpx.post(f"{second.base_url}/api/foundation/v1/spaces/list", cookies={"session_key": cookie})
        assert spaces.json()["spaces"][0]["id"] == account.workspace_id
        assert upload_file(second.base_url, token, account.workspace_id, "again.txt", b"works").json()["code"] == 0
        key = f"{account.workspace_id}/kept.txt"
        assert second.boto3_client("s3").get_object(Bucket="loop-dev-files", Key=key)["Body"].read() == b"still here"
        login = httpx.post(
            f"{second.base_url}/api/foundation/v1/users/login_by_password",
            json={"email": account.email, "password": account.password},
        )
        assert login.status_code == 200
    finally:
        stop_stack(second)
    # And the half-written snapshot was ignored, then cleaned up by the next complete one
    assert not half_written.parent.exists()


def test_periodic_snapshots_survive_a_crash(tmp_path: Path) -> None:
    # Given a stack that snapshots every half second, with a user who registered a while ago
    data_dir = tmp_path / "data"
    first = start_stack(data_dir, LOOP_SNAPSHOT_INTERVAL_S="0.5")
    account = register(first.base_url)
    for _ in range(20):  # keep writing while periodic snapshots run
        create_token(account)
    time.sleep(1.5)
    # When the stack is killed outright: no shutdown snapshot
    os.killpg(first.process.pid, signal.SIGKILL)
    first.process.wait(timeout=10)
    # Then moto died with it, and a new stack has the user and every token from the periodic snapshot
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{first.moto_url}/moto-api/", timeout=2)
    second = start_stack(data_dir)
    try:
        login = httpx.post(
            f"{second.base_url}/api/foundation/v1/users/login_by_password",
            json={"email": account.email, "password": account.password},
        )
        assert login.status_code == 200
        tokens = httpx.post(
            f"{second.base_url}/api/auth/v1/personal_access_tokens/list", cookies=login.cookies, json={}
        ).json()
        assert tokens["total"] == 20
    finally:
        stop_stack(second)


def test_worker_runner_gives_lambda_shaped_batches_and_honours_partial_failures(stack: RunningStack) -> None:
    # Given a queue with a DLQ after 2 receives, and a handler that fails one message every time
    sqs = stack.boto3_client("sqs")
    dlq_url = sqs.create_queue(QueueName="test-runner-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})
    queue_url = sqs.create_queue(
        QueueName="test-runner", Attributes={"VisibilityTimeout": "0", "RedrivePolicy": redrive}
    )["QueueUrl"]
    for body in ("ok-1", "poison", "ok-2"):
        sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    seen: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        assert context.get_remaining_time_in_millis() > 0
        records = event["Records"]
        assert all(r["eventSource"] == "aws:sqs" and r["eventSourceARN"].endswith(":test-runner") for r in records)
        seen.extend(r["body"] for r in records)
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records if r["body"] == "poison"]}

    poller = QueuePoller(Worker("test-runner", "unused"), queue_url, handler, threading.Event(), sqs)
    # When the runner polls until the queue is empty
    for _ in range(10):
        poller.poll_once()
    # Then the good messages ran once each, and the poison one ended in the DLQ after its receives
    assert sorted(b for b in seen if b != "poison") == ["ok-1", "ok-2"]
    assert seen.count("poison") == 2
    dead = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in dead] == ["poison"]


def test_localstack_client_reaches_the_same_resources(stack: RunningStack) -> None:
    session = Session(localstack_host=stack.moto_url.removeprefix("http://"))
    buckets = [b["Name"] for b in session.client("s3").list_buckets()["Buckets"]]
    tables = session.client("dynamodb").list_tables()["TableNames"]
    assert "loop-dev-files" in buckets
    assert "loop-dev-users" in tables and "loop-dev-personal-access-tokens" in tables
