"""The AWS path: the sandbox Lambda's handler (in process, and in a Lambda-like process with credentials in its
environment and no namespaces), and the client that invokes it (against fakes of boto3's Lambda client)."""

import io
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from functions.sandbox import handler as sandbox_handler
from shared.evaluation import sandbox as sandbox_package
from shared.evaluation.entities import LanguageType
from shared.evaluation.sandbox import ErrorKind, SandboxLimits, SandboxRequest, SandboxUnavailable, run_in_sandbox
from shared.evaluation.sandbox import lambda_client as client_module
from shared.evaluation.sandbox.lambda_client import MAX_INVOKE_BYTES, invoke_sandbox
from shared.evaluation.sandbox.local import wipe

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET = "aws-secret-the-sandbox-must-never-see"
FUNCTION = "loop-test-sandbox"


def event_for(code: str, *, language: str = "Python", **limits: float) -> dict[str, Any]:
    request = SandboxRequest(language=LanguageType(language), code=code, limits=SandboxLimits(**limits))
    return {"request": request.model_dump(mode="json")}


@pytest.fixture
def handler_sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The handler's runner built from settings of this test (namespaces isolation), not of the machine."""
    monkeypatch.delenv("LOOP_SANDBOX_FUNCTION", raising=False)
    monkeypatch.setenv("LOOP_SANDBOX_ISOLATION", "namespaces")
    from shared.settings import _load

    _load.cache_clear()
    sandbox_handler.sandbox.cache_clear()
    yield
    sandbox_handler.sandbox.cache_clear()
    _load.cache_clear()


class Context:
    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


# --- the handler, called directly ----------------------------------------------------------------------------


@pytest.mark.usefixtures("handler_sandbox")
def test_the_handler_runs_one_evaluator() -> None:
    answer = sandbox_handler.lambda_handler(
        event_for("def exec_evaluation(turn):\n    print('hi')\n    return EvalOutput(0.5, 'half')\n"), None
    )

    assert answer["result"]["score"] == 0.5
    assert answer["result"]["reason"] == "half"
    assert answer["result"]["stdout"] == "hi\n"
    assert answer["result"]["error"] is None


@pytest.mark.usefixtures("handler_sandbox")
def test_the_handler_reports_user_errors_as_results() -> None:
    answer = sandbox_handler.lambda_handler(event_for("def exec_evaluation(turn):\n    raise KeyError('x')\n"), None)

    assert answer["result"]["error"]["kind"] == "exception"
    assert "KeyError: 'x'" in answer["result"]["error"]["message"]


@pytest.mark.usefixtures("handler_sandbox")
def test_the_handler_keeps_time_to_answer_before_the_invocation_ends() -> None:
    # 2.5 s left in the invocation: the evaluator gets 0.5 s, not the 5 s it asked for.
    answer = sandbox_handler.lambda_handler(
        event_for("import time\ndef exec_evaluation(turn):\n    time.sleep(30)\n", timeout_s=5), Context(2500)
    )

    assert answer["result"]["error"]["kind"] == "timeout"
    assert "time limit of 0.5 s" in answer["result"]["error"]["message"]


@pytest.mark.usefixtures("handler_sandbox")
def test_the_handler_refuses_a_malformed_event() -> None:
    with pytest.raises(KeyError):
        sandbox_handler.lambda_handler({}, None)
    with pytest.raises(ValueError, match="language"):
        sandbox_handler.lambda_handler({"request": {"language": "Ruby", "code": "x"}}, None)


