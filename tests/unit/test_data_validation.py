"""Item validation: each problem becomes its upstream ItemErrorType, with a message naming field and turn."""

from typing import Any

import pytest

from shared.data.content import Content, ContentType
from shared.data.entities import (
    Dataset,
    DatasetFeatures,
    DatasetSpec,
    FieldData,
    FieldSchema,
    FieldStatus,
    ItemErrorType,
    MultiModalSpec,
    Turn,
)
from shared.data.validation import ErrorCollector, ItemChecker

WORKSPACE = 7


def dataset(repeated: bool = False, max_item_size: int = 10_000) -> Dataset:
    return Dataset(
        dataset_id=1,
        workspace_id=WORKSPACE,
        name="d",
        spec=DatasetSpec(max_item_count=10, max_field_count=10, max_item_size=max_item_size),
        features=DatasetFeatures(repeated_data=repeated),
        fields=[
            FieldSchema(key="q", name="question", is_required=True),
            FieldSchema(key="n", name="n", text_schema='{"type": "integer"}'),
            FieldSchema(key="img", name="img", content_type=ContentType.IMAGE),
            FieldSchema(
                key="mix",
                name="mix",
                content_type=ContentType.MULTI_PART,
                multi_model_spec=MultiModalSpec(max_part_count=3, max_file_count=1),
            ),
            FieldSchema(key="old", name="old", status=FieldStatus.DELETED),
        ],
    )


def turn(turn_id: int = 0, **cells: Any) -> Turn:
    data = []
    for name, value in cells.items():
        content = value if isinstance(value, Content) else Content.of_text(value)
        data.append(FieldData(name=name, content=content))
    return Turn(id=turn_id, field_data_list=data)


def image(uri: str | None = None, url: str | None = None) -> Content:
    return Content.model_validate({"content_type": "Image", "image": {"uri": uri, "url": url}})


def test_data_a_valid_item_is_normalised() -> None:
    # Given cells named by field name, one empty
    turns, problem = ItemChecker(dataset()).check([turn(question="what?", n="3", img=image(uri=f"{WORKSPACE}/a.png"))])
    # Then keys are filled in, empty cells dropped, and client urls of uploaded files removed (signed on read)
    assert problem is None
    cells = turns[0].field_data_list
    assert [(c.key, c.name) for c in cells] == [("q", "question"), ("n", "n"), ("img", "img")]
    assert cells[2].content and cells[2].content.image and cells[2].content.image.url is None


@pytest.mark.parametrize(
    ("turns", "kind", "words"),
    [
        ([turn(question="q", n="x1")], ItemErrorType.MISMATCH_SCHEMA, "field 'n'"),
        ([turn(question="q", nope="1")], ItemErrorType.MISMATCH_SCHEMA, "not in the schema"),
        ([turn(question="q", old="1")], ItemErrorType.MISMATCH_SCHEMA, "was deleted"),
        ([turn(question="q", img=Content.of_text("a picture"))], ItemErrorType.MISMATCH_SCHEMA, "holds Image"),
        ([turn(question="q", img=image(uri="99/other.png"))], ItemErrorType.ILLEGAL_CONTENT, "not a file of this"),
        ([turn(question="q", img=image(url="ftp://x/a.png"))], ItemErrorType.MISMATCH_SCHEMA, "http"),
        ([turn(n="1")], ItemErrorType.MISSING_REQUIRED_FIELD, "question"),
        ([turn(question="")], ItemErrorType.EMPTY_DATA, "empty"),
        ([], ItemErrorType.EMPTY_DATA, "no turns"),
        ([turn(1, question="a"), turn(2, question="b")], ItemErrorType.MISMATCH_SCHEMA, "single-turn"),
        ([turn(question="x" * 20_000)], ItemErrorType.EXCEED_MAX_ITEM_SIZE, "at most 10000 bytes"),
    ],
)
def test_data_each_problem_has_its_error_type(turns: list[Turn], kind: ItemErrorType, words: str) -> None:
    _, problem = ItemChecker(dataset()).check(turns)
    assert problem is not None and problem.kind == kind
    assert words in problem.message


def test_data_multi_part_limits() -> None:
    two_images = Content(
        content_type=ContentType.MULTI_PART,
        multi_part=[image(url="https://x/a.png"), image(url="https://x/b.png")],
    )
    _, problem = ItemChecker(dataset()).check([turn(question="q", mix=two_images)])
    assert problem is not None and problem.kind == ItemErrorType.EXCEED_MAX_IMAGE_COUNT
    many = Content(content_type=ContentType.MULTI_PART, multi_part=[Content.of_text(str(i)) for i in range(4)])
    _, problem = ItemChecker(dataset()).check([turn(question="q", mix=many)])
    assert problem is not None and problem.kind == ItemErrorType.EXCEED_MAX_PART_COUNT
    fine = Content(content_type=ContentType.MULTI_PART, multi_part=[Content(text="caption"), image(url="https://x/a")])
    turns, problem = ItemChecker(dataset()).check([turn(question="q", mix=fine)])
    assert problem is None and turns[0].field_data_list[1].content is not None


def test_data_multi_turn_items_get_turn_ids() -> None:
    checker = ItemChecker(dataset(repeated=True))
    turns, problem = checker.check([turn(question="a"), turn(question="b")])
    assert problem is None and len({t.id for t in turns}) == 2 and all(t.id for t in turns)
    _, problem = checker.check([turn(5, question="a"), turn(5, question="b")])
    assert problem is not None and "used twice" in problem.message
    _, problem = checker.check([turn(question="a"), turn(n="1")])
    assert problem is not None and problem.kind == ItemErrorType.MISSING_REQUIRED_FIELD and "turn 1" in problem.message


def test_data_errors_are_grouped_with_at_most_five_details() -> None:
    errors = ErrorCollector(max_details=5)
    for index in range(8):
        errors.add(ItemErrorType.EMPTY_DATA, "empty", index=index)
    errors.add(ItemErrorType.MISMATCH_SCHEMA, "bad", index=9)
    groups = errors.result()
    assert [(g.type, g.error_count, len(g.details)) for g in groups] == [(1, 1, 1), (2, 8, 5)]
    assert "EMPTY_DATA x8" in errors.describe()
    merged = ErrorCollector()
    merged.merge(groups, index_of=list(range(100, 110)))
    assert merged.result()[0].details[0].index == 109
