"""Exporting spans into a dataset or evaluation set (upstream's ExportTracesToDataset and its preview).

The spans are read from the trace store, each selected span becomes one item: every field mapping picks
a span field (`input`, `output`, `tags.<key>`, ... as `span_field` names them) and, optionally, a JSONPath
inside it. The items are written through the data module's shared item service, so they are validated,
counted and limited exactly like items added in the console.
"""

import json
from typing import Any, Literal

from jsonpath_ng.exceptions import JsonPathParserError
from jsonpath_ng.ext.parser import parse as parse_jsonpath
from pydantic import BaseModel, ConfigDict, Field

from functions.observability import schemas, spans
from shared.auth.principals import WorkspaceScope
from shared.data import items as dataset_items
from shared.data import service as datasets
from shared.data.content import Content, ContentType
from shared.data.entities import (
    Dataset,
    DatasetCategory,
    DatasetFeatures,
    FieldData,
    FieldSchema,
    ItemErrorGroup,
    ItemErrorType,
    NewItem,
    Turn,
)
from shared.data.schema import new_fields
from shared.data.validation import ErrorCollector, ItemChecker
from shared.envelope import Envelope
from shared.errors import InvalidInput, NotFound
from shared.ids import Int64
from shared.traces.rows import output_span, span_field

MAX_SPANS = 500
DEFAULT_PREVIEW_SPANS = 10


# --- request and response models (observability/coze.loop.observability.trace.thrift, export_dataset.thrift) --


class SpanRef(BaseModel):
    trace_id: schemas.TraceId
    span_id: schemas.SpanId


class ExportFieldSchema(BaseModel):
    model_config = ConfigDict(extra="ignore")

    key: str | None = Field(default=None, max_length=64)
    name: str = Field(min_length=1, max_length=128)
    description: str | None = Field(default=None, max_length=1024)
    content_type: ContentType = ContentType.TEXT
    default_format: int | None = None
    schema_key: int | None = None
    text_schema: str | None = None


class ExportDatasetSchema(BaseModel):
    model_config = ConfigDict(extra="ignore")

    field_schemas: list[ExportFieldSchema] = Field(default_factory=list, max_length=100)


class DatasetConfig(BaseModel):
    model_config = ConfigDict(extra="ignore")

    is_new_dataset: bool
    dataset_id: Int64 | None = None
    dataset_name: str | None = Field(default=None, max_length=255)
    dataset_schema: ExportDatasetSchema = Field(default_factory=ExportDatasetSchema)


class ExportFieldMapping(BaseModel):
    model_config = ConfigDict(extra="ignore")

    field_schema: ExportFieldSchema
    trace_field_key: str = Field(min_length=1, max_length=256)
    trace_field_jsonpath: str = Field(default="", max_length=1024)


class ExportTracesToDatasetRequest(schemas.Request):
    workspace_id: Int64
    span_ids: list[SpanRef] = Field(min_length=1, max_length=MAX_SPANS)
    category: int = Field(ge=1, le=4)
    config: DatasetConfig
    start_time: Int64
    end_time: Int64
    platform_type: schemas.PlatformType | None = None
    export_type: Literal["append", "overwrite"] = "append"
    field_mappings: list[ExportFieldMapping] = Field(min_length=1, max_length=100)


class ExportTracesToDatasetResponse(Envelope):
    success_count: int
    errors: list[ItemErrorGroup]
    dataset_id: Int64
    dataset_name: str


class PreviewExportTracesToDatasetRequest(ExportTracesToDatasetRequest):
    span_ids: list[SpanRef] = Field(default_factory=list, max_length=MAX_SPANS)
    span_filters: dict[str, Any] | None = None
    limit: int | None = Field(default=None, gt=0, le=MAX_SPANS)


class PreviewImage(BaseModel):
    name: str | None = None
    url: str | None = None


class PreviewContent(BaseModel):
    content_type: ContentType | None = None
    text: str | None = None
    image: PreviewImage | None = None
    multi_part: list["PreviewContent"] | None = None


