"""Built-in evaluator templates: the 14 LLM judges load, render and run against the fake model; bad files fail."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws

from shared.data.content import Content
from shared.errors import NotFound
from shared.evaluation.entities import EvaluatorInputData, EvaluatorType
from shared.evaluation.judge import run_prompt_evaluator, variables_of
from shared.evaluation.templates import (
    DEFAULT_TEMPLATES,
    EvaluatorTemplate,
    TemplateError,
    _load,
    get_template,
    list_templates,
)
from shared.llm.gateway import LLMGateway
from shared.llm.quota import ModelQuotaItem
from shared.spans import UploadSpan

LLM_JUDGES = {
    "relevance",
    "conciseness",
    "correctness",
    "hallucination",
    "harmfulness",
    "maliciousness",
    "helpfulness",
    "controversiality",
    "misogyny",
    "criminality",
    "insensitivity",
    "depth",
    "creativity",
    "detail",
}


@pytest.fixture(autouse=True)
def fresh_templates(fresh_settings: None) -> Iterator[None]:
    _load.cache_clear()
    yield
    _load.cache_clear()


def test_the_fourteen_llm_judges_ship_with_the_platform() -> None:
    prompt = list_templates(EvaluatorType.PROMPT)
    assert {t.key for t in prompt} == LLM_JUDGES
    assert [t.key for t in prompt] == sorted(LLM_JUDGES)
    assert all(t.evaluator_type == EvaluatorType.PROMPT for t in prompt)
    assert {t.key for t in list_templates()} >= LLM_JUDGES  # code templates may sit beside them
    assert all(t.evaluator_type == EvaluatorType.CODE for t in list_templates(EvaluatorType.CODE))


@pytest.mark.parametrize("key", sorted(LLM_JUDGES))
def test_each_llm_judge_is_complete_and_consistent(key: str) -> None:
    template = get_template(key)
    judge = template.evaluator_content.prompt_evaluator
    assert judge is not None and judge.model_config_ is not None
    assert judge.model_config_.model_id == 1  # the built-in fake model by default
    assert (judge.prompt_template_key, judge.prompt_template_name) == (key, template.name)
    assert template.tags["en-US"]["Category"] == ["LLM"]
    assert template.description and "1" in template.description and "0" in template.description
    declared = [schema.key for schema in template.evaluator_content.input_schemas or []]
    assert variables_of(judge) == declared
    assert {"input", "output"} <= set(declared)
    assert [s.key for s in template.evaluator_content.output_schemas or []] == ["score", "reasoning"]
    rubric = judge.message_list[0].content
    assert rubric is not None and rubric.text and "0.0 to 1.0" in rubric.text and "- 1.0:" in rubric.text


@pytest.mark.parametrize("key", sorted(LLM_JUDGES))
def test_each_llm_judge_renders_and_runs_against_the_fake_model(
    key: str, spans: list[UploadSpan], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the template as a user would start from it, with every variable filled
    monkeypatch.delenv("LOOP_MODEL_CONFIG_PATH", raising=False)  # the shipped catalog, where model 1 is the fake
    template = get_template(key)
    judge = template.evaluator_content.prompt_evaluator
    assert judge is not None
    values = {name: Content.of_text(f"value of {name}") for name in variables_of(judge)}
    values["output"] = Content.of_text(f"an answer for {key} [fake-score=0.75]")

    # When it runs
    with mock_aws():
        ModelQuotaItem.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        output = run_prompt_evaluator(
            judge,
            EvaluatorInputData(input_fields=values),
            workspace_id=1,
            user_id="u",
            parent=None,
            gateway=LLMGateway(),
        )

    # Then every variable reached the model, and the fake judge's verdict came back
    assert output.evaluator_run_error is None, output.evaluator_run_error
    assert output.evaluator_result is not None and output.evaluator_result.score == 0.75
    assert output.evaluator_usage is not None and output.evaluator_usage.input_tokens
    sent = json.loads(spans[-1].input)["messages"]
    assert [m["role"] for m in sent] == ["system", "user"]
    for name in values:
        assert f"value of {name}" in sent[1]["content"] or name == "output"
    assert "{{" not in sent[0]["content"] + sent[1]["content"]


def test_an_unknown_key_is_not_found() -> None:
    with pytest.raises(NotFound, match="evaluator template 'nope' not found"):
        get_template("nope")


def test_callers_get_copies_they_may_change() -> None:
    first = get_template("depth")
    first.name = "changed"
    assert get_template("depth").name == "Depth"


def test_templates_are_loaded_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    list_templates()
    reads: list[Path] = []
    original = Path.read_text

    def counting(self: Path, *args: object, **kwargs: object) -> str:
        reads.append(self)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", counting)
    list_templates()
    get_template("relevance")
    assert reads == []


# --- the folder and its files --------------------------------------------------------------------------------------

PROMPT = """
key: {key}
evaluator_type: 1
name: Mine
description: a judge
tags: {{en-US: {{Category: [LLM]}}}}
evaluator_content:
  input_schemas:
    - {{key: output, support_content_types: [Text], json_schema: '{{"type": "string"}}'}}
  prompt_evaluator:
    model_config: {{model_id: 1}}
    message_list:
      - role: 2
        content: {{content_type: Text, text: "Rate {{{{output}}}}"}}
