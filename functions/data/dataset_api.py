"""Data console routes (/api/data/v1, session cookie): paths as upstream's DatasetService annotations."""

from typing import Annotated

from fastapi import APIRouter, Query

from functions.data import dataset_service as service
from functions.data.dataset_schemas import (
    BatchCreateDatasetItemsRequest,
    BatchCreateDatasetItemsResponse,
    BatchDeleteDatasetItemsRequest,
    BatchGetDatasetItemsRequest,
    BatchGetDatasetItemsResponse,
    BatchGetDatasetsRequest,
    BatchGetDatasetsResponse,
    BatchGetDatasetVersionsRequest,
    BatchGetDatasetVersionsResponse,
    CreateDatasetRequest,
    CreateDatasetResponse,
    CreateDatasetVersionRequest,
    ExportDatasetRequest,
    GetDatasetIOJobResponse,
    GetDatasetItemResponse,
    GetDatasetResponse,
    GetDatasetSchemaResponse,
    GetDatasetVersionResponse,
    IdResponse,
    ImportDatasetRequest,
    JobIdResponse,
    ListDatasetIOJobsRequest,
    ListDatasetIOJobsResponse,
    ListDatasetItemsRequest,
    ListDatasetItemsResponse,
    ListDatasetsRequest,
    ListDatasetsResponse,
    ListDatasetVersionsRequest,
    ListDatasetVersionsResponse,
    UpdateDatasetItemRequest,
    UpdateDatasetRequest,
    UpdateDatasetSchemaRequest,
    ValidateDatasetItemsRequest,
    ValidateDatasetItemsResponse,
    WorkspaceOnlyRequest,
)
from shared.auth.dependencies import ConsoleWorkspace
from shared.envelope import Envelope
from shared.ids import Int64

router = APIRouter(prefix="/api/data/v1", tags=["datasets"])
# GET and DELETE routes declare `workspace_id` for the generated client; ConsoleWorkspace reads and checks it.
WorkspaceQuery = Annotated[Int64, Query(description="the workspace")]


@router.post("/datasets", response_model=CreateDatasetResponse)
def create_dataset(body: CreateDatasetRequest, scope: ConsoleWorkspace) -> CreateDatasetResponse:
    return service.create(scope, body)


@router.post("/datasets/list", response_model=ListDatasetsResponse)
def list_datasets(body: ListDatasetsRequest, scope: ConsoleWorkspace) -> ListDatasetsResponse:
    return service.list_datasets(scope, body)


@router.post("/datasets/batch_get", response_model=BatchGetDatasetsResponse)
def batch_get_datasets(body: BatchGetDatasetsRequest, scope: ConsoleWorkspace) -> BatchGetDatasetsResponse:
    return service.batch_get(scope, body)


@router.patch("/datasets/{dataset_id}", response_model=Envelope)
def update_dataset(dataset_id: Int64, body: UpdateDatasetRequest, scope: ConsoleWorkspace) -> Envelope:
    service.update(scope, dataset_id, body)
    return Envelope()


@router.delete("/datasets/{dataset_id}", response_model=Envelope)
def delete_dataset(dataset_id: Int64, scope: ConsoleWorkspace, workspace_id: WorkspaceQuery) -> Envelope:
    service.delete(scope, dataset_id)
    return Envelope()


@router.get("/datasets/{dataset_id}", response_model=GetDatasetResponse)
def get_dataset(
    dataset_id: Int64, scope: ConsoleWorkspace, workspace_id: WorkspaceQuery, with_deleted: bool = False
) -> GetDatasetResponse:
    return service.get(scope, dataset_id, with_deleted)


# --- import, export, jobs -----------------------------------------------------------------------------------


@router.post("/datasets/{dataset_id}/import", response_model=JobIdResponse)
def import_dataset(dataset_id: Int64, body: ImportDatasetRequest, scope: ConsoleWorkspace) -> JobIdResponse:
    return service.import_file(scope, dataset_id, body)


@router.post("/datasets/{dataset_id}/export", response_model=JobIdResponse)
def export_dataset(dataset_id: Int64, body: ExportDatasetRequest, scope: ConsoleWorkspace) -> JobIdResponse:
    return service.export_file(scope, dataset_id, body)


@router.get("/dataset_io_jobs/{job_id}", response_model=GetDatasetIOJobResponse)
def get_dataset_io_job(job_id: Int64, scope: ConsoleWorkspace, workspace_id: WorkspaceQuery) -> GetDatasetIOJobResponse:
    return service.get_job(scope, job_id)


@router.post("/datasets/{dataset_id}/io_jobs", response_model=ListDatasetIOJobsResponse)
def list_dataset_io_jobs(
    dataset_id: Int64, body: ListDatasetIOJobsRequest, scope: ConsoleWorkspace
) -> ListDatasetIOJobsResponse:
    return service.list_jobs(scope, dataset_id, body)


# --- versions -----------------------------------------------------------------------------------------------


@router.post("/datasets/{dataset_id}/versions", response_model=IdResponse)
def create_dataset_version(dataset_id: Int64, body: CreateDatasetVersionRequest, scope: ConsoleWorkspace) -> IdResponse:
    return service.create_version(scope, dataset_id, body)


@router.post("/datasets/{dataset_id}/versions/list", response_model=ListDatasetVersionsResponse)
def list_dataset_versions(
    dataset_id: Int64, body: ListDatasetVersionsRequest, scope: ConsoleWorkspace
) -> ListDatasetVersionsResponse:
    return service.list_versions(scope, dataset_id, body)