class PreviewFieldData(BaseModel):
    key: str | None = None
    name: str | None = None
    content: PreviewContent | None = None


class PreviewItemError(BaseModel):
    type: int
    field_names: list[str] | None = None


class SpanInfo(BaseModel):
    trace_id: str
    span_id: str


class PreviewItem(BaseModel):
    status: Literal["success", "error"]
    field_list: list[PreviewFieldData]
    errors: list[PreviewItemError] | None = None
    span_info: SpanInfo


class PreviewExportTracesToDatasetResponse(Envelope):
    items: list[PreviewItem]
    errors: list[ItemErrorGroup]


# --- spans -------------------------------------------------------------------------------------------------


def fetch_spans(workspace_id: int, refs: list[SpanRef], start_ms: int, end_ms: int) -> list[dict[str, Any]]:
    """The selected spans as OutputSpan dicts (whole inputs and outputs), in the order they were asked for."""
    by_trace: dict[str, list[str]] = {}
    for ref in refs:
        by_trace.setdefault(ref.trace_id, []).append(ref.span_id)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for trace_id, span_ids in by_trace.items():
        for row in spans._trace_rows(workspace_id, trace_id, start_ms, end_ms, span_ids):
            found[(row["trace_id"], row["span_id"])] = output_span(row, logic_delete_ms=0, annotations=[])
    return [found[(ref.trace_id, ref.span_id)] for ref in refs if (ref.trace_id, ref.span_id) in found]


def _filtered_spans(workspace_id: int, request: PreviewExportTracesToDatasetRequest) -> list[dict[str, Any]]:
    """For a preview without span_ids: the first `limit` spans the span_filters select."""
    span_filters = request.span_filters or {}
    listing = schemas.ListSpansRequest.model_validate(
        {
            "workspace_id": workspace_id,
            "start_time": request.start_time,
            "end_time": request.end_time,
            "filters": span_filters.get("filters"),
            "platform_type": span_filters.get("platform_type") or request.platform_type,
            "span_list_type": span_filters.get("span_list_type") or "root_span",
            "page_size": request.limit or DEFAULT_PREVIEW_SPANS,
            "without_clip": True,
        }
    )
    return [span.model_dump() for span in spans.list_spans(workspace_id, listing).spans]


# --- mapping -----------------------------------------------------------------------------------------------


def _extract(span: dict[str, Any], mapping: ExportFieldMapping) -> Any:
    value = span_field(span, mapping.trace_field_key)
    path = mapping.trace_field_jsonpath.strip()
    if not path or path == "$" or value is None:
        return value
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    try:
        matches = parse_jsonpath(path).find(value)
    except (JsonPathParserError, Exception) as error:  # jsonpath-ng raises several kinds
        raise InvalidInput(f"trace_field_jsonpath {path!r} is not a valid JSONPath ({error})") from error
    if not matches:
        return None
    return matches[0].value if len(matches) == 1 else [match.value for match in matches]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _part(part: Any) -> Content | None:
    """One part of a multi-part value, in our Content shape or the OpenAI message-part shape."""
    if not isinstance(part, dict):
        return Content(content_type=ContentType.TEXT, text=_text(part))
    kind = str(part.get("content_type") or part.get("type") or "").lower()
    if kind in ("text", ""):
        return Content(content_type=ContentType.TEXT, text=_text(part.get("text", "")))
    if kind in ("image", "image_url"):
        image = part.get("image") or part.get("image_url") or {}
        url = image.get("url") if isinstance(image, dict) else image
        return Content.model_validate({"content_type": ContentType.IMAGE, "image": {"url": url}}) if url else None
    return None


