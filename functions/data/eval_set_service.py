"""Evaluation-set operations for the console and the OpenAPI: an evaluation set is a dataset of category
Evaluation, and another category's dataset is not found here."""

from dataclasses import dataclass

from functions.data import io_service, sources
from functions.data.common import FieldMappingDTO, IOFileDTO, IOJobOptionDTO, offset_of, offset_token, page_size_of
from shared.auth.principals import WorkspaceScope
from shared.data import items, service, snapshots
from shared.data.entities import (
    Dataset,
    DatasetCategory,
    DatasetVersion,
    EvalSetItem,
    FieldData,
    FieldSchema,
    NewItem,
)
from shared.data.media import sign_content
from shared.errors import InvalidInput, NotFound

KIND = "evaluation set"


def user_of(scope: WorkspaceScope) -> str:
    return str(scope.user_id)


def eval_set_of(scope: WorkspaceScope, evaluation_set_id: int, *, with_deleted: bool = False) -> Dataset:
    dataset = service.get_dataset(scope.workspace_id, evaluation_set_id, with_deleted=with_deleted, kind=KIND)
    if dataset.category != DatasetCategory.EVALUATION:
        raise NotFound(f"{KIND} {evaluation_set_id} not found in this workspace")
    return dataset


def create(
    scope: WorkspaceScope,
    *,
    name: str,
    description: str,
    fields: list[FieldSchema],
    biz_category: str | None = None,
    tags: list[str] | None = None,
    dataset_key: str | None = None,
    eval_set_type: str | None = None,
    template_dataset_id: int | None = None,
) -> Dataset:
    if eval_set_type not in (None, "", "default"):
        raise InvalidInput(f"type {eval_set_type!r} is not supported; evaluation sets here are of type 'default'")
    if template_dataset_id:
        raise InvalidInput("template_dataset_id: there are no evaluation-set templates on this server")
    if not fields:
        raise InvalidInput("evaluation_set_schema.field_schemas: an evaluation set needs at least one field")
    return service.create_dataset(
        scope.workspace_id,
        user_of(scope),
        service.NewDataset(
            name=name,
            fields=fields,
            category=DatasetCategory.EVALUATION,
            description=description,
            biz_category=biz_category or "",
            dataset_key=dataset_key,
            eval_set_type="default",
            tags=tags,
        ),
    )


def create_with_import(
    scope: WorkspaceScope,
    *,
    name: str,
    description: str,
    fields: list[FieldSchema],
    file: IOFileDTO | None,
    field_mappings: list[FieldMappingDTO],
    option: IOJobOptionDTO | None,
) -> tuple[Dataset, int]:
    if file is None:
        raise InvalidInput("source.file is required: the uploaded file to import")
    sources.object_key(scope.workspace_id, file)  # refuse a bad path before creating anything
    dataset = create(scope, name=name, description=description, fields=fields)
    job = io_service.start_import(dataset, user_of(scope), file, field_mappings, option)
    return dataset, job.job_id


@dataclass
class Page:
    datasets: list[Dataset]
    total: int
    next_page_token: str
    has_more: bool


def list_sets(
    scope: WorkspaceScope,
    *,
    name: str | None,
    creators: list[str] | None,
    ids: list[int] | None,
    dataset_keys: list[str] | None,
    tags: list[str] | None,
    tags_all: bool,
    page_number: int | None,
    page_size: int | None,
    page_token: str | None,
    order_by: str = "created_at",
    asc: bool = False,
) -> Page:
    found = service.list_datasets(
        scope.workspace_id,
        service.DatasetFilter(
            categories=[DatasetCategory.EVALUATION],
            name=name,
            created_by=creators,
            dataset_ids=ids,
            dataset_keys=dataset_keys,
            tags=tags,
            tags_all=tags_all,
        ),
        order_by=order_by,
        asc=asc,
    )
    size = page_size_of(page_size)
    start = offset_of(page_token, page_number, size)
    more = start + size < len(found)
    return Page(found[start : start + size], len(found), offset_token(start + size) if more else "", more)