@pytest.mark.usefixtures("handler_sandbox")
def test_the_handler_answers_a_platform_error_when_it_cannot_isolate(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "unshare"
    fake.write_text("#!/bin/sh\necho 'unshare: unshare failed: Operation not permitted' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")

    answer = sandbox_handler.lambda_handler(
        event_for("def exec_evaluation(turn):\n    return EvalOutput(1, '')\n"), None
    )

    assert "could not create its namespaces" in answer["platform_error"]


# --- the handler in a Lambda-like process ------------------------------------------------------------------

DRIVER = (
    "import json, sys\n"
    "from functions.sandbox.handler import lambda_handler\n"
    "print(json.dumps(lambda_handler(json.load(sys.stdin), None)))\n"
)

LAMBDA_PROBE = f"""
import os, socket

def exec_evaluation(turn):
    findings = []
    texts = [repr(dict(os.environ))]
    for path in ("/proc/self/environ", f"/proc/{{os.getppid()}}/environ"):
        try:
            texts.append(open(path, "rb").read().decode(errors="replace"))
        except OSError as error:
            findings.append(f"{{path.split('/')[2] == 'self' and 'self' or 'parent'}} environ: {{error.strerror}}")
    findings.append("secret seen" if any("{SECRET}" in text for text in texts) else "secret unseen")
    try:
        socket.create_connection(("127.0.0.1", 9001), timeout=1)  # where Lambda's runtime API listens
        findings.append("socket connected")
    except OSError as error:
        findings.append(f"socket: {{error.strerror}}")
    try:
        os.fork()
        findings.append("forked")
    except OSError as error:
        findings.append(f"fork: {{error.strerror}}")
    open("../left-behind.txt", "w").write("for the next caller")
    os.makedirs("../hidden/deeper")
    open("../hidden/deeper/note", "w").write("x")
    os.chmod("../hidden", 0)
    return EvalOutput(score=1, reason="; ".join(findings))
"""


def run_in_lambda_like_process(event: dict[str, Any], scratch: Path) -> dict[str, Any]:
    """The handler in a fresh process configured as the sandbox Lambda is, with credentials in its environment."""
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/"),
        "LOOP_SANDBOX_ISOLATION": "lambda",
        "LOOP_SANDBOX_SCRATCH_DIR": str(scratch),
        "LOOP_SANDBOX_WIPE_SCRATCH": "true",
        "AWS_ACCESS_KEY_ID": "AKIA-TEST",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_SESSION_TOKEN": SECRET,
    }
    completed = subprocess.run(
        [sys.executable, "-c", DRIVER],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO_ROOT,
        timeout=60,
        check=True,
    )
    answer: dict[str, Any] = json.loads(completed.stdout)
    return answer


