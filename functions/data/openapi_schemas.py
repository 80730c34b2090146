"""The evaluation-set OpenAPI's models (/v1/loop/evaluation/evaluation_sets, PAT): names and fields as upstream's
coze.loop.evaluation.openapi.thrift and domain_openapi/eval_set.thrift (lowercase enums, `field_datas`)."""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from functions.data.common import FieldMappingDTO, IOFileDTO, IOJobDTO, IOJobOptionDTO, Request
from shared.ids import Int64

ItemKey = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class OApiUserInfo(BaseModel):
    name: str | None = None
    user_id: str | None = None
    avatar_url: str | None = None
    email: str | None = None


class OApiBaseInfo(BaseModel):
    created_by: OApiUserInfo | None = None
    updated_by: OApiUserInfo | None = None
    created_at: Int64 | None = None
    updated_at: Int64 | None = None


class OApiFieldSchema(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(default=None, max_length=128)
    description: str | None = Field(default=None, max_length=1024)
    content_type: str | None = None
    default_display_format: str | None = None
    is_required: bool | None = None
    text_schema: str | None = Field(default=None, max_length=100_000)
    schema_key: str | None = None
    key: str | None = Field(default=None, max_length=64)
    locked: bool | None = None


class OApiSchema(BaseModel):
    model_config = ConfigDict(extra="ignore")

    field_schemas: list[OApiFieldSchema] | None = None


class OApiMedia(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    url: str | None = None
    uri: str | None = None  # ours on images too: a file uploaded to this workspace
    thumb_url: str | None = None
    format: str | None = None


class OApiObjectStorage(BaseModel):
    url: str | None = None


class OApiContent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    content_type: str | None = None
    text: str | None = None
    image: OApiMedia | None = None
    video: OApiMedia | None = None
    audio: OApiMedia | None = None
    multi_part: list["OApiContent"] | None = None
    content_omitted: bool | None = None
    full_content: OApiObjectStorage | None = None
    full_content_bytes: int | None = None


class OApiFieldData(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    content: OApiContent | None = None
    key: str | None = None  # ours: the field's key, which survives renames


class OApiTurn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: Int64 | None = None
    field_datas: list[OApiFieldData] | None = None


class OApiItem(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: Int64 | None = None
    item_key: ItemKey | None = None
    turns: list[OApiTurn] | None = None
    item_version_id: Int64 | None = None
    item_version: str | None = None
    tags: list[dict[str, Any]] | None = None
    base_info: OApiBaseInfo | None = None


class OApiVersion(BaseModel):
    id: Int64
    version: str | None = None
    description: str | None = None
    evaluation_set_schema: OApiSchema | None = None
    item_count: Int64
    snapshot_status: int | None = None  # ours
    base_info: OApiBaseInfo | None = None


class OApiTag(BaseModel):
    tag_name: str


class OApiEvaluationSet(BaseModel):
    id: Int64
    name: str
    description: str
    status: str
    item_count: Int64
    latest_version: str
    is_change_uncommitted: bool
    type: str
    dataset_key: str | None = None
    template_dataset_id: Int64 | None = None
    current_version: OApiVersion
    tags: list[OApiTag]
    base_info: OApiBaseInfo


class OApiItemErrorDetail(BaseModel):
    message: str | None = None
    index: int | None = None
    start_index: int | None = None
    end_index: int | None = None


class OApiItemErrorGroup(BaseModel):
    error_code: int
    error_message: str
    error_count: int
    details: list[OApiItemErrorDetail]


class OApiItemOutput(BaseModel):
    item_index: int
    item_key: str | None = None
    item_id: Int64
    is_new_item: bool


# --- requests and the `data` of responses ---------------------------------------------------------------------


class TagRef(BaseModel):
    tag_name: str = Field(min_length=1, max_length=128)


class CreateEvaluationSetRequest(Request):
    workspace_id: Int64
    name: str = Field(min_length=1, max_length=255)
    description: str = Field(default="", max_length=2048)
    evaluation_set_schema: OApiSchema | None = None
    type: str | None = Field(default=None, max_length=128)
    tags: list[TagRef] | None = None
    dataset_key: str | None = Field(default=None, max_length=255)
    template_dataset_id: Int64 | None = None


class CreateEvaluationSetData(BaseModel):
    evaluation_set_id: Int64


class ListTemplatesRequest(Request):
    workspace_id: Int64
    page_token: str | None = None
    page_size: int | None = Field(default=None, gt=0, le=200)


class ListTemplatesData(BaseModel):
    templates: list[dict[str, Any]]
    has_more: bool
    next_page_token: str
    total: Int64


class GetEvaluationSetData(BaseModel):
    evaluation_set: OApiEvaluationSet


class UpdateEvaluationSetRequest(Request):
    workspace_id: Int64
    name: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=2048)
    tags: list[TagRef] | None = None


class EmptyData(BaseModel):
    pass


class ListEvaluationSetsData(BaseModel):
    sets: list[OApiEvaluationSet]
    has_more: bool
    next_page_token: str
    total: Int64


class CreateVersionRequest(Request):
    workspace_id: Int64
    version: str = Field(min_length=1, max_length=50)
    description: str = Field(default="", max_length=400)


class CreateVersionData(BaseModel):
    version_id: Int64


class ListVersionsData(BaseModel):
    versions: list[OApiVersion]
    total: Int64
    next_page_token: str


class BatchCreateItemsRequest(Request):
    workspace_id: Int64
    items: list[OApiItem] = Field(min_length=1, max_length=100)
    is_skip_invalid_items: bool = False
    is_allow_partial_add: bool = False
    field_write_options: list[dict[str, Any]] | None = None


class ItemsWriteData(BaseModel):
    itemOutputs: list[OApiItemOutput]  # upstream spells this one in camelCase
    errors: list[OApiItemErrorGroup]


class BatchUpdateItemsRequest(Request):
    workspace_id: Int64
    items: list[OApiItem] = Field(min_length=1, max_length=100)
    is_skip_invalid_items: bool = False
    field_write_options: list[dict[str, Any]] | None = None


class BatchDeleteItemsRequest(Request):
    workspace_id: Int64
    item_ids: list[Int64] | None = Field(default=None, max_length=100)
    is_delete_all: bool = False


class ListItemsData(BaseModel):
    items: list[OApiItem]
    has_more: bool
    next_page_token: str
    total: Int64


class ItemFieldResponseData(BaseModel):
    name: str | None = None
    key: str | None = None
    content: OApiContent | None = None


class ImportRequest(Request):
    workspace_id: Int64
    file: IOFileDTO
    field_mappings: list[FieldMappingDTO] = Field(min_length=1, max_length=200)
    option: IOJobOptionDTO | None = None


class ImportData(BaseModel):
    job_id: Int64


class JobData(BaseModel):
    job: IOJobDTO


class UpdateSchemaRequest(Request):
    workspace_id: Int64
    fields: list[OApiFieldSchema] = Field(default_factory=list, max_length=200)
