"""Evaluation-set OpenAPI routes (/v1/loop/evaluation/evaluation_sets, PAT): paths as upstream's
EvaluationOpenAPIService; responses are `{code, msg, data}`.

Upstream's item-version routes (items/:item_id/versions) belong to "versioned_item" sets, which are not
served here.
"""

from typing import Annotated

from fastapi import APIRouter, Query

from functions.data import eval_set_service as service
from functions.data import io_service
from functions.data.common import Users, job_dto
from functions.data.eval_set_convert import item_users
from functions.data.openapi_convert import (
    content_out,
    errors_out,
    eval_set_out,
    fields_in,
    item_in,
    item_out,
    version_out,
)
from functions.data.openapi_schemas import (
    BatchCreateItemsRequest,
    BatchDeleteItemsRequest,
    BatchUpdateItemsRequest,
    CreateEvaluationSetData,
    CreateEvaluationSetRequest,
    CreateVersionData,
    CreateVersionRequest,
    EmptyData,
    GetEvaluationSetData,
    ImportData,
    ImportRequest,
    ItemFieldResponseData,
    ItemsWriteData,
    JobData,
    ListEvaluationSetsData,
    ListItemsData,
    ListTemplatesData,
    ListTemplatesRequest,
    ListVersionsData,
    OApiItemOutput,
    UpdateEvaluationSetRequest,
    UpdateSchemaRequest,
)
from shared.auth.dependencies import OpenAPIWorkspace
from shared.data import items
from shared.data import service as data_service
from shared.data.entities import ItemErrorType
from shared.data.validation import ErrorCollector
from shared.envelope import Envelope, OpenAPIResponse
from shared.errors import InvalidInput, LoopError
from shared.ids import Int64

router = APIRouter(prefix="/v1/loop/evaluation/evaluation_sets", tags=["evaluation-sets-openapi"])
WorkspaceQuery = Annotated[Int64, Query(description="the workspace")]


def _listed(values: list[str] | None) -> list[str] | None:
    """A list query parameter sent repeated (?a=1&a=2) or comma-separated (?a=1,2)."""
    if not values:
        return None
    return [part for value in values for part in value.split(",") if part]


class FieldResponse(Envelope):
    field_data: ItemFieldResponseData


@router.post("", response_model=OpenAPIResponse[CreateEvaluationSetData])
def create_evaluation_set_oapi(
    body: CreateEvaluationSetRequest, scope: OpenAPIWorkspace
) -> OpenAPIResponse[CreateEvaluationSetData]:
    schema = body.evaluation_set_schema
    dataset = service.create(
        scope,
        name=body.name,
        description=body.description,
        fields=fields_in(schema.field_schemas if schema else None),
        tags=[tag.tag_name for tag in body.tags or []],
        dataset_key=body.dataset_key,
        eval_set_type=body.type,
        template_dataset_id=body.template_dataset_id,
    )
    return OpenAPIResponse(data=CreateEvaluationSetData(evaluation_set_id=dataset.dataset_id))


@router.get("", response_model=OpenAPIResponse[ListEvaluationSetsData])
def list_evaluation_sets_oapi(
    scope: OpenAPIWorkspace,
    workspace_id: WorkspaceQuery,
    name: Annotated[str | None, Query(max_length=255)] = None,
    creators: Annotated[list[str] | None, Query()] = None,
    evaluation_set_ids: Annotated[list[str] | None, Query()] = None,
    tag_names: Annotated[list[str] | None, Query()] = None,
    tag_filter_relation: Annotated[str | None, Query()] = None,
    dataset_keys: Annotated[list[str] | None, Query()] = None,
    page_token: Annotated[str | None, Query()] = None,
    page_size: Annotated[int | None, Query(gt=0, le=200)] = None,
) -> OpenAPIResponse[ListEvaluationSetsData]:
    ids = _listed(evaluation_set_ids)
    if ids and not all(value.isdigit() for value in ids):
        raise InvalidInput("evaluation_set_ids must be integer ids")
    page = service.list_sets(
        scope,
        name=name,
        creators=_listed(creators),
        ids=[int(value) for value in ids] if ids else None,
        dataset_keys=_listed(dataset_keys),
        tags=_listed(tag_names),
        tags_all=tag_filter_relation != "or",
        page_number=None,
        page_size=page_size,
        page_token=page_token,
    )
    users = Users([user for d in page.datasets for user in (d.created_by, d.updated_by)])
    return OpenAPIResponse(
        data=ListEvaluationSetsData(
            sets=[eval_set_out(dataset, users) for dataset in page.datasets],
            has_more=page.has_more,
            next_page_token=page.next_page_token,
            total=page.total,
        )
    )


@router.post("/templates/list", response_model=OpenAPIResponse[ListTemplatesData])
def list_evaluation_set_templates_oapi(
    body: ListTemplatesRequest, scope: OpenAPIWorkspace
) -> OpenAPIResponse[ListTemplatesData]:
    return OpenAPIResponse(data=ListTemplatesData(templates=[], has_more=False, next_page_token="", total=0))


