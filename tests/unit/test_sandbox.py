"""The local sandbox, for real: each test runs user code in a confined child process and checks what it can
and cannot do (namespaces isolation, as on developers' machines and in CI)."""

import os
import shutil
import socket
import stat
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.evaluation.entities import LanguageType
from shared.evaluation.sandbox import ErrorKind, SandboxLimits, SandboxRequest, SandboxResult, SandboxUnavailable
from shared.evaluation.sandbox.local import LocalSandbox
from shared.evaluation.sandbox.outcome import Ending, interpret, parse_report
from shared.evaluation.sandbox.settings import SandboxSettings

SECRET = "s3cr3t-value-the-child-must-never-see"
PY = LanguageType.PYTHON
JS = LanguageType.JS


def settings(**overrides: object) -> SandboxSettings:
    """Settings independent of this machine's LOOP_SANDBOX_* variables."""
    values: dict[str, object] = {"sandbox_function": None, "sandbox_isolation": "namespaces", **overrides}
    return SandboxSettings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def sandbox() -> LocalSandbox:
    return LocalSandbox(settings())


def run(
    sandbox: LocalSandbox,
    code: str,
    *,
    language: LanguageType = PY,
    turn: dict[str, object] | None = None,
    **limits: float,
) -> SandboxResult:
    request = SandboxRequest(
        language=language, code=textwrap.dedent(code), turn=turn or {}, limits=SandboxLimits(**limits)
    )
    return sandbox.run(request)


def error_kind(result: SandboxResult) -> ErrorKind | None:
    return result.error.kind if result.error else None


# --- the contract --------------------------------------------------------------------------------------------


def test_scores_a_trivial_evaluator_and_keeps_its_prints(sandbox: LocalSandbox) -> None:
    result = run(
        sandbox,
        """
        def exec_evaluation(turn):
            print("looking at", turn["evaluate_target_output_fields"]["actual_output"]["text"])
            return EvalOutput(score=0.75, reason="close enough")
        """,
        turn={"evaluate_target_output_fields": {"actual_output": {"content_type": "Text", "text": "hello"}}},
    )

    assert result.error is None
    assert (result.score, result.reason) == (0.75, "close enough")
    assert result.stdout == "looking at hello\n"
    assert 0 < result.duration_ms < 5000


def test_accepts_what_upstream_code_returns(sandbox: LocalSandbox) -> None:
    positional = run(sandbox, "def exec_evaluation(turn):\n    return EvalOutput(1, 'positional')\n")
    as_dict = run(sandbox, "def exec_evaluation(turn):\n    return {'score': 0.5, 'reason': 'a dict'}\n")
    numeric_text = run(sandbox, "def exec_evaluation(turn):\n    return EvalOutput(score='0.25', reason='text')\n")
    # Upstream's template imports json and sys for the user; code may use them without importing.
    preloaded = run(
        sandbox, "def exec_evaluation(turn):\n    return EvalOutput(score=len(json.dumps(turn)), reason=sys.version)\n"
    )

    assert (positional.score, positional.reason) == (1.0, "positional")
    assert (as_dict.score, as_dict.reason) == (0.5, "a dict")
    assert numeric_text.score == 0.25
    assert preloaded.score == 2.0 and preloaded.reason.startswith("3.")


def test_an_async_exec_evaluation_is_awaited(sandbox: LocalSandbox) -> None:
    result = run(
        sandbox,
        """
        import asyncio

        async def exec_evaluation(turn):
            await asyncio.sleep(0)
            return EvalOutput(score=1, reason="awaited")
        """,
    )

    assert (result.score, result.reason) == (1.0, "awaited")


# --- what the code must not reach --------------------------------------------------------------------------


