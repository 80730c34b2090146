"""Evaluation-set console routes (/api/evaluation/v1, session cookie): paths as upstream's EvaluationSetService.

The item-version routes of upstream's "versioned_item" sets (item_defs, items/:id/versions) are not served:
every set here is of type "default".
"""

from typing import Annotated

from fastapi import APIRouter, Query

from functions.data import eval_set_service as service
from functions.data import io_service
from functions.data.common import Users, order_of, reject_filters
from functions.data.eval_set_convert import (
    eval_set_out,
    fields_in,
    item_in,
    item_out,
    item_users,
    version_out,
)
from functions.data.eval_set_schemas import (
    BatchCreateEvaluationSetItemsRequest,
    BatchCreateEvaluationSetItemsResponse,
    BatchDeleteEvaluationSetItemsRequest,
    BatchGetEvaluationSetItemsRequest,
    BatchGetEvaluationSetItemsResponse,
    BatchGetEvaluationSetVersionsRequest,
    BatchGetEvaluationSetVersionsResponse,
    CreateEvaluationSetRequest,
    CreateEvaluationSetResponse,
    CreateEvaluationSetVersionRequest,
    CreateEvaluationSetWithImportRequest,
    CreateEvaluationSetWithImportResponse,
    EvalFieldDataDTO,
    EvalFieldSchemaDTO,
    EvaluationSetItemDTO,
    GetEvaluationSetItemFieldResponse,
    GetEvaluationSetResponse,
    GetEvaluationSetVersionResponse,
    IdResponse,
    ItemOutputDTO,
    ListEvaluationSetItemsRequest,
    ListEvaluationSetItemsResponse,
    ListEvaluationSetsRequest,
    ListEvaluationSetsResponse,
    ListEvaluationSetTemplatesRequest,
    ListEvaluationSetTemplatesResponse,
    ListEvaluationSetVersionsRequest,
    ListEvaluationSetVersionsResponse,
    ParseImportSourceFileRequest,
    ParseImportSourceFileResponse,
    UpdateEvaluationSetItemRequest,
    UpdateEvaluationSetRequest,
    UpdateEvaluationSetSchemaRequest,
    VersionedEvaluationSet,
    WorkspaceRequest,
)
from shared.auth.dependencies import ConsoleWorkspace
from shared.data import items
from shared.data import service as data_service
from shared.data.content import ContentType
from shared.data.entities import Turn
from shared.envelope import Envelope
from shared.errors import NotFound
from shared.ids import Int64

router = APIRouter(prefix="/api/evaluation/v1", tags=["evaluation-sets"])
WorkspaceQuery = Annotated[Int64, Query(description="the workspace")]
ITEM_ORDERS = ("created_at", "updated_at", "item_id")


@router.post("/evaluation_sets", response_model=CreateEvaluationSetResponse)
def create_evaluation_set(body: CreateEvaluationSetRequest, scope: ConsoleWorkspace) -> CreateEvaluationSetResponse:
    schema = body.evaluation_set_schema
    dataset = service.create(
        scope,
        name=body.name,
        description=body.description,
        fields=fields_in(schema.field_schemas if schema else None),
        biz_category=body.biz_category,
        tags=[tag.tag_name for tag in body.tags or []],
        dataset_key=body.dataset_key,
        eval_set_type=body.type,
        template_dataset_id=body.template_dataset_id,
    )
    return CreateEvaluationSetResponse(evaluation_set_id=dataset.dataset_id)


@router.post("/evaluation_sets/templates/list", response_model=ListEvaluationSetTemplatesResponse)
def list_evaluation_set_templates(
    body: ListEvaluationSetTemplatesRequest, scope: ConsoleWorkspace
) -> ListEvaluationSetTemplatesResponse:
    return ListEvaluationSetTemplatesResponse(templates=[], total=0, next_page_token="")


