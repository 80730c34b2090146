"""Code evaluators: the user's `exec_evaluation(turn)` run in the sandbox, as upstream runs it.

`turn` is built as upstream's code builder builds it (evaluator_code_builder_impl.go): `evaluate_dataset_fields`
and `evaluate_target_output_fields` map each field name to `{"content_type", "text" | "image" | "audio" |
"video" | "multi_part"}`, and `ext` carries the input's ext. We add `input_fields`, in the same shape, when the
input has any (upstream leaves them out of `turn`; code that does not read them is unaffected).
Errors carry upstream's codes (backend/modules/evaluation/pkg/errno). User-code problems come back as
`evaluator_run_error`; only platform faults raise.
"""

import ast
import re
import time
from typing import Any

from shared.data.content import Content, ContentType
from shared.evaluation.entities import (
    CodeEvaluator,
    EvaluatorInputData,
    EvaluatorOutputData,
    EvaluatorResult,
    EvaluatorRunError,
    EvaluatorUsage,
    LanguageType,
)
from shared.evaluation.sandbox import (
    ErrorKind,
    SandboxRequest,
    SandboxResult,
    run_in_sandbox,
    sandbox_limits,
)

# Upstream's error codes.
INVALID_INPUT_DATA = 601205029
INVALID_CODE_CONTENT = 601205030
CODE_EXECUTION_FAILED = 601205032
RESULT_PARSE_FAILED = 601205034
EMPTY_CODE_CONTENT = 601205046
SYNTAX_VALIDATION_FAILED = 601205047
REQUIRED_FUNCTION_NOT_FOUND = 601205053
UNSUPPORTED_LANGUAGE_TYPE = 601205058

ERROR_CODES = {
    ErrorKind.SYNTAX: SYNTAX_VALIDATION_FAILED,
    ErrorKind.MISSING_FUNCTION: REQUIRED_FUNCTION_NOT_FOUND,
    ErrorKind.BAD_RETURN: RESULT_PARSE_FAILED,
    ErrorKind.UNAVAILABLE: UNSUPPORTED_LANGUAGE_TYPE,
    ErrorKind.TOO_LARGE: INVALID_INPUT_DATA,
}
MAX_CODE_CHARS = 100_000
FUNCTION_NAME = "exec_evaluation"
# How upstream recognises the function in JavaScript (it also accepts execEvaluation), plus `async function`.
JS_DEFINITION = re.compile(
    r"^\s*(?:(?:async\s+)?function\s*\*?\s*(?:exec_evaluation|execEvaluation)\s*\("
    r"|(?:const|let|var)\s+(?:exec_evaluation|execEvaluation)\s*=)",
    re.MULTILINE,
)


def code_for(evaluator: CodeEvaluator) -> tuple[LanguageType, str]:
    """The language (Python unless set) and its code: `code_content`, else the language's entry of
    `lang_2_code_content` (templates carry both languages there)."""
    language = evaluator.language_type or LanguageType.PYTHON
    code = evaluator.code_content or (evaluator.lang_2_code_content or {}).get(language.value) or ""
    return language, code


def content_for_code(content: Content) -> dict[str, Any]:
    """A field as user code sees it; a content without a type is text, as upstream treats it."""
    content_type = content.content_type or ContentType.TEXT
    field: dict[str, Any] = {"content_type": content_type.value}
    if content_type == ContentType.IMAGE:
        field["image"] = content.image.model_dump(exclude_none=True) if content.image else None
    elif content_type == ContentType.AUDIO:
        field["audio"] = content.audio.model_dump(exclude_none=True) if content.audio else None
    elif content_type == ContentType.VIDEO:
        field["video"] = content.video.model_dump(exclude_none=True) if content.video else None
    elif content_type == ContentType.MULTI_PART:
        field["multi_part"] = [content_for_code(part) for part in content.multi_part or []]
    else:
        field["text"] = content.text or ""
    return field


def build_turn(input_data: EvaluatorInputData) -> dict[str, Any]:
    turn: dict[str, Any] = {}
    groups = {
        "evaluate_dataset_fields": input_data.evaluate_dataset_fields,
        "evaluate_target_output_fields": input_data.evaluate_target_output_fields,
        "input_fields": input_data.input_fields,
    }
    for key, fields in groups.items():
        converted = {name: content_for_code(content) for name, content in (fields or {}).items() if content}
        if converted:
            turn[key] = converted
    if input_data.ext:
        turn["ext"] = dict(input_data.ext)
    return turn


