"""Column rules of datasets: generated keys that never change, merges that soft-delete, JSON Schema checks."""

import pytest

from shared.data.content import Content, ContentType
from shared.data.entities import DatasetFeatures, DatasetSpec, FieldSchema, FieldStatus, SchemaKey
from shared.data.schema import merge_fields, new_fields, validate_text
from shared.errors import InvalidInput

SPEC = DatasetSpec(max_item_count=100, max_field_count=5, max_item_size=10_000)
FEATURES = DatasetFeatures()


def field(name: str, key: str = "", **extra: object) -> FieldSchema:
    return FieldSchema.model_validate({"key": key, "name": name, **extra})


def test_data_keys_come_from_names_and_are_made_unique() -> None:
    # Given fields named like identifiers, one named like no identifier, and a reserved name
    fields = new_fields(
        [field("question"), field("答案"), field("key"), field("other", key="question_1")], SPEC, FEATURES
    )
    # Then keys are the names where possible, `key_N` otherwise, and never collide
    assert [f.key for f in fields] == ["question", "key_1", "key_2", "question_1"]


def test_data_schema_update_adds_updates_soft_deletes_and_restores() -> None:
    # Given a schema of three fields
    before = new_fields([field("a"), field("b"), field("c")], SPEC, FEATURES)
    # When b is renamed (by its key), c is left out and a new field comes without a key
    merged, compatible = merge_fields(before, [field("a", "a"), field("B!", "b"), field("d")], SPEC, FEATURES)
    # Then keys stay, c is soft-deleted (its data kept), d gets a fresh key
    assert compatible
    assert [(f.key, f.name, f.status) for f in merged] == [
        ("a", "a", FieldStatus.AVAILABLE),
        ("b", "B!", FieldStatus.AVAILABLE),
        ("d", "d", FieldStatus.AVAILABLE),
        ("c", "c", FieldStatus.DELETED),
    ]
    # When c is sent back with its key, it is restored; a new field named "c" could not take its key
    restored, _ = merge_fields(merged, [field("a", "a"), field("c", "c")], SPEC, FEATURES)
    assert {(f.key, f.status) for f in restored} >= {("c", FieldStatus.AVAILABLE), ("b", FieldStatus.DELETED)}
    again, _ = merge_fields(merged, [field("a", "a"), field("c")], SPEC, FEATURES)
    assert [f.key for f in again if f.name == "c" and f.available] == ["c_1"]


def test_data_type_changes_are_incompatible() -> None:
    before = new_fields([field("n", text_schema='{"type": "integer"}'), field("t")], SPEC, FEATURES)
    widened, ok = merge_fields(
        before, [field("n", "n", text_schema='{"type": ["integer", "string"]}'), field("t", "t")], SPEC, FEATURES
    )
    assert ok and widened[0].text_schema
    _, narrowed = merge_fields(
        before, [field("n", "n"), field("t", "t", text_schema='{"type": "number"}')], SPEC, FEATURES
    )
    assert not narrowed
    _, image = merge_fields(before, [field("n", "n", content_type="Image"), field("t", "t")], SPEC, FEATURES)
    assert not image


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ([field("a"), field("a")], "used twice"),
        ([field("a", text_schema="{not json")], "text_schema is not valid JSON"),
        ([field("a", text_schema='{"type": "strang"}')], "not a valid JSON Schema"),
        ([field("a", key="1bad")], "is not valid"),
        ([field(f"f{i}") for i in range(6)], "more than this dataset allows"),
        ([field("")], "name is empty"),
    ],
)
def test_data_bad_schemas_are_refused_with_the_field_named(fields: list[FieldSchema], words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        new_fields(fields, SPEC, FEATURES)


def test_data_multimodal_fields_need_the_feature() -> None:
    with pytest.raises(InvalidInput, match="multiModal"):
        new_fields([field("img", content_type="Image")], SPEC, DatasetFeatures(multi_modal=False))


def test_data_text_values_are_checked_as_upstream_does() -> None:
    integer = field("n", "n", text_schema='{"type": "integer"}')
    assert validate_text(integer, "42") is None
    assert "not valid JSON" in (validate_text(integer, "2024-01-01") or "")
    assert "not of type 'integer'" in (validate_text(integer, "1.5") or "")
    # a string schema takes the text as it is; a boolean one ignores case
    assert validate_text(field("s", "s", text_schema='{"type": "string", "maxLength": 3}'), "abcd") is not None
    assert validate_text(field("s", "s", text_schema='{"type": "string"}'), "not json at all") is None
    assert validate_text(field("b", "b", schema_key=SchemaKey.BOOL), "TRUE") is None
    # the built-in message schema
    message = field("m", "m", schema_key=SchemaKey.MESSAGE)
    assert validate_text(message, '{"role": "user", "content": "hi"}') is None
    assert "role" in (validate_text(message, '{"content": "hi"}') or "")
    # nested problems say where they are
    nested = field("o", "o", text_schema='{"type": "object", "properties": {"x": {"type": "integer"}}}')
    assert "(at x)" in (validate_text(nested, '{"x": "no"}') or "")


def test_data_content_text_of_parts() -> None:
    parts = Content(content_type=ContentType.MULTI_PART, multi_part=[Content.of_text("a"), Content.of_text("b")])
    assert parts.as_text() == "a\nb"
