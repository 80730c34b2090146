"""Turns what the sandbox process left behind (its report pipe, its output, how it ended) into a result.

The report is written by user-controlled code's process, so it is parsed defensively: anything malformed is
the evaluator's failure, never the platform's. Every message says what went wrong and what to do.
"""

import json
import math
import signal
from dataclasses import dataclass
from typing import Any

from shared.evaluation.entities import LanguageType
from shared.evaluation.sandbox.protocol import (
    ErrorKind,
    SandboxError,
    SandboxLimits,
    SandboxRequest,
    SandboxResult,
    SandboxUnavailable,
)

RETURN_HINT = {
    LanguageType.PYTHON: "return EvalOutput(score=<number>, reason=<text>)",
    LanguageType.JS: "return {score: <number>, reason: <text>}",
}
DEFINE_HINT = {
    LanguageType.PYTHON: "define `def exec_evaluation(turn):` that returns EvalOutput(score=..., reason=...)",
    LanguageType.JS: "define `function exec_evaluation(turn) { ... }` that returns {score, reason}",
}
# What runtimes print when they die of memory exhaustion without raising something the harness could catch.
OUT_OF_MEMORY_MARKERS = ("MemoryError", "heap out of memory", "Reached heap limit", "Allocation failed")
STDERR_TAIL_CHARS = 1500


@dataclass
class Ending:
    """How the sandbox process ended, as the runner observed it."""

    report: bytes
    stdout: str
    stderr: str
    returncode: int | None
    timed_out: bool
    duration_ms: int
    report_clipped: bool = False


@dataclass(frozen=True)
class Report:
    confined: bool
    setup_error: str | None
    last: dict[str, Any]  # the last {"result": ...} or {"error": ...} after the confinement line


def parse_report(report: bytes) -> Report:
    """The first line must say the process confined itself (or why it could not); user code runs only after
    it, so only later lines can carry a result, and the harness's own is the last."""
    messages: list[dict[str, Any]] = []
    for line in report.splitlines():
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if isinstance(message, dict):
            messages.append(message)
    if not messages or messages[0].get("confined") is not True:
        setup_error = messages[0].get("setup_error") if messages else None
        return Report(confined=False, setup_error=str(setup_error) if setup_error else None, last={})
    outcomes = [message for message in messages[1:] if "result" in message or "error" in message]
    return Report(confined=True, setup_error=None, last=outcomes[-1] if outcomes else {})


def interpret(request: SandboxRequest, ending: Ending) -> SandboxResult:
    report = parse_report(ending.report)
    base = SandboxResult(stdout=ending.stdout, stderr=ending.stderr, duration_ms=ending.duration_ms)
    if not report.confined and not ending.timed_out:
        # Nothing of the user's ran: the sandbox itself could not be set up.
        detail = report.setup_error or _tail(ending.stderr) or f"exit status {ending.returncode}"
        raise SandboxUnavailable(f"the code sandbox could not isolate the evaluator, so it was not run: {detail}")
    if ending.timed_out:
        return _failed(base, ErrorKind.TIMEOUT, _timeout_message(request.limits))
    if ending.report_clipped:
        return _failed(base, ErrorKind.BAD_RETURN, "the evaluator's result is too large; return a shorter reason")
    error, result = report.last.get("error"), report.last.get("result")
    if isinstance(error, dict):
        return _failed_by_report(base, request, error)
    if isinstance(result, dict):
        if request.mode == "check":
            return base.model_copy(update={"valid": bool(result.get("valid"))})
        return _scored(base, request, result)
    return _failed(base, *_death(request, ending))


def _failed(base: SandboxResult, kind: ErrorKind, message: str, traceback: str = "") -> SandboxResult:
    return base.model_copy(update={"error": SandboxError(kind=kind, message=message, traceback=traceback)})


def _timeout_message(limits: SandboxLimits) -> str:
    return (
        f"exec_evaluation did not finish within the time limit of {limits.timeout_s:g} s and was stopped; "
        "make it faster and make sure it does not wait or loop forever"
    )