def test_user_code_cannot_read_the_platform_environment(sandbox: LocalSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOP_TEST_SECRET", SECRET)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    result = run(
        sandbox,
        f"""
        import os

        def exec_evaluation(turn):
            seen = [repr(dict(os.environ))]
            for path in ["/proc/self/environ", "/proc/{os.getpid()}/environ", "/proc/{os.getppid()}/environ"]:
                try:
                    seen.append(open(path, "rb").read().decode(errors="replace"))
                except OSError as error:
                    seen.append(f"{{path}}: {{error}}")
            for pid in filter(str.isdigit, os.listdir("/proc")):  # every process this code can see
                try:
                    seen.append(open(f"/proc/{{pid}}/environ", "rb").read().decode(errors="replace"))
                except OSError:
                    pass
            found = any("{SECRET}" in text for text in seen)
            print("\\n".join(seen))
            return EvalOutput(score=1 if found else 0, reason=str(sorted(os.environ)))
        """,
    )

    assert result.error is None, result.error
    assert result.score == 0
    assert SECRET not in result.stdout and SECRET not in result.reason
    assert result.reason == "[]"  # os.environ is empty


@pytest.fixture
def listener() -> Iterator[tuple[int, list[object]]]:
    """A TCP server on 127.0.0.1 in this process; the list records every connection it accepts."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    accepted: list[object] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, address = server.accept()
            except TimeoutError:
                continue
            accepted.append(address)
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join()
    server.close()


NETWORK_PROBE = """
import socket

def attempt(what, action):
    try:
        action()
        return f"{what}: succeeded"
    except Exception as error:
        return f"{what}: failed ({type(error).__name__})"

def connect(host, port):
    with socket.create_connection((host, port), timeout=1):
        pass

def exec_evaluation(turn):
    port = turn["port"]
    outcomes = [
        attempt("loopback", lambda: connect("127.0.0.1", port)),
        attempt("resolve", lambda: socket.getaddrinfo("example.com", 443)),
        attempt("outward", lambda: connect("1.1.1.1", 53)),
        attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53))),
        attempt("unix", lambda: socket.socket(socket.AF_UNIX)),
    ]
    print("\\n".join(outcomes))
    return EvalOutput(score=sum("succeeded" in line for line in outcomes), reason="")
"""


def test_user_code_has_no_network(sandbox: LocalSandbox, listener: tuple[int, list[object]]) -> None:
    port, accepted = listener
    result = run(sandbox, NETWORK_PROBE, turn={"port": port})

    assert result.error is None, result.error
    assert result.score == 0, result.stdout
    assert result.stdout.count("failed") == 5
    assert accepted == []


def test_the_network_namespace_has_only_a_loopback_that_is_down(sandbox: LocalSandbox) -> None:
    # Besides the syscall filter: even a socket that got through would find no interface to use.
    result = run(
        sandbox,
        """
        def exec_evaluation(turn):
            lines = open("/proc/self/net/dev").read().splitlines()[2:]
            names = sorted(line.split(":")[0].strip() for line in lines)
            route = open("/proc/self/net/route").read().splitlines()[1:]
            return EvalOutput(score=len(route), reason=",".join(names))
        """,
    )

    assert (result.score, result.reason) == (0.0, "lo")


def test_user_code_cannot_write_outside_its_scratch_directory(sandbox: LocalSandbox, outside_tmp: Path) -> None:
    target = outside_tmp / "written-by-user-code"
    result = run(
        sandbox,
        f"""
        import os

        def exec_evaluation(turn):
            outcomes = []
            for path in ["{target}", "{Path(__file__).resolve()}", "/etc/evil"]:
                try:
                    open(path, "a").write("x")
                    outcomes.append("wrote " + path)
                except OSError as error:
                    outcomes.append(f"{{path}}: {{error.strerror}}")
            with open("scratch.txt", "w") as scratch:  # the working directory is a private tmpfs
                scratch.write("fine")
            return EvalOutput(score=sum(line.startswith("wrote") for line in outcomes), reason=os.getcwd())
        """,
    )

    assert result.error is None, result.error
    assert (result.score, result.reason) == (0.0, "/tmp")
    assert not target.exists()
    # Nothing one call writes is there for the next one.
    again = run(sandbox, "import os\ndef exec_evaluation(turn):\n    return EvalOutput(len(os.listdir('.')), '')\n")
    assert again.score == 0


@pytest.fixture
def outside_tmp() -> Iterator[Path]:
    """A directory outside /tmp (the sandbox mounts an empty tmpfs over /tmp, which would hide anything there)."""
    directory = Path(tempfile.mkdtemp(prefix="sandbox-test-", dir="/var/tmp"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def test_paths_that_may_hold_secrets_look_empty(outside_tmp: Path) -> None:
    tmp_path = outside_tmp
    secret_file = tmp_path / "credentials"
    secret_file.write_text(SECRET)
    secret_dir = tmp_path / "keys"
    secret_dir.mkdir()
    (secret_dir / "id").write_text(SECRET)
    masked = LocalSandbox(settings(sandbox_mask_paths=[str(secret_file), str(secret_dir)]))
    result = run(
        masked,
        f"""
        def exec_evaluation(turn):
            text = open("{secret_file}").read()
            try:
                text += open("{secret_dir / "id"}").read()
            except OSError as error:
                text += error.strerror
            return EvalOutput(score=len(text), reason=text)
        """,
    )

    assert result.error is None, result.error
    assert SECRET not in result.reason
    assert "Permission denied" in result.reason or "No such file" in result.reason


# --- limits --------------------------------------------------------------------------------------------------


def test_an_endless_loop_is_killed_within_the_limit(sandbox: LocalSandbox) -> None:
    started = time.monotonic()
    result = run(sandbox, "def exec_evaluation(turn):\n    while True:\n        pass\n", timeout_s=1)
    elapsed = time.monotonic() - started

    assert error_kind(result) == ErrorKind.TIMEOUT
    assert "time limit of 1 s" in result.error.message  # type: ignore[union-attr]
    assert elapsed < 1 + 2.0  # the limit, the start-up grace (0.5 s) and a margin for a busy machine


def test_waiting_counts_against_the_limit(sandbox: LocalSandbox) -> None:
    started = time.monotonic()
    result = run(sandbox, "import time\ndef exec_evaluation(turn):\n    time.sleep(60)\n", timeout_s=1)

    assert error_kind(result) == ErrorKind.TIMEOUT
    assert time.monotonic() - started < 3


def marked_processes(marker: str) -> list[int]:
    """Processes on this machine whose command line contains `marker`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            pass
    return found


