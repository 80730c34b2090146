"""Evaluators: create, the draft, immutable semver versions, runs, debug runs and records."""

from pynamodb.expressions.update import Action

from functions.evaluation import evaluator_schemas as schemas
from shared.auth.principals import WorkspaceScope
from shared.clock import now_ms
from shared.errors import InvalidInput
from shared.evaluation.entities import (
    Correction,
    EvaluatorContent,
    EvaluatorInputData,
    EvaluatorOutputData,
    EvaluatorRunStatus,
    EvaluatorType,
)
from shared.evaluation.models import EvaluatorItem, EvaluatorRecordItem, EvaluatorVersionItem
from shared.evaluation.repository import EvaluatorRepository
from shared.evaluation.runner import EvaluatorRun, check_content, run_evaluator
from shared.ids import new_id
from shared.prompt.semver import parse_version, sort_key

MAX_CONTENT_BYTES = 200_000
repository = EvaluatorRepository()


def _content_json(content: EvaluatorContent) -> str:
    text = content.model_dump_json(exclude_none=True, by_alias=True)
    if len(text.encode()) > MAX_CONTENT_BYTES:
        raise InvalidInput("evaluator_content: larger than 200 KB; shorten the messages or the code")
    return text


def _content(text: str) -> EvaluatorContent:
    return EvaluatorContent.model_validate_json(text)


def _base_info(
    created_by: str, created_at: int, updated_by: str | None = None, updated_at: int | None = None
) -> schemas.EvalBaseInfo:
    return schemas.EvalBaseInfo(
        created_by=schemas.EvalUserInfo(user_id=created_by),
        updated_by=schemas.EvalUserInfo(user_id=updated_by or created_by),
        created_at=created_at,
        updated_at=updated_at or created_at,
    )


def version_view(version: EvaluatorVersionItem) -> schemas.EvaluatorVersion:
    return schemas.EvaluatorVersion(
        id=version.version_id,
        version=version.version,
        description=version.description,
        base_info=_base_info(version.created_by, version.created_at),
        evaluator_content=_content(version.content),
    )


def evaluator_view(item: EvaluatorItem, version: EvaluatorVersionItem | None = None) -> schemas.Evaluator:
    """With `version`, current_version is that version; without, it is the draft (version "")."""
    current = (
        version_view(version)
        if version is not None
        else schemas.EvaluatorVersion(
            version="", evaluator_content=_content(item.draft), base_info=_base_info(item.updated_by, item.updated_at)
        )
    )
    return schemas.Evaluator(
        evaluator_id=item.evaluator_id,
        workspace_id=item.workspace_id,
        evaluator_type=EvaluatorType(item.evaluator_type),
        name=item.name,
        description=item.description,
        draft_submitted=item.draft_submitted,
        base_info=_base_info(item.created_by, item.created_at, item.updated_by, item.updated_at),
        current_version=current,
        latest_version=item.latest_version,
    )


# --- evaluators -----------------------------------------------------------------------------------------


def create(scope: WorkspaceScope, request: schemas.CreateEvaluatorRequest) -> int:
    new = request.evaluator
    if new.evaluator_type not in (EvaluatorType.PROMPT, EvaluatorType.CODE):
        raise InvalidInput("evaluator.evaluator_type: use 1 (Prompt, an LLM judge) or 2 (Code)")
    content = (new.current_version.evaluator_content if new.current_version else None) or EvaluatorContent()
    check_content(new.evaluator_type, content)
    now, user = now_ms(), str(scope.user_id)
    item = EvaluatorItem(
        new_id(),
        workspace_id=scope.workspace_id,
        evaluator_type=int(new.evaluator_type),
        name=new.name,
        description=new.description,
        draft=_content_json(content),
        created_by=user,
        updated_by=user,
        created_at=now,
        updated_at=now,
    )
    repository.create(item)
    version = new.current_version.version if new.current_version else None
    if version:  # upstream's create may carry a first version to submit at once
        submit_version(
            scope,
            item.evaluator_id,
            schemas.SubmitEvaluatorVersionRequest(workspace_id=scope.workspace_id, version=version),
        )
    return item.evaluator_id


def get(scope: WorkspaceScope, evaluator_id: int, include_deleted: bool = False) -> schemas.Evaluator:
    return evaluator_view(repository.get(scope.workspace_id, evaluator_id, include_deleted=include_deleted))


