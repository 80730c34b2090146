"""Code evaluators end to end through the real local sandbox: upstream's `turn`, the output record, the error
codes, the syntax check, and the six built-in templates in both languages."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.data.content import Content, ContentType, Media
from shared.evaluation import sandbox as sandbox_package
from shared.evaluation.code_evaluator import (
    CODE_EXECUTION_FAILED,
    EMPTY_CODE_CONTENT,
    INVALID_CODE_CONTENT,
    INVALID_INPUT_DATA,
    REQUIRED_FUNCTION_NOT_FOUND,
    RESULT_PARSE_FAILED,
    SYNTAX_VALIDATION_FAILED,
    UNSUPPORTED_LANGUAGE_TYPE,
    build_turn,
    check_code,
    run_code_evaluator,
    to_output,
)
from shared.evaluation.entities import CodeEvaluator, EvaluatorContent, EvaluatorInputData, LanguageType
from shared.evaluation.sandbox import ErrorKind, SandboxError, SandboxResult
from shared.settings import _load

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "conf" / "evaluators" / "code"
PY = LanguageType.PYTHON
JS = LanguageType.JS


@pytest.fixture(autouse=True)
def local_sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The local sandbox with default limits, whatever this machine's LOOP_SANDBOX_* say."""
    for name in ("FUNCTION", "ISOLATION", "TIMEOUT_S", "MEMORY_MB", "OUTPUT_BYTES", "NODE", "PYTHON"):
        monkeypatch.delenv(f"LOOP_SANDBOX_{name}", raising=False)
    _load.cache_clear()
    sandbox_package._local_sandbox.cache_clear()
    yield
    _load.cache_clear()
    sandbox_package._local_sandbox.cache_clear()


def inputs(output: str | None = None, reference: str | None = None, **extra: Any) -> EvaluatorInputData:
    return EvaluatorInputData(
        evaluate_target_output_fields=None if output is None else {"actual_output": Content.of_text(output)},
        evaluate_dataset_fields=None if reference is None else {"reference_output": Content.of_text(reference)},
        **extra,
    )


def python(code: str) -> CodeEvaluator:
    return CodeEvaluator(language_type=PY, code_content=code)


# --- the turn ----------------------------------------------------------------------------------------------


def test_the_turn_has_upstreams_shape() -> None:
    data = EvaluatorInputData(
        evaluate_dataset_fields={
            "reference_output": Content.of_text("Paris"),
            "untyped": Content(text="no content_type"),
            "picture": Content(content_type=ContentType.IMAGE, image=Media(url="https://img/1.png", name="1.png")),
            "parts": Content(
                content_type=ContentType.MULTI_PART,
                multi_part=[Content.of_text("see"), Content(content_type=ContentType.IMAGE, image=Media(uri="k/2"))],
            ),
        },
        evaluate_target_output_fields={"actual_output": Content.of_text("Paris.")},
        ext={"space_id": "7"},
    )

    assert build_turn(data) == {
        "evaluate_dataset_fields": {
            "reference_output": {"content_type": "Text", "text": "Paris"},
            "untyped": {"content_type": "Text", "text": "no content_type"},
            "picture": {"content_type": "Image", "image": {"url": "https://img/1.png", "name": "1.png"}},
            "parts": {
                "content_type": "MultiPart",
                "multi_part": [
                    {"content_type": "Text", "text": "see"},
                    {"content_type": "Image", "image": {"uri": "k/2"}},
                ],
            },
        },
        "evaluate_target_output_fields": {"actual_output": {"content_type": "Text", "text": "Paris."}},
        "ext": {"space_id": "7"},
    }


def test_input_fields_join_the_turn_only_when_there_are_some() -> None:
    with_inputs = EvaluatorInputData(input_fields={"question": Content.of_text("capital?")})

    assert build_turn(with_inputs) == {"input_fields": {"question": {"content_type": "Text", "text": "capital?"}}}
    assert build_turn(EvaluatorInputData(input_fields={}, evaluate_dataset_fields={})) == {}


# --- running ---------------------------------------------------------------------------------------------


def test_a_successful_run_gives_score_reason_and_prints() -> None:
    code = """
import sys

def exec_evaluation(turn):
    output = turn["evaluate_target_output_fields"]["actual_output"]["text"]
    print("checking", output)
    print("careful", file=sys.stderr)
    return EvalOutput(score=len(output), reason=f"{output} has {len(output)} characters")
"""
    result = run_code_evaluator(python(code), inputs(output="four"))

    assert result.evaluator_run_error is None
    assert result.evaluator_result is not None
    assert (result.evaluator_result.score, result.evaluator_result.reasoning) == (4.0, "four has 4 characters")
    assert result.stdout == "checking four\n[warning] careful"  # stderr follows as warnings, as upstream
    assert result.evaluator_usage is not None and result.evaluator_usage.input_tokens == 0
    assert result.time_consuming_ms is not None and 0 < result.time_consuming_ms < 5000


