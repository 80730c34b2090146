"""The trace index: an item per (trace, hour), written in batches, and items of the earlier shape still read."""

from collections.abc import Iterator

import pytest
from moto import mock_aws

from shared.traces import index
from shared.traces.layout import HOUR_US
from shared.traces.models import TraceIndexItem

WORKSPACE = "5"
HOUR = 1_764_000_000_000_000  # 2025-11-24 16:00 UTC, in µs


@pytest.fixture(autouse=True)
def aws() -> Iterator[None]:
    with mock_aws():
        TraceIndexItem.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        yield


def test_hours_of_a_trace_written_by_several_batches() -> None:
    index.record(WORKSPACE, {"a" * 32: {HOUR}, "b" * 32: {HOUR + HOUR_US}}, expires_at=2_000_000_000)
    index.record(WORKSPACE, {"a" * 32: {HOUR + 2 * HOUR_US}}, expires_at=2_000_000_000)
    index.record(WORKSPACE, {"a" * 32: {HOUR}}, expires_at=2_000_000_000)  # a redelivered batch

    assert index.hours_of(WORKSPACE, ["a" * 32, "b" * 32, "c" * 32]) == {
        "a" * 32: [HOUR, HOUR + 2 * HOUR_US],
        "b" * 32: [HOUR + HOUR_US],
    }
    assert index.hours_of("6", ["a" * 32]) == {}  # another workspace's index
    assert index.knows(WORKSPACE, "b" * 32) and not index.knows(WORKSPACE, "c" * 32)


def test_many_traces_are_indexed_in_batches_of_25() -> None:
    traces = {f"{n:032x}": {HOUR} for n in range(60)}
    index.record(WORKSPACE, traces, expires_at=2_000_000_000)

    assert sum(1 for _ in TraceIndexItem.query(WORKSPACE)) == 60
    assert index.hours_of(WORKSPACE, list(traces)[-3:]) == {trace_id: [HOUR] for trace_id in list(traces)[-3:]}


def test_a_trace_whose_id_starts_another_does_not_borrow_its_hours() -> None:
    index.record(WORKSPACE, {"abc": {HOUR}, "abcdef": {HOUR + HOUR_US}}, expires_at=2_000_000_000)

    assert index.hours_of(WORKSPACE, ["abc"]) == {"abc": [HOUR]}
    assert not index.knows(WORKSPACE, "ab")


def test_items_of_the_earlier_shape_are_still_read() -> None:
    """Before the hour moved into the key, one item per trace held its hours in a set."""
    TraceIndexItem(WORKSPACE, "d" * 32, hours={"2025-11-24/16", "2025-11-24/17"}, expires_at=2_000_000_000).save()
    index.record(WORKSPACE, {"d" * 32: {HOUR + 5 * HOUR_US}}, expires_at=2_000_000_000)

    assert index.hours_of(WORKSPACE, ["d" * 32]) == {"d" * 32: [HOUR, HOUR + HOUR_US, HOUR + 5 * HOUR_US]}
