"""The read API of evaluation sets for the experiment engine (and anything else that runs over items).

A run reads either an immutable version (its snapshot on S3, streamed chunk by chunk in item order) or the
live draft. Items come as stored: media carry their `uri` (an object key of the files bucket); call
`shared.data.media.sign_item` when a model or a person needs fetchable URLs.
"""

from collections.abc import Iterator

from pydantic import BaseModel

from shared.data import snapshots
from shared.data.content import ContentType
from shared.data.entities import EvalSetItem, FieldData, FieldSchema, SnapshotStatus, Turn
from shared.data.repository import DatasetRepository
from shared.data.rows import RowRepository, load_item
from shared.errors import InvalidInput, NotFound

__all__ = [
    "EvalSetField",
    "EvalSetItem",
    "EvalSetVersionInfo",
    "FieldData",
    "Turn",
    "iter_draft_items",
    "iter_version_items",
    "load_draft_info",
    "load_version",
    "version_items_by_ids",
]

datasets = DatasetRepository()
rows = RowRepository()


class EvalSetField(BaseModel):
    """A column of the evaluation set, from its schema."""

    key: str
    name: str
    content_type: ContentType | None
    description: str = ""
    is_required: bool = False
    schema_key: int | None = None
    text_schema: str | None = None
    default_format: int | None = None
    hidden: bool = False


class EvalSetVersionInfo(BaseModel):
    dataset_id: int
    version_id: int  # 0 for the draft
    version: str  # "" for the draft
    item_count: int
    fields: list[EvalSetField]
    name: str = ""
    manifest_key: str = ""  # where the version's snapshot is listed; "" for the draft


def _fields(fields: list[FieldSchema]) -> list[EvalSetField]:
    return [
        EvalSetField(
            key=field.key,
            name=field.name,
            content_type=field.content_type,
            description=field.description,
            is_required=field.is_required,
            schema_key=field.schema_key,
            text_schema=field.text_schema,
            default_format=field.default_format,
            hidden=field.hidden,
        )
        for field in fields
        if field.available
    ]


def load_version(workspace_id: int, dataset_id: int, version_id: int) -> EvalSetVersionInfo:
    """A version ready to be read. NotFound if it (or its evaluation set) does not exist in the workspace;
    InvalidInput if its snapshot is not Completed (still InProgress, or Failed)."""
    dataset = datasets.get(workspace_id, dataset_id, kind="evaluation set")
    version = datasets.get_version(workspace_id, version_id)
    if version.dataset_id != dataset_id:
        raise NotFound(f"version {version_id} not found in evaluation set {dataset_id}")
    if version.snapshot_status != SnapshotStatus.COMPLETED:
        status = SnapshotStatus(version.snapshot_status)
        reason = (
            "its snapshot is still being taken; retry when snapshot_status is Completed"
            if status in (SnapshotStatus.UNSTARTED, SnapshotStatus.IN_PROGRESS)
            else f"its snapshot failed ({version.snapshot_error or 'unknown reason'}); create a new version"
        )
        raise InvalidInput(f"version {version.version} of evaluation set {dataset.name!r} cannot be read: {reason}")
    return EvalSetVersionInfo(
        dataset_id=dataset_id,
        version_id=version_id,
        version=version.version,
        item_count=version.item_count,
        fields=_fields(version.fields),
        name=dataset.name,
        manifest_key=version.manifest_key,
    )


def iter_version_items(workspace_id: int, version: EvalSetVersionInfo) -> Iterator[EvalSetItem]:
    """Every item of a version (or of the draft, for version_id 0) in item order, one chunk in memory at a time."""
    if version.version_id == 0:
        yield from iter_draft_items(workspace_id, version.dataset_id)
        return
    if not version.manifest_key:
        version = load_version(workspace_id, version.dataset_id, version.version_id)
    yield from snapshots.iterate(version.manifest_key)


def version_items_by_ids(workspace_id: int, version: EvalSetVersionInfo, item_ids: list[int]) -> list[EvalSetItem]:
    """The items of a version (or the draft) with these ids, in the order asked for; missing ids are left out."""
    dataset = datasets.get(workspace_id, version.dataset_id, kind="evaluation set")
    if version.version_id == 0:
        found = rows.batch_rows(dataset, item_ids)
        return [load_item(found[item_id]) for item_id in dict.fromkeys(item_ids) if item_id in found]
    return snapshots.by_ids(datasets.get_version(workspace_id, version.version_id), item_ids)


def load_draft_info(workspace_id: int, dataset_id: int) -> EvalSetVersionInfo:
    """The live schema and item count of an evaluation set, for runs against its draft."""
    dataset = datasets.get(workspace_id, dataset_id, kind="evaluation set")
    return EvalSetVersionInfo(
        dataset_id=dataset_id,
        version_id=0,
        version="",
        item_count=dataset.item_count,
        fields=_fields(dataset.fields),
        name=dataset.name,
    )


def iter_draft_items(workspace_id: int, dataset_id: int) -> Iterator[EvalSetItem]:
    """The draft's items in creation order, streamed page by page (the draft may change while this runs)."""
    dataset = datasets.get(workspace_id, dataset_id, kind="evaluation set")
    for row in rows.rows(dataset, ascending=True):
        yield load_item(row)