@router.get("/io_job/{job_id}", response_model=OpenAPIResponse[JobData])
def get_evaluation_set_io_job_oapi(
    job_id: Int64, scope: OpenAPIWorkspace, workspace_id: WorkspaceQuery
) -> OpenAPIResponse[JobData]:
    return OpenAPIResponse(data=JobData(job=job_dto(io_service.get_job(scope.workspace_id, job_id))))


@router.get("/{evaluation_set_id}", response_model=OpenAPIResponse[GetEvaluationSetData])
def get_evaluation_set_oapi(
    evaluation_set_id: Int64, scope: OpenAPIWorkspace, workspace_id: WorkspaceQuery
) -> OpenAPIResponse[GetEvaluationSetData]:
    dataset = service.eval_set_of(scope, evaluation_set_id)
    users = Users([dataset.created_by, dataset.updated_by])
    return OpenAPIResponse(data=GetEvaluationSetData(evaluation_set=eval_set_out(dataset, users)))


@router.put("/{evaluation_set_id}", response_model=OpenAPIResponse[EmptyData])
def update_evaluation_set_oapi(
    evaluation_set_id: Int64, body: UpdateEvaluationSetRequest, scope: OpenAPIWorkspace
) -> OpenAPIResponse[EmptyData]:
    data_service.update_dataset(
        service.eval_set_of(scope, evaluation_set_id),
        service.user_of(scope),
        name=body.name,
        description=body.description,
        tags=[tag.tag_name for tag in body.tags] if body.tags is not None else None,
    )
    return OpenAPIResponse(data=EmptyData())


@router.delete("/{evaluation_set_id}", response_model=OpenAPIResponse[EmptyData])
def delete_evaluation_set_oapi(
    evaluation_set_id: Int64, scope: OpenAPIWorkspace, workspace_id: WorkspaceQuery
) -> OpenAPIResponse[EmptyData]:
    data_service.delete_dataset(service.eval_set_of(scope, evaluation_set_id), service.user_of(scope))
    return OpenAPIResponse(data=EmptyData())


# --- versions -----------------------------------------------------------------------------------------------


@router.post("/{evaluation_set_id}/versions", response_model=OpenAPIResponse[CreateVersionData])
def create_evaluation_set_version_oapi(
    evaluation_set_id: Int64, body: CreateVersionRequest, scope: OpenAPIWorkspace
) -> OpenAPIResponse[CreateVersionData]:
    dataset = service.eval_set_of(scope, evaluation_set_id)
    version = data_service.create_version(dataset, service.user_of(scope), body.version, body.description)
    return OpenAPIResponse(data=CreateVersionData(version_id=version.version_id))


@router.get("/{evaluation_set_id}/versions", response_model=OpenAPIResponse[ListVersionsData])
def list_evaluation_set_versions_oapi(
    evaluation_set_id: Int64,
    scope: OpenAPIWorkspace,
    workspace_id: WorkspaceQuery,
    version_like: Annotated[str | None, Query(max_length=128)] = None,
    page_size: Annotated[int | None, Query(gt=0, le=200)] = None,
    page_token: Annotated[str | None, Query()] = None,
) -> OpenAPIResponse[ListVersionsData]:
    dataset = service.eval_set_of(scope, evaluation_set_id)
    page = service.list_versions(dataset, version_like, None, page_size, page_token)
    users = Users([version.created_by for version in page.versions])
    return OpenAPIResponse(
        data=ListVersionsData(
            versions=[version_out(version, users) for version in page.versions],
            total=page.total,
            next_page_token=page.next_page_token,
        )
    )


# --- items --------------------------------------------------------------------------------------------------


@router.post("/{evaluation_set_id}/items", response_model=OpenAPIResponse[ItemsWriteData])
def batch_create_evaluation_set_items_oapi(
    evaluation_set_id: Int64, body: BatchCreateItemsRequest, scope: OpenAPIWorkspace
) -> OpenAPIResponse[ItemsWriteData]:
    dataset = service.eval_set_of(scope, evaluation_set_id)
    result = service.add_items(
        scope,
        dataset,
        [item_in(dto, index) for index, dto in enumerate(body.items)],
        skip_invalid=body.is_skip_invalid_items,
        allow_partial=body.is_allow_partial_add,
    )
    outputs = [
        OApiItemOutput(item_index=o.item_index, item_key=o.item_key, item_id=o.item_id, is_new_item=o.is_new_item)
        for o in result.outputs
    ]
    return OpenAPIResponse(data=ItemsWriteData(itemOutputs=outputs, errors=errors_out(result.errors)))


