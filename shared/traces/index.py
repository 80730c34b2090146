"""The trace index (DynamoDB): which hour partitions hold a trace's spans."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from shared.traces.layout import hour_label, hour_of_label
from shared.traces.models import TraceIndexItem

_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="trace-index")


def record(workspace_id: str, trace_hours: dict[str, set[int]], expires_at: int) -> None:
    """Adds hours to each trace's item; ADD on a set is idempotent, so a redelivered batch changes nothing."""

    def one(trace_id: str, hours: set[int]) -> None:
        TraceIndexItem(workspace_id, trace_id).update(
            actions=[
                TraceIndexItem.hours.add({hour_label(hour) for hour in hours}),
                TraceIndexItem.expires_at.set(expires_at),
            ]
        )

    list(_pool.map(lambda item: one(*item), trace_hours.items()))


def hours_of(workspace_id: str, trace_ids: list[str]) -> dict[str, list[int]]:
    """Trace id → hour starts (µs), for the traces the index knows."""
    found: dict[str, list[int]] = {}
    keys: list[Any] = [(workspace_id, trace_id) for trace_id in dict.fromkeys(trace_ids)]
    for item in TraceIndexItem.batch_get(keys):
        found[item.trace_id] = sorted(hour_of_label(label) for label in item.hours or set())
    return found
