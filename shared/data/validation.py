"""Checking items against a dataset's schema, with errors grouped by ItemErrorType as upstream reports them.

A cell may name its field by key or by name; it is stored with both. Every problem is a message that names
the field (and the turn) and says what would fit.
"""

import json
from dataclasses import dataclass, field

from shared.data import storage
from shared.data.content import Content, ContentType
from shared.data.entities import Dataset, FieldData, FieldSchema, ItemErrorDetail, ItemErrorGroup, ItemErrorType, Turn
from shared.data.schema import validate_text
from shared.ids import new_id

SUMMARIES: dict[int, str] = {
    ItemErrorType.MISMATCH_SCHEMA: "values that do not match the dataset's schema",
    ItemErrorType.EMPTY_DATA: "items without any data",
    ItemErrorType.EXCEED_MAX_ITEM_SIZE: "items over the dataset's size limit per item",
    ItemErrorType.EXCEED_DATASET_CAPACITY: "items beyond the dataset's capacity",
    ItemErrorType.MALFORMED_FILE: "rows of the file that could not be read",
    ItemErrorType.ILLEGAL_CONTENT: "attachments that are not files uploaded to this workspace",
    ItemErrorType.MISSING_REQUIRED_FIELD: "items missing a required field",
    ItemErrorType.EXCEED_MAX_IMAGE_COUNT: "values with more images than the field allows",
    ItemErrorType.EXCEED_MAX_PART_COUNT: "values with more parts than the field allows",
    ItemErrorType.INTERNAL_ERROR: "items that failed on the server",
    ItemErrorType.RW_FILE_FAILED: "files that could not be read",
}


class ErrorCollector:
    """Groups item errors by type, counting all of them and keeping the first `max_details` details."""

    def __init__(self, max_details: int = 5, groups: list[ItemErrorGroup] | None = None) -> None:
        self.max_details = max_details
        self.groups: dict[int, ItemErrorGroup] = {group.type: group for group in groups or []}

    def add(
        self,
        error_type: ItemErrorType,
        message: str,
        *,
        index: int | None = None,
        messages_by_field: dict[str, str] | None = None,
        count: int = 1,
        start_index: int | None = None,
        end_index: int | None = None,
    ) -> None:
        group = self.groups.get(int(error_type))
        if group is None:
            group = ItemErrorGroup(type=int(error_type), summary=SUMMARIES.get(error_type, error_type.name.lower()))
            self.groups[int(error_type)] = group
        group.error_count += count
        if len(group.details) < self.max_details:
            group.details.append(
                ItemErrorDetail(
                    message=message,
                    index=index,
                    start_index=start_index,
                    end_index=end_index,
                    messages_by_field=messages_by_field,
                )
            )

    def merge(self, groups: list[ItemErrorGroup], index_of: list[int] | None = None) -> None:
        """Adds another call's groups; `index_of` maps their item indices to this collector's."""

        def mapped(index: int | None) -> int | None:
            return index_of[index] if index is not None and index_of is not None and index < len(index_of) else index

        for group in groups:
            mine = self.groups.get(group.type)
            if mine is None:
                mine = self.groups[group.type] = ItemErrorGroup(type=group.type, summary=group.summary)
            mine.error_count += group.error_count
            for detail in group.details:
                if len(mine.details) < self.max_details:
                    mine.details.append(
                        detail.model_copy(
                            update={
                                "index": mapped(detail.index),
                                "start_index": mapped(detail.start_index),
                                "end_index": mapped(detail.end_index),
                            }
                        )
                    )

    def result(self) -> list[ItemErrorGroup]:
        return [self.groups[key] for key in sorted(self.groups)]

    def __bool__(self) -> bool:
        return bool(self.groups)

    def describe(self) -> str:
        """One line for an error message: each type with its count and first detail."""
        parts = []
        for group in self.result():
            name = ItemErrorType(group.type).name
            first = group.details[0].message if group.details else ""
            where = f" (item {group.details[0].index})" if group.details and group.details[0].index is not None else ""
            parts.append(f"{name} x{group.error_count}: {first}{where}")
        return "; ".join(parts)


@dataclass
class ItemProblem:
    kind: ItemErrorType
    message: str
    by_field: dict[str, str] = field(default_factory=dict)