def test_user_code_cannot_start_processes(sandbox: LocalSandbox) -> None:
    marker = "987.654321"
    result = run(
        sandbox,
        f"""
        import os, subprocess

        def exec_evaluation(turn):
            started = 0
            for spawn in (
                lambda: subprocess.Popen(["sleep", "{marker}"], start_new_session=True),
                lambda: os.posix_spawn("/bin/sleep", ["sleep", "{marker}"], {{}}),
                os.fork,
            ):
                try:
                    if spawn() == 0:
                        os._exit(0)
                    started += 1
                except OSError as error:
                    print(type(error).__name__, error)
            return EvalOutput(score=started, reason="")
        """,
    )

    assert result.error is None, result.error
    assert result.score == 0
    assert result.stdout.count("Operation not permitted") == 3
    assert marked_processes(marker) == []


def test_a_fork_bomb_fails_at_once_and_leaves_nothing(sandbox: LocalSandbox) -> None:
    result = run(sandbox, "import os\ndef exec_evaluation(turn):\n    while True:\n        os.fork()\n", timeout_s=2)

    assert error_kind(result) == ErrorKind.EXCEPTION
    assert "PermissionError" in result.error.message  # type: ignore[union-attr]
    assert result.duration_ms < 2000


def test_threads_left_running_do_not_keep_the_call_alive(sandbox: LocalSandbox) -> None:
    result = run(
        sandbox,
        """
        import threading, time

        def spin():
            while True:
                time.sleep(0.01)

        def exec_evaluation(turn):
            threading.Thread(target=spin).start()  # not a daemon: a normal exit would wait for it forever
            return EvalOutput(score=1, reason="returned")
        """,
        timeout_s=3,
    )

    assert (result.score, result.error) == (1.0, None)
    assert result.duration_ms < 2000


def test_a_huge_allocation_fails_cleanly(sandbox: LocalSandbox) -> None:
    result = run(
        sandbox, "def exec_evaluation(turn):\n    data = bytearray(2 * 1024**3)\n    return EvalOutput(1, '')\n"
    )

    assert error_kind(result) == ErrorKind.MEMORY
    assert "out of memory (limit 256 MB)" in result.error.message  # type: ignore[union-attr]


