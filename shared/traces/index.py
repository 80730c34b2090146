"""The trace index (DynamoDB): which hour partitions hold a trace's spans."""

from concurrent.futures import ThreadPoolExecutor

from shared.traces.layout import hour_label, hour_of_label
from shared.traces.models import TraceIndexItem

_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="trace-index")


def record(workspace_id: str, trace_hours: dict[str, set[int]], expires_at: int) -> None:
    """An item per (trace, hour), put 25 to a request: the writer stores a partition's spans in one file and
    indexes all its traces with a few requests instead of an update each."""
    with TraceIndexItem.batch_write() as batch:
        for trace_id, hours in trace_hours.items():
            for hour in hours:
                batch.save(TraceIndexItem(workspace_id, f"{trace_id}#{hour_label(hour)}", expires_at=expires_at))


def hours_of(workspace_id: str, trace_ids: list[str]) -> dict[str, list[int]]:
    """Trace id → hour starts (µs), for the traces the index knows (a query each, in parallel)."""
    unique = list(dict.fromkeys(trace_ids))
    found = dict(zip(unique, _pool.map(lambda trace_id: _hours(workspace_id, trace_id), unique), strict=True))
    return {trace_id: hours for trace_id, hours in found.items() if hours}


def knows(workspace_id: str, trace_id: str) -> bool:
    return bool(_hours(workspace_id, trace_id))


def _hours(workspace_id: str, trace_id: str) -> list[int]:
    labels: set[str] = set()
    for item in TraceIndexItem.query(workspace_id, TraceIndexItem.trace_hour.startswith(trace_id)):
        key, _, label = item.trace_hour.partition("#")
        if key == trace_id:  # not another trace whose id starts with this one
            labels |= {label} if label else set(item.hours or ())
    return sorted(hour_of_label(label) for label in labels)