@router.post("/evaluation_sets/list", response_model=ListEvaluationSetsResponse)
def list_evaluation_sets(body: ListEvaluationSetsRequest, scope: ConsoleWorkspace) -> ListEvaluationSetsResponse:
    field, asc = order_of(body.order_bys, ("created_at", "updated_at", "name"), "created_at")
    tag_names = (body.tag_filter or {}).get("tag_names") or None
    page = service.list_sets(
        scope,
        name=body.name,
        creators=body.creators,
        ids=body.evaluation_set_ids,
        dataset_keys=body.dataset_keys,
        tags=tag_names,
        tags_all=(body.tag_filter or {}).get("relation", "and") != "or",
        page_number=body.page_number,
        page_size=body.page_size,
        page_token=body.page_token,
        order_by=field,
        asc=asc,
    )
    users = Users([user for d in page.datasets for user in (d.created_by, d.updated_by)])
    return ListEvaluationSetsResponse(
        evaluation_sets=[eval_set_out(dataset, users) for dataset in page.datasets],
        total=page.total,
        next_page_token=page.next_page_token,
    )


@router.post("/evaluation_sets/create_with_import", response_model=CreateEvaluationSetWithImportResponse)
def create_evaluation_set_with_import(
    body: CreateEvaluationSetWithImportRequest, scope: ConsoleWorkspace
) -> CreateEvaluationSetWithImportResponse:
    schema = body.evaluation_set_schema
    dataset, job_id = service.create_with_import(
        scope,
        name=body.name,
        description=body.description,
        fields=fields_in(schema.field_schemas if schema else None),
        file=body.source.file,
        field_mappings=body.field_mappings,
        option=body.option,
    )
    return CreateEvaluationSetWithImportResponse(evaluation_set_id=dataset.dataset_id, job_id=job_id)


@router.post("/evaluation_sets/parse_import_source_file", response_model=ParseImportSourceFileResponse)
def parse_import_source_file(
    body: ParseImportSourceFileRequest, scope: ConsoleWorkspace
) -> ParseImportSourceFileResponse:
    parsed = io_service.parse_source_file(scope.workspace_id, body.file)
    return ParseImportSourceFileResponse(
        bytes=parsed.bytes,
        field_schemas=[EvalFieldSchemaDTO(name=name, content_type=ContentType.TEXT) for name in parsed.columns],
        conflicts=[],
        files_with_ambiguous_column=[],
        untyped_url_fields=[],
        precheck_data_by_field=parsed.samples,
    )


@router.post("/evaluation_set_versions/batch_get", response_model=BatchGetEvaluationSetVersionsResponse)
def batch_get_evaluation_set_versions(
    body: BatchGetEvaluationSetVersionsRequest, scope: ConsoleWorkspace
) -> BatchGetEvaluationSetVersionsResponse:
    found = []
    for version_id in dict.fromkeys(body.version_ids):
        try:
            version = data_service.get_version(scope.workspace_id, version_id)
            dataset = service.eval_set_of(scope, version.dataset_id, with_deleted=bool(body.deleted_at))
        except NotFound:
            continue
        found.append((dataset, version))
    users = Users([user for d, v in found for user in (d.created_by, d.updated_by, v.created_by)])
    return BatchGetEvaluationSetVersionsResponse(
        versioned_evaluation_sets=[
            VersionedEvaluationSet(version=version_out(d, v, users), evaluation_set=eval_set_out(d, users))
            for d, v in found
        ]
    )


@router.patch("/evaluation_sets/{evaluation_set_id}", response_model=Envelope)
def update_evaluation_set(
    evaluation_set_id: Int64, body: UpdateEvaluationSetRequest, scope: ConsoleWorkspace
) -> Envelope:
    tags = [tag.tag_name for tag in body.tags] if body.tags is not None else None
    data_service.update_dataset(
        service.eval_set_of(scope, evaluation_set_id),
        service.user_of(scope),
        name=body.name,
        description=body.description,
        tags=tags,
    )
    return Envelope()


@router.delete("/evaluation_sets/{evaluation_set_id}", response_model=Envelope)
def delete_evaluation_set(evaluation_set_id: Int64, scope: ConsoleWorkspace, workspace_id: WorkspaceQuery) -> Envelope:
    data_service.delete_dataset(service.eval_set_of(scope, evaluation_set_id), service.user_of(scope))
    return Envelope()


