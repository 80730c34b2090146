"""The evaluation-set console's models (/api/evaluation/v1/evaluation_sets...): names and fields as upstream's
coze.loop.evaluation.eval_set.thrift and evaluation/domain/eval_set.thrift. Items travel as turns."""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from functions.data.common import (
    DataBaseInfo,
    DataOrderBy,
    FieldMappingDTO,
    IOEndpointDTO,
    IOFileDTO,
    IOJobOptionDTO,
    Request,
)
from shared.data.content import Content, ContentType
from shared.data.entities import DatasetFeatures, ItemErrorGroup, MultiModalSpec
from shared.envelope import Envelope
from shared.ids import Int64

ItemKey = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class EvalFieldSchemaDTO(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, serialize_by_alias=True)

    key: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=128)
    description: str | None = Field(default=None, max_length=1024)
    content_type: ContentType | None = None
    default_display_format: int | None = None
    status: int | None = None
    is_required: bool | None = Field(default=None, alias="isRequired")
    schema_key: int | None = None
    text_schema: str | None = Field(default=None, max_length=100_000)
    multi_model_spec: MultiModalSpec | None = None
    hidden: bool | None = None
    default_transformations: list[dict[str, Any]] | None = None
    locked: bool | None = None


class EvaluationSetSchemaDTO(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: Int64 | None = None
    workspace_id: Int64 | None = None
    evaluation_set_id: Int64 | None = None
    field_schemas: list[EvalFieldSchemaDTO] | None = None
    base_info: DataBaseInfo | None = None


class SpecDTO(BaseModel):
    max_item_count: Int64 | None = None
    max_field_count: int | None = None
    max_item_size: Int64 | None = None
    max_item_data_nested_depth: int | None = None
    multi_modal_spec: MultiModalSpec | None = None


class EvaluationSetVersionDTO(BaseModel):
    id: Int64
    workspace_id: Int64
    evaluation_set_id: Int64
    version: str | None = None
    version_num: Int64 | None = None
    description: str | None = None
    evaluation_set_schema: EvaluationSetSchemaDTO | None = None
    item_count: Int64
    snapshot_status: int | None = None  # ours: versions of big sets become readable when Completed (3)
    base_info: DataBaseInfo | None = None


class ResourceTagRef(BaseModel):
    tag_name: str = Field(min_length=1, max_length=128)


class ResourceTag(BaseModel):
    tag_name: str


class EvaluationSetDTO(BaseModel):
    id: Int64
    workspace_id: Int64
    name: str
    description: str
    status: int
    spec: SpecDTO
    features: DatasetFeatures
    item_count: Int64
    change_uncommitted: bool
    biz_category: str | None = None
    type: str | None = None
    tags: list[ResourceTag] | None = None
    dataset_key: str | None = None
    template_dataset_id: Int64 | None = None
    evaluation_set_version: EvaluationSetVersionDTO
    latest_version: str
    next_version_num: Int64
    base_info: DataBaseInfo


class EvalFieldDataDTO(BaseModel):
    model_config = ConfigDict(extra="ignore")

    key: str | None = None
    name: str | None = None
    content: Content | None = None
    trace_id: str | None = None


class TurnDTO(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: Int64 | None = None
    field_data_list: list[EvalFieldDataDTO] | None = None


class EvaluationSetItemDTO(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: Int64 | None = None
    workspace_id: Int64 | None = None
    evaluation_set_id: Int64 | None = None
    schema_id: Int64 | None = None
    item_id: Int64 | None = None
    item_key: ItemKey | None = None
    turns: list[TurnDTO] | None = None
    item_version_id: Int64 | None = None
    item_version: str | None = None
    tags: list[ResourceTag] | None = None
    base_info: DataBaseInfo | None = None


class ItemOutputDTO(BaseModel):
    item_index: int
    item_key: str | None = None
    item_id: Int64
    is_new_item: bool


# --- requests and responses -----------------------------------------------------------------------------------


class CreateEvaluationSetRequest(Request):
    workspace_id: Int64
    name: str = Field(min_length=1, max_length=255)
    description: str = Field(default="", max_length=2048)
    evaluation_set_schema: EvaluationSetSchemaDTO | None = None
    biz_category: str | None = Field(default=None, max_length=128)
    tags: list[ResourceTagRef] | None = None
    dataset_key: str | None = Field(default=None, max_length=255)
    type: str | None = Field(default=None, max_length=128)
    template_dataset_id: Int64 | None = None


class CreateEvaluationSetResponse(Envelope):
    evaluation_set_id: Int64


class ListEvaluationSetTemplatesRequest(Request):
    workspace_id: Int64
    page_size: int | None = Field(default=None, gt=0, le=200)
    page_token: str | None = None


class ListEvaluationSetTemplatesResponse(Envelope):
    templates: list[dict[str, Any]]
    total: Int64
    next_page_token: str


class CreateEvaluationSetWithImportRequest(Request):
    workspace_id: Int64
    name: str = Field(min_length=1, max_length=255)
    description: str = Field(default="", max_length=2048)
    evaluation_set_schema: EvaluationSetSchemaDTO | None = None
    biz_category: str | None = Field(default=None, max_length=128)
    source_type: int | None = None
    source: IOEndpointDTO
    field_mappings: list[FieldMappingDTO] = Field(alias="fieldMappings", min_length=1, max_length=200)
    option: IOJobOptionDTO | None = None
    type: str | None = None

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class CreateEvaluationSetWithImportResponse(Envelope):
    evaluation_set_id: Int64
    job_id: Int64


class ParseImportSourceFileRequest(Request):
    workspace_id: Int64
    file: IOFileDTO


class ParseImportSourceFileResponse(Envelope):
    bytes: Int64
    field_schemas: list[EvalFieldSchemaDTO]
    conflicts: list[dict[str, Any]]
    files_with_ambiguous_column: list[str]
    untyped_url_fields: list[str]
    precheck_data_by_field: dict[str, list[str]]


class UpdateEvaluationSetRequest(Request):
    workspace_id: Int64
    name: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=2048)
    tags: list[ResourceTagRef] | None = None


class GetEvaluationSetResponse(Envelope):
    evaluation_set: EvaluationSetDTO


class ListEvaluationSetsRequest(Request):
    workspace_id: Int64
    name: str | None = Field(default=None, max_length=100)
    creators: list[str] | None = None
    evaluation_set_ids: list[Int64] | None = None
    type: str | None = None
    dataset_keys: list[str] | None = None
    tag_filter: dict[str, Any] | None = None
    page_number: int | None = Field(default=None, gt=0)
    page_size: int | None = Field(default=None, gt=0, le=200)
    page_token: str | None = None
    order_bys: list[DataOrderBy] | None = None


class ListEvaluationSetsResponse(Envelope):
    evaluation_sets: list[EvaluationSetDTO]
    total: Int64
    next_page_token: str


class CreateEvaluationSetVersionRequest(Request):
    workspace_id: Int64
    version: str = Field(min_length=1, max_length=50)
    desc: str = Field(default="", max_length=400)


class IdResponse(Envelope):
    id: Int64


class GetEvaluationSetVersionResponse(Envelope):
    version: EvaluationSetVersionDTO
    evaluation_set: EvaluationSetDTO


class ListEvaluationSetVersionsRequest(Request):
    workspace_id: Int64
    version_like: str | None = None
    page_number: int | None = Field(default=None, gt=0)
    page_size: int | None = Field(default=None, gt=0, le=200)
    page_token: str | None = None


class ListEvaluationSetVersionsResponse(Envelope):
    versions: list[EvaluationSetVersionDTO]
    total: Int64
    next_page_token: str


class BatchGetEvaluationSetVersionsRequest(Request):
    workspace_id: Int64
    version_ids: list[Int64] = Field(max_length=100)
    deleted_at: bool | None = None


class VersionedEvaluationSet(BaseModel):
    version: EvaluationSetVersionDTO
    evaluation_set: EvaluationSetDTO


class BatchGetEvaluationSetVersionsResponse(Envelope):
    versioned_evaluation_sets: list[VersionedEvaluationSet]


class UpdateEvaluationSetSchemaRequest(Request):
    workspace_id: Int64
    fields: list[EvalFieldSchemaDTO] = Field(default_factory=list, max_length=200)


class BatchCreateEvaluationSetItemsRequest(Request):
    workspace_id: Int64
    items: list[EvaluationSetItemDTO] = Field(min_length=1, max_length=100)
    skip_invalid_items: bool = False
    allow_partial_add: bool = False
    field_write_options: list[dict[str, Any]] | None = None


class BatchCreateEvaluationSetItemsResponse(Envelope):
    added_items: dict[int, Int64]
    errors: list[ItemErrorGroup]
    item_outputs: list[ItemOutputDTO]


class UpdateEvaluationSetItemRequest(Request):
    workspace_id: Int64
    turns: list[TurnDTO] | None = None
    field_write_options: list[dict[str, Any]] | None = None


class BatchDeleteEvaluationSetItemsRequest(Request):
    workspace_id: Int64
    item_ids: list[Int64] = Field(min_length=1, max_length=100)


class ListEvaluationSetItemsRequest(Request):
    workspace_id: Int64
    version_id: Int64 | None = None
    page_number: int | None = Field(default=None, gt=0)
    page_size: int | None = Field(default=None, gt=0, le=200)
    page_token: str | None = None
    order_bys: list[DataOrderBy] | None = None
    item_id_not_in: list[Int64] | None = None
    filter: dict[str, Any] | None = None
    tag_filter: dict[str, Any] | None = None


class ListEvaluationSetItemsResponse(Envelope):
    items: list[EvaluationSetItemDTO]
    total: Int64
    next_page_token: str
    filter_total: Int64


class BatchGetEvaluationSetItemsRequest(Request):
    workspace_id: Int64
    version_id: Int64 | None = None
    item_ids: list[Int64] = Field(default_factory=list, max_length=100)


class BatchGetEvaluationSetItemsResponse(Envelope):
    items: list[EvaluationSetItemDTO]


class WorkspaceRequest(Request):
    workspace_id: Int64


class GetEvaluationSetItemFieldResponse(Envelope):
    field_data: EvalFieldDataDTO
