"""The data console's models (/api/data/v1): names and fields as upstream's coze.loop.data.dataset.thrift
and data/domain/dataset.thrift. Items travel in the DatasetItem form (`data` / `repeated_data`)."""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from functions.data.common import DataOrderBy, FieldMappingDTO, IOFileDTO, IOJobDTO, IOJobOptionDTO, Request
from shared.data.entities import DatasetFeatures, ItemErrorGroup, MultiModalSpec
from shared.envelope import Envelope
from shared.ids import Int64

Name = Annotated[str, StringConstraints(min_length=1, max_length=255)]
ItemKey = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class FieldSchemaDTO(BaseModel):
    """data/domain/dataset.thrift FieldSchema (plus isRequired, which evaluation sets use)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, serialize_by_alias=True)

    key: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=128)
    description: str | None = Field(default=None, max_length=1024)
    content_type: int | None = None
    default_format: int | None = None
    schema_key: int | None = Field(default=None, alias="schemaKey")
    text_schema: str | None = Field(default=None, max_length=100_000)
    multi_model_spec: MultiModalSpec | None = None
    hidden: bool | None = None
    status: int | None = None
    default_transformations: list[dict[str, Any]] | None = None
    is_required: bool | None = Field(default=None, alias="isRequired")


class DatasetSpecDTO(BaseModel):
    model_config = ConfigDict(extra="ignore")

    max_item_count: Int64 | None = None
    max_field_count: int | None = None
    max_item_size: Int64 | None = None
    max_item_data_nested_depth: int | None = None
    multi_modal_spec: MultiModalSpec | None = None


class DatasetSchemaDTO(BaseModel):
    id: Int64
    space_id: Int64
    dataset_id: Int64
    fields: list[FieldSchemaDTO]
    immutable: bool
    created_by: str
    created_at: Int64
    updated_by: str
    updated_at: Int64
    update_version: Int64


class DatasetDTO(BaseModel):
    id: Int64
    space_id: Int64
    schema_id: Int64
    name: str
    description: str
    status: int
    category: int
    biz_category: str
    schema_: DatasetSchemaDTO = Field(alias="schema")
    security_level: int
    visibility: int
    spec: DatasetSpecDTO
    features: DatasetFeatures
    latest_version: str
    next_version_num: Int64
    item_count: Int64
    dataset_key: str | None = None
    created_by: str
    created_at: Int64
    updated_by: str
    updated_at: Int64
    change_uncommitted: bool

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class ObjectStorageDTO(BaseModel):
    model_config = ConfigDict(extra="ignore")

    provider: int | None = None
    name: str | None = None
    uri: str | None = None
    url: str | None = None
    thumb_url: str | None = None


class FieldDataDTO(BaseModel):
    model_config = ConfigDict(extra="ignore")

    key: str | None = None
    name: str | None = None
    content_type: int | None = None
    content: str | None = None
    attachments: list[ObjectStorageDTO] | None = None
    format: int | None = None
    parts: list["FieldDataDTO"] | None = None
    trace_id: str | None = None
    content_omitted: bool | None = None  # ours: the text was clipped in a list; get the item for all of it


class ItemDataDTO(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: Int64 | None = None
    data: list[FieldDataDTO] | None = None


class DatasetItemDTO(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: Int64 | None = None
    space_id: Int64 | None = None
    dataset_id: Int64 | None = None
    schema_id: Int64 | None = None
    item_id: Int64 | None = None
    item_key: ItemKey | None = None
    data: list[FieldDataDTO] | None = None
    repeated_data: list[ItemDataDTO] | None = None
    created_by: str | None = None
    created_at: Int64 | None = None
    updated_by: str | None = None
    updated_at: Int64 | None = None
    data_omitted: bool | None = None


class DatasetVersionDTO(BaseModel):
    id: Int64
    space_id: Int64
    dataset_id: Int64
    schema_id: Int64
    version: str
    version_num: Int64
    description: str
    item_count: Int64
    snapshot_status: int
    created_by: str
    created_at: Int64


class VersionedDataset(BaseModel):
    version: DatasetVersionDTO | None = None
    dataset: DatasetDTO | None = None


# --- requests and responses ---------------------------------------------------------------------------------


class CreateDatasetRequest(Request):
    workspace_id: Int64
    name: Name
    description: str = Field(default="", max_length=2048)
    category: int | None = Field(default=None, ge=1, le=4)
    biz_category: str = Field(default="", max_length=128)
    fields: list[FieldSchemaDTO] = Field(min_length=1, max_length=200)
    dataset_key: str | None = Field(default=None, max_length=255)
    security_level: int | None = Field(default=None, ge=1, le=4)
    visibility: int | None = Field(default=None, ge=1, le=3)
    spec: DatasetSpecDTO | None = None
    features: DatasetFeatures | None = None


class CreateDatasetResponse(Envelope):
    dataset_id: Int64


class UpdateDatasetRequest(Request):
    workspace_id: Int64 | None = None
    name: str | None = Field(default=None, max_length=255)
    description: str | None = Field(default=None, max_length=2048)


class GetDatasetResponse(Envelope):
    dataset: DatasetDTO


class BatchGetDatasetsRequest(Request):
    workspace_id: Int64
    dataset_ids: list[Int64] = Field(max_length=100)
    with_deleted: bool = False


class BatchGetDatasetsResponse(Envelope):
    datasets: list[DatasetDTO]


class ListDatasetsRequest(Request):
    workspace_id: Int64
    dataset_ids: list[Int64] | None = None
    category: int | None = None
    name: str | None = Field(default=None, max_length=255)
    created_bys: list[str] | None = None
    biz_categorys: list[str] | None = None
    dataset_keys: list[str] | None = None
    page_number: int | None = Field(default=None, gt=0)
    page_size: int | None = Field(default=None, gt=0, le=200)
    page_token: str | None = None
    order_bys: list[DataOrderBy] | None = None


class ListDatasetsResponse(Envelope):
    datasets: list[DatasetDTO]
    next_page_token: str
    total: Int64


class ImportDatasetRequest(Request):
    workspace_id: Int64 | None = None
    file: IOFileDTO
    field_mappings: list[FieldMappingDTO] = Field(min_length=1, max_length=200)
    option: IOJobOptionDTO | None = None


class JobIdResponse(Envelope):
    job_id: Int64


class ExportDatasetRequest(Request):
    """Ours (upstream has the job type but no route): the draft, or a version, to a CSV or JSONL file."""

    workspace_id: Int64 | None = None
    version_id: Int64 | None = None
    format: int = Field(default=3, description="1 JSONL, 3 CSV")


class GetDatasetIOJobResponse(Envelope):
    job: IOJobDTO


class ListDatasetIOJobsRequest(Request):
    workspace_id: Int64 | None = None
    types: list[int] | None = None
    statuses: list[int] | None = None


class ListDatasetIOJobsResponse(Envelope):
    jobs: list[IOJobDTO]


class ListDatasetVersionsRequest(Request):
    workspace_id: Int64 | None = None
    version_like: str | None = Field(default=None, max_length=128)
    page_number: int | None = Field(default=None, gt=0)
    page_size: int | None = Field(default=None, gt=0, le=200)
    page_token: str | None = None
    order_bys: list[DataOrderBy] | None = None


class ListDatasetVersionsResponse(Envelope):
    versions: list[DatasetVersionDTO]
    next_page_token: str
    total: Int64


class GetDatasetVersionResponse(Envelope):
    version: DatasetVersionDTO
    dataset: DatasetDTO


class BatchGetDatasetVersionsRequest(Request):
    workspace_id: Int64 | None = None
    version_ids: list[Int64] = Field(max_length=100)
    with_deleted: bool = False


class BatchGetDatasetVersionsResponse(Envelope):
    versioned_dataset: list[VersionedDataset]


class CreateDatasetVersionRequest(Request):
    workspace_id: Int64 | None = None
    version: str = Field(min_length=1, max_length=128)
    desc: str = Field(default="", max_length=2048)


class IdResponse(Envelope):
    id: Int64


class UpdateDatasetSchemaRequest(Request):
    workspace_id: Int64 | None = None
    fields: list[FieldSchemaDTO] = Field(min_length=1, max_length=200)


class GetDatasetSchemaResponse(Envelope):
    fields: list[FieldSchemaDTO]


class ValidateDatasetItemsRequest(Request):
    workspace_id: Int64 | None = None
    items: list[DatasetItemDTO] = Field(min_length=1, max_length=500)
    dataset_id: Int64 | None = None
    dataset_category: int | None = None
    dataset_fields: list[FieldSchemaDTO] | None = None
    ignore_current_item_count: bool = False


class ValidateDatasetItemsResponse(Envelope):
    valid_item_indices: list[int]
    errors: list[ItemErrorGroup]


class BatchCreateDatasetItemsRequest(Request):
    workspace_id: Int64 | None = None
    items: list[DatasetItemDTO] = Field(min_length=1, max_length=100)
    skip_invalid_items: bool = False
    allow_partial_add: bool = False
    field_write_options: list[dict[str, Any]] | None = None


class BatchCreateDatasetItemsResponse(Envelope):
    added_items: dict[int, Int64]
    errors: list[ItemErrorGroup]


class UpdateDatasetItemRequest(Request):
    workspace_id: Int64 | None = None
    data: list[FieldDataDTO] | None = None
    repeated_data: list[ItemDataDTO] | None = None
    field_write_options: list[dict[str, Any]] | None = None


class BatchDeleteDatasetItemsRequest(Request):
    workspace_id: Int64 | None = None
    item_ids: list[Int64] = Field(min_length=1, max_length=100)


class ListDatasetItemsRequest(Request):
    workspace_id: Int64 | None = None
    page_number: int | None = Field(default=None, gt=0)
    page_size: int | None = Field(default=None, gt=0, le=200)
    page_token: str | None = None
    order_bys: list[DataOrderBy] | None = None
    filter: dict[str, Any] | None = None
    tag_filter: dict[str, Any] | None = None


class ListDatasetItemsResponse(Envelope):
    items: list[DatasetItemDTO]
    next_page_token: str
    total: Int64
    filter_total: Int64


class GetDatasetItemResponse(Envelope):
    item: DatasetItemDTO


class BatchGetDatasetItemsRequest(Request):
    workspace_id: Int64 | None = None
    item_ids: list[Int64] = Field(max_length=100)


class BatchGetDatasetItemsResponse(Envelope):
    items: list[DatasetItemDTO]


class WorkspaceOnlyRequest(Request):
    workspace_id: Int64 | None = None
