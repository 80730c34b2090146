"""Datasets and evaluation sets: create, read, list, update, delete, schema edits and versions.

Shared by the data routes and by other modules (the observability module exports spans into datasets).
Items live in shared/data/items.py, snapshots in shared/data/snapshots.py.
"""

from dataclasses import dataclass

from shared.clock import now_ms
from shared.data import items as item_ops
from shared.data import snapshots
from shared.data.entities import (
    Dataset,
    DatasetCategory,
    DatasetFeatures,
    DatasetSpec,
    DatasetStatus,
    DatasetVersion,
    FieldSchema,
    SnapshotStatus,
)
from shared.data.jobs import DataJobMessage, enqueue
from shared.data.repository import DatasetRepository
from shared.data.schema import merge_fields, new_fields
from shared.data.settings import DataSettings
from shared.errors import Conflict, InvalidInput
from shared.ids import new_id
from shared.prompt.semver import parse_version
from shared.settings import get_settings

repository = DatasetRepository()


def settings() -> DataSettings:
    return get_settings(DataSettings)


def default_spec(requested: DatasetSpec | None = None) -> DatasetSpec:
    """The server's limits, narrowed (never widened past the hard caps) by what the client asked for."""
    config = settings()
    spec = DatasetSpec(
        max_item_count=config.data_max_item_count,
        max_field_count=config.data_max_field_count,
        max_item_size=config.data_max_item_size,
    )
    if requested is None:
        return spec
    if requested.max_item_count:
        if requested.max_item_count > config.data_max_item_count_limit:
            raise InvalidInput(f"spec.max_item_count may be at most {config.data_max_item_count_limit}")
        spec.max_item_count = requested.max_item_count
    if requested.max_field_count:
        spec.max_field_count = min(requested.max_field_count, 200)
    if requested.max_item_size:
        spec.max_item_size = min(requested.max_item_size, config.data_max_item_size)
    spec.max_item_data_nested_depth = requested.max_item_data_nested_depth
    spec.multi_modal_spec = requested.multi_modal_spec
    return spec


@dataclass
class NewDataset:
    name: str
    fields: list[FieldSchema]
    category: int = DatasetCategory.GENERAL
    description: str = ""
    biz_category: str = ""
    spec: DatasetSpec | None = None
    features: DatasetFeatures | None = None
    dataset_key: str | None = None
    eval_set_type: str | None = None
    tags: list[str] | None = None
    template_dataset_id: int | None = None
    security_level: int = 3
    visibility: int = 2


def create_dataset(workspace_id: int, user: str, request: NewDataset) -> Dataset:
    if not request.name.strip():
        raise InvalidInput("name is empty; give the dataset a name")
    is_eval_set = request.category == DatasetCategory.EVALUATION
    # Evaluation sets take multi-turn items by default (turns); plain datasets opt in with repeatedData.
    features = request.features or DatasetFeatures(repeated_data=is_eval_set)
    spec = default_spec(request.spec)
    now = now_ms()
    dataset = Dataset(
        dataset_id=new_id(),
        workspace_id=workspace_id,
        name=request.name.strip(),
        description=request.description,
        category=request.category,
        biz_category=request.biz_category,
        status=DatasetStatus.AVAILABLE,
        security_level=request.security_level,
        visibility=request.visibility,
        spec=spec,
        features=features,
        fields=new_fields(request.fields, spec, features),
        dataset_key=request.dataset_key or None,
        eval_set_type=request.eval_set_type or ("default" if is_eval_set else None),
        tags=request.tags or [],
        template_dataset_id=request.template_dataset_id,
        created_by=user,
        created_at=now,
        updated_by=user,
        updated_at=now,
    )
    repository.create(dataset)
    return dataset


def get_dataset(workspace_id: int, dataset_id: int, *, with_deleted: bool = False, kind: str = "dataset") -> Dataset:
    return repository.get(workspace_id, dataset_id, with_deleted=with_deleted, kind=kind)


@dataclass
class DatasetFilter:
    categories: list[int] | None = None
    name: str | None = None  # substring, case-insensitive
    created_by: list[str] | None = None
    dataset_ids: list[int] | None = None
    dataset_keys: list[str] | None = None
    biz_categories: list[str] | None = None
    eval_set_type: str | None = None
    tags: list[str] | None = None
    tags_all: bool = True


