"""The sandbox process: reads one request on stdin, confines itself, runs the user's `exec_evaluation(turn)`.

Run as `python -I -S -B harness.py` with an empty environment. It reports on the pipe the request names
(`result_fd`), one JSON object per line:
`{"confined": true}` once the confinement is in place (before any user code), then either `{"result": ...}`
or `{"error": {"kind", "message", "traceback"}}`. The user's prints go to fds 1 and 2, which the runner reads.
For JavaScript it confines itself the same way and then becomes Node running harness.js.

Python user code runs as upstream's template runs it: `EvalOutput`, `Args`, `Output`, `json` and `sys` are
already defined, `turn` is the evaluation turn, and `exec_evaluation(turn)` returns `EvalOutput(score, reason)`
(a dict with those keys is accepted too). Stdlib only; nothing heavy is imported before user code needs it.
"""

import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# See confine.py: inside the sandbox the modules beside this file are top-level; mypy reads the package path.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from shared.evaluation.sandbox.inside import confine as confinement
else:
    import confine as confinement
del sys.path[0]

RESULT_FD = 3  # the runner names the real one in the request (`result_fd`)
FILENAME = "evaluator.py"
SETUP_FAILED_EXIT = 70
MAX_REASON_CHARS = 256 * 1024
MAX_REPR_CHARS = 200
TRACEBACK_LINES = 30
TRACEBACK_CHARS = 4000