def test_growing_memory_is_stopped_at_the_limit(sandbox: LocalSandbox) -> None:
    result = run(
        sandbox,
        """
        def exec_evaluation(turn):
            hoard = []
            while True:
                hoard.append(bytearray(16 * 1024 * 1024))
        """,
        memory_mb=128,
    )

    assert error_kind(result) == ErrorKind.MEMORY
    assert "limit 128 MB" in result.error.message  # type: ignore[union-attr]


def test_memory_filled_in_small_pieces_is_reported_with_its_line(sandbox: LocalSandbox) -> None:
    result = run(
        sandbox,
        """
        def exec_evaluation(turn):
            hoard = []
            while True:
                hoard.append("x" * 1000 + str(len(hoard)))
        """,
        memory_mb=128,
    )

    assert error_kind(result) == ErrorKind.MEMORY
    message = result.error.message  # type: ignore[union-attr]
    assert "out of memory (limit 128 MB): MemoryError" in message
    assert 'File "evaluator.py", line 5, in exec_evaluation' in message


def test_megabytes_of_prints_are_clipped_and_the_score_still_counts(sandbox: LocalSandbox) -> None:
    result = run(
        sandbox,
        """
        import sys

        def exec_evaluation(turn):
            for _ in range(50_000):
                print("x" * 99)
            sys.stderr.write("e" * 3_000_000)
            print("the end")
            return EvalOutput(score=1, reason="printed 5 MB")
        """,
        output_bytes=8192,
    )

    assert (result.score, result.error) == (1.0, None)
    assert len(result.stdout.encode()) < 8192 + 200 and len(result.stderr.encode()) < 8192 + 200
    assert "bytes of output clipped" in result.stdout
    assert result.stdout.rstrip().endswith("the end")  # the tail is kept as well as the head


def test_printing_forever_times_out_with_clipped_output(sandbox: LocalSandbox) -> None:
    result = run(sandbox, "def exec_evaluation(turn):\n    while True:\n        print('y' * 1000)\n", timeout_s=1)

    assert error_kind(result) == ErrorKind.TIMEOUT
    assert len(result.stdout) < 64 * 1024 + 200


# --- user-code errors ------------------------------------------------------------------------------------


def test_an_exception_comes_back_with_the_end_of_its_traceback(sandbox: LocalSandbox) -> None:
    result = run(
        sandbox,
        """
        def parse(text):
            return int(text)

        def exec_evaluation(turn):
            return EvalOutput(parse("not a number"), "")
        """,
    )

    assert error_kind(result) == ErrorKind.EXCEPTION
    message = result.error.message  # type: ignore[union-attr]
    assert "ValueError: invalid literal for int() with base 10: 'not a number'" in message
    assert 'File "evaluator.py", line 3, in parse' in message and "return int(text)" in message
    assert "harness" not in message  # the platform's own frames are not shown


def test_a_syntax_error_is_reported_with_its_line(sandbox: LocalSandbox) -> None:
    result = run(sandbox, "def exec_evaluation(turn)\n    return EvalOutput(1, '')\n")

    assert error_kind(result) == ErrorKind.SYNTAX
    assert "line 1" in result.error.message and "SyntaxError" in result.error.message  # type: ignore[union-attr]


def test_code_without_exec_evaluation_is_reported(sandbox: LocalSandbox) -> None:
    result = run(sandbox, "def evaluate(turn):\n    return EvalOutput(1, '')\n")

    assert error_kind(result) == ErrorKind.MISSING_FUNCTION
    assert "def exec_evaluation(turn):" in result.error.message  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("returned", "expected"),
    [
        ("EvalOutput(score='high', reason='')", "'high', a string that is not a number"),
        ("EvalOutput(score=None, reason='')", "returned no score"),
        ("EvalOutput(score=True, reason='')", "type bool (True)"),
        ("EvalOutput(score=[1], reason='')", "type list ([1])"),
        ("EvalOutput(score=float('nan'), reason='')", "the score nan, which is not a finite number"),
        ("EvalOutput(score=float('inf'), reason='')", "the score inf"),
        ("{'reason': 'no score key'}", "a dict without a 'score' key"),
        ("None", "exec_evaluation returned None"),
        ("0.5", "returned a float (0.5)"),
    ],
)
def test_a_score_that_is_not_a_number_is_reported(sandbox: LocalSandbox, returned: str, expected: str) -> None:
    result = run(sandbox, f"def exec_evaluation(turn):\n    return {returned}\n")

    assert error_kind(result) == ErrorKind.BAD_RETURN
    assert expected in result.error.message  # type: ignore[union-attr]
    assert "return EvalOutput(score=<number>, reason=<text>)" in result.error.message  # type: ignore[union-attr]