def list_datasets(
    workspace_id: int, where: DatasetFilter, *, order_by: str = "created_at", asc: bool = False
) -> list[Dataset]:
    """Every dataset of the workspace matching the filter, ordered; the caller pages."""
    found = repository.list_in_workspace(workspace_id)
    if where.categories:
        found = [d for d in found if d.category in where.categories]
    if where.name:
        needle = where.name.lower()
        found = [d for d in found if needle in d.name.lower()]
    if where.created_by:
        found = [d for d in found if d.created_by in where.created_by]
    if where.dataset_ids:
        wanted = set(where.dataset_ids)
        found = [d for d in found if d.dataset_id in wanted]
    if where.dataset_keys:
        found = [d for d in found if d.dataset_key in where.dataset_keys]
    if where.biz_categories:
        found = [d for d in found if d.biz_category in where.biz_categories]
    if where.eval_set_type:
        found = [d for d in found if (d.eval_set_type or "default") == where.eval_set_type]
    if where.tags:
        tags = set(where.tags)
        found = [d for d in found if (tags <= set(d.tags) if where.tags_all else bool(tags & set(d.tags)))]
    if order_by not in ("created_at", "updated_at", "name"):
        raise InvalidInput(f"order_bys.field {order_by!r} is not supported; use created_at, updated_at or name")
    found.sort(key=lambda d: (getattr(d, order_by), d.dataset_id), reverse=not asc)
    return found


def update_dataset(
    dataset: Dataset, user: str, *, name: str | None, description: str | None, tags: list[str] | None = None
) -> Dataset:
    previous = dataset.name
    if name is not None:
        if not name.strip():
            raise InvalidInput("name is empty; give the dataset a name")
        dataset.name = name.strip()
    if description is not None:
        dataset.description = description
    if tags is not None:
        dataset.tags = tags
    dataset.updated_by, dataset.updated_at = user, now_ms()
    repository.update_basics(dataset, previous)
    return dataset


def delete_dataset(dataset: Dataset, user: str) -> None:
    repository.mark_deleted(dataset, now_ms(), user)
    item_ops.purge_later(dataset)


def update_schema(dataset: Dataset, user: str, fields: list[FieldSchema]) -> Dataset:
    """A field without a key is added, one with a key updated (or restored), one left out soft-deleted."""
    if not dataset.features.edit_schema:
        raise Conflict("this dataset's schema cannot be edited (features.editSchema is off)")
    merged, compatible = merge_fields(dataset.fields, fields, dataset.spec, dataset.features)
    dataset.updated_by = user
    repository.update_schema(dataset, merged, require_empty=not compatible, now=now_ms())
    dataset.fields = merged
    dataset.schema_version += 1
    return dataset


# --- versions ------------------------------------------------------------------------------------------------


def create_version(dataset: Dataset, user: str, version: str, description: str) -> DatasetVersion:
    """A new immutable version of the draft. Small drafts are snapshotted before this returns; bigger ones by
    the data worker, and the version shows snapshot_status InProgress until then (its draft is read-only)."""
    number = parse_version(version, "version")
    if dataset.latest_version and number <= parse_version(dataset.latest_version, "latest_version"):
        raise InvalidInput(f"version: {version} must be higher than the latest version {dataset.latest_version}")
    config = settings()
    created: DatasetVersion | None = None
    for attempt in range(3):
        now = now_ms()
        created = DatasetVersion(
            version_id=new_id(),
            dataset_id=dataset.dataset_id,
            workspace_id=dataset.workspace_id,
            version=version,
            version_num=dataset.next_version_num,
            description=description,
            item_count=dataset.item_count,
            fields=dataset.available_fields,
            snapshot_status=SnapshotStatus.IN_PROGRESS,
            created_by=user,
            created_at=now,
        )
        try:
            repository.create_version(dataset, created, lock_until=now + config.data_snapshot_lock_s * 1000, now=now)
            break
        except Conflict:
            fresh = repository.get(dataset.workspace_id, dataset.dataset_id)
            if attempt == 2 or fresh.latest_version != dataset.latest_version:
                raise
            dataset = fresh  # only items were written meanwhile: take the draft as it is now
    assert created is not None
    try:
        # Small drafts are copied now; a write still landing (its lease not over) sends the copy to the worker.
        if dataset.item_count <= config.data_sync_snapshot_items and dataset.write_lease_until < now_ms():
            snapshots.run(created.version_id)
        else:
            enqueue(
                DataJobMessage(
                    kind="snapshot",
                    workspace_id=dataset.workspace_id,
                    dataset_id=dataset.dataset_id,
                    version_id=created.version_id,
                )
            )
    except Exception:
        # Never leave a version InProgress (and the draft locked) with nobody working on it.
        item = repository.version_item(dataset.workspace_id, created.version_id)
        reason = "the snapshot could not be taken or queued; create the version again"
        repository.finish_snapshot(item, status=SnapshotStatus.FAILED, error=reason, count=0)
        raise
    return repository.get_version(dataset.workspace_id, created.version_id)


def get_version(workspace_id: int, version_id: int) -> DatasetVersion:
    return repository.get_version(workspace_id, version_id)


def list_versions(dataset: Dataset, version_like: str | None = None) -> list[DatasetVersion]:
    """Newest first."""
    found = list(repository.versions_of(dataset.dataset_id))
    if version_like:
        found = [v for v in found if version_like in v.version]
    return found