def emit(message: dict[str, object]) -> None:
    os.write(RESULT_FD, (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace"))


class EvalOutput:
    """Upstream's `EvalOutput` dataclass: a score and the reason for it."""

    def __init__(self, score: object, reason: object = "") -> None:
        self.score = score
        self.reason = reason

    def __repr__(self) -> str:
        return f"EvalOutput(score={self.score!r}, reason={self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EvalOutput) and (self.score, self.reason) == (other.score, other.reason)

    __hash__ = None  # type: ignore[assignment]  # like a dataclass with eq


class Args:
    def __init__(self, params: object) -> None:
        self.params = params


class Output(dict):  # type: ignore[type-arg]
    pass


def user_namespace(code: str, turn: object) -> dict[str, object]:
    """The globals upstream's template gives user code; modules it imports there are imported only if the
    code mentions them (asyncio and dataclasses cost tens of milliseconds to import)."""
    namespace: dict[str, object] = {
        "__name__": "__main__",
        "__builtins__": __builtins__,
        "json": json,
        "sys": sys,
        "EvalOutput": EvalOutput,
        "Args": Args,
        "Output": Output,
        "args": {},
        "turn": turn,
    }
    if "asyncio" in code:
        import asyncio

        namespace["asyncio"] = asyncio
    if "dataclass" in code:
        from dataclasses import dataclass

        namespace["dataclass"] = dataclass
    return namespace


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"... [{len(text) - limit} characters clipped]"


def safe_repr(value: object) -> str:
    try:
        return clip(repr(value), MAX_REPR_CHARS)
    except Exception:
        return f"<{type(value).__name__}>"


def encode_score(score: object) -> dict[str, object]:
    """The score as the runner validates it: a finite number travels as one; anything else by type and repr."""
    if score is None:
        return {"score_type": "none"}
    if isinstance(score, bool):
        return {"score_type": "bool", "score_repr": repr(score)}
    if isinstance(score, str):
        return {"score_type": "string", "score": clip(score, MAX_REPR_CHARS)}
    if isinstance(score, int | float) or hasattr(score, "__float__"):
        try:
            value = float(score)
        except (TypeError, ValueError, OverflowError):
            return {"score_type": type(score).__name__, "score_repr": safe_repr(score)}
        if math.isfinite(value):
            return {"score_type": "number", "score": value}
        return {"score_type": "number", "score_repr": repr(value)}
    return {"score_type": type(score).__name__, "score_repr": safe_repr(score)}


def encode_reason(reason: object) -> str:
    if reason is None:
        return ""
    if isinstance(reason, str):
        return clip(reason, MAX_REASON_CHARS)
    try:
        return clip(str(reason), MAX_REASON_CHARS)
    except Exception:
        return safe_repr(reason)


def describe_output(output: object) -> dict[str, object]:
    """What exec_evaluation returned: an object with `score` and `reason` (EvalOutput), or such a dict."""
    if isinstance(output, dict):
        if "score" not in output:
            keys = ", ".join(sorted(map(str, output))[:10]) or "none"
            return {"bad_return": f"exec_evaluation returned a dict without a 'score' key (its keys: {keys})"}
        return {"result": {**encode_score(output["score"]), "reason": encode_reason(output.get("reason"))}}
    if output is None:
        return {"bad_return": "exec_evaluation returned None"}
    try:
        if hasattr(output, "score"):
            return {
                "result": {
                    **encode_score(output.score),
                    "reason": encode_reason(getattr(output, "reason", None)),
                }
            }
    except Exception as error:
        return {"bad_return": f"reading the score of the returned {type(output).__name__} failed: {error!r}"}
    return {"bad_return": f"exec_evaluation returned a {type(output).__name__} ({safe_repr(output)})"}


def format_traceback(error: BaseException, code: str) -> str:
    """The traceback without the harness's own frames (chained exceptions too), its last lines only, with
    the user's source lines."""
    import linecache
    import traceback

    linecache.cache[FILENAME] = (len(code), None, code.splitlines(True), FILENAME)
    here = os.path.abspath(__file__)
    described = traceback.TracebackException.from_exception(error)
    node: traceback.TracebackException | None = described
    while node is not None:
        node.stack = traceback.StackSummary.from_list(
            [frame for frame in node.stack if os.path.abspath(frame.filename) != here]
        )
        node = node.__cause__ or node.__context__
    lines = "".join(described.format()).splitlines()
    return clip("\n".join(lines[-TRACEBACK_LINES:]), TRACEBACK_CHARS)


def release_frames(error: BaseException) -> None:
    """Frees the locals of the frames that failed (the data that filled the memory), so there is memory left to
    report the error with; the traceback keeps their file names and line numbers."""
    trace = error.__traceback__
    while trace is not None:
        try:
            trace.tb_frame.clear()
        except RuntimeError:
            pass  # a frame still running (the harness's own)
        trace = trace.tb_next


def error_kind(error: BaseException) -> str:
    if isinstance(error, MemoryError):
        return "memory"
    if isinstance(error, SystemExit):
        return "exit"
    return "exception"


def run_python(code: str, turn: object, *, check_only: bool) -> None:
    try:
        compiled = compile(code, FILENAME, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        import traceback

        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        emit({"error": {"kind": "syntax", "message": clip(detail, TRACEBACK_CHARS), "traceback": ""}})
        return
    if check_only:
        emit({"result": {"valid": True}})
        return
    namespace = user_namespace(code, turn)
    try:
        exec(compiled, namespace)
        function = namespace.get("exec_evaluation")
        if not callable(function):
            emit({"error": {"kind": "missing_function", "message": "", "traceback": ""}})
            return
        output = function(turn)
        if hasattr(output, "__await__"):
            import asyncio

            output = asyncio.run(output)
    except BaseException as error:
        if isinstance(error, MemoryError):
            release_frames(error)
        message = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        emit(
            {
                "error": {
                    "kind": error_kind(error),
                    "message": clip(message, TRACEBACK_CHARS),
                    "traceback": format_traceback(error, code),
                }
            }
        )
        return
    described = describe_output(output)
    if "bad_return" in described:
        emit({"error": {"kind": "bad_return", "message": described["bad_return"], "traceback": ""}})
    else:
        emit(described)


def become_node(request: dict[str, object], harness_js: str) -> None:
    """Hands the request and harness.js (read before the tmpfs went over /tmp, where this checkout may be)
    to Node through the working directory, and replaces this process with Node."""
    node = str(request["node"])
    with open("request.json", "w", encoding="utf-8") as file:
        json.dump({key: request.get(key) for key in ("mode", "code", "turn", "result_fd")}, file, ensure_ascii=False)
    with open("harness.js", "w", encoding="utf-8") as file:
        file.write(harness_js)
    heap_mb = max(16, int(request["limits"]["memory_mb"]) // 2)  # type: ignore[index]
    os.execve(node, [node, f"--max-old-space-size={heap_mb}", "harness.js"], {})


def main() -> None:
    global RESULT_FD
    os.environ.clear()  # the runner passes none; Python's C-locale coercion added LC_CTYPE
    request = json.loads(sys.stdin.buffer.read())
    RESULT_FD = int(request.get("result_fd", RESULT_FD))
    devnull = os.open("/dev/null", os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    limits = request["limits"]
    javascript = request["language"] == "JS"
    harness_js = ""
    if javascript:
        with open(os.path.join(HERE, "harness.js"), encoding="utf-8") as file:
            harness_js = file.read()
    try:
        confinement.confine(
            isolation=request["isolation"],
            mask_paths=list(request.get("mask_paths") or []),
            scratch_mb=int(limits["scratch_mb"]),
            cpu_s=math.ceil(float(limits["timeout_s"])) + 1,
            memory_mb=int(limits["memory_mb"]),
            limit_address_space=not javascript,
            file_mb=int(limits["file_mb"]),
            open_files=int(limits["open_files"]),
        )
    except Exception as error:
        emit({"setup_error": f"{type(error).__name__}: {error}"})
        os._exit(SETUP_FAILED_EXIT)
    emit({"confined": True})
    if javascript:
        become_node(request, harness_js)
        return
    sys.stdout.reconfigure(line_buffering=True, errors="backslashreplace")  # type: ignore[union-attr]
    sys.stderr.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    run_python(str(request["code"]), request.get("turn") or {}, check_only=request.get("mode") == "check")
    sys.stdout.flush()
    sys.stderr.flush()
    # Not a normal exit: threads the user left running must not keep the process alive.
    os._exit(0)


if __name__ == "__main__":
    main()