@router.get("/evaluation_sets/{evaluation_set_id}", response_model=GetEvaluationSetResponse)
def get_evaluation_set(
    evaluation_set_id: Int64, scope: ConsoleWorkspace, workspace_id: WorkspaceQuery, deleted_at: bool = False
) -> GetEvaluationSetResponse:
    dataset = service.eval_set_of(scope, evaluation_set_id, with_deleted=deleted_at)
    return GetEvaluationSetResponse(
        evaluation_set=eval_set_out(dataset, Users([dataset.created_by, dataset.updated_by]))
    )


# --- versions -----------------------------------------------------------------------------------------------


@router.post("/evaluation_sets/{evaluation_set_id}/versions", response_model=IdResponse)
def create_evaluation_set_version(
    evaluation_set_id: Int64, body: CreateEvaluationSetVersionRequest, scope: ConsoleWorkspace
) -> IdResponse:
    dataset = service.eval_set_of(scope, evaluation_set_id)
    version = data_service.create_version(dataset, service.user_of(scope), body.version, body.desc)
    return IdResponse(id=version.version_id)


@router.get(
    "/evaluation_sets/{evaluation_set_id}/versions/{version_id}", response_model=GetEvaluationSetVersionResponse
)
def get_evaluation_set_version(
    evaluation_set_id: Int64,
    version_id: Int64,
    scope: ConsoleWorkspace,
    workspace_id: WorkspaceQuery,
    deleted_at: bool = False,
) -> GetEvaluationSetVersionResponse:
    dataset = service.eval_set_of(scope, evaluation_set_id, with_deleted=deleted_at)
    version = service.version_of(scope, dataset, version_id)
    users = Users([dataset.created_by, dataset.updated_by, version.created_by])
    return GetEvaluationSetVersionResponse(
        version=version_out(dataset, version, users), evaluation_set=eval_set_out(dataset, users)
    )


@router.post("/evaluation_sets/{evaluation_set_id}/versions/list", response_model=ListEvaluationSetVersionsResponse)
def list_evaluation_set_versions(
    evaluation_set_id: Int64, body: ListEvaluationSetVersionsRequest, scope: ConsoleWorkspace
) -> ListEvaluationSetVersionsResponse:
    dataset = service.eval_set_of(scope, evaluation_set_id)
    page = service.list_versions(dataset, body.version_like, body.page_number, body.page_size, body.page_token)
    users = Users([version.created_by for version in page.versions])
    return ListEvaluationSetVersionsResponse(
        versions=[version_out(dataset, version, users) for version in page.versions],
        total=page.total,
        next_page_token=page.next_page_token,
    )


@router.put("/evaluation_sets/{evaluation_set_id}/schema", response_model=Envelope)
def update_evaluation_set_schema(
    evaluation_set_id: Int64, body: UpdateEvaluationSetSchemaRequest, scope: ConsoleWorkspace
) -> Envelope:
    data_service.update_schema(
        service.eval_set_of(scope, evaluation_set_id), service.user_of(scope), fields_in(body.fields)
    )
    return Envelope()


# --- items --------------------------------------------------------------------------------------------------


@router.post(
    "/evaluation_sets/{evaluation_set_id}/items/batch_create", response_model=BatchCreateEvaluationSetItemsResponse
)
def batch_create_evaluation_set_items(
    evaluation_set_id: Int64, body: BatchCreateEvaluationSetItemsRequest, scope: ConsoleWorkspace
) -> BatchCreateEvaluationSetItemsResponse:
    dataset = service.eval_set_of(scope, evaluation_set_id)
    result = service.add_items(
        scope,
        dataset,
        [item_in(dto, index) for index, dto in enumerate(body.items)],
        skip_invalid=body.skip_invalid_items,
        allow_partial=body.allow_partial_add,
    )
    return BatchCreateEvaluationSetItemsResponse(
        added_items=result.added,
        errors=result.errors,
        item_outputs=[
            ItemOutputDTO(item_index=o.item_index, item_key=o.item_key, item_id=o.item_id, is_new_item=o.is_new_item)
            for o in result.outputs
        ],
    )