"""
CODE = """
key: equals
evaluator_type: 2
name: Equals
evaluator_content:
  code_evaluator: {language_type: Python, code_content: "def exec_evaluation(turn): ..."}
"""


def use_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.setenv("LOOP_EVALUATOR_TEMPLATES_PATH", str(tmp_path))
    return tmp_path


def test_the_folder_is_overridable_and_read_recursively(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"prompt/mine.yaml": PROMPT.format(key="mine"), "code/equals.yml": CODE, "README.md": "not a template"}
    use_folder(tmp_path, monkeypatch, files)
    assert [(t.key, t.evaluator_type) for t in list_templates()] == [
        ("mine", EvaluatorType.PROMPT),
        ("equals", EvaluatorType.CODE),
    ]
    assert [t.key for t in list_templates(EvaluatorType.CODE)] == ["equals"]
    assert get_template("equals").evaluator_content.code_evaluator is not None


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a.yaml": PROMPT.format(key="same"), "b.yaml": PROMPT.format(key="same")}, "key 'same' is already used by"),
        ({"a.yaml": "key: [unclosed"}, "not valid YAML"),
        ({"a.yaml": "- a list"}, "expected one template"),
        ({"a.yaml": PROMPT.format(key="Bad Key!")}, "key: String should match pattern"),
        ({"a.yaml": PROMPT.format(key="x") + "colour: blue\n"}, "colour: unknown field"),
        ({"a.yaml": PROMPT.format(key="x").replace("evaluator_type: 1", "evaluator_type: 9")}, "evaluator_type"),
        ({"a.yaml": PROMPT.format(key="x").replace("evaluator_type: 1", "evaluator_type: 3")}, "not supported"),
        ({"a.yaml": PROMPT.format(key="x").replace("{model_id: 1}", "{}")}, "give the default judge model"),
        ({"a.yaml": PROMPT.format(key="x").replace("Rate {{output}}", "Rate {{answer}}")}, "uses ['answer']"),
        ({"a.yaml": CODE.replace("evaluator_type: 2", "evaluator_type: 1")}, "a prompt template needs messages"),
        (
            {"a.yaml": CODE.replace('code_content: "def exec_evaluation(turn): ..."', "code_content: ''")},
            "code_content",
        ),
    ],
)
def test_a_bad_template_file_fails_the_load_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], message: str
) -> None:
    folder = use_folder(tmp_path, monkeypatch, files)
    with pytest.raises(TemplateError) as caught:
        list_templates()
    assert str(folder) in str(caught.value) and message in str(caught.value)


def test_a_declared_but_unused_input_fails_the_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = PROMPT.format(key="x").replace(
        "  prompt_evaluator:",
        "    - {key: context, support_content_types: [Text]}\n  prompt_evaluator:",
    )
    use_folder(tmp_path, monkeypatch, {"x.yaml": extra})
    with pytest.raises(TemplateError, match=r"\['context'\] are declared but the prompt never uses them"):
        list_templates()


def test_a_missing_folder_says_which_setting_to_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOP_EVALUATOR_TEMPLATES_PATH", str(tmp_path / "absent"))
    with pytest.raises(TemplateError, match="LOOP_EVALUATOR_TEMPLATES_PATH"):
        list_templates()


def test_the_default_folder_is_conf_evaluators() -> None:
    assert DEFAULT_TEMPLATES.parts[-2:] == ("conf", "evaluators")
    assert (DEFAULT_TEMPLATES / "prompt" / "relevance.yaml").is_file()
    assert EvaluatorTemplate.model_fields.keys() == {
        "key",
        "evaluator_type",
        "name",
        "description",
        "tags",
        "evaluator_content",
    }