def test_calling_sys_exit_is_reported(sandbox: LocalSandbox) -> None:
    result = run(sandbox, "def exec_evaluation(turn):\n    sys.exit(3)\n")

    assert error_kind(result) == ErrorKind.EXIT
    assert "sys.exit" in result.error.message  # type: ignore[union-attr]


def test_calls_run_concurrently(sandbox: LocalSandbox) -> None:
    results: list[SandboxResult] = []

    def one(index: int) -> None:
        results.append(run(sandbox, f"def exec_evaluation(turn):\n    return EvalOutput({index}, 'ok')\n"))

    threads = [threading.Thread(target=one, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(result.score for result in results) == [0.0, 1.0, 2.0, 3.0]  # type: ignore[type-var]


# --- JavaScript ------------------------------------------------------------------------------------------


def test_javascript_runs_as_upstream_runs_it(sandbox: LocalSandbox) -> None:
    result = run(
        sandbox,
        """
        function exec_evaluation(turn) {
          console.log('output is', turn.evaluate_target_output_fields.actual_output.text);
          return new EvalOutput(1, 'an EvalOutput');
        }
        """,
        language=JS,
        turn={"evaluate_target_output_fields": {"actual_output": {"content_type": "Text", "text": "hi"}}},
    )
    arrow = run(sandbox, "const execEvaluation = async (turn) => ({score: '0.5', reason: 'arrow'});", language=JS)

    assert (result.score, result.reason, result.stdout) == (1.0, "an EvalOutput", "output is hi\n")
    assert (arrow.score, arrow.reason) == (0.5, "arrow")


def test_javascript_is_as_confined_as_python(
    sandbox: LocalSandbox, monkeypatch: pytest.MonkeyPatch, listener: tuple[int, list[object]]
) -> None:
    monkeypatch.setenv("LOOP_TEST_SECRET", SECRET)
    port, accepted = listener
    result = run(
        sandbox,
        """
        function exec_evaluation(turn) {
          const env = JSON.stringify(process.env);
          let reached = typeof require === 'function' ? 'require is available' : 'no require';
          return { score: Object.keys(process.env).length, reason: reached + ' ' + env };
        }
        """,
        language=JS,
        turn={"port": port},
    )

    assert result.error is None, result.error
    assert result.score == 0 and SECRET not in result.reason
    assert result.reason.startswith("no require")
    assert accepted == []


@pytest.mark.parametrize(
    ("code", "kind", "expected"),
    [
        ("function exec_evaluation(turn) { return {score: 1 ", ErrorKind.SYNTAX, "SyntaxError"),
        ("function evaluate(turn) { return {score: 1}; }", ErrorKind.MISSING_FUNCTION, "function exec_evaluation"),
        ("function exec_evaluation(turn) { return turn.missing.text; }", ErrorKind.EXCEPTION, "TypeError"),
        ("function exec_evaluation(turn) { return {score: 'high'}; }", ErrorKind.BAD_RETURN, "'high'"),
        ("function exec_evaluation(turn) { return {score: NaN}; }", ErrorKind.BAD_RETURN, "NaN"),
        ("function exec_evaluation(turn) { return 3; }", ErrorKind.BAD_RETURN, "returned a number"),
        ("function exec_evaluation(turn) { for (;;) {} }", ErrorKind.TIMEOUT, "time limit of 1 s"),
        (
            "function exec_evaluation(turn) { return {score: Buffer.alloc(2 ** 31).length}; }",
            ErrorKind.MEMORY,
            "memory",
        ),
    ],
)
def test_javascript_failures_are_reported(sandbox: LocalSandbox, code: str, kind: ErrorKind, expected: str) -> None:
    result = run(sandbox, code, language=JS, timeout_s=1)

    assert error_kind(result) == kind, result
    assert expected in result.error.message  # type: ignore[union-attr]


def test_a_javascript_exception_shows_the_users_line(sandbox: LocalSandbox) -> None:
    result = run(
        sandbox,
        "function helper() {\n  throw new Error('broken on purpose');\n}\n"
        "function exec_evaluation(turn) { helper(); }\n",
        language=JS,
    )

    message = result.error.message  # type: ignore[union-attr]
    assert "Error: broken on purpose" in message and "evaluator.js:2" in message
    assert "harness.js" not in message


def test_a_turn_too_large_for_the_sandbox_is_refused_before_running(sandbox: LocalSandbox) -> None:
    result = run(sandbox, "def exec_evaluation(turn):\n    return EvalOutput(1, '')\n", turn={"big": "x" * 7_000_000})

    assert error_kind(result) == ErrorKind.TOO_LARGE
    assert "evaluate smaller fields" in result.error.message  # type: ignore[union-attr]


def test_a_missing_interpreter_is_a_platform_fault() -> None:
    broken = LocalSandbox(settings(sandbox_python="/nonexistent/python3"))

    with pytest.raises(SandboxUnavailable, match="failed to execute /nonexistent/python3"):
        run(broken, "def exec_evaluation(turn):\n    return EvalOutput(1, '')\n")


def test_javascript_without_node_says_so() -> None:
    no_node = LocalSandbox(settings(sandbox_node=""))
    result = run(no_node, "function exec_evaluation(turn) { return {score: 1}; }", language=JS)

    assert error_kind(result) == ErrorKind.UNAVAILABLE
    assert "JavaScript is not available on this server" in result.error.message  # type: ignore[union-attr]


# --- failing closed --------------------------------------------------------------------------------------


def test_without_unshare_the_sandbox_refuses_to_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(SandboxUnavailable, match="needs `unshare`"):
        LocalSandbox(settings())


def test_when_namespaces_cannot_be_made_nothing_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # An `unshare` that fails as it does where user namespaces are disabled.
    fake = tmp_path / "unshare"
    fake.write_text("#!/bin/sh\necho 'unshare: unshare failed: Operation not permitted' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    refused = LocalSandbox(settings())

    with pytest.raises(
        SandboxUnavailable,
        match="could not create its namespaces.*Operation not permitted.*user namespaces must be enabled",
    ):
        run(refused, "def exec_evaluation(turn):\n    return EvalOutput(1, '')\n")


def test_wiping_needs_an_explicit_scratch_directory() -> None:
    # Emptying the default temporary directory (/tmp) after each call would destroy other programs' files.
    with pytest.raises(SandboxUnavailable, match="set that directory too"):
        LocalSandbox(settings(sandbox_wipe_scratch=True, sandbox_scratch_dir=None))


def test_a_process_that_never_confined_itself_is_a_platform_fault() -> None:
    request = SandboxRequest(language=PY, code="")
    ending = Ending(report=b"", stdout="", stderr="boom", returncode=1, timed_out=False, duration_ms=5)
    setup_failed = Ending(
        report=b'{"setup_error": "ConfineError: mount /tmp: EPERM"}\n',
        stdout="",
        stderr="",
        returncode=70,
        timed_out=False,
        duration_ms=5,
    )

    with pytest.raises(SandboxUnavailable, match="boom"):
        interpret(request, ending)
    with pytest.raises(SandboxUnavailable, match="mount /tmp: EPERM"):
        interpret(request, setup_failed)


def test_user_code_cannot_forge_the_confinement_report() -> None:
    # Only the first line can say how confinement went; what user code writes later cannot turn its own
    # failure into a platform fault, and the harness's result (the last) wins over earlier forgeries.
    forged = b'{"confined": true}\n{"setup_error": "forged"}\n{"result": {"score": 9}}\n{"error": {"kind": "x"}}\n'

    report = parse_report(forged)

    assert report.confined and report.setup_error is None
    assert report.last == {"error": {"kind": "x"}}
