"""Built-in evaluator templates (conf/evaluators) as upstream's template routes show them, and validation."""

from typing import Annotated

from pydantic import BaseModel, Field

from functions.evaluation import evaluator_schemas as schemas
from functions.evaluation.evaluators import debug
from shared.auth.principals import WorkspaceScope
from shared.envelope import Envelope
from shared.errors import LoopError, NotFound
from shared.evaluation.entities import EvaluatorContent, EvaluatorType, Loose
from shared.evaluation.runner import check_content
from shared.evaluation.templates import EvaluatorTemplate, get_template
from shared.evaluation.templates import list_templates as all_templates


class TemplateView(BaseModel):
    """upstream's EvaluatorTemplate; `id` is absent because ours are files, keyed by `key`."""

    key: str
    evaluator_type: EvaluatorType
    name: str
    description: str
    tags: dict[str, dict[str, list[str]]]
    evaluator_content: EvaluatorContent


class FilterOption(Loose):
    search_keyword: str | None = None


class ListTemplatesV2Request(Loose):
    filter_option: FilterOption | None = None
    evaluator_type: EvaluatorType | None = None
    page_size: Annotated[int, Field(ge=1, le=200)] = 100
    page_number: Annotated[int, Field(ge=1)] = 1


class ListTemplatesV2Response(Envelope):
    evaluator_templates: list[TemplateView]
    total: int


def _view(template: EvaluatorTemplate) -> TemplateView:
    return TemplateView.model_validate(template.model_dump())


def list_templates(evaluator_type: EvaluatorType) -> schemas.ListTemplatesResponse:
    return schemas.ListTemplatesResponse(
        builtin_template_keys=[template.evaluator_content for template in all_templates(evaluator_type)]
    )


def template_info(evaluator_type: EvaluatorType, key: str) -> schemas.TemplateInfoResponse:
    template = get_template(key)
    if template.evaluator_type != evaluator_type:
        raise NotFound(f"no {evaluator_type.name.lower()} template named {key!r}")
    return schemas.TemplateInfoResponse(builtin_template=template.evaluator_content)


def list_templates_v2(request: ListTemplatesV2Request) -> ListTemplatesV2Response:
    templates = all_templates(request.evaluator_type)
    keyword = (request.filter_option.search_keyword or "").casefold() if request.filter_option else ""
    if keyword:
        templates = [t for t in templates if keyword in t.name.casefold() or keyword in t.description.casefold()]
    start = (request.page_number - 1) * request.page_size
    page = templates[start : start + request.page_size]
    return ListTemplatesV2Response(evaluator_templates=[_view(t) for t in page], total=len(templates))


def validate(scope: WorkspaceScope, request: schemas.ValidateEvaluatorRequest) -> schemas.ValidateEvaluatorResponse:
    """Checks the content, and with input_data also runs it (a failed run is `valid: false` with its reason)."""
    try:
        check_content(request.evaluator_type, request.evaluator_content)
        if request.input_data is None:
            return schemas.ValidateEvaluatorResponse(valid=True)
        output = debug(scope, request.evaluator_type, request.evaluator_content, request.input_data)
    except LoopError as error:
        if error.status >= 500 or error.status == 429:
            raise
        return schemas.ValidateEvaluatorResponse(valid=False, error_message=error.message)
    error_message = output.evaluator_run_error.message or "" if output.evaluator_run_error else ""
    return schemas.ValidateEvaluatorResponse(
        valid=not output.failed, error_message=error_message, evaluator_output_data=output
    )