def version_of(scope: WorkspaceScope, dataset: Dataset, version_id: int) -> DatasetVersion:
    version = service.get_version(scope.workspace_id, version_id)
    if version.dataset_id != dataset.dataset_id:
        raise NotFound(f"version {version_id} not found in {KIND} {dataset.dataset_id}")
    return version


@dataclass
class VersionPage:
    versions: list[DatasetVersion]
    total: int
    next_page_token: str


def list_versions(
    dataset: Dataset, version_like: str | None, page_number: int | None, page_size: int | None, page_token: str | None
) -> VersionPage:
    found = service.list_versions(dataset, version_like)
    size = page_size_of(page_size)
    start = offset_of(page_token, page_number, size)
    more = start + size < len(found)
    return VersionPage(found[start : start + size], len(found), offset_token(start + size) if more else "")


@dataclass
class ItemPage:
    items: list[EvalSetItem]
    fields: list[FieldSchema]
    total: int
    next_page_token: str
    has_more: bool


def list_items(
    scope: WorkspaceScope,
    dataset: Dataset,
    *,
    version_id: int | None,
    page_number: int | None,
    page_size: int | None,
    page_token: str | None,
    ascending: bool = False,
    exclude: list[int] | None = None,
) -> ItemPage:
    size = page_size_of(page_size)
    if version_id:
        version = version_of(scope, dataset, version_id)
        start = offset_of(page_token, page_number, size)
        found = snapshots.page(version, start, size, ascending=ascending)
        more = start + size < version.item_count
        page = ItemPage(found, version.fields, version.item_count, offset_token(start + size) if more else "", more)
    else:
        draft = items.list_items(
            dataset, page_size=size, page_number=page_number, page_token=page_token, ascending=ascending
        )
        page = ItemPage(draft.items, dataset.fields, draft.total, draft.next_page_token, draft.has_more)
    if exclude:
        skipped = set(exclude)
        page.items = [item for item in page.items if item.item_id not in skipped]
    return page


def batch_get_items(
    scope: WorkspaceScope, dataset: Dataset, version_id: int | None, item_ids: list[int]
) -> tuple[list[EvalSetItem], list[FieldSchema]]:
    if version_id:
        version = version_of(scope, dataset, version_id)
        return snapshots.by_ids(version, item_ids), version.fields
    return items.batch_get_items(dataset, item_ids), dataset.fields


def add_items(
    scope: WorkspaceScope, dataset: Dataset, new: list[NewItem], *, skip_invalid: bool, allow_partial: bool
) -> items.AddResult:
    return items.add_items(dataset, new, user_of(scope), skip_invalid=skip_invalid, allow_partial=allow_partial)


def item_field(
    scope: WorkspaceScope,
    dataset: Dataset,
    item_id: int,
    *,
    field_name: str | None,
    field_key: str | None,
    turn_id: int | None,
    version_id: int | None = None,
) -> FieldData:
    """One whole cell (lists clip long texts; this returns all of it), by field key or name."""
    fields = dataset.fields
    if version_id:
        found, fields = batch_get_items(scope, dataset, version_id, [item_id])
        if not found:
            raise NotFound(f"item {item_id} not found in that version")
        item = found[0]
    else:
        item = items.get_item(dataset, item_id)
    field = next(
        (
            f
            for f in fields
            if f.available and ((field_key and f.key == field_key) or (not field_key and f.name == field_name))
        ),
        None,
    )
    if field is None:
        raise NotFound(f"field {field_key or field_name!r} not found in {KIND} {dataset.dataset_id}")
    if len(item.turns) > 1 and turn_id is None:
        raise InvalidInput("turn_id is required: the item has several turns")
    turn = next((t for t in item.turns if turn_id is None or t.id == turn_id), None)
    if turn is None:
        raise NotFound(f"turn {turn_id} not found in item {item_id}")
    cell = next((c for c in turn.field_data_list if c.key == field.key), None)
    if cell is None:
        return FieldData(key=field.key, name=field.name, content=None)
    content = sign_content(dataset.workspace_id, cell.content) if cell.content else None
    return FieldData(key=field.key, name=field.name, content=content, trace_id=cell.trace_id)
