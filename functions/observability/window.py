"""The time window of a query: validated, capped at 180 days, and never reaching into expired spans."""

from dataclasses import dataclass

from shared.clock import now_ms
from shared.errors import InvalidInput
from shared.traces.query.builder import SpanScope
from shared.traces.query.filters import FilterFields
from shared.traces.retention import retention_start_us

MAX_WINDOW_MS = 180 * 24 * 3600 * 1000


@dataclass(frozen=True)
class Window:
    start_us: int
    end_us: int


def window(workspace_id: int, start_ms: int, end_ms: int) -> Window:
    if start_ms <= 0 or end_ms <= 0:
        raise InvalidInput("start_time and end_time are epoch milliseconds and both are required")
    if start_ms > end_ms:
        raise InvalidInput("start_time must not be after end_time")
    if end_ms - start_ms > MAX_WINDOW_MS:
        raise InvalidInput("the time range may span at most 180 days")
    floor = retention_start_us(str(workspace_id), now_ms() * 1000)
    return Window(max(start_ms * 1000, floor), end_ms * 1000 + 999)


def query_scope(
    workspace_id: int,
    start_ms: int,
    end_ms: int,
    *,
    platform_type: str | None,
    span_list_type: str | None = None,
    filters: FilterFields | None = None,
) -> SpanScope:
    """The spans a console or OpenAPI request is about; platform_type defaults to the SDK's own spans."""
    span_window = window(workspace_id, start_ms, end_ms)
    return SpanScope(
        str(workspace_id),
        span_window.start_us,
        span_window.end_us,
        platform_type or "cozeloop",
        span_list_type,
        filters,
    )
