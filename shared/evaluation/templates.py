"""Built-in evaluator templates: one YAML file each under conf/evaluators/ (prompt/ for LLM judges, code/ for
code evaluators), validated once per process.

A file holds one template:

    key: relevance              # unique across all templates
    evaluator_type: 1           # 1 Prompt, 2 Code
    name: Relevance
    description: ...
    tags: {en-US: {Category: [LLM], Objective: [...]}}
    evaluator_content: {...}    # EvaluatorContent (input_schemas, prompt_evaluator or code_evaluator)

A bad file fails the load with a message naming the file and the field, so a typo is caught by the tests rather
than by a user. LOOP_EVALUATOR_TEMPLATES_PATH points at another folder. The folder ships with the code: the
Lambda build copies all of conf/ next to shared/ in the common layer, as it does for model_config.yaml.
"""

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shared.errors import NotFound
from shared.evaluation.entities import EvaluatorContent, EvaluatorType
from shared.settings import LoopSettings, get_settings

DEFAULT_TEMPLATES = Path(__file__).resolve().parents[2] / "conf" / "evaluators"


class TemplateError(ValueError):
    """A template file cannot be used; the message names the file and the field."""


class TemplateSettings(LoopSettings):
    evaluator_templates_path: Path | None = None  # LOOP_EVALUATOR_TEMPLATES_PATH; default conf/evaluators


class EvaluatorTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    evaluator_type: EvaluatorType
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=1000)
    tags: dict[str, dict[str, list[str]]] = Field(default_factory=dict)  # language → tag key → values
    evaluator_content: EvaluatorContent

    @model_validator(mode="after")
    def _content_matches_type(self) -> "EvaluatorTemplate":
        content = self.evaluator_content
        if self.evaluator_type == EvaluatorType.PROMPT:
            _check_prompt(content)
        elif self.evaluator_type == EvaluatorType.CODE:
            code = content.code_evaluator
            if code is None or not (code.code_content or code.lang_2_code_content):
                raise ValueError("evaluator_content.code_evaluator: a code template needs code_content")
        else:
            raise ValueError(f"evaluator_type: {int(self.evaluator_type)} templates are not supported; use 1 or 2")
        return self


def _check_prompt(content: EvaluatorContent) -> None:
    from shared.evaluation.judge import variables_of

    judge = content.prompt_evaluator
    if judge is None or not judge.message_list:
        raise ValueError("evaluator_content.prompt_evaluator.message_list: a prompt template needs messages")
    if judge.model_config_ is None or judge.model_config_.model_id is None:
        raise ValueError("evaluator_content.prompt_evaluator.model_config.model_id: give the default judge model")
    used = variables_of(judge)
    declared = [schema.key for schema in content.input_schemas or []]
    if missing := [name for name in used if name not in declared]:
        raise ValueError(f"evaluator_content.input_schemas: the prompt uses {missing} but no input schema declares it")
    if unused := [name for name in declared if name not in used]:
        raise ValueError(f"evaluator_content.input_schemas: {unused} are declared but the prompt never uses them")


def _describe(error: ValidationError, source: Path) -> str:
    lines = [f"{source}: the evaluator template is invalid:"]
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "(the template)"
        message = "unknown field" if problem["type"] == "extra_forbidden" else problem["msg"]
        lines.append(f"  - {where}: {message}")
    return "\n".join(lines)


def parse_template(text: str, source: Path) -> EvaluatorTemplate:
    import yaml  # only when templates are read

    try:
        raw: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise TemplateError(f"{source}: not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise TemplateError(f"{source}: expected one template, a mapping with key, evaluator_type, name, ...")
    try:
        return EvaluatorTemplate.model_validate(raw)
    except ValidationError as error:
        raise TemplateError(_describe(error, source)) from error


@cache
def _load(root: Path) -> tuple[EvaluatorTemplate, ...]:
    if not root.is_dir():
        raise TemplateError(f"{root}: the evaluator templates folder does not exist (LOOP_EVALUATOR_TEMPLATES_PATH)")
    templates: dict[str, tuple[EvaluatorTemplate, Path]] = {}
    for path in sorted([*root.rglob("*.yaml"), *root.rglob("*.yml")]):
        template = parse_template(path.read_text(encoding="utf-8"), path)
        if template.key in templates:
            raise TemplateError(f"{path}: key {template.key!r} is already used by {templates[template.key][1]}")
        templates[template.key] = (template, path)
    return tuple(sorted((t for t, _ in templates.values()), key=lambda t: (t.evaluator_type, t.key)))


def _all() -> tuple[EvaluatorTemplate, ...]:
    root = get_settings(TemplateSettings).evaluator_templates_path or DEFAULT_TEMPLATES
    return _load(root.resolve())


def list_templates(evaluator_type: EvaluatorType | None = None) -> list[EvaluatorTemplate]:
    """Every template (or those of one type), Prompt before Code, by key. Callers get copies they may change."""
    return [t.model_copy(deep=True) for t in _all() if evaluator_type is None or t.evaluator_type == evaluator_type]


def get_template(key: str) -> EvaluatorTemplate:
    template = next((t for t in _all() if t.key == key), None)
    if template is None:
        raise NotFound(f"evaluator template {key!r} not found; list the templates to see the keys")
    return template.model_copy(deep=True)
