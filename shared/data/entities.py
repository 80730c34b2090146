"""The data module's domain: enums as upstream numbers them, field schemas, datasets and items as stored.

Items are stored in the evaluation-set form (turns of field data holding a Content); the data module's
DatasetItem form (`data` / `repeated_data`) is a view converted at the edge (functions/data/convert.py).
"""

from enum import IntEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.data.content import Content, ContentType


class DatasetCategory(IntEnum):
    GENERAL = 1
    TRAINING = 2
    VALIDATION = 3
    EVALUATION = 4


class DatasetStatus(IntEnum):
    AVAILABLE = 1
    DELETED = 2
    EXPIRED = 3
    IMPORTING = 4
    EXPORTING = 5
    INDEXING = 6


class DatasetVisibility(IntEnum):
    PUBLIC = 1
    SPACE = 2
    SYSTEM = 3


class FieldStatus(IntEnum):
    AVAILABLE = 1
    DELETED = 2


class SchemaKey(IntEnum):
    STRING = 1
    INTEGER = 2
    FLOAT = 3
    BOOL = 4
    MESSAGE = 5
    SINGLE_CHOICE = 6
    TRAJECTORY = 7
    MESSAGE_LIST = 8


class SnapshotStatus(IntEnum):
    UNSTARTED = 1
    IN_PROGRESS = 2
    COMPLETED = 3
    FAILED = 4


class JobType(IntEnum):
    IMPORT_FROM_FILE = 1
    EXPORT_TO_FILE = 2
    EXPORT_TO_DATASET = 3


class JobStatus(IntEnum):
    UNDEFINED = 0
    PENDING = 1
    RUNNING = 2
    COMPLETED = 3
    FAILED = 4
    CANCELLED = 5


class FileFormat(IntEnum):
    JSONL = 1
    PARQUET = 2
    CSV = 3
    XLSX = 4
    ZIP = 100


class StorageProvider(IntEnum):
    TOS = 1
    VETOS = 2
    HDFS = 3
    IMAGEX = 4
    S3 = 5
    EXTERNAL_URL = 6


class ItemErrorType(IntEnum):
    MISMATCH_SCHEMA = 1
    EMPTY_DATA = 2
    EXCEED_MAX_ITEM_SIZE = 3
    EXCEED_DATASET_CAPACITY = 4
    MALFORMED_FILE = 5
    ILLEGAL_CONTENT = 6
    MISSING_REQUIRED_FIELD = 7
    EXCEED_MAX_NESTED_DEPTH = 8
    TRANSFORM_ITEM_FAILED = 9
    EXCEED_MAX_IMAGE_COUNT = 10
    EXCEED_MAX_IMAGE_SIZE = 11
    GET_IMAGE_FAILED = 12
    ILLEGAL_EXTENSION = 13
    EXCEED_MAX_PART_COUNT = 14
    INTERNAL_ERROR = 100
    CLEAR_DATASET_FAILED = 101
    RW_FILE_FAILED = 102
    UPLOAD_IMAGE_FAILED = 103


# data/domain/dataset.thrift ContentType numbers ↔ evaluation/domain/common.thrift ContentType names.
CONTENT_TYPE_CODES: dict[ContentType, int] = {
    ContentType.TEXT: 1,
    ContentType.IMAGE: 2,
    ContentType.AUDIO: 3,
    ContentType.VIDEO: 4,
    ContentType.MULTI_PART: 100,
}
CONTENT_TYPES_BY_CODE: dict[int, ContentType] = {code: name for name, code in CONTENT_TYPE_CODES.items()}
MULTI_MODAL = frozenset({ContentType.IMAGE, ContentType.AUDIO, ContentType.VIDEO, ContentType.MULTI_PART})


class MultiModalSpec(BaseModel):
    model_config = ConfigDict(extra="ignore")

    max_file_count: int | None = None
    max_file_size: int | None = None
    supported_formats: list[str] | None = None
    max_part_count: int | None = None
    supported_formats_by_type: dict[str, list[str]] | None = None
    max_file_size_by_type: dict[str, int] | None = None


class FieldSchema(BaseModel):
    """One column as stored. `key` is generated once and never changes or gets reused."""

    model_config = ConfigDict(extra="ignore")

    key: str
    name: str
    description: str = ""
    content_type: ContentType = ContentType.TEXT
    default_format: int | None = None
    schema_key: int | None = None
    text_schema: str | None = None
    multi_model_spec: MultiModalSpec | None = None
    hidden: bool = False
    status: int = FieldStatus.AVAILABLE
    is_required: bool = False
    default_transformations: list[dict[str, Any]] | None = None
    locked: bool = False

    @property
    def available(self) -> bool:
        return self.status != FieldStatus.DELETED


class DatasetSpec(BaseModel):
    model_config = ConfigDict(extra="ignore")

    max_item_count: int
    max_field_count: int
    max_item_size: int
    max_item_data_nested_depth: int | None = None
    multi_modal_spec: MultiModalSpec | None = None


