"""The data console's operations: requests in the data form mapped onto shared/data and back."""

from functions.data import io_service
from functions.data.common import job_dto, offset_of, offset_token, order_of, page_size_of, reject_filters
from functions.data.dataset_convert import (
    CellReader,
    dataset_out,
    field_out,
    fields_in,
    item_out,
    spec_in,
    version_out,
)
from functions.data.dataset_schemas import (
    BatchCreateDatasetItemsRequest,
    BatchCreateDatasetItemsResponse,
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
    VersionedDataset,
)
from shared.auth.principals import WorkspaceScope
from shared.data import items, service, snapshots
from shared.data.entities import Dataset, DatasetCategory, DatasetFeatures, DatasetVersion, ItemErrorType
from shared.data.schema import new_fields
from shared.data.validation import ErrorCollector, ItemChecker
from shared.errors import InvalidInput, NotFound

ITEM_ORDERS = ("created_at", "updated_at", "item_id")


def _user(scope: WorkspaceScope) -> str:
    return str(scope.user_id)


def dataset_of(scope: WorkspaceScope, dataset_id: int) -> Dataset:
    return service.get_dataset(scope.workspace_id, dataset_id)


# --- datasets -------------------------------------------------------------------------------------------------


def create(scope: WorkspaceScope, request: CreateDatasetRequest) -> CreateDatasetResponse:
    dataset = service.create_dataset(
        scope.workspace_id,
        _user(scope),
        service.NewDataset(
            name=request.name,
            fields=fields_in(request.fields),
            category=request.category or DatasetCategory.GENERAL,
            description=request.description,
            biz_category=request.biz_category,
            spec=spec_in(request.spec),
            features=request.features,
            dataset_key=request.dataset_key,
            security_level=request.security_level or 3,
            visibility=request.visibility or 2,
        ),
    )
    return CreateDatasetResponse(dataset_id=dataset.dataset_id)


def update(scope: WorkspaceScope, dataset_id: int, request: UpdateDatasetRequest) -> None:
    service.update_dataset(
        dataset_of(scope, dataset_id), _user(scope), name=request.name, description=request.description
    )


def delete(scope: WorkspaceScope, dataset_id: int) -> None:
    service.delete_dataset(dataset_of(scope, dataset_id), _user(scope))


def get(scope: WorkspaceScope, dataset_id: int, with_deleted: bool) -> GetDatasetResponse:
    return GetDatasetResponse(
        dataset=dataset_out(service.get_dataset(scope.workspace_id, dataset_id, with_deleted=with_deleted))
    )


def batch_get(scope: WorkspaceScope, request: BatchGetDatasetsRequest) -> BatchGetDatasetsResponse:
    found = service.repository.batch_get(scope.workspace_id, request.dataset_ids, with_deleted=request.with_deleted)
    return BatchGetDatasetsResponse(datasets=[dataset_out(dataset) for dataset in found])


def list_datasets(scope: WorkspaceScope, request: ListDatasetsRequest) -> ListDatasetsResponse:
    field, asc = order_of(request.order_bys, ("created_at", "updated_at", "name"), "created_at")
    found = service.list_datasets(
        scope.workspace_id,
        service.DatasetFilter(
            categories=[request.category] if request.category else None,
            name=request.name,
            created_by=request.created_bys,
            dataset_ids=request.dataset_ids,
            dataset_keys=request.dataset_keys,
            biz_categories=request.biz_categorys,
        ),
        order_by=field,
        asc=asc,
    )
    size = page_size_of(request.page_size)
    start = offset_of(request.page_token, request.page_number, size)
    page = found[start : start + size]
    more = start + size < len(found)
    return ListDatasetsResponse(
        datasets=[dataset_out(dataset) for dataset in page],
        next_page_token=offset_token(start + size) if more else "",
        total=len(found),
    )


# --- schema ---------------------------------------------------------------------------------------------------


def update_schema(scope: WorkspaceScope, dataset_id: int, request: UpdateDatasetSchemaRequest) -> None:
    service.update_schema(dataset_of(scope, dataset_id), _user(scope), fields_in(request.fields))


def get_schema(scope: WorkspaceScope, dataset_id: int, with_deleted: bool) -> GetDatasetSchemaResponse:
    dataset = dataset_of(scope, dataset_id)
    fields = dataset.fields if with_deleted else dataset.available_fields
    return GetDatasetSchemaResponse(fields=[field_out(field) for field in fields])


# --- import, export and jobs ------------------------------------------------------------------------------------