@router.put("/evaluation_sets/{evaluation_set_id}/items/{item_id}", response_model=Envelope)
def update_evaluation_set_item(
    evaluation_set_id: Int64, item_id: Int64, body: UpdateEvaluationSetItemRequest, scope: ConsoleWorkspace
) -> Envelope:
    dataset = service.eval_set_of(scope, evaluation_set_id)
    new = item_in_turns(body)
    items.update_item(dataset, item_id, new, service.user_of(scope))
    return Envelope()


def item_in_turns(body: UpdateEvaluationSetItemRequest) -> list[Turn]:
    return item_in(EvaluationSetItemDTO(turns=body.turns), 0).turns


@router.post("/evaluation_sets/{evaluation_set_id}/items/batch_delete", response_model=Envelope)
def batch_delete_evaluation_set_items(
    evaluation_set_id: Int64, body: BatchDeleteEvaluationSetItemsRequest, scope: ConsoleWorkspace
) -> Envelope:
    items.delete_items(service.eval_set_of(scope, evaluation_set_id), body.item_ids, service.user_of(scope))
    return Envelope()


@router.post("/evaluation_sets/{evaluation_set_id}/items/list", response_model=ListEvaluationSetItemsResponse)
def list_evaluation_set_items(
    evaluation_set_id: Int64, body: ListEvaluationSetItemsRequest, scope: ConsoleWorkspace
) -> ListEvaluationSetItemsResponse:
    reject_filters(body.filter, body.tag_filter)
    dataset = service.eval_set_of(scope, evaluation_set_id, with_deleted=bool(body.version_id))
    _, asc = order_of(body.order_bys, ITEM_ORDERS, "created_at")
    page = service.list_items(
        scope,
        dataset,
        version_id=body.version_id,
        page_number=body.page_number,
        page_size=body.page_size,
        page_token=body.page_token,
        ascending=asc,
        exclude=body.item_id_not_in,
    )
    users = item_users(page.items)
    return ListEvaluationSetItemsResponse(
        items=[item_out(dataset, item, users, page.fields) for item in page.items],
        total=page.total,
        next_page_token=page.next_page_token,
        filter_total=page.total,
    )


@router.post("/evaluation_sets/{evaluation_set_id}/items/batch_get", response_model=BatchGetEvaluationSetItemsResponse)
def batch_get_evaluation_set_items(
    evaluation_set_id: Int64, body: BatchGetEvaluationSetItemsRequest, scope: ConsoleWorkspace
) -> BatchGetEvaluationSetItemsResponse:
    dataset = service.eval_set_of(scope, evaluation_set_id, with_deleted=bool(body.version_id))
    found, fields = service.batch_get_items(scope, dataset, body.version_id, body.item_ids)
    users = item_users(found)
    return BatchGetEvaluationSetItemsResponse(items=[item_out(dataset, item, users, fields) for item in found])


@router.post("/evaluation_sets/{evaluation_set_id}/items/clear", response_model=Envelope)
def clear_evaluation_set_draft_item(
    evaluation_set_id: Int64, body: WorkspaceRequest, scope: ConsoleWorkspace
) -> Envelope:
    items.clear_items(service.eval_set_of(scope, evaluation_set_id), service.user_of(scope))
    return Envelope()


@router.get(
    "/evaluation_sets/{evaluation_set_id}/items/{item_pk}/field", response_model=GetEvaluationSetItemFieldResponse
)
def get_evaluation_set_item_field(
    evaluation_set_id: Int64,
    item_pk: Int64,
    scope: ConsoleWorkspace,
    workspace_id: WorkspaceQuery,
    field_name: Annotated[str | None, Query(max_length=128)] = None,
    field_key: Annotated[str | None, Query(max_length=64)] = None,
    turn_id: Annotated[Int64 | None, Query()] = None,
) -> GetEvaluationSetItemFieldResponse:
    dataset = service.eval_set_of(scope, evaluation_set_id)
    cell = service.item_field(scope, dataset, item_pk, field_name=field_name, field_key=field_key, turn_id=turn_id)
    return GetEvaluationSetItemFieldResponse(field_data=EvalFieldDataDTO(**cell.model_dump()))
