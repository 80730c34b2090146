"""The writer: ingested batches → one Parquet file per (workspace, hour) partition, then the trace index.

Messages are never deleted before their rows are in a file, so a crash loses nothing: SQS delivers the
messages again and the rows are written again. Copies of a span (redeliveries, client retries) are
harmless because every reader keeps one copy per (trace_id, span_id) and compaction removes the rest.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from shared.observability import logger
from shared.traces import index, parquet
from shared.traces.layout import Partition, partition_of
from shared.traces.retention import DAY_US, ttl_days


@dataclass
class Batch:
    """Rows of several messages grouped by partition, remembering which message each came from."""

    rows: dict[Partition, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    sources: dict[Partition, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, message_id: str, workspace_id: str, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            partition = partition_of(workspace_id, row["start_time"])
            self.rows[partition].append(row)
            self.sources[partition].add(message_id)


def write_batch(batch: Batch, now_us: int) -> set[str]:
    """Writes every partition; returns the ids of the messages whose rows could not all be stored."""
    failed: set[str] = set()
    for partition, rows in batch.rows.items():
        try:
            parquet.write_rows(partition.new_key("w", now_us), rows)
            _index(partition, rows)
        except Exception:
            logger.exception("could not store %d spans of %s", len(rows), partition.prefix)
            failed |= batch.sources[partition]
    return failed


def _index(partition: Partition, rows: list[dict[str, Any]]) -> None:
    traces: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        traces[row["trace_id"]].add(partition.hour_start_us)
    expires_us = partition.hour_start_us + (ttl_days(partition.workspace_id) + 1) * DAY_US
    index.record(partition.workspace_id, traces, expires_us // 1_000_000)
