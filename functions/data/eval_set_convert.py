"""Between the stored form and the evaluation-set console's: named content types and turns."""

from functions.data.common import Users
from functions.data.eval_set_schemas import (
    EvalFieldDataDTO,
    EvalFieldSchemaDTO,
    EvaluationSetDTO,
    EvaluationSetItemDTO,
    EvaluationSetSchemaDTO,
    EvaluationSetVersionDTO,
    ResourceTag,
    SpecDTO,
    TurnDTO,
)
from shared.data.content import ContentType
from shared.data.entities import (
    Dataset,
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


def field_in(dto: EvalFieldSchemaDTO, index: int) -> FieldSchema:
    if not dto.name:
        raise InvalidInput(f"fields[{index}].name is required")
    return FieldSchema(
        key=dto.key or "",
        name=dto.name,
        description=dto.description or "",
        content_type=dto.content_type or ContentType.TEXT,
        default_format=dto.default_display_format,
        schema_key=dto.schema_key,
        text_schema=dto.text_schema or None,
        multi_model_spec=dto.multi_model_spec,
        hidden=bool(dto.hidden),
        is_required=bool(dto.is_required),
        default_transformations=dto.default_transformations,
        locked=bool(dto.locked),
    )


def fields_in(dtos: list[EvalFieldSchemaDTO] | None) -> list[FieldSchema]:
    return [field_in(dto, index) for index, dto in enumerate(dtos or []) if dto.status != FieldStatus.DELETED]


def field_out(field: FieldSchema) -> EvalFieldSchemaDTO:
    return EvalFieldSchemaDTO(
        key=field.key,
        name=field.name,
        description=field.description,
        content_type=field.content_type,
        default_display_format=field.default_format,
        status=field.status,
        is_required=field.is_required,
        schema_key=field.schema_key,
        text_schema=field.text_schema,
        multi_model_spec=field.multi_model_spec,
        hidden=field.hidden,
        default_transformations=field.default_transformations,
        locked=field.locked,
    )


def _schema(dataset: Dataset, fields: list[FieldSchema], users: Users) -> EvaluationSetSchemaDTO:
    return EvaluationSetSchemaDTO(
        id=dataset.dataset_id,
        workspace_id=dataset.workspace_id,
        evaluation_set_id=dataset.dataset_id,
        field_schemas=[field_out(field) for field in fields if field.available],
        base_info=users.base_info(dataset.created_by, dataset.created_at, dataset.updated_by, dataset.updated_at),
    )


def eval_set_out(dataset: Dataset, users: Users) -> EvaluationSetDTO:
    """As upstream, `evaluation_set_version` is the draft: id = the set's id, with the live schema."""
    draft = EvaluationSetVersionDTO(
        id=dataset.dataset_id,
        workspace_id=dataset.workspace_id,
        evaluation_set_id=dataset.dataset_id,
        description=dataset.description,
        evaluation_set_schema=_schema(dataset, dataset.fields, users),
        item_count=dataset.item_count,
        base_info=users.base_info(dataset.created_by, dataset.created_at),
    )
    return EvaluationSetDTO(
        id=dataset.dataset_id,
        workspace_id=dataset.workspace_id,
        name=dataset.name,
        description=dataset.description,
        status=dataset.status,
        spec=SpecDTO(**dataset.spec.model_dump()),
        features=dataset.features,
        item_count=dataset.item_count,
        change_uncommitted=dataset.change_uncommitted,
        biz_category=dataset.biz_category or None,
        type=dataset.eval_set_type or "default",
        tags=[ResourceTag(tag_name=tag) for tag in dataset.tags],
        dataset_key=dataset.dataset_key,
        template_dataset_id=dataset.template_dataset_id,
        evaluation_set_version=draft,
        latest_version=dataset.latest_version,
        next_version_num=dataset.next_version_num,
        base_info=users.base_info(dataset.created_by, dataset.created_at, dataset.updated_by, dataset.updated_at),
    )


def version_out(dataset: Dataset, version: DatasetVersion, users: Users) -> EvaluationSetVersionDTO:
    return EvaluationSetVersionDTO(
        id=version.version_id,
        workspace_id=version.workspace_id,
        evaluation_set_id=version.dataset_id,
        version=version.version,
        version_num=version.version_num,
        description=version.description,
        evaluation_set_schema=_schema(dataset, version.fields, users),
        item_count=version.item_count,
        snapshot_status=version.snapshot_status,
        base_info=users.base_info(version.created_by, version.created_at),
    )


def item_in(dto: "EvaluationSetItemDTO", index: int) -> NewItem:
    turns = [
        Turn(
            id=turn.id or 0,
            field_data_list=[
                FieldData(key=cell.key or "", name=cell.name or "", content=cell.content, trace_id=cell.trace_id)
                for cell in turn.field_data_list or []
            ],
        )
        for turn in dto.turns or []
    ]
    return NewItem(item_key=dto.item_key, turns=turns)


def turns_out(workspace_id: int, turns: list[Turn], fields: list[FieldSchema]) -> list[TurnDTO]:
    names = {field.key: field.name for field in fields if field.available}
    return [
        TurnDTO(
            id=turn.id,
            field_data_list=[
                EvalFieldDataDTO(key=cell.key, name=names[cell.key], content=cell.content, trace_id=cell.trace_id)
                for cell in turn.field_data_list
                if cell.key in names  # soft-deleted columns stay hidden until restored
            ],
        )
        for turn in sign_turns(workspace_id, turns)
    ]


def item_out(
    dataset: Dataset, item: EvalSetItem, users: Users, fields: list[FieldSchema] | None = None
) -> EvaluationSetItemDTO:
    return EvaluationSetItemDTO(
        id=item.item_id,
        workspace_id=dataset.workspace_id,
        evaluation_set_id=dataset.dataset_id,
        schema_id=dataset.dataset_id,
        item_id=item.item_id,
        item_key=item.item_key,
        turns=turns_out(dataset.workspace_id, item.turns, fields if fields is not None else dataset.fields),
        base_info=users.base_info(item.created_by, item.created_at, item.updated_by, item.updated_at),
    )


def item_users(items: list[EvalSetItem]) -> Users:
    return Users([user for item in items for user in (item.created_by, item.updated_by)])