class DatasetFeatures(BaseModel):
    """Upstream spells these in camelCase on the wire."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, serialize_by_alias=True)

    edit_schema: bool = Field(default=True, alias="editSchema")
    repeated_data: bool = Field(default=False, alias="repeatedData")
    multi_modal: bool = Field(default=True, alias="multiModal")


class Dataset(BaseModel):
    """A dataset or evaluation set with its live (draft) schema and the bookkeeping of its items."""

    dataset_id: int
    workspace_id: int
    name: str
    description: str = ""
    category: int = DatasetCategory.GENERAL
    biz_category: str = ""
    status: int = DatasetStatus.AVAILABLE
    security_level: int = 3
    visibility: int = DatasetVisibility.SPACE
    spec: DatasetSpec
    features: DatasetFeatures
    fields: list[FieldSchema]
    schema_version: int = 0  # bumped by every schema update (optimistic lock)
    latest_version: str = ""
    next_version_num: int = 1
    item_count: int = 0
    change_uncommitted: bool = False
    dataset_key: str | None = None
    eval_set_type: str | None = None
    tags: list[str] = Field(default_factory=list)
    template_dataset_id: int | None = None
    # Clearing a dataset starts a new generation of rows; older generations are invisible and purged later.
    generation: int = 1
    # Bumped by every item write; a snapshot is good only if it did not move while the snapshot was taken.
    draft_rev: int = 0
    snapshot_lock: int = 0  # the version being snapshotted, 0 when none
    snapshot_lock_until: int = 0  # ms; a lock past this is stale (its worker died) and no longer blocks writes
    write_lease_until: int = 0  # ms; row writes that began before a snapshot's lock end by then
    created_by: str = ""
    created_at: int = 0
    updated_by: str = ""
    updated_at: int = 0
    deleted_at: int = 0

    @property
    def available_fields(self) -> list[FieldSchema]:
        return [field for field in self.fields if field.available]

    @property
    def is_eval_set(self) -> bool:
        return self.category == DatasetCategory.EVALUATION

    @property
    def deleted(self) -> bool:
        return self.status == DatasetStatus.DELETED


class FieldData(BaseModel):
    """One cell of a turn (eval_set.thrift FieldData)."""

    model_config = ConfigDict(extra="ignore")

    key: str = ""
    name: str = ""
    content: Content | None = None
    trace_id: str | None = None


class Turn(BaseModel):
    """One turn of an item; a single-turn item has one turn with id 0, as upstream."""

    model_config = ConfigDict(extra="ignore")

    id: int = 0
    field_data_list: list[FieldData] = Field(default_factory=list)


class EvalSetItem(BaseModel):
    """An item as stored: its stable id, its idempotency key and its turns."""

    model_config = ConfigDict(extra="ignore")

    item_id: int
    item_key: str | None = None
    turns: list[Turn] = Field(default_factory=list)
    created_by: str = ""
    created_at: int = 0
    updated_by: str = ""
    updated_at: int = 0


class NewItem(BaseModel):
    """An item a client wants written: turns (and an optional idempotency key), no id yet."""

    item_key: str | None = None
    turns: list[Turn] = Field(default_factory=list)


class ItemErrorDetail(BaseModel):
    message: str | None = None
    index: int | None = None
    start_index: int | None = None
    end_index: int | None = None
    messages_by_field: dict[str, str] | None = None


class ItemErrorGroup(BaseModel):
    type: int
    summary: str = ""
    error_count: int = 0
    details: list[ItemErrorDetail] = Field(default_factory=list)


class DatasetVersion(BaseModel):
    version_id: int
    dataset_id: int
    workspace_id: int
    version: str
    version_num: int
    description: str = ""
    item_count: int = 0
    fields: list[FieldSchema] = Field(default_factory=list)
    snapshot_status: int = SnapshotStatus.UNSTARTED
    snapshot_error: str = ""
    manifest_key: str = ""
    created_by: str = ""
    created_at: int = 0


class IOFile(BaseModel):
    """dataset_job.thrift DatasetIOFile."""

    model_config = ConfigDict(extra="ignore")

    provider: int = StorageProvider.S3
    path: str
    format: int | None = None
    compress_format: int | None = None
    files: list[str] | None = None
    original_file_name: str | None = None
    download_url: str | None = None


class FieldMapping(BaseModel):
    source: str
    target: str


class IOJobProgress(BaseModel):
    total: int = 0
    processed: int = 0
    added: int = 0


class IOJob(BaseModel):
    job_id: int
    workspace_id: int
    dataset_id: int
    job_type: int
    source: dict[str, Any] = Field(default_factory=dict)  # DatasetIOEndpoint
    target: dict[str, Any] = Field(default_factory=dict)
    field_mappings: list[FieldMapping] = Field(default_factory=list)
    option: dict[str, Any] = Field(default_factory=dict)
    status: int = JobStatus.PENDING
    progress: IOJobProgress = Field(default_factory=IOJobProgress)
    errors: list[ItemErrorGroup] = Field(default_factory=list)
    checkpoint: dict[str, Any] = Field(default_factory=dict)
    failures: int = 0
    created_by: str = ""
    created_at: int = 0
    updated_at: int = 0
    started_at: int = 0
    ended_at: int = 0