def import_file(scope: WorkspaceScope, dataset_id: int, request: ImportDatasetRequest) -> JobIdResponse:
    job = io_service.start_import(
        dataset_of(scope, dataset_id), _user(scope), request.file, request.field_mappings, request.option
    )
    return JobIdResponse(job_id=job.job_id)


def export_file(scope: WorkspaceScope, dataset_id: int, request: ExportDatasetRequest) -> JobIdResponse:
    job = io_service.start_export(dataset_of(scope, dataset_id), _user(scope), request.version_id, request.format)
    return JobIdResponse(job_id=job.job_id)


def get_job(scope: WorkspaceScope, job_id: int) -> GetDatasetIOJobResponse:
    return GetDatasetIOJobResponse(job=job_dto(io_service.get_job(scope.workspace_id, job_id)))


def list_jobs(scope: WorkspaceScope, dataset_id: int, request: ListDatasetIOJobsRequest) -> ListDatasetIOJobsResponse:
    jobs = io_service.list_jobs(dataset_of(scope, dataset_id), request.types, request.statuses)
    return ListDatasetIOJobsResponse(jobs=[job_dto(job) for job in jobs])


# --- versions ---------------------------------------------------------------------------------------------------


def create_version(scope: WorkspaceScope, dataset_id: int, request: CreateDatasetVersionRequest) -> IdResponse:
    version = service.create_version(dataset_of(scope, dataset_id), _user(scope), request.version, request.desc)
    return IdResponse(id=version.version_id)


def list_versions(
    scope: WorkspaceScope, dataset_id: int, request: ListDatasetVersionsRequest
) -> ListDatasetVersionsResponse:
    field, asc = order_of(request.order_bys, ("created_at",), "created_at")
    found = service.list_versions(dataset_of(scope, dataset_id), request.version_like)
    if asc:
        found.reverse()
    size = page_size_of(request.page_size)
    start = offset_of(request.page_token, request.page_number, size)
    more = start + size < len(found)
    return ListDatasetVersionsResponse(
        versions=[version_out(version) for version in found[start : start + size]],
        next_page_token=offset_token(start + size) if more else "",
        total=len(found),
    )


def get_version(scope: WorkspaceScope, version_id: int, with_deleted: bool) -> GetDatasetVersionResponse:
    version = service.get_version(scope.workspace_id, version_id)
    dataset = service.get_dataset(scope.workspace_id, version.dataset_id, with_deleted=with_deleted)
    return GetDatasetVersionResponse(version=version_out(version), dataset=dataset_out(dataset))


def batch_get_versions(
    scope: WorkspaceScope, request: BatchGetDatasetVersionsRequest
) -> BatchGetDatasetVersionsResponse:
    found = []
    for version_id in dict.fromkeys(request.version_ids):
        try:
            version = service.get_version(scope.workspace_id, version_id)
            dataset = service.get_dataset(scope.workspace_id, version.dataset_id, with_deleted=request.with_deleted)
        except NotFound:
            continue
        found.append(VersionedDataset(version=version_out(version), dataset=dataset_out(dataset)))
    return BatchGetDatasetVersionsResponse(versioned_dataset=found)


# --- items ------------------------------------------------------------------------------------------------------


def validate_items(scope: WorkspaceScope, request: ValidateDatasetItemsRequest) -> ValidateDatasetItemsResponse:
    """Checks items without writing them, against a dataset's schema or the fields given."""
    if request.dataset_id:
        dataset = dataset_of(scope, request.dataset_id)
        if request.dataset_fields:
            dataset = dataset.model_copy(update={"fields": fields_in(request.dataset_fields)})
    elif request.dataset_fields:
        dataset = Dataset(
            dataset_id=0,
            workspace_id=scope.workspace_id,
            name="",
            category=request.dataset_category or DatasetCategory.GENERAL,
            spec=service.default_spec(),
            features=DatasetFeatures(repeated_data=request.dataset_category == DatasetCategory.EVALUATION),
            fields=new_fields(fields_in(request.dataset_fields), service.default_spec(), DatasetFeatures()),
        )
    else:
        raise InvalidInput("send dataset_id, or dataset_fields for a dataset not created yet")
    reader, checker, errors = CellReader(dataset), ItemChecker(dataset), ErrorCollector()
    valid = []
    for index, dto in enumerate(request.items):
        _, problem = checker.check(reader.item(dto, index).turns)
        if problem:
            errors.add(problem.kind, problem.message, index=index, messages_by_field=problem.by_field or None)
        else:
            valid.append(index)
    room = dataset.spec.max_item_count - (0 if request.ignore_current_item_count else dataset.item_count)
    if len(valid) > room:
        overflow = valid[room:]
        errors.add(
            ItemErrorType.EXCEED_DATASET_CAPACITY,
            f"only {max(room, 0)} more items fit in the dataset",
            count=len(overflow),
            start_index=overflow[0],
            end_index=overflow[-1],
        )
        valid = valid[: max(room, 0)]
    return ValidateDatasetItemsResponse(valid_item_indices=valid, errors=errors.result())