def list_evaluators(scope: WorkspaceScope, request: schemas.ListEvaluatorsRequest) -> schemas.ListEvaluatorsResponse:
    if request.builtin:
        return schemas.ListEvaluatorsResponse(evaluators=[], total=0)  # built-ins are templates here
    items = repository.list_in_workspace(scope.workspace_id)
    if request.search_name:
        needle = request.search_name.casefold()
        items = [item for item in items if needle in item.name.casefold()]
    if request.creator_ids:
        creators = {str(creator) for creator in request.creator_ids}
        items = [item for item in items if item.created_by in creators]
    if request.evaluator_type:
        types = {int(kind) for kind in request.evaluator_type}
        items = [item for item in items if item.evaluator_type in types]
    start = (request.page_number - 1) * request.page_size
    page = items[start : start + request.page_size]
    return schemas.ListEvaluatorsResponse(evaluators=[evaluator_view(item) for item in page], total=len(items))


def batch_get(scope: WorkspaceScope, request: schemas.BatchGetEvaluatorsRequest) -> list[schemas.Evaluator]:
    found = repository.batch_get(scope.workspace_id, request.evaluator_ids)
    return [
        evaluator_view(found[key])
        for key in request.evaluator_ids
        if key in found and (request.include_deleted or not found[key].deleted_at)
    ]


def update(scope: WorkspaceScope, evaluator_id: int, request: schemas.UpdateEvaluatorRequest) -> None:
    item = repository.get(scope.workspace_id, evaluator_id)
    if request.name is not None and request.name != item.name:
        repository.rename(item, request.name)
    actions: list[Action] = [EvaluatorItem.updated_at.set(now_ms()), EvaluatorItem.updated_by.set(str(scope.user_id))]
    if request.description is not None:
        actions.append(EvaluatorItem.description.set(request.description))
    item.update(actions=actions, condition=EvaluatorItem.deleted_at == 0)


def update_draft(
    scope: WorkspaceScope, evaluator_id: int, request: schemas.UpdateEvaluatorDraftRequest
) -> schemas.Evaluator:
    item = repository.get(scope.workspace_id, evaluator_id)
    if int(request.evaluator_type) != item.evaluator_type:
        raise InvalidInput(f"evaluator_type: this evaluator is of type {item.evaluator_type}; its type cannot change")
    check_content(request.evaluator_type, request.evaluator_content)
    item.update(
        actions=[
            EvaluatorItem.draft.set(_content_json(request.evaluator_content)),
            EvaluatorItem.draft_submitted.set(False),
            EvaluatorItem.updated_at.set(now_ms()),
            EvaluatorItem.updated_by.set(str(scope.user_id)),
        ],
        condition=EvaluatorItem.deleted_at == 0,
    )
    return evaluator_view(item)


def delete(scope: WorkspaceScope, evaluator_id: int) -> None:
    repository.delete(repository.get(scope.workspace_id, evaluator_id), now_ms())


def check_name(scope: WorkspaceScope, request: schemas.CheckEvaluatorNameRequest) -> schemas.CheckNameResponse:
    if repository.name_taken(scope.workspace_id, request.name.strip(), request.evaluator_id):
        return schemas.CheckNameResponse(pass_=False, message=f"an evaluator named {request.name!r} already exists")
    return schemas.CheckNameResponse(pass_=True)


# --- versions -------------------------------------------------------------------------------------------


def submit_version(
    scope: WorkspaceScope, evaluator_id: int, request: schemas.SubmitEvaluatorVersionRequest
) -> schemas.Evaluator:
    item = repository.get(scope.workspace_id, evaluator_id)
    parse_version(request.version, "version")
    if item.latest_version and sort_key(request.version) <= sort_key(item.latest_version):
        raise InvalidInput(f"version: must be higher than the latest version {item.latest_version}")
    check_content(EvaluatorType(item.evaluator_type), _content(item.draft))
    version = EvaluatorVersionItem(
        new_id(),
        evaluator_id=item.evaluator_id,
        workspace_id=item.workspace_id,
        version=request.version,
        version_order=sort_key(request.version),
        description=request.description,
        content=item.draft,
        created_by=str(scope.user_id),
        created_at=now_ms(),
    )
    repository.add_version(item, version, item.latest_version)
    return evaluator_view(item, version)


def list_versions(
    scope: WorkspaceScope, evaluator_id: int, request: schemas.ListEvaluatorVersionsRequest
) -> schemas.ListEvaluatorVersionsResponse:
    repository.get(scope.workspace_id, evaluator_id, include_deleted=True)
    versions = repository.list_versions(evaluator_id)
    if request.query_versions:
        wanted = set(request.query_versions)
        versions = [version for version in versions if version.version in wanted]
    start = (request.page_number - 1) * request.page_size
    return schemas.ListEvaluatorVersionsResponse(
        evaluator_versions=[version_view(v) for v in versions[start : start + request.page_size]], total=len(versions)
    )