def _content(field: FieldSchema, value: Any) -> tuple[Content | None, bool]:
    """The cell for a value, and False if the value cannot be that field's content type."""
    if value is None or value == "":
        return None, True
    if field.content_type == ContentType.TEXT:
        return Content(content_type=ContentType.TEXT, text=_text(value)), True
    if field.content_type == ContentType.MULTI_PART:
        parts = value
        if isinstance(value, str):
            try:
                parts = json.loads(value)
            except ValueError:
                return None, False
        if not isinstance(parts, list):
            return None, False
        converted = [_part(part) for part in parts]
        if any(part is None for part in converted):
            return None, False
        return Content(content_type=ContentType.MULTI_PART, multi_part=[p for p in converted if p]), True
    if field.content_type == ContentType.IMAGE and isinstance(value, str):
        return Content.model_validate({"content_type": ContentType.IMAGE, "image": {"url": value}}), True
    return None, False


def build_items(
    dataset: Dataset, found: list[dict[str, Any]], mappings: list[ExportFieldMapping]
) -> list[tuple[dict[str, Any], NewItem, list[str]]]:
    """Each span as an item, with the names of fields whose value did not fit their content type."""
    by_name = {field.name: field for field in dataset.available_fields}
    built = []
    for span in found:
        cells, bad = [], []
        for mapping in mappings:
            field = by_name.get(mapping.field_schema.name)
            if field is None:
                raise InvalidInput(f"field_mappings: {mapping.field_schema.name!r} is not a field of the dataset")
            content, fits = _content(field, _extract(span, mapping))
            if not fits:
                bad.append(field.name)
            elif content is not None:
                cells.append(FieldData(key=field.key, name=field.name, content=content, trace_id=span["trace_id"]))
        built.append((span, NewItem(turns=[Turn(id=0, field_data_list=cells)]), bad))
    return built


# --- the dataset -------------------------------------------------------------------------------------------


def _fields(config: DatasetConfig, mappings: list[ExportFieldMapping]) -> list[FieldSchema]:
    given = config.dataset_schema.field_schemas or [mapping.field_schema for mapping in mappings]
    return [
        FieldSchema(
            key=field.key or "",
            name=field.name,
            description=field.description or "",
            content_type=field.content_type,
            default_format=field.default_format,
            schema_key=field.schema_key,
            text_schema=field.text_schema,
        )
        for field in given
    ]


def _target(scope: WorkspaceScope, request: ExportTracesToDatasetRequest, *, preview: bool) -> Dataset:
    """The dataset to write: a new one, or an existing one with the config's keyless fields added."""
    config = request.config
    fields = _fields(config, request.field_mappings)
    if config.is_new_dataset:
        if not config.dataset_name:
            raise InvalidInput("config.dataset_name is required for a new dataset")
        if preview:  # nothing is created by a preview; the schema is checked as creation would
            draft = datasets.NewDataset(name=config.dataset_name, fields=fields, category=request.category)
            return Dataset(
                dataset_id=0,
                workspace_id=scope.workspace_id,
                name=draft.name,
                category=request.category,
                spec=datasets.default_spec(),
                features=DatasetFeatures(repeated_data=request.category == DatasetCategory.EVALUATION),
                fields=new_fields(fields, datasets.default_spec(), DatasetFeatures()),
            )
        return datasets.create_dataset(
            scope.workspace_id,
            str(scope.user_id),
            datasets.NewDataset(name=config.dataset_name, fields=fields, category=request.category),
        )
    if not config.dataset_id:
        raise InvalidInput("config.dataset_id is required to export into an existing dataset")
    dataset = datasets.get_dataset(scope.workspace_id, config.dataset_id)
    if (request.category == DatasetCategory.EVALUATION) != (dataset.category == DatasetCategory.EVALUATION):
        raise NotFound(f"{'evaluation set' if request.category == 4 else 'dataset'} {config.dataset_id} not found")
    known = {field.name for field in dataset.available_fields}
    added = [field for field in fields if not field.key and field.name not in known]
    if added and not preview:
        dataset = datasets.update_schema(dataset, str(scope.user_id), [*dataset.available_fields, *added])
    elif added:
        dataset = dataset.model_copy(update={"fields": [*dataset.fields, *added]})
        for index, field in enumerate(dataset.fields):
            if not field.key:
                dataset.fields[index] = field.model_copy(update={"key": field.name})
    return dataset


