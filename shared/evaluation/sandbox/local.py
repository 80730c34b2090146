"""Runs one request in a confined child process on this machine: the local stack, the tests, and the
sandbox Lambda itself all use it.

The child is `python -I -S -B inside/harness.py` with an empty environment, in a session of its own. With
`namespaces` isolation it starts under `unshare` in new user, network, pid, mount, IPC and UTS namespaces
(no network at all, no view of the host's processes, and everything in the namespace dies with it); if they
cannot be made the call fails closed. The harness then confines itself further (read-only filesystem,
rlimits, no capabilities, a syscall filter) before user code runs: see inside/confine.py. This process writes
the request to the child's stdin, reads its stdout and stderr up to a cap, takes its report from a pipe, and
kills the whole process group at the wall-clock deadline.
"""

import ctypes
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from shared.evaluation.entities import LanguageType
from shared.evaluation.sandbox.outcome import Ending, interpret
from shared.evaluation.sandbox.protocol import (
    ErrorKind,
    SandboxError,
    SandboxRequest,
    SandboxResult,
    SandboxUnavailable,
)
from shared.evaluation.sandbox.settings import SandboxSettings

HARNESS = Path(__file__).resolve().parent / "inside" / "harness.py"
UNSHARE_FLAGS = (
    "--user",
    "--map-root-user",
    "--net",
    "--pid",
    "--fork",
    "--kill-child",
    "--mount-proc",
    "--ipc",
    "--uts",
)
# Interpreter start-up (Node takes ~60 ms) is not the user's time; this much is added to the wall-clock limit.
STARTUP_GRACE_S = 0.5
DRAIN_S = 1.0  # how long to wait for the pipes to close once the process group is killed
READ_CHUNK = 64 * 1024
REPORT_BYTES = 2 * 1024 * 1024  # the harness clips the reason to 256 K characters
# Below the largest file the harness may write (SandboxLimits.file_mb), since JavaScript gets its request as one.
MAX_REQUEST_BYTES = 6 * 1024 * 1024
PR_SET_DUMPABLE = 4


class Capture:
    """Keeps the head and the tail of a stream up to `limit` bytes and counts what it drops."""

    def __init__(self, limit: int) -> None:
        self._head_limit = limit - limit // 4
        self._tail_limit = limit // 4
        self._head = bytearray()
        self._tail = bytearray()
        self.dropped = 0

    def feed(self, chunk: bytes) -> None:
        room = self._head_limit - len(self._head)
        if room > 0:
            self._head += chunk[:room]
            chunk = chunk[room:]
        if not chunk:
            return
        self._tail += chunk
        overflow = len(self._tail) - self._tail_limit
        if overflow > 0:
            del self._tail[:overflow]
            self.dropped += overflow

    def text(self) -> str:
        head = self._head.decode("utf-8", "replace")
        if not self._tail:
            return head
        tail = self._tail.decode("utf-8", "replace")
        if not self.dropped:
            return head + tail
        return f"{head}\n... [{self.dropped} bytes of output clipped] ...\n{tail}"


class ReportCapture:
    def __init__(self) -> None:
        self.data = bytearray()
        self.clipped = False

    def feed(self, chunk: bytes) -> None:
        room = REPORT_BYTES - len(self.data)
        self.data += chunk[: max(room, 0)]
        self.clipped = self.clipped or len(chunk) > room


