"""Between the stored form and the data console's: numbered content types, attachments and parts, and
`data` (one turn) or `repeated_data` (several) in place of turns."""

from functions.data.dataset_schemas import (
    DatasetDTO,
    DatasetItemDTO,
    DatasetSchemaDTO,
    DatasetSpecDTO,
    DatasetVersionDTO,
    FieldDataDTO,
    FieldSchemaDTO,
    ItemDataDTO,
    ObjectStorageDTO,
)
from shared.data.content import Audio, Content, ContentType, Media
from shared.data.entities import (
    CONTENT_TYPE_CODES,
    CONTENT_TYPES_BY_CODE,
    Dataset,
    DatasetSpec,
    DatasetVersion,
    EvalSetItem,
    FieldData,
    FieldSchema,
    FieldStatus,
    NewItem,
    Turn,
)
from shared.data.media import sign_turns
from shared.errors import InvalidInput

CONTENT_TYPE_HELP = "1 Text, 2 Image, 3 Audio, 4 Video or 100 MultiPart"


def content_type_of(code: int | None, where: str) -> ContentType:
    if code is None:
        raise InvalidInput(f"{where}.content_type is required: {CONTENT_TYPE_HELP}")
    kind = CONTENT_TYPES_BY_CODE.get(code)
    if kind is None:
        raise InvalidInput(f"{where}.content_type {code} is not one of {CONTENT_TYPE_HELP}")
    return kind


def field_in(dto: FieldSchemaDTO, index: int) -> FieldSchema:
    where = f"fields[{index}]"
    if not dto.name:
        raise InvalidInput(f"{where}.name is required")
    return FieldSchema(
        key=dto.key or "",
        name=dto.name,
        description=dto.description or "",
        content_type=content_type_of(dto.content_type, where),
        default_format=dto.default_format,
        schema_key=dto.schema_key,
        text_schema=dto.text_schema or None,
        multi_model_spec=dto.multi_model_spec,
        hidden=bool(dto.hidden),
        is_required=bool(dto.is_required),
        default_transformations=dto.default_transformations,
    )


def fields_in(dtos: list[FieldSchemaDTO]) -> list[FieldSchema]:
    return [field_in(dto, index) for index, dto in enumerate(dtos) if dto.status != FieldStatus.DELETED]


def field_out(field: FieldSchema) -> FieldSchemaDTO:
    return FieldSchemaDTO(
        key=field.key,
        name=field.name,
        description=field.description,
        content_type=CONTENT_TYPE_CODES.get(field.content_type),
        default_format=field.default_format,
        schema_key=field.schema_key,
        text_schema=field.text_schema,
        multi_model_spec=field.multi_model_spec,
        hidden=field.hidden,
        status=field.status,
        default_transformations=field.default_transformations,
        is_required=field.is_required,
    )


def spec_in(dto: DatasetSpecDTO | None) -> DatasetSpec | None:
    if dto is None:
        return None
    return DatasetSpec(
        max_item_count=dto.max_item_count or 0,
        max_field_count=dto.max_field_count or 0,
        max_item_size=dto.max_item_size or 0,
        max_item_data_nested_depth=dto.max_item_data_nested_depth,
        multi_modal_spec=dto.multi_modal_spec,
    )


def dataset_out(dataset: Dataset, *, with_deleted_fields: bool = False) -> DatasetDTO:
    fields = dataset.fields if with_deleted_fields else dataset.available_fields
    return DatasetDTO(
        id=dataset.dataset_id,
        space_id=dataset.workspace_id,
        schema_id=dataset.dataset_id,
        name=dataset.name,
        description=dataset.description,
        status=dataset.status,
        category=dataset.category,
        biz_category=dataset.biz_category,
        schema_=DatasetSchemaDTO(
            id=dataset.dataset_id,
            space_id=dataset.workspace_id,
            dataset_id=dataset.dataset_id,
            fields=[field_out(field) for field in fields],
            immutable=not dataset.features.edit_schema,
            created_by=dataset.created_by,
            created_at=dataset.created_at,
            updated_by=dataset.updated_by,
            updated_at=dataset.updated_at,
            update_version=dataset.schema_version,
        ),
        security_level=dataset.security_level,
        visibility=dataset.visibility,
        spec=DatasetSpecDTO(**dataset.spec.model_dump()),
        features=dataset.features,
        latest_version=dataset.latest_version,
        next_version_num=dataset.next_version_num,
        item_count=dataset.item_count,
        dataset_key=dataset.dataset_key,
        created_by=dataset.created_by,
        created_at=dataset.created_at,
        updated_by=dataset.updated_by,
        updated_at=dataset.updated_at,
        change_uncommitted=dataset.change_uncommitted,
    )


def version_out(version: DatasetVersion) -> DatasetVersionDTO:
    return DatasetVersionDTO(
        id=version.version_id,
        space_id=version.workspace_id,
        dataset_id=version.dataset_id,
        schema_id=version.dataset_id,
        version=version.version,
        version_num=version.version_num,
        description=version.description,
        item_count=version.item_count,
        snapshot_status=version.snapshot_status,
        created_by=version.created_by,
        created_at=version.created_at,
    )


