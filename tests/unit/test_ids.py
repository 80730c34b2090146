import pytest
from pydantic import BaseModel, ValidationError

from shared.ids import Int64, SnowflakeGenerator, new_id, parse_int64


class Thing(BaseModel):
    id: Int64


def test_ids_are_unique_and_increasing_within_a_process() -> None:
    ids = [new_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert all(0 < i < 2**63 for i in ids)


def test_generators_with_different_workers_never_collide_in_the_same_millisecond() -> None:
    first, second = SnowflakeGenerator(worker_id=1), SnowflakeGenerator(worker_id=2)
    assert not {first.next_id() for _ in range(5000)} & {second.next_id() for _ in range(5000)}


def test_int64_travels_as_a_string_and_accepts_both_forms() -> None:
    assert Thing(id="7496795200791511052").model_dump_json() == '{"id":"7496795200791511052"}'
    assert Thing(id=42).id == 42
    assert Thing.model_validate_json('{"id": " 12 "}').id == 12


@pytest.mark.parametrize("bad", [True, 1.5, "abc", "", None, "1e3", str(2**63), [1]])
def test_int64_rejects_what_is_not_an_integer(bad: object) -> None:
    with pytest.raises(ValidationError):
        Thing(id=bad)


def test_parse_int64_names_the_problem() -> None:
    with pytest.raises(ValueError, match="boolean"):
        parse_int64(False)
    with pytest.raises(ValueError, match="int64 range"):
        parse_int64(2**64)