def test_the_code_of_lang_2_code_content_runs_when_code_content_is_empty() -> None:
    evaluator = CodeEvaluator(
        language_type=PY,
        lang_2_code_content={
            "Python": "def exec_evaluation(turn):\n    return EvalOutput(2, 'python')\n",
            "JS": "function exec_evaluation(turn) { return {score: 3, reason: 'js'}; }",
        },
    )

    result = run_code_evaluator(evaluator, inputs())

    assert result.evaluator_result is not None and result.evaluator_result.reasoning == "python"


@pytest.mark.parametrize(
    ("code", "expected_code", "expected_text"),
    [
        ("def exec_evaluation(turn) return 1", SYNTAX_VALIDATION_FAILED, "syntax error"),
        ("def evaluate(turn):\n    return EvalOutput(1, '')", REQUIRED_FUNCTION_NOT_FOUND, "exec_evaluation"),
        ("def exec_evaluation(turn):\n    return turn['missing']", CODE_EXECUTION_FAILED, "KeyError: 'missing'"),
        ("def exec_evaluation(turn):\n    return EvalOutput('x', '')", RESULT_PARSE_FAILED, "not a number"),
        ("def exec_evaluation(turn):\n    return EvalOutput(float('nan'), '')", RESULT_PARSE_FAILED, "nan"),
        ("   \n", EMPTY_CODE_CONTENT, "code_content is empty"),
        ("# " + "x" * 100_001, INVALID_CODE_CONTENT, "over the limit"),
    ],
)
def test_user_code_problems_come_back_as_run_errors(code: str, expected_code: int, expected_text: str) -> None:
    result = run_code_evaluator(python(code), inputs(output="o", reference="r"))

    assert result.evaluator_result is None
    assert result.evaluator_run_error is not None
    assert result.evaluator_run_error.code == expected_code
    assert expected_text in (result.evaluator_run_error.message or "")
    assert result.time_consuming_ms is not None


def test_a_raising_evaluator_keeps_its_prints_and_the_traceback_tail() -> None:
    code = "def exec_evaluation(turn):\n    print('before')\n    raise RuntimeError('gave up')\n"

    result = run_code_evaluator(python(code), inputs())

    assert result.stdout == "before\n"
    message = result.evaluator_run_error.message or ""  # type: ignore[union-attr]
    assert "RuntimeError: gave up" in message and 'File "evaluator.py", line 3' in message


def test_the_time_limit_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOP_SANDBOX_TIMEOUT_S", "1")
    _load.cache_clear()

    result = run_code_evaluator(python("def exec_evaluation(turn):\n    while True:\n        pass\n"), inputs())

    assert result.evaluator_run_error is not None
    assert result.evaluator_run_error.code == CODE_EXECUTION_FAILED
    assert "time limit of 1 s" in (result.evaluator_run_error.message or "")


@pytest.mark.parametrize(
    ("kind", "expected_code"),
    [(ErrorKind.UNAVAILABLE, UNSUPPORTED_LANGUAGE_TYPE), (ErrorKind.TOO_LARGE, INVALID_INPUT_DATA)],
)
def test_platform_limits_map_to_upstreams_codes(kind: ErrorKind, expected_code: int) -> None:
    result = to_output(SandboxResult(error=SandboxError(kind=kind, message="explained")), started=0.0)

    assert result.evaluator_run_error is not None
    assert (result.evaluator_run_error.code, result.evaluator_run_error.message) == (expected_code, "explained")


# --- the syntax check ------------------------------------------------------------------------------------


def test_check_code_accepts_a_valid_evaluator_in_either_language() -> None:
    assert check_code(PY, "def exec_evaluation(turn):\n    return EvalOutput(1, '')\n") == []
    assert check_code(PY, "exec_evaluation = lambda turn: EvalOutput(1, '')\n") == []
    assert check_code(JS, "function exec_evaluation(turn) { return {score: 1}; }") == []
    assert check_code(JS, "const execEvaluation = (turn) => ({score: 1});") == []


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        (PY, "def exec_evaluation(turn)\n    return 1\n", "syntax error at line 1"),
        (PY, "def evaluate(turn):\n    return 1\n", "does not define exec_evaluation"),
        (PY, "x = 'a\0b'\n", "null bytes"),
        (PY, "", "the code is empty"),
        (JS, "function exec_evaluation(turn) { return {score: 1 ", "SyntaxError"),
        (JS, "function evaluate(turn) { return {score: 1}; }", "does not define exec_evaluation"),
    ],
)
def test_check_code_names_the_problem(language: LanguageType, code: str, expected: str) -> None:
    [problem] = check_code(language, code)

    assert expected in problem