def _failed_by_report(base: SandboxResult, request: SandboxRequest, error: dict[str, Any]) -> SandboxResult:
    try:
        kind = ErrorKind(str(error.get("kind")))
    except ValueError:
        kind = ErrorKind.EXCEPTION
    message = str(error.get("message") or "")
    traceback = str(error.get("traceback") or "")
    language = request.language
    if kind == ErrorKind.SYNTAX:
        return _failed(base, kind, f"the code has a syntax error; fix it and run again:\n{message}")
    if kind == ErrorKind.MISSING_FUNCTION:
        return _failed(base, kind, f"the code does not define exec_evaluation; {DEFINE_HINT[language]}")
    if kind == ErrorKind.BAD_RETURN:
        return _failed(base, kind, f"{message}; {RETURN_HINT[language]}")
    if kind == ErrorKind.MEMORY:
        text = f"the evaluator ran out of memory (limit {request.limits.memory_mb} MB): {message}; "
        text += "work on less data at a time" + (f"\n{traceback}" if traceback else "")
        return _failed(base, kind, text, traceback)
    if kind == ErrorKind.EXIT:
        return _failed(base, kind, f"the code called sys.exit ({message}); {RETURN_HINT[language]} instead")
    text = f"the evaluator code raised {message}" + (f"\n{traceback}" if traceback else "")
    return _failed(base, ErrorKind.EXCEPTION, text, traceback)


def _scored(base: SandboxResult, request: SandboxRequest, result: dict[str, Any]) -> SandboxResult:
    hint = RETURN_HINT[request.language]
    score_type = str(result.get("score_type"))
    raw = result.get("score")
    shown = str(result.get("score_repr", raw))[:200]
    if score_type == "none":
        return _failed(base, ErrorKind.BAD_RETURN, f"exec_evaluation returned no score; {hint}")
    score: float | None = None
    if score_type == "number" and isinstance(raw, int | float) and not isinstance(raw, bool):
        score = float(raw)
    elif score_type == "number":
        text = f"exec_evaluation returned the score {shown}, which is not a finite number; {hint}"
        return _failed(base, ErrorKind.BAD_RETURN, text)
    elif score_type == "string" and isinstance(raw, str):
        # Upstream reads a numeric string as its number ("0.8" scores 0.8).
        try:
            score = float(raw)
        except ValueError:
            score = None
        if score is None or not math.isfinite(score):
            text = f"exec_evaluation returned the score {raw[:200]!r}, a string that is not a number; {hint}"
            return _failed(base, ErrorKind.BAD_RETURN, text)
    if score is None or not math.isfinite(score):
        text = f"exec_evaluation returned a score of type {score_type} ({shown}), which is not a number; {hint}"
        return _failed(base, ErrorKind.BAD_RETURN, text)
    reason = result.get("reason")
    return base.model_copy(update={"score": score, "reason": reason if isinstance(reason, str) else ""})


def _death(request: SandboxRequest, ending: Ending) -> tuple[ErrorKind, str]:
    """Why a process that got as far as user code ended without a result."""
    limits = request.limits
    tail = _tail(ending.stderr)
    said = [line.strip() for line in ending.stderr.splitlines() if any(m in line for m in OUT_OF_MEMORY_MARKERS)]
    if said:
        return ErrorKind.MEMORY, (
            f"the evaluator ran out of memory (limit {limits.memory_mb} MB) and was stopped; "
            f"work on less data at a time\n{said[0][:300]}"
        )
    code = ending.returncode
    if code == -signal.SIGXCPU:
        return ErrorKind.CPU, (
            f"the evaluator used more than its {limits.timeout_s:g} s of CPU time and was stopped; make it faster"
        )
    if code == -signal.SIGKILL:
        return ErrorKind.CPU, (
            "the evaluator was killed for using too much CPU time or memory; make it faster and work on less data"
        )
    how = f"was killed by {signal.Signals(-code).name}" if code is not None and code < 0 else f"exited ({code})"
    return ErrorKind.CRASHED, (
        f"the evaluator {how} before exec_evaluation returned; do not exit the process or close its file descriptors"
        + (f"\n{tail}" if tail else "")
    )


def _tail(text: str) -> str:
    text = text.strip()
    return text if len(text) <= STDERR_TAIL_CHARS else "..." + text[-STDERR_TAIL_CHARS:]