# --- cells --------------------------------------------------------------------------------------------------


def _media_in(attachments: list[ObjectStorageDTO] | None, kind: ContentType, where: str) -> Content:
    files = attachments or []
    if len(files) > 1:
        raise InvalidInput(f"{where}: a {kind.value} field holds one file; use a MultiPart field for several")
    content = Content(content_type=kind)
    if files:
        file = files[0]
        media = {"name": file.name, "uri": file.uri, "url": file.url, "thumb_url": file.thumb_url}
        if kind == ContentType.AUDIO:
            content.audio = Audio(**media)
        elif kind == ContentType.VIDEO:
            content.video = Media(**media)
        else:
            content.image = Media(**media)
    return content


def _content_in(dto: FieldDataDTO, kind: ContentType | None, where: str) -> Content:
    if dto.content_type is not None:
        kind = content_type_of(dto.content_type, where)
    if kind is None:  # an unknown field; the checker names it
        return Content(text=dto.content)
    if kind == ContentType.TEXT:
        return Content(content_type=kind, text=dto.content, format=dto.format)
    if kind == ContentType.MULTI_PART:
        parts = [_content_in(part, None, f"{where}.parts[{i}]") for i, part in enumerate(dto.parts or [])]
        return Content(content_type=kind, multi_part=parts)
    return _media_in(dto.attachments, kind, where)


class CellReader:
    """Reads data-form cells; a cell without content_type takes its field's."""

    def __init__(self, dataset: Dataset) -> None:
        self.kinds = {field.key: field.content_type for field in dataset.fields}
        self.kinds_by_name = {field.name: field.content_type for field in dataset.available_fields}

    def cells(self, dtos: list[FieldDataDTO] | None, where: str) -> list[FieldData]:
        cells = []
        for index, dto in enumerate(dtos or []):
            kind = self.kinds.get(dto.key or "") or self.kinds_by_name.get(dto.name or "")
            content = _content_in(dto, kind, f"{where}[{index}]")
            cells.append(FieldData(key=dto.key or "", name=dto.name or "", content=content, trace_id=dto.trace_id))
        return cells

    def turns(self, data: list[FieldDataDTO] | None, repeated: list[ItemDataDTO] | None, where: str) -> list[Turn]:
        if repeated:
            return [
                Turn(id=turn.id or 0, field_data_list=self.cells(turn.data, f"{where}.repeated_data[{i}].data"))
                for i, turn in enumerate(repeated)
            ]
        return [Turn(id=0, field_data_list=self.cells(data, f"{where}.data"))]

    def item(self, dto: DatasetItemDTO, index: int) -> NewItem:
        return NewItem(item_key=dto.item_key, turns=self.turns(dto.data, dto.repeated_data, f"items[{index}]"))


def content_out(content: Content) -> FieldDataDTO:
    kind = content.content_type or ContentType.TEXT
    dto = FieldDataDTO(content_type=CONTENT_TYPE_CODES.get(kind), format=content.format)
    if kind == ContentType.MULTI_PART:
        dto.parts = [content_out(part) for part in content.multi_part or []]
    elif kind in (ContentType.IMAGE, ContentType.AUDIO, ContentType.VIDEO):
        media = content.image or content.audio or content.video
        if media is not None:
            dto.attachments = [
                ObjectStorageDTO(name=media.name, uri=media.uri, url=media.url, thumb_url=media.thumb_url)
            ]
    else:
        dto.content = content.text or ""
        dto.content_omitted = content.content_omitted
    return dto


def cells_out(cells: list[FieldData], names: dict[str, str]) -> list[FieldDataDTO]:
    out = []
    for cell in cells:
        if cell.key not in names:  # a soft-deleted column stays hidden until it is restored
            continue
        dto = content_out(cell.content or Content())
        dto.key, dto.name, dto.trace_id = cell.key, names[cell.key], cell.trace_id
        out.append(dto)
    return out


def item_out(dataset: Dataset, item: EvalSetItem, fields: list[FieldSchema] | None = None) -> DatasetItemDTO:
    """The item in the data form; `fields` is the schema to show it with (a version's), else the draft's."""
    names = {field.key: field.name for field in (fields if fields is not None else dataset.available_fields)}
    turns = sign_turns(dataset.workspace_id, item.turns)
    omitted = any(cell.content and cell.content.content_omitted for turn in turns for cell in turn.field_data_list)
    dto = DatasetItemDTO(
        id=item.item_id,
        space_id=dataset.workspace_id,
        dataset_id=dataset.dataset_id,
        schema_id=dataset.dataset_id,
        item_id=item.item_id,
        item_key=item.item_key,
        created_by=item.created_by,
        created_at=item.created_at,
        updated_by=item.updated_by,
        updated_at=item.updated_at,
        data_omitted=omitted or None,
    )
    if dataset.features.repeated_data:
        dto.repeated_data = [ItemDataDTO(id=turn.id, data=cells_out(turn.field_data_list, names)) for turn in turns]
    else:
        dto.data = cells_out(turns[0].field_data_list, names) if turns else []
    return dto