def get_version(scope: WorkspaceScope, version_id: int) -> schemas.Evaluator:
    version = repository.get_version(scope.workspace_id, version_id)
    item = repository.get(scope.workspace_id, version.evaluator_id, include_deleted=True)
    return evaluator_view(item, version)


def batch_get_versions(
    scope: WorkspaceScope, request: schemas.BatchGetEvaluatorVersionsRequest
) -> list[schemas.Evaluator]:
    versions = repository.batch_get_versions(scope.workspace_id, request.evaluator_version_ids)
    owners = repository.batch_get(scope.workspace_id, {v.evaluator_id for v in versions.values()})
    return [
        evaluator_view(owners[versions[key].evaluator_id], versions[key])
        for key in request.evaluator_version_ids
        if key in versions
        and versions[key].evaluator_id in owners
        and (request.include_deleted or not owners[versions[key].evaluator_id].deleted_at)
    ]


# --- running --------------------------------------------------------------------------------------------


def debug(
    scope: WorkspaceScope, evaluator_type: EvaluatorType, content: EvaluatorContent, data: EvaluatorInputData
) -> EvaluatorOutputData:
    check_content(evaluator_type, content)
    run = EvaluatorRun(scope.workspace_id, str(scope.user_id), evaluator_type, content, data, name="evaluator_debug")
    return run_evaluator(run)


def run_version(
    scope: WorkspaceScope, version_id: int, request: schemas.RunEvaluatorRequest
) -> schemas.EvaluatorRecord:
    version = repository.get_version(scope.workspace_id, version_id)
    item = repository.get(scope.workspace_id, version.evaluator_id, include_deleted=True)
    run = EvaluatorRun(
        scope.workspace_id,
        str(scope.user_id),
        EvaluatorType(item.evaluator_type),
        _content(version.content),
        request.input_data,
        name=item.name,
        version=version.version,
    )
    output = run_evaluator(run)
    now = now_ms()
    record = schemas.EvaluatorRecord(
        id=new_id(),
        experiment_id=request.experiment_id,
        experiment_run_id=request.experiment_run_id,
        item_id=request.item_id,
        turn_id=request.turn_id,
        evaluator_version_id=version_id,
        trace_id=run.trace.trace_id,
        evaluator_input_data=request.input_data,
        evaluator_output_data=output,
        status=EvaluatorRunStatus.FAIL if output.failed else EvaluatorRunStatus.SUCCESS,
        base_info=_base_info(str(scope.user_id), now),
        ext=request.ext,
    )
    assert record.id is not None
    repository.save_record(
        EvaluatorRecordItem(
            record.id,
            workspace_id=scope.workspace_id,
            evaluator_version_id=version_id,
            record=record.model_dump_json(exclude_none=True),
            created_at=now,
        )
    )
    return record


def get_record(scope: WorkspaceScope, record_id: int) -> schemas.EvaluatorRecord:
    item = repository.get_record(scope.workspace_id, record_id)
    if item.experiment_id:
        from functions.evaluation.experiments.results import experiment_record

        return experiment_record(scope, item)
    return schemas.EvaluatorRecord.model_validate_json(item.record)


def correct_record(scope: WorkspaceScope, record_id: int, correction: Correction) -> schemas.EvaluatorRecord:
    """A person's score overrides the evaluator's; an experiment's aggregates are recalculated."""
    if correction.score is None:
        raise InvalidInput("correction.score: give the corrected score")
    correction = correction.model_copy(update={"updated_by": str(scope.user_id)})
    item = repository.get_record(scope.workspace_id, record_id)
    if item.experiment_id:
        from functions.evaluation.experiments.results import correct_experiment_record

        return correct_experiment_record(scope, item, correction)
    record = schemas.EvaluatorRecord.model_validate_json(item.record)
    output = record.evaluator_output_data or EvaluatorOutputData()
    result = output.evaluator_result
    if result is None:
        raise InvalidInput("this record has no result to correct: the evaluator failed; run it again")
    output.evaluator_result = result.model_copy(update={"correction": correction})
    record.evaluator_output_data = output
    item.update(actions=[EvaluatorRecordItem.record.set(record.model_dump_json(exclude_none=True))])
    return record
