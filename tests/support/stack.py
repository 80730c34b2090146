"""Starts and stops the real local stack (`localstack/serve.py`) as a child process on free ports."""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVE = REPO_ROOT / "localstack" / "serve.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class RunningStack:
    base_url: str
    moto_url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(repr=False)

    def boto3_client(self, service: str) -> Any:
        import boto3

        return boto3.client(  # type: ignore[call-overload]
            service,
            endpoint_url=self.moto_url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def stack_environment(port: int, moto_port: int, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOP_", "AWS_", "COZELOOP_"))}
    env.update(
        LOOP_PORT=str(port),
        LOOP_MOTO_PORT=str(moto_port),
        LOOP_DATA_DIR=str(data_dir),
        LOOP_SNAPSHOT_INTERVAL_S="3600",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def start_stack(data_dir: Path, *, port: int | None = None, moto_port: int | None = None, **extra: str) -> RunningStack:
    port = port or free_port()
    moto_port = moto_port or free_port()
    env = stack_environment(port, moto_port, data_dir, **extra)
    log_path = data_dir.parent / f"{data_dir.name}-stack-{port}.log"
    with log_path.open("wb") as log:  # a file, not a pipe: a full pipe would block the stack
        process = subprocess.Popen(
            [sys.executable, str(SERVE)], cwd=REPO_ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )
    stack = RunningStack(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{moto_port}", data_dir, process, log_path, env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local stack exited early:\n{stack.output()}")
        try:
            if httpx.get(f"{stack.base_url}/ping", timeout=1).status_code == 200:
                return stack
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop_stack(stack)
    raise RuntimeError("the local stack did not answer /ping within 60 s")


def stop_stack(stack: RunningStack) -> str:
    """Ctrl-C, as a terminal sends it: SIGINT to the whole process group. Returns what the stack printed."""
    if stack.process.poll() is None:
        os.killpg(stack.process.pid, signal.SIGINT)
        try:
            stack.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            stack.process.kill()
    return stack.output()


def aws_environment(moto_url: str, **extra: str) -> dict[str, str]:
    """The environment of a process of ours (a worker, a scheduled job, a probe) against a stack's moto."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOP_", "AWS_", "COZELOOP_"))}
    env.update(
        AWS_ENDPOINT_URL=moto_url,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_DISABLED="true",
        POWERTOOLS_LOG_LEVEL="ERROR",
        PYTHONPATH=str(REPO_ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_job(moto_url: str, name: str, **extra: str) -> str:
    """One scheduled job (`localstack/workers.py <name>`) in a process of its own, as its Lambda would run."""
    done = subprocess.run(
        [sys.executable, "localstack/workers.py", name],
        cwd=REPO_ROOT,
        env=aws_environment(moto_url, **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