def batch_create_items(
    scope: WorkspaceScope, dataset_id: int, request: BatchCreateDatasetItemsRequest
) -> BatchCreateDatasetItemsResponse:
    dataset = dataset_of(scope, dataset_id)
    reader = CellReader(dataset)
    new = [reader.item(dto, index) for index, dto in enumerate(request.items)]
    result = items.add_items(
        dataset, new, _user(scope), skip_invalid=request.skip_invalid_items, allow_partial=request.allow_partial_add
    )
    return BatchCreateDatasetItemsResponse(added_items=result.added, errors=result.errors)


def update_item(scope: WorkspaceScope, dataset_id: int, item_id: int, request: UpdateDatasetItemRequest) -> None:
    dataset = dataset_of(scope, dataset_id)
    turns = CellReader(dataset).turns(request.data, request.repeated_data, "item")
    items.update_item(dataset, item_id, turns, _user(scope))


def delete_items(scope: WorkspaceScope, dataset_id: int, item_ids: list[int]) -> None:
    items.delete_items(dataset_of(scope, dataset_id), item_ids, _user(scope))


def clear(scope: WorkspaceScope, dataset_id: int) -> None:
    items.clear_items(dataset_of(scope, dataset_id), _user(scope))


def get_item(scope: WorkspaceScope, dataset_id: int, item_id: int) -> GetDatasetItemResponse:
    dataset = dataset_of(scope, dataset_id)
    return GetDatasetItemResponse(item=item_out(dataset, items.get_item(dataset, item_id)))


def batch_get_items(
    scope: WorkspaceScope, dataset_id: int, request: BatchGetDatasetItemsRequest
) -> BatchGetDatasetItemsResponse:
    dataset = dataset_of(scope, dataset_id)
    found = items.batch_get_items(dataset, request.item_ids)
    return BatchGetDatasetItemsResponse(items=[item_out(dataset, item) for item in found])


def list_items(scope: WorkspaceScope, dataset_id: int, request: ListDatasetItemsRequest) -> ListDatasetItemsResponse:
    reject_filters(request.filter, request.tag_filter)
    dataset = dataset_of(scope, dataset_id)
    _, asc = order_of(request.order_bys, ITEM_ORDERS, "created_at")
    page = items.list_items(
        dataset,
        page_size=page_size_of(request.page_size),
        page_number=request.page_number,
        page_token=request.page_token,
        ascending=asc,
    )
    return ListDatasetItemsResponse(
        items=[item_out(dataset, item) for item in page.items],
        next_page_token=page.next_page_token,
        total=page.total,
        filter_total=page.total,
    )


def _version_of(scope: WorkspaceScope, dataset: Dataset, version_id: int) -> DatasetVersion:
    version = service.get_version(scope.workspace_id, version_id)
    if version.dataset_id != dataset.dataset_id:
        raise NotFound(f"version {version_id} not found in dataset {dataset.dataset_id}")
    return version


def list_version_items(
    scope: WorkspaceScope, dataset_id: int, version_id: int, request: ListDatasetItemsRequest
) -> ListDatasetItemsResponse:
    reject_filters(request.filter, request.tag_filter)
    dataset = service.get_dataset(scope.workspace_id, dataset_id, with_deleted=True)
    version = _version_of(scope, dataset, version_id)
    _, asc = order_of(request.order_bys, ITEM_ORDERS, "created_at")
    size = page_size_of(request.page_size)
    start = offset_of(request.page_token, request.page_number, size)
    found = snapshots.page(version, start, size, ascending=asc)
    more = start + size < version.item_count
    return ListDatasetItemsResponse(
        items=[item_out(dataset, item, version.fields) for item in found],
        next_page_token=offset_token(start + size) if more else "",
        total=version.item_count,
        filter_total=version.item_count,
    )


def batch_get_version_items(
    scope: WorkspaceScope, dataset_id: int, version_id: int, request: BatchGetDatasetItemsRequest
) -> BatchGetDatasetItemsResponse:
    dataset = service.get_dataset(scope.workspace_id, dataset_id, with_deleted=True)
    version = _version_of(scope, dataset, version_id)
    found = snapshots.by_ids(version, request.item_ids)
    return BatchGetDatasetItemsResponse(items=[item_out(dataset, item, version.fields) for item in found])