def test_in_lambda_isolation_user_code_reaches_no_credentials_no_socket_and_leaves_nothing(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    answer = run_in_lambda_like_process(event_for(LAMBDA_PROBE), scratch)

    result = answer["result"]
    assert result["error"] is None, result["error"]
    findings = result["reason"].split("; ")
    assert "secret unseen" in findings
    assert "parent environ: Permission denied" in findings  # the handler's process is not dumpable
    assert "socket: Operation not permitted" in findings
    assert "fork: Operation not permitted" in findings
    assert SECRET not in json.dumps(answer)
    assert list(scratch.iterdir()) == []  # /tmp is wiped after each call: the next caller finds nothing


def test_in_lambda_isolation_limits_still_apply(tmp_path: Path) -> None:
    answer = run_in_lambda_like_process(
        event_for("def exec_evaluation(turn):\n    while True:\n        pass\n", timeout_s=1), tmp_path
    )

    assert answer["result"]["error"]["kind"] == "timeout"


def test_wipe_empties_a_directory_without_following_links(tmp_path: Path) -> None:
    scratch, outside = tmp_path / "scratch", tmp_path / "outside"
    (scratch / "locked" / "deeper").mkdir(parents=True)
    (scratch / "locked" / "deeper" / "file").write_text("x")
    (scratch / "locked").chmod(0)
    (scratch / "file").write_text("x")
    outside.mkdir()
    (outside / "keep").write_text("x")
    outside.chmod(0o755)
    (scratch / "link").symlink_to(outside)
    (scratch / "locked-link-parent").mkdir()
    (scratch / "locked-link-parent" / "link").symlink_to(outside)

    wipe(scratch)

    assert list(scratch.iterdir()) == []
    assert (outside / "keep").exists() and stat.S_IMODE(outside.stat().st_mode) == 0o755


# --- the client --------------------------------------------------------------------------------------------


class InProcessLambda:
    """A fake of boto3's Lambda client that runs the real handler, with the same JSON on the way in and out."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        answer = sandbox_handler.lambda_handler(json.loads(kwargs["Payload"]), None)
        return {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(answer).encode())}


class CannedLambda:
    def __init__(self, body: bytes, *, function_error: str | None = None, raises: Exception | None = None) -> None:
        self.body = body
        self.function_error = function_error
        self.raises = raises
        self.calls = 0

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        if self.raises is not None:
            raise self.raises
        response: dict[str, Any] = {"StatusCode": 200, "Payload": io.BytesIO(self.body)}
        if self.function_error:
            response["FunctionError"] = self.function_error
        return response


def python_request(
    code: str = "def exec_evaluation(turn):\n    return EvalOutput(0.25, 'quarter')\n",
) -> SandboxRequest:
    return SandboxRequest(language=LanguageType.PYTHON, code=code, turn={"k": "v"})


@pytest.mark.usefixtures("handler_sandbox")
def test_the_client_invokes_the_function_synchronously_and_reads_its_result() -> None:
    fake = InProcessLambda()

    result = invoke_sandbox(python_request(), FUNCTION, client=fake)

    assert (result.score, result.reason, result.error) == (0.25, "quarter", None)
    [call] = fake.calls
    assert call["FunctionName"] == FUNCTION and call["InvocationType"] == "RequestResponse"
    assert json.loads(call["Payload"])["request"]["turn"] == {"k": "v"}


@pytest.mark.usefixtures("handler_sandbox")
def test_run_in_sandbox_uses_the_function_when_one_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = InProcessLambda()
    monkeypatch.setenv("LOOP_SANDBOX_FUNCTION", FUNCTION)
    monkeypatch.setattr(client_module, "lambda_client", lambda: fake)
    from shared.settings import _load

    _load.cache_clear()
    sandbox_package._local_sandbox.cache_clear()

    result = run_in_sandbox(python_request())

    assert result.score == 0.25
    assert [call["FunctionName"] for call in fake.calls] == [FUNCTION]


def test_a_request_too_large_for_lambda_is_the_evaluators_failure_not_an_invocation() -> None:
    fake = CannedLambda(b"{}")
    request = SandboxRequest(language=LanguageType.PYTHON, code="x", turn={"big": "x" * MAX_INVOKE_BYTES})

    result = invoke_sandbox(request, FUNCTION, client=fake)

    assert result.error is not None and result.error.kind == ErrorKind.TOO_LARGE
    assert "evaluate smaller fields" in result.error.message
    assert fake.calls == 0


@pytest.mark.parametrize(
    ("fake", "expected"),
    [
        (
            CannedLambda(
                b'{"errorMessage": "Task timed out", "errorType": "Sandbox.Timedout"}', function_error="Unhandled"
            ),
            "failed: Task timed out",
        ),
        (CannedLambda(b'{"platform_error": "the code sandbox could not isolate the evaluator"}'), "could not isolate"),
        (CannedLambda(b"not json"), "invalid JSON"),
        (CannedLambda(b"[1, 2]"), "answered with list"),
        (CannedLambda(b'{"something": "else"}'), "answered without a result"),
        (CannedLambda(b"", raises=RuntimeError("TooManyRequestsException: Rate exceeded")), "could not be invoked"),
    ],
)
def test_platform_faults_of_the_function_raise(fake: CannedLambda, expected: str) -> None:
    with pytest.raises(SandboxUnavailable, match=expected):
        invoke_sandbox(python_request(), FUNCTION, client=fake)