def test_check_code_never_runs_the_code(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code = f"open({str(marker)!r}, 'w').write('x')\ndef exec_evaluation(turn):\n    return EvalOutput(1, '')\n"

    assert check_code(PY, code) == []
    assert check_code(JS, f"require('fs').writeFileSync({str(marker)!r}, 'x');\nfunction exec_evaluation() {{}}") == []
    assert not marker.exists()


# --- the templates ---------------------------------------------------------------------------------------


def load_templates() -> dict[str, dict[str, Any]]:
    templates = {}
    for path in sorted(TEMPLATES_DIR.glob("*.yaml")):
        template = yaml.safe_load(path.read_text())
        templates[template["key"]] = template
    return templates


TEMPLATES = load_templates()
# key → (a turn that should score 1, a turn that should score 0), as (output, reference)
CASES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "equal": (("  Paris\n", "Paris"), ("Paris, France", "Paris")),
    "contains_any": (("The capital is Paris.", "London, Paris ,Rome"), ("It is Berlin.", "London, Paris")),
    "regex": (("order 12345 shipped", r"\b\d{5}\b"), ("order 1234 shipped", r"\b\d{5}\b")),
    "starts_with": (("Hello, world", "Hello"), ("Say Hello", "Hello")),
    "is_valid_json_object": (('{"answer": 42}', ""), ("[1, 2, 3]", "")),
    "custom": (("yes ", "yes"), ("no", "yes")),
}


def test_the_six_upstream_templates_are_there_and_valid() -> None:
    assert sorted(TEMPLATES) == sorted(CASES)
    for key, template in TEMPLATES.items():
        content = EvaluatorContent.model_validate(template["evaluator_content"])
        code = content.code_evaluator
        assert template["evaluator_type"] == 2 and template["name"] and template["description"]
        assert template["tags"]["en-US"]["Category"] == ["Code"]
        assert code is not None and code.code_template_key == key and code.language_type == PY
        assert code.lang_2_code_content is not None and sorted(code.lang_2_code_content) == ["JS", "Python"]
        assert code.code_content == code.lang_2_code_content["Python"]
        assert [schema.key for schema in content.input_schemas or []] == ["turn"]
        for language in (PY, JS):
            assert check_code(language, code.lang_2_code_content[language.value]) == [], (key, language)


@pytest.mark.parametrize("language", [PY, JS])
@pytest.mark.parametrize("key", sorted(CASES))
def test_every_template_scores_a_matching_and_a_non_matching_turn(key: str, language: LanguageType) -> None:
    template = CodeEvaluator.model_validate(TEMPLATES[key]["evaluator_content"]["code_evaluator"])
    evaluator = template.model_copy(update={"language_type": language, "code_content": None})
    (matching, non_matching) = CASES[key]

    scores = []
    for output, reference in (matching, non_matching):
        result = run_code_evaluator(evaluator, inputs(output=output, reference=reference))
        assert result.evaluator_run_error is None, result.evaluator_run_error
        assert result.evaluator_result is not None and result.evaluator_result.reasoning
        scores.append(result.evaluator_result.score)

    assert scores == [1.0, 0.0]


@pytest.mark.parametrize("language", [PY, JS])
def test_a_template_says_which_field_mapping_is_missing(language: LanguageType) -> None:
    template = CodeEvaluator.model_validate(TEMPLATES["equal"]["evaluator_content"]["code_evaluator"])
    evaluator = template.model_copy(update={"language_type": language, "code_content": None})

    result = run_code_evaluator(evaluator, inputs(output="only the output"))

    assert result.evaluator_run_error is not None
    assert 'turn["evaluate_dataset_fields"]["reference_output"] is missing' in (
        result.evaluator_run_error.message or ""
    )


@pytest.mark.parametrize("language", [PY, JS])
def test_an_invalid_regex_is_an_error_not_a_zero(language: LanguageType) -> None:
    template = CodeEvaluator.model_validate(TEMPLATES["regex"]["evaluator_content"]["code_evaluator"])
    evaluator = template.model_copy(update={"language_type": language, "code_content": None})

    result = run_code_evaluator(evaluator, inputs(output="text", reference="(unclosed"))

    assert result.evaluator_run_error is not None
    assert "not a valid regular expression" in (result.evaluator_run_error.message or "")


def test_code_written_for_upstream_runs_unchanged() -> None:
    # Upstream's style: json without importing it, EvalOutput by keyword, an exception re-raised with context.
    code = """
def exec_evaluation(turn):
    try:
        actual = turn["evaluate_target_output_fields"]["actual_output"]["text"]
        expected = turn["evaluate_dataset_fields"]["reference_output"]["text"]
        same = json.loads(actual) == json.loads(expected)
        return EvalOutput(score=1.0 if same else 0.0, reason=f"same JSON: {same}")
    except KeyError as e:
        raise Exception(f"field not found: {e}")
"""
    same = run_code_evaluator(python(code), inputs(output='{"a": 1, "b": 2}', reference='{"b": 2, "a": 1}'))
    missing = run_code_evaluator(python(code), inputs(output="{}"))

    assert same.evaluator_result is not None and same.evaluator_result.score == 1.0
    assert "Exception: field not found: 'evaluate_dataset_fields'" in (missing.evaluator_run_error.message or "")  # type: ignore[union-attr]