@router.get("/dataset_versions/{version_id}", response_model=GetDatasetVersionResponse)
def get_dataset_version(
    version_id: Int64, scope: ConsoleWorkspace, workspace_id: WorkspaceQuery, with_deleted: bool = False
) -> GetDatasetVersionResponse:
    return service.get_version(scope, version_id, with_deleted)


@router.post("/dataset_versions/batch_get", response_model=BatchGetDatasetVersionsResponse)
def batch_get_dataset_versions(
    body: BatchGetDatasetVersionsRequest, scope: ConsoleWorkspace
) -> BatchGetDatasetVersionsResponse:
    return service.batch_get_versions(scope, body)


# --- schema -------------------------------------------------------------------------------------------------


@router.get("/datasets/{dataset_id}/schema", response_model=GetDatasetSchemaResponse)
def get_dataset_schema(
    dataset_id: Int64, scope: ConsoleWorkspace, workspace_id: WorkspaceQuery, with_deleted: bool = False
) -> GetDatasetSchemaResponse:
    return service.get_schema(scope, dataset_id, with_deleted)


@router.put("/datasets/{dataset_id}/schema", response_model=Envelope)
def update_dataset_schema(dataset_id: Int64, body: UpdateDatasetSchemaRequest, scope: ConsoleWorkspace) -> Envelope:
    service.update_schema(scope, dataset_id, body)
    return Envelope()


# --- items --------------------------------------------------------------------------------------------------


@router.post("/dataset_items/validate", response_model=ValidateDatasetItemsResponse)
def validate_dataset_items(body: ValidateDatasetItemsRequest, scope: ConsoleWorkspace) -> ValidateDatasetItemsResponse:
    return service.validate_items(scope, body)


@router.post("/datasets/{dataset_id}/items/batch_create", response_model=BatchCreateDatasetItemsResponse)
def batch_create_dataset_items(
    dataset_id: Int64, body: BatchCreateDatasetItemsRequest, scope: ConsoleWorkspace
) -> BatchCreateDatasetItemsResponse:
    return service.batch_create_items(scope, dataset_id, body)


@router.post("/datasets/{dataset_id}/items/batch_delete", response_model=Envelope)
def batch_delete_dataset_items(
    dataset_id: Int64, body: BatchDeleteDatasetItemsRequest, scope: ConsoleWorkspace
) -> Envelope:
    service.delete_items(scope, dataset_id, body.item_ids)
    return Envelope()


@router.post("/datasets/{dataset_id}/items/list", response_model=ListDatasetItemsResponse)
def list_dataset_items(
    dataset_id: Int64, body: ListDatasetItemsRequest, scope: ConsoleWorkspace
) -> ListDatasetItemsResponse:
    return service.list_items(scope, dataset_id, body)


@router.post("/datasets/{dataset_id}/items/batch_get", response_model=BatchGetDatasetItemsResponse)
def batch_get_dataset_items(
    dataset_id: Int64, body: BatchGetDatasetItemsRequest, scope: ConsoleWorkspace
) -> BatchGetDatasetItemsResponse:
    return service.batch_get_items(scope, dataset_id, body)


@router.post("/datasets/{dataset_id}/items/clear", response_model=Envelope)
def clear_dataset_items(dataset_id: Int64, body: WorkspaceOnlyRequest, scope: ConsoleWorkspace) -> Envelope:
    service.clear(scope, dataset_id)
    return Envelope()


@router.put("/datasets/{dataset_id}/items/{item_id}", response_model=Envelope)
def update_dataset_item(
    dataset_id: Int64, item_id: Int64, body: UpdateDatasetItemRequest, scope: ConsoleWorkspace
) -> Envelope:
    service.update_item(scope, dataset_id, item_id, body)
    return Envelope()


@router.delete("/datasets/{dataset_id}/items/{item_id}", response_model=Envelope)
def delete_dataset_item(
    dataset_id: Int64, item_id: Int64, scope: ConsoleWorkspace, workspace_id: WorkspaceQuery
) -> Envelope:
    service.delete_items(scope, dataset_id, [item_id])
    return Envelope()


@router.get("/datasets/{dataset_id}/items/{item_id}", response_model=GetDatasetItemResponse)
def get_dataset_item(
    dataset_id: Int64, item_id: Int64, scope: ConsoleWorkspace, workspace_id: WorkspaceQuery
) -> GetDatasetItemResponse:
    return service.get_item(scope, dataset_id, item_id)


@router.post("/datasets/{dataset_id}/versions/{version_id}/items/list", response_model=ListDatasetItemsResponse)
def list_dataset_items_by_version(
    dataset_id: Int64, version_id: Int64, body: ListDatasetItemsRequest, scope: ConsoleWorkspace
) -> ListDatasetItemsResponse:
    return service.list_version_items(scope, dataset_id, version_id, body)


@router.post(
    "/datasets/{dataset_id}/versions/{version_id}/items/batch_get", response_model=BatchGetDatasetItemsResponse
)
def batch_get_dataset_items_by_version(
    dataset_id: Int64, version_id: Int64, body: BatchGetDatasetItemsRequest, scope: ConsoleWorkspace
) -> BatchGetDatasetItemsResponse:
    return service.batch_get_version_items(scope, dataset_id, version_id, body)