def _empty(content: Content | None) -> bool:
    if content is None:
        return True
    media = content.image or content.audio or content.video
    has_media = media is not None and bool(media.uri or media.url)
    has_parts = bool(content.multi_part) and any(not _empty(part) for part in content.multi_part or [])
    return not (content.text or has_media or has_parts or content.content_omitted)


class ItemChecker:
    """Validates and normalises the turns of new or updated items of one dataset."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.fields = dataset.available_fields
        self.by_key = {f.key: f for f in self.fields}
        self.by_name = {f.name: f for f in self.fields}
        self.deleted_keys = {f.key for f in dataset.fields if not f.available}

    def check(self, turns: list[Turn]) -> tuple[list[Turn], ItemProblem | None]:
        """The normalised turns (keys and names filled, ids given, empty cells dropped) or the first problem."""
        dataset = self.dataset
        if not turns:
            return [], ItemProblem(ItemErrorType.EMPTY_DATA, "the item has no turns; send at least one with data")
        if len(turns) > 1 and not dataset.features.repeated_data:
            return [], ItemProblem(
                ItemErrorType.MISMATCH_SCHEMA,
                f"the item has {len(turns)} turns but this dataset is single-turn (features.repeatedData is off)",
            )
        normalised: list[Turn] = []
        ids: set[int] = set()
        for position, turn in enumerate(turns):
            cells, problem = self._cells(turn, position, len(turns))
            if problem:
                return [], problem
            if not cells:
                continue
            turn_id = turn.id or (0 if len(turns) == 1 else new_id())
            if turn_id in ids:
                return [], ItemProblem(ItemErrorType.MISMATCH_SCHEMA, f"turn id {turn_id} is used twice in the item")
            ids.add(turn_id)
            normalised.append(Turn(id=turn_id, field_data_list=cells))
        if not normalised:
            return [], ItemProblem(ItemErrorType.EMPTY_DATA, "every field of the item is empty; fill at least one")
        for position, turn in enumerate(normalised):
            present = {cell.key for cell in turn.field_data_list}
            missing = [f.name for f in self.fields if f.is_required and f.key not in present]
            if missing:
                where = f"turn {position}: " if len(normalised) > 1 else ""
                return [], ItemProblem(
                    ItemErrorType.MISSING_REQUIRED_FIELD,
                    f"{where}the required field(s) {', '.join(missing)} are missing or empty",
                    dict.fromkeys(missing, "required"),
                )
        size = len(json.dumps([t.model_dump(mode="json", exclude_none=True) for t in normalised]).encode())
        if size > dataset.spec.max_item_size:
            return [], ItemProblem(
                ItemErrorType.EXCEED_MAX_ITEM_SIZE,
                f"the item is {size} bytes; this dataset allows at most {dataset.spec.max_item_size} bytes per item",
            )
        return normalised, None

    def _cells(self, turn: Turn, position: int, turns: int) -> tuple[list[FieldData], ItemProblem | None]:
        where = f"turn {position}, " if turns > 1 else ""
        cells: list[FieldData] = []
        seen: set[str] = set()
        for cell in turn.field_data_list:
            schema = self._field(cell)
            if schema is None:
                label = cell.key or cell.name
                if label in self.deleted_keys:
                    message = f"{where}field {label!r} was deleted from the schema; restore it or leave it out"
                else:
                    known = ", ".join(f.name for f in self.fields)
                    message = f"{where}field {label!r} is not in the schema (fields: {known})"
                return [], ItemProblem(ItemErrorType.MISMATCH_SCHEMA, message, {label or "?": "unknown field"})
            if schema.key in seen:
                return [], ItemProblem(
                    ItemErrorType.MISMATCH_SCHEMA,
                    f"{where}field {schema.name!r} is given twice",
                    {schema.name: "twice"},
                )
            seen.add(schema.key)
            if _empty(cell.content):
                continue
            assert cell.content is not None
            content, problem = self._content(schema, cell.content, where)
            if problem:
                return [], problem
            cells.append(FieldData(key=schema.key, name=schema.name, content=content, trace_id=cell.trace_id))
        return cells, None

    def _field(self, cell: FieldData) -> FieldSchema | None:
        if cell.key:
            return self.by_key.get(cell.key)
        return self.by_name.get(cell.name)

    def _content(self, schema: FieldSchema, content: Content, where: str) -> tuple[Content, ItemProblem | None]:
        name = schema.name
        kind = content.content_type or schema.content_type
        if kind != schema.content_type:
            message = f"{where}field {name!r} holds {schema.content_type.value} but the value is {kind.value}"
            return content, ItemProblem(ItemErrorType.MISMATCH_SCHEMA, message, {name: message})
        content = content.model_copy(update={"content_type": kind})
        if kind == ContentType.TEXT:
            error = validate_text(schema, content.text or "")
            if error:
                message = f"{where}field {name!r}: {error}"
                return content, ItemProblem(ItemErrorType.MISMATCH_SCHEMA, message, {name: error})
            return content, None
        if kind == ContentType.MULTI_PART:
            return self._parts(schema, content, where)
        return self._media(schema, content, where, kind)

    def _media(
        self, schema: FieldSchema, content: Content, where: str, kind: ContentType
    ) -> tuple[Content, ItemProblem | None]:
        attribute = {ContentType.IMAGE: "image", ContentType.AUDIO: "audio", ContentType.VIDEO: "video"}.get(kind)
        if attribute is None:
            message = f"{where}field {schema.name!r} has content_type {kind.value}, which a field cannot hold"
            return content, ItemProblem(ItemErrorType.MISMATCH_SCHEMA, message, {schema.name: message})
        media = getattr(content, attribute)
        if media is None or not (media.uri or media.url):
            message = f"{where}field {schema.name!r} needs {attribute}.uri (an uploaded file) or {attribute}.url"
            return content, ItemProblem(ItemErrorType.MISMATCH_SCHEMA, message, {schema.name: message})
        if media.uri:
            if not storage.owns_uri(self.dataset.workspace_id, media.uri):
                message = (
                    f"{where}field {schema.name!r}: {attribute}.uri {media.uri!r} is not a file of this workspace; "
                    "upload it first (its key starts with the workspace id)"
                )
                return content, ItemProblem(ItemErrorType.ILLEGAL_CONTENT, message, {schema.name: message})
            media = media.model_copy(update={"url": None, "thumb_url": None})  # signed again on every read
        elif not media.url.startswith(("http://", "https://")):
            message = f"{where}field {schema.name!r}: {attribute}.url must be an http(s) link"
            return content, ItemProblem(ItemErrorType.MISMATCH_SCHEMA, message, {schema.name: message})
        return content.model_copy(update={attribute: media, "text": None, "multi_part": None}), None

    def _parts(self, schema: FieldSchema, content: Content, where: str) -> tuple[Content, ItemProblem | None]:
        parts = [part for part in content.multi_part or [] if not _empty(part)]
        spec = schema.multi_model_spec
        if spec and spec.max_part_count and len(parts) > spec.max_part_count:
            message = f"{where}field {schema.name!r} has {len(parts)} parts; at most {spec.max_part_count} are allowed"
            return content, ItemProblem(ItemErrorType.EXCEED_MAX_PART_COUNT, message, {schema.name: message})
        images = sum(1 for part in parts if part.content_type == ContentType.IMAGE)
        if spec and spec.max_file_count and images > spec.max_file_count:
            message = f"{where}field {schema.name!r} has {images} images; at most {spec.max_file_count} are allowed"
            return content, ItemProblem(ItemErrorType.EXCEED_MAX_IMAGE_COUNT, message, {schema.name: message})
        checked: list[Content] = []
        for part in parts:
            kind = part.content_type or (ContentType.TEXT if part.text is not None else None)
            if kind is None or kind in (ContentType.MULTI_PART, ContentType.MULTI_PART_VARIABLE):
                message = f"{where}field {schema.name!r}: each part needs content_type Text, Image, Audio or Video"
                return content, ItemProblem(ItemErrorType.MISMATCH_SCHEMA, message, {schema.name: message})
            if kind == ContentType.TEXT:
                checked.append(part.model_copy(update={"content_type": kind}))
                continue
            part_schema = schema.model_copy(update={"content_type": kind})
            normalised, problem = self._media(part_schema, part.model_copy(update={"content_type": kind}), where, kind)
            if problem:
                return content, problem
            checked.append(normalised)
        return content.model_copy(update={"multi_part": checked, "text": None}), None
