"""Spans the platform itself records (model calls, prompt runs, evaluations), in the SDK's upload shape.

Everything goes through `write_spans`, which queues them for the trace store exactly as ingest does, with
their own call_type (PromptDebug, Evaluator, ...) that the console's platform filter selects on.
"""

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pydantic import BaseModel, Field

from shared.observability import logger


class UploadSpan(BaseModel):
    """The 21 keys of `/v1/loop/traces/ingest` (reference/sdk-contract.md section 7.3), and upstream's
    `call_type`, which only the platform's own spans may set."""

    started_at_micros: int
    log_id: str = ""
    span_id: str = Field(default_factory=lambda: secrets.token_hex(8))
    parent_id: str = "0"
    trace_id: str = Field(default_factory=lambda: secrets.token_hex(16))
    duration_micros: int = 0
    service_name: str = ""
    workspace_id: str
    span_name: str
    span_type: str
    status_code: int = 0
    input: str = ""
    output: str = ""
    object_storage: str = ""
    system_tags_string: dict[str, str] = Field(default_factory=dict)
    system_tags_long: dict[str, int] = Field(default_factory=dict)
    system_tags_double: dict[str, float] = Field(default_factory=dict)
    tags_string: dict[str, str] = Field(default_factory=dict)
    tags_long: dict[str, int] = Field(default_factory=dict)
    tags_double: dict[str, float] = Field(default_factory=dict)
    tags_bool: dict[str, bool] = Field(default_factory=dict)
    call_type: str = "Custom"


SpanSink = Callable[[list[UploadSpan]], None]


def _store_sink(spans: list[UploadSpan]) -> None:
    from shared.clock import now_ms
    from shared.traces.ingest_queue import publish
    from shared.traces.normalize import normalize_batch

    batch = normalize_batch([span.model_dump() for span in spans], now_ms() * 1000, trusted=True)
    for problem in batch.problems:
        logger.warning("platform span rejected: %s", problem)
    for workspace_id, rows in batch.rows.items():
        publish(workspace_id, rows)


_sink: SpanSink = _store_sink


def set_span_sink(sink: SpanSink) -> SpanSink:
    """Routes every later span to `sink`; returns the previous one (the observability module, and tests)."""
    global _sink
    previous, _sink = _sink, sink
    return previous


_buffer: ContextVar[list[UploadSpan] | None] = ContextVar("span_buffer", default=None)


@contextmanager
def buffered_spans() -> Iterator[None]:
    """Collects the spans written inside the block (in this context and copies of it, such as pool threads
    started with `contextvars.copy_context().run`) and writes them at its end in one batch: one queue message
    for a whole evaluation item instead of one per model call."""
    spans: list[UploadSpan] = []
    token = _buffer.set(spans)
    try:
        yield
    finally:
        _buffer.reset(token)
        write_spans(spans)


def write_spans(spans: list[UploadSpan]) -> None:
    """Never raises: losing a span must not fail the call it describes, so failures are logged instead."""
    if not spans:
        return
    buffer = _buffer.get()
    if buffer is not None:
        buffer.extend(spans)
        return
    try:
        _sink(spans)
    except Exception:
        logger.exception("could not write %d span(s)", len(spans))