@router.put("/{evaluation_set_id}/items", response_model=OpenAPIResponse[ItemsWriteData])
def batch_update_evaluation_set_items_oapi(
    evaluation_set_id: Int64, body: BatchUpdateItemsRequest, scope: OpenAPIWorkspace
) -> OpenAPIResponse[ItemsWriteData]:
    """Each item names its id; unless is_skip_invalid_items, the first bad item fails the call (items before
    it are already updated, each update being its own write)."""
    dataset = service.eval_set_of(scope, evaluation_set_id)
    errors = ErrorCollector()
    outputs = []
    for index, dto in enumerate(body.items):
        try:
            if not dto.id:
                raise InvalidInput(f"items[{index}].id is required to update an item")
            updated = items.update_item(dataset, dto.id, item_in(dto, index).turns, service.user_of(scope))
        except LoopError as error:
            if not body.is_skip_invalid_items:
                raise
            kind = ItemErrorType.MISMATCH_SCHEMA if isinstance(error, InvalidInput) else ItemErrorType.INTERNAL_ERROR
            errors.add(kind, error.message, index=index)
            continue
        outputs.append(
            OApiItemOutput(item_index=index, item_key=updated.item_key, item_id=updated.item_id, is_new_item=False)
        )
    return OpenAPIResponse(data=ItemsWriteData(itemOutputs=outputs, errors=errors_out(errors.result())))


@router.delete("/{evaluation_set_id}/items", response_model=Envelope)
def batch_delete_evaluation_set_items_oapi(
    evaluation_set_id: Int64, body: BatchDeleteItemsRequest, scope: OpenAPIWorkspace
) -> Envelope:
    dataset = service.eval_set_of(scope, evaluation_set_id)
    if body.is_delete_all:
        items.clear_items(dataset, service.user_of(scope))
    elif body.item_ids:
        items.delete_items(dataset, body.item_ids, service.user_of(scope))
    else:
        raise InvalidInput("send item_ids, or is_delete_all true to delete every item")
    return Envelope()


@router.get("/{evaluation_set_id}/items", response_model=OpenAPIResponse[ListItemsData])
def list_evaluation_set_version_items_oapi(
    evaluation_set_id: Int64,
    scope: OpenAPIWorkspace,
    workspace_id: WorkspaceQuery,
    version_id: Annotated[Int64 | None, Query()] = None,
    page_token: Annotated[str | None, Query()] = None,
    page_size: Annotated[int | None, Query(gt=0, le=200)] = None,
) -> OpenAPIResponse[ListItemsData]:
    """The items of a version (or of the draft without version_id), oldest first as they were added."""
    dataset = service.eval_set_of(scope, evaluation_set_id, with_deleted=bool(version_id))
    page = service.list_items(
        scope,
        dataset,
        version_id=version_id,
        page_number=None,
        page_size=page_size,
        page_token=page_token,
        ascending=True,
    )
    users = item_users(page.items)
    return OpenAPIResponse(
        data=ListItemsData(
            items=[item_out(dataset.workspace_id, item, page.fields, users) for item in page.items],
            has_more=page.has_more,
            next_page_token=page.next_page_token,
            total=page.total,
        )
    )


@router.get("/{evaluation_set_id}/items/{item_id}/field", response_model=FieldResponse)
def get_evaluation_item_field_oapi(
    evaluation_set_id: Int64,
    item_id: Int64,
    scope: OpenAPIWorkspace,
    workspace_id: WorkspaceQuery,
    field_name: Annotated[str | None, Query(max_length=128)] = None,
    field_key: Annotated[str | None, Query(max_length=64)] = None,
    turn_id: Annotated[Int64 | None, Query()] = None,
    version_id: Annotated[Int64 | None, Query()] = None,
) -> FieldResponse:
    if not field_name and not field_key:
        raise InvalidInput("send field_name or field_key")
    dataset = service.eval_set_of(scope, evaluation_set_id, with_deleted=bool(version_id))
    cell = service.item_field(
        scope, dataset, item_id, field_name=field_name, field_key=field_key, turn_id=turn_id, version_id=version_id
    )
    content = content_out(dataset.workspace_id, cell.content) if cell.content else None
    return FieldResponse(field_data=ItemFieldResponseData(name=cell.name, key=cell.key, content=content))


@router.post("/{evaluation_set_id}/import", response_model=OpenAPIResponse[ImportData])
def import_evaluation_set_oapi(
    evaluation_set_id: Int64, body: ImportRequest, scope: OpenAPIWorkspace
) -> OpenAPIResponse[ImportData]:
    dataset = service.eval_set_of(scope, evaluation_set_id)
    job = io_service.start_import(dataset, service.user_of(scope), body.file, body.field_mappings, body.option)
    return OpenAPIResponse(data=ImportData(job_id=job.job_id))


@router.put("/{evaluation_set_id}/schema", response_model=Envelope)
def update_evaluation_set_schema_oapi(
    evaluation_set_id: Int64, body: UpdateSchemaRequest, scope: OpenAPIWorkspace
) -> Envelope:
    data_service.update_schema(
        service.eval_set_of(scope, evaluation_set_id), service.user_of(scope), fields_in(body.fields)
    )
    return Envelope()