# --- the operations ----------------------------------------------------------------------------------------


def export_to_dataset(scope: WorkspaceScope, request: ExportTracesToDatasetRequest) -> ExportTracesToDatasetResponse:
    found = fetch_spans(scope.workspace_id, request.span_ids, request.start_time, request.end_time)
    if not found:
        raise NotFound("none of the selected spans were found in that time range; check start_time and end_time")
    dataset = _target(scope, request, preview=False)
    if request.export_type == "overwrite" and not request.config.is_new_dataset:
        dataset_items.clear_items(dataset, str(scope.user_id))
        dataset = datasets.get_dataset(scope.workspace_id, dataset.dataset_id)
    built = build_items(dataset, found, request.field_mappings)
    errors = ErrorCollector(max_details=5)
    writable: list[tuple[int, NewItem]] = []
    for index, (_, item, bad) in enumerate(built):
        if bad:
            message = f"span {index}: the value of {', '.join(bad)} does not fit the field's content type"
            errors.add(ItemErrorType.MISMATCH_SCHEMA, message, index=index)
        else:
            writable.append((index, item))
    added = 0
    for start in range(0, len(writable), dataset_items.MAX_BATCH):
        chunk = writable[start : start + dataset_items.MAX_BATCH]
        result = dataset_items.add_items(
            dataset, [item for _, item in chunk], str(scope.user_id), skip_invalid=True, allow_partial=True
        )
        added += len(result.added)
        errors.merge(result.errors, [index for index, _ in chunk])
        dataset = datasets.get_dataset(scope.workspace_id, dataset.dataset_id)
    return ExportTracesToDatasetResponse(
        success_count=added, errors=errors.result(), dataset_id=dataset.dataset_id, dataset_name=dataset.name
    )


def _preview_content(content: Content | None) -> PreviewContent | None:
    if content is None:
        return None
    return PreviewContent(
        content_type=content.content_type,
        text=content.text,
        image=PreviewImage(name=content.image.name, url=content.image.url) if content.image else None,
        multi_part=[part for part in map(_preview_content, content.multi_part or []) if part] or None,
    )


def preview(
    scope: WorkspaceScope, request: PreviewExportTracesToDatasetRequest
) -> PreviewExportTracesToDatasetResponse:
    if request.span_ids:
        found = fetch_spans(scope.workspace_id, request.span_ids, request.start_time, request.end_time)
    else:
        found = _filtered_spans(scope.workspace_id, request)
    dataset = _target(scope, request, preview=True)
    checker = ItemChecker(dataset)
    errors = ErrorCollector(max_details=5)
    previews = []
    for index, (span, item, bad) in enumerate(build_items(dataset, found, request.field_mappings)):
        item_errors = [PreviewItemError(type=ItemErrorType.MISMATCH_SCHEMA, field_names=bad)] if bad else []
        if not bad:
            _, problem = checker.check(item.turns)
            if problem:
                item_errors.append(PreviewItemError(type=problem.kind, field_names=list(problem.by_field) or None))
                errors.add(problem.kind, problem.message, index=index)
        else:
            errors.add(ItemErrorType.MISMATCH_SCHEMA, f"{', '.join(bad)} cannot hold the span's value", index=index)
        previews.append(
            PreviewItem(
                status="error" if item_errors else "success",
                field_list=[
                    PreviewFieldData(key=cell.key, name=cell.name, content=_preview_content(cell.content))
                    for cell in item.turns[0].field_data_list
                ],
                errors=item_errors or None,
                span_info=SpanInfo(trace_id=span["trace_id"], span_id=span["span_id"]),
            )
        )
    return PreviewExportTracesToDatasetResponse(items=previews, errors=errors.result())