def protect_process() -> None:
    """Makes this process non-dumpable, so a same-user child cannot read /proc/<this pid>/environ (where
    Lambda's credentials are) or attach to it. Namespaces isolation hides the host's processes instead."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise SandboxUnavailable("the code sandbox could not protect its own process (prctl PR_SET_DUMPABLE)")


def wipe(directory: Path) -> None:
    """Deletes everything in `directory`, including what user code made unreadable; symbolic links are
    removed, never followed."""
    for entry in list(directory.iterdir()):
        if entry.is_symlink() or not entry.is_dir():
            entry.unlink(missing_ok=True)
            continue
        _make_traversable(str(entry))
        for root, dirs, _ in os.walk(entry):  # top-down: each directory is opened after its mode is fixed
            for name in dirs:
                _make_traversable(os.path.join(root, name))
        shutil.rmtree(entry, ignore_errors=True)


def _make_traversable(path: str) -> None:
    if not os.path.islink(path):
        try:
            os.chmod(path, 0o700)
        except OSError:
            pass  # not ours to change; rmtree deletes what it can


class LocalSandbox:
    def __init__(self, settings: SandboxSettings) -> None:
        self._settings = settings
        self._isolation = settings.sandbox_isolation
        self._python = settings.sandbox_python or sys.executable
        node = settings.sandbox_node
        self._node = shutil.which("node") if node is None else node or None  # "" turns JavaScript off
        self._mask_paths = settings.mask_paths() if self._isolation == "namespaces" else []
        self._unshare: str | None = None
        if self._isolation == "namespaces":
            self._unshare = shutil.which("unshare")
            if self._unshare is None:
                raise SandboxUnavailable(
                    "the code sandbox needs `unshare` (util-linux) to give user code no network and no view of "
                    "this server; install util-linux, or run code in the sandbox Lambda (LOOP_SANDBOX_FUNCTION)"
                )
        else:
            protect_process()
        if settings.sandbox_wipe_scratch and not settings.sandbox_scratch_dir:
            raise SandboxUnavailable(
                "LOOP_SANDBOX_WIPE_SCRATCH empties LOOP_SANDBOX_SCRATCH_DIR after each call; set that directory too"
            )

    @property
    def node(self) -> str | None:
        """The Node.js that runs JavaScript evaluators; None when JavaScript is not available."""
        return self._node

    def run(self, request: SandboxRequest) -> SandboxResult:
        if request.language == LanguageType.JS and not self._node:
            return unavailable_js()
        read_fd, write_fd = os.pipe()  # the report pipe; pass_fds hands only its write end to the child
        payload = json.dumps(self._message(request, write_fd), ensure_ascii=False).encode()
        if len(payload) > MAX_REQUEST_BYTES:
            os.close(read_fd)
            os.close(write_fd)
            return too_large(len(payload), MAX_REQUEST_BYTES)
        workdir = self._workdir()
        started = time.monotonic()
        try:
            with os.fdopen(read_fd, "rb", buffering=0) as report:
                try:
                    process = subprocess.Popen(
                        self._command(),
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        env={},  # nothing of this process's environment (credentials, LOOP_*) reaches user code
                        cwd=workdir or "/",
                        pass_fds=(write_fd,),
                        start_new_session=True,
                    )
                except OSError as error:
                    raise SandboxUnavailable(f"the code sandbox could not start its process: {error}") from error
                finally:
                    os.close(write_fd)
                ending = self._supervise(process, payload, report.fileno(), request, started)
        finally:
            self._clean(workdir)
        if not ending.report and ending.stderr.startswith("unshare:"):
            hint = (
                ""
                if "failed to execute" in ending.stderr
                else " (user namespaces must be enabled: sysctl user.max_user_namespaces > 0, "
                "kernel.unprivileged_userns_clone=1 where that setting exists, and on Ubuntu 24.04 or later "
                "kernel.apparmor_restrict_unprivileged_userns=0)"
            )
            raise SandboxUnavailable(
                "the code sandbox could not create its namespaces or start in them, so the code was not run: "
                f"{ending.stderr.strip()[:500]}{hint}"
            )
        return interpret(request, ending)

    def _message(self, request: SandboxRequest, result_fd: int) -> dict[str, Any]:
        return {
            "language": request.language.value,
            "mode": request.mode,
            "code": request.code,
            "turn": request.turn,
            "limits": request.limits.model_dump(),
            "isolation": self._isolation,
            "mask_paths": self._mask_paths,
            "node": self._node,
            "result_fd": result_fd,
        }

    def _command(self) -> list[str]:
        python = [self._python, "-I", "-S", "-B", str(HARNESS)]
        if self._unshare is None:
            return python
        return [self._unshare, *UNSHARE_FLAGS, "--", *python]

    def _workdir(self) -> str | None:
        """Lambda isolation: a fresh directory under the scratch root. Namespaces isolation: none here (the
        harness works in an empty tmpfs of its own)."""
        if self._isolation == "namespaces":
            return None
        return tempfile.mkdtemp(prefix="sandbox-", dir=self._settings.sandbox_scratch_dir)

    def _clean(self, workdir: str | None) -> None:
        if workdir is None:
            return
        shutil.rmtree(workdir, ignore_errors=True)
        if self._settings.sandbox_wipe_scratch and self._settings.sandbox_scratch_dir:
            wipe(Path(self._settings.sandbox_scratch_dir))

    def _supervise(
        self,
        process: "subprocess.Popen[bytes]",
        payload: bytes,
        report_fd: int,
        request: SandboxRequest,
        started: float,
    ) -> Ending:
        assert process.stdin is not None and process.stdout is not None and process.stderr is not None
        limits = request.limits
        stdout, stderr, report = Capture(limits.output_bytes), Capture(limits.output_bytes), ReportCapture()
        sinks: dict[int, Capture | ReportCapture] = {
            process.stdout.fileno(): stdout,
            process.stderr.fileno(): stderr,
            report_fd: report,
        }
        selector = selectors.DefaultSelector()
        for fd in sinks:
            os.set_blocking(fd, False)
            selector.register(fd, selectors.EVENT_READ)
        stdin_fd = process.stdin.fileno()
        os.set_blocking(stdin_fd, False)
        selector.register(stdin_fd, selectors.EVENT_WRITE)
        pending = memoryview(payload)
        deadline = started + limits.timeout_s + STARTUP_GRACE_S
        timed_out = False
        try:
            while selector.get_map():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if timed_out:
                        break  # killed, yet a pipe stays open: stop reading
                    kill_group(process)
                    timed_out = True
                    deadline = time.monotonic() + DRAIN_S
                    continue
                for key, _ in selector.select(remaining):
                    if key.fd == stdin_fd:
                        pending = write_some(stdin_fd, pending)
                        if not pending:
                            selector.unregister(stdin_fd)
                            process.stdin.close()
                        continue
                    try:
                        chunk = os.read(key.fd, READ_CHUNK)
                    except BlockingIOError:
                        continue
                    if chunk:
                        sinks[key.fd].feed(chunk)
                    else:
                        selector.unregister(key.fd)
        finally:
            selector.close()
            kill_group(process)  # whatever is left once the report is in (threads, a hung exit)
            for stream in (process.stdin, process.stdout, process.stderr):
                stream.close()
        returncode = process.wait()
        return Ending(
            report=bytes(report.data),
            stdout=stdout.text(),
            stderr=stderr.text(),
            returncode=returncode,
            timed_out=timed_out,
            duration_ms=int((time.monotonic() - started) * 1000),
            report_clipped=report.clipped,
        )


def write_some(fd: int, pending: memoryview) -> memoryview:
    try:
        written = os.write(fd, pending[:READ_CHUNK])
    except BlockingIOError:
        return pending
    except BrokenPipeError:
        return pending[:0]  # the child stopped reading (it died); its ending says why
    return pending[written:]


def kill_group(process: "subprocess.Popen[bytes]") -> None:
    """SIGKILL to the child and its process group. Under `unshare --kill-child` the namespace's pid 1 then
    dies, and with it every process in the namespace, even one that left the group with setsid()."""
    for kill in (os.killpg, os.kill):
        try:
            kill(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def unavailable_js() -> SandboxResult:
    message = "JavaScript is not available on this server (Node.js is not installed); write the evaluator in Python"
    return SandboxResult(error=SandboxError(kind=ErrorKind.UNAVAILABLE, message=message))


def too_large(size: int, limit: int) -> SandboxResult:
    message = (
        f"the code and the evaluation turn together are {size / 2**20:.1f} MB, over the sandbox's "
        f"{limit / 2**20:.1f} MB; evaluate smaller fields"
    )
    return SandboxResult(error=SandboxError(kind=ErrorKind.TOO_LARGE, message=message))
