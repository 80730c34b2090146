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
    """Rows of several messages grouped by partition, and within it by the message they came from."""

    rows: dict[Partition, dict[str, list[dict[str, Any]]]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, message_id: str, workspace_id: str, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self.rows[partition_of(workspace_id, row["start_time"])].setdefault(message_id, []).append(row)


def _store(partition: Partition, rows: list[dict[str, Any]], now_us: int) -> bool:
    try:
        parquet.write_rows(partition.new_key("w", now_us), rows)
        _index(partition, rows)
        return True
    except Exception:
        logger.exception("could not store %d spans of %s", len(rows), partition.prefix)
        return False


def write_batch(batch: Batch, now_us: int) -> set[str]:
    """Writes one file per partition; returns the ids of the messages whose rows could not all be stored.

    When a partition's file cannot be written, its messages are tried one by one, so a message that cannot
    be stored fails alone (and ends in the dead-letter queue) instead of taking its neighbours with it.
    """
    failed: set[str] = set()
    for partition, by_message in batch.rows.items():
        if _store(partition, [row for rows in by_message.values() for row in rows], now_us):
            continue
        if len(by_message) == 1:
            failed |= by_message.keys()
            continue
        failed |= {message_id for message_id, rows in by_message.items() if not _store(partition, rows, now_us)}
    return failed


def _index(partition: Partition, rows: list[dict[str, Any]]) -> None:
    traces: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        traces[row["trace_id"]].add(partition.hour_start_us)
    expires_us = partition.hour_start_us + (ttl_days(partition.workspace_id) + 1) * DAY_US
    index.record(partition.workspace_id, traces, expires_us // 1_000_000)