def run_code_evaluator(evaluator: CodeEvaluator, input_data: EvaluatorInputData) -> EvaluatorOutputData:
    """Runs `exec_evaluation(turn)`; the score and reason, or why there is none, with what the code printed.

    Raises SandboxUnavailable (an InternalError) only when the sandbox itself fails."""
    started = time.monotonic()
    language, code = code_for(evaluator)
    if not code.strip():
        return _failure(
            EMPTY_CODE_CONTENT,
            "evaluator_content.code_evaluator.code_content is empty; write a function exec_evaluation(turn)",
            started,
        )
    if len(code) > MAX_CODE_CHARS:
        return _failure(
            INVALID_CODE_CONTENT,
            f"evaluator_content.code_evaluator.code_content is {len(code)} characters, over the limit of "
            f"{MAX_CODE_CHARS}; make the code shorter",
            started,
        )
    request = SandboxRequest(language=language, code=code, turn=build_turn(input_data), limits=sandbox_limits())
    return to_output(run_in_sandbox(request), started)


def to_output(result: SandboxResult, started: float) -> EvaluatorOutputData:
    elapsed_ms = int((time.monotonic() - started) * 1000)
    if result.error is not None:
        return EvaluatorOutputData(
            evaluator_run_error=EvaluatorRunError(
                code=ERROR_CODES.get(result.error.kind, CODE_EXECUTION_FAILED), message=result.error.message
            ),
            time_consuming_ms=elapsed_ms,
            stdout=result.stdout,
        )
    return EvaluatorOutputData(
        evaluator_result=EvaluatorResult(score=result.score, reasoning=result.reason),
        evaluator_usage=EvaluatorUsage(input_tokens=0, output_tokens=0),
        time_consuming_ms=elapsed_ms,
        stdout=with_warnings(result.stdout, result.stderr),
    )


def with_warnings(stdout: str, stderr: str) -> str:
    """As upstream: on success, what the code wrote to stderr follows its stdout, each line marked [warning]."""
    warnings = [f"[warning] {line}" for line in stderr.splitlines() if line.strip()]
    return "\n".join([stdout.rstrip("\n"), *warnings] if stdout else warnings) if warnings else stdout


def _failure(code: int, message: str, started: float) -> EvaluatorOutputData:
    return EvaluatorOutputData(
        evaluator_run_error=EvaluatorRunError(code=code, message=message),
        time_consuming_ms=int((time.monotonic() - started) * 1000),
    )


def check_code(language: LanguageType, code: str) -> list[str]:
    """The problems that stop `code` from running as a code evaluator, or [] when it compiles and defines
    exec_evaluation. Python is parsed here (never executed); JavaScript is compiled by Node in the sandbox."""
    if not code.strip():
        return ["the code is empty; write a function exec_evaluation(turn)"]
    if len(code) > MAX_CODE_CHARS:
        return [f"the code is {len(code)} characters, over the limit of {MAX_CODE_CHARS}; make it shorter"]
    if language == LanguageType.PYTHON:
        return _check_python(code)
    return _check_javascript(code)


def _check_python(code: str) -> list[str]:
    try:
        tree = ast.parse(code, filename="evaluator.py")
    except SyntaxError as error:
        column = f", column {error.offset}" if error.offset else ""
        where = f" at line {error.lineno}{column}" if error.lineno else ""
        line = f": {error.text.strip()}" if error.text and error.text.strip() else ""
        return [f"syntax error{where}: {error.msg}{line}"]
    except ValueError as error:  # a NUL byte in the source, on some Python versions
        return [f"the code cannot be compiled: {error}"]
    if not any(_defines_function(node) for node in tree.body):
        return ["the code does not define exec_evaluation; add `def exec_evaluation(turn):` at the top level"]
    return []


def _defines_function(node: ast.stmt) -> bool:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return node.name == FUNCTION_NAME
    if isinstance(node, ast.Assign):
        return any(isinstance(target, ast.Name) and target.id == FUNCTION_NAME for target in node.targets)
    if isinstance(node, ast.ImportFrom | ast.Import):
        return any((alias.asname or alias.name) == FUNCTION_NAME for alias in node.names)
    return False


def _check_javascript(code: str) -> list[str]:
    result = run_in_sandbox(SandboxRequest(language=LanguageType.JS, code=code, mode="check", limits=sandbox_limits()))
    if result.error is not None:
        return [result.error.message]
    if not JS_DEFINITION.search(code):
        return ["the code does not define exec_evaluation; add `function exec_evaluation(turn) { ... }`"]
    return []
