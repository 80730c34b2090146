"""Between the stored form and the OpenAPI's: lowercase content types, display formats and schema keys by
name, `field_datas` cells named by field name."""

from functions.data.common import Users
from functions.data.openapi_schemas import (
    OApiBaseInfo,
    OApiContent,
    OApiEvaluationSet,
    OApiFieldData,
    OApiFieldSchema,
    OApiItem,
    OApiItemErrorDetail,
    OApiItemErrorGroup,
    OApiMedia,
    OApiSchema,
    OApiTag,
    OApiTurn,
    OApiUserInfo,
    OApiVersion,
)
from shared.data.content import Audio, Content, ContentType, Media
from shared.data.entities import (
    Dataset,
    DatasetVersion,
    EvalSetItem,
    FieldData,
    FieldSchema,
    ItemErrorGroup,
    NewItem,
    SchemaKey,
    Turn,
)
from shared.data.media import sign_content
from shared.errors import InvalidInput

CONTENT_TYPES = {
    "text": ContentType.TEXT,
    "image": ContentType.IMAGE,
    "audio": ContentType.AUDIO,
    "video": ContentType.VIDEO,
    "multi_part": ContentType.MULTI_PART,
    "multi_part_variable": ContentType.MULTI_PART_VARIABLE,
}
CONTENT_TYPE_NAMES = {kind: name for name, kind in CONTENT_TYPES.items()}
FORMATS = {"plain_text": 1, "markdown": 2, "json": 3, "yaml": 4, "code": 5}
FORMAT_NAMES = {number: name for name, number in FORMATS.items()}
SCHEMA_KEYS = {
    "string": SchemaKey.STRING,
    "integer": SchemaKey.INTEGER,
    "float": SchemaKey.FLOAT,
    "bool": SchemaKey.BOOL,
    "message": SchemaKey.MESSAGE,
    "single_choice": SchemaKey.SINGLE_CHOICE,
    "trajectory": SchemaKey.TRAJECTORY,
    "message_list": SchemaKey.MESSAGE_LIST,
}
SCHEMA_KEY_NAMES = {int(number): name for name, number in SCHEMA_KEYS.items()}


def _choice(value: str | None, choices: dict[str, object], where: str) -> object:
    if value is None or value == "":
        return None
    found = choices.get(value.lower())
    if found is None:
        raise InvalidInput(f"{where} {value!r} is not one of {', '.join(choices)}")
    return found


def field_in(dto: OApiFieldSchema, index: int) -> FieldSchema:
    where = f"fields[{index}]"
    if not dto.name:
        raise InvalidInput(f"{where}.name is required")
    kind = _choice(dto.content_type, dict(CONTENT_TYPES), f"{where}.content_type") or ContentType.TEXT
    fmt = _choice(dto.default_display_format, dict(FORMATS), f"{where}.default_display_format")
    key = _choice(dto.schema_key, dict(SCHEMA_KEYS), f"{where}.schema_key")
    assert isinstance(kind, ContentType)
    return FieldSchema(
        key=dto.key or "",
        name=dto.name,
        description=dto.description or "",
        content_type=kind,
        default_format=int(fmt) if isinstance(fmt, int) else None,
        schema_key=int(key) if isinstance(key, int) else None,
        text_schema=dto.text_schema or None,
        is_required=bool(dto.is_required),
        locked=bool(dto.locked),
    )


def fields_in(dtos: list[OApiFieldSchema] | None) -> list[FieldSchema]:
    return [field_in(dto, index) for index, dto in enumerate(dtos or [])]


def field_out(field: FieldSchema) -> OApiFieldSchema:
    return OApiFieldSchema(
        name=field.name,
        description=field.description,
        content_type=CONTENT_TYPE_NAMES.get(field.content_type, "text"),
        default_display_format=FORMAT_NAMES.get(field.default_format or 0),
        is_required=field.is_required,
        text_schema=field.text_schema,
        schema_key=SCHEMA_KEY_NAMES.get(field.schema_key or 0),
        key=field.key,
        locked=field.locked,
    )


def _base_info(
    users: Users, created_by: str, created_at: int, updated_by: str = "", updated_at: int = 0
) -> OApiBaseInfo:
    info = users.base_info(created_by, created_at, updated_by, updated_at)

    def user(found: object) -> OApiUserInfo | None:
        return OApiUserInfo.model_validate(found, from_attributes=True) if found is not None else None

    return OApiBaseInfo(
        created_by=user(info.created_by),
        updated_by=user(info.updated_by),
        created_at=info.created_at,
        updated_at=info.updated_at,
    )


def version_out(version: DatasetVersion, users: Users) -> OApiVersion:
    return OApiVersion(
        id=version.version_id,
        version=version.version,
        description=version.description,
        evaluation_set_schema=OApiSchema(field_schemas=[field_out(f) for f in version.fields if f.available]),
        item_count=version.item_count,
        snapshot_status=version.snapshot_status,
        base_info=_base_info(users, version.created_by, version.created_at),
    )


def eval_set_out(dataset: Dataset, users: Users) -> OApiEvaluationSet:
    draft = OApiVersion(
        id=dataset.dataset_id,
        description=dataset.description,
        evaluation_set_schema=OApiSchema(field_schemas=[field_out(f) for f in dataset.available_fields]),
        item_count=dataset.item_count,
        base_info=_base_info(users, dataset.created_by, dataset.created_at),
    )
    return OApiEvaluationSet(
        id=dataset.dataset_id,
        name=dataset.name,
        description=dataset.description,
        status="active",
        item_count=dataset.item_count,
        latest_version=dataset.latest_version,
        is_change_uncommitted=dataset.change_uncommitted,
        type=dataset.eval_set_type or "default",
        dataset_key=dataset.dataset_key,
        template_dataset_id=dataset.template_dataset_id,
        current_version=draft,
        tags=[OApiTag(tag_name=tag) for tag in dataset.tags],
        base_info=_base_info(users, dataset.created_by, dataset.created_at, dataset.updated_by, dataset.updated_at),
    )


# --- content ------------------------------------------------------------------------------------------------


def content_in(dto: OApiContent, where: str) -> Content:
    kind = _choice(dto.content_type, dict(CONTENT_TYPES), f"{where}.content_type")
    content = Content(content_type=kind if isinstance(kind, ContentType) else None, text=dto.text)
    if dto.image:
        content.image = Media(name=dto.image.name, url=dto.image.url, uri=dto.image.uri, thumb_url=dto.image.thumb_url)
    if dto.video:
        content.video = Media(name=dto.video.name, url=dto.video.url, uri=dto.video.uri, thumb_url=dto.video.thumb_url)
    if dto.audio:
        content.audio = Audio(name=dto.audio.name, url=dto.audio.url, uri=dto.audio.uri, format=dto.audio.format)
    if dto.multi_part:
        content.multi_part = [content_in(part, f"{where}.multi_part[{i}]") for i, part in enumerate(dto.multi_part)]
    return content


def content_out(workspace_id: int, content: Content) -> OApiContent:
    signed = sign_content(workspace_id, content)
    return _out(signed)


def _media(media: Media | None) -> OApiMedia | None:
    if media is None:
        return None
    return OApiMedia(name=media.name, url=media.url, uri=media.uri, thumb_url=media.thumb_url)


def _out(content: Content) -> OApiContent:
    return OApiContent(
        content_type=CONTENT_TYPE_NAMES.get(content.content_type) if content.content_type else None,
        text=content.text,
        image=_media(content.image),
        video=_media(content.video),
        audio=_media(content.audio),
        multi_part=[_out(part) for part in content.multi_part] if content.multi_part else None,
        content_omitted=content.content_omitted,
        full_content_bytes=content.full_content_bytes,
    )


def item_in(dto: OApiItem, index: int) -> NewItem:
    turns = [
        Turn(
            id=turn.id or 0,
            field_data_list=[
                FieldData(
                    key=cell.key or "",
                    name=cell.name or "",
                    content=content_in(cell.content, f"items[{index}].turns[{t}].field_datas[{c}].content")
                    if cell.content
                    else None,
                )
                for c, cell in enumerate(turn.field_datas or [])
            ],
        )
        for t, turn in enumerate(dto.turns or [])
    ]
    return NewItem(item_key=dto.item_key, turns=turns)


def item_out(workspace_id: int, item: EvalSetItem, fields: list[FieldSchema], users: Users) -> OApiItem:
    names = {field.key: field.name for field in fields if field.available}
    return OApiItem(
        id=item.item_id,
        item_key=item.item_key,
        turns=[
            OApiTurn(
                id=turn.id,
                field_datas=[
                    OApiFieldData(
                        name=names[cell.key],
                        key=cell.key,
                        content=content_out(workspace_id, cell.content) if cell.content else None,
                    )
                    for cell in turn.field_data_list
                    if cell.key in names
                ],
            )
            for turn in item.turns
        ],
        base_info=_base_info(users, item.created_by, item.created_at, item.updated_by, item.updated_at),
    )


def errors_out(groups: list[ItemErrorGroup]) -> list[OApiItemErrorGroup]:
    return [
        OApiItemErrorGroup(
            error_code=group.type,
            error_message=group.summary,
            error_count=group.error_count,
            details=[
                OApiItemErrorDetail(
                    message=detail.message,
                    index=detail.index,
                    start_index=detail.start_index,
                    end_index=detail.end_index,
                )
                for detail in group.details
            ],
        )
        for group in groups
    ]
