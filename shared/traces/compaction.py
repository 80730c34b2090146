"""Compaction: merges a partition's small files into one sorted file, each span once.

It runs every few minutes. Files already as big as BIG_FILE_BYTES are left alone, so a run's work is
bounded by the traffic since the last one, and a busy hour ends as a few big files instead of thousands
of small ones (each small file costs a query several S3 requests).

The merged file is written before the old files are deleted, and only the files that were read are
deleted. A crash between the two leaves both (readers keep one copy per span; the next run merges them
again); a crash before leaves the old files. So no run loses or duplicates a span, however it ends.
"""

import time
from collections import defaultdict
from dataclasses import dataclass

from shared.observability import logger
from shared.settings import get_settings
from shared.traces import parquet
from shared.traces.layout import HOUR_US, Partition
from shared.traces.settings import TraceSettings
from shared.traces.store import StoredFile, delete_keys, list_files, list_workspaces

# A partition is merged once its hour has been over this long (late spans still arrive for a while) ...
SETTLE_US = 5 * 60 * 1_000_000
# ... and looked at for this far back.
LOOKBACK_US = 48 * HOUR_US
BIG_FILE_BYTES = 64 << 20


@dataclass
class CompactionReport:
    partitions: int = 0
    files_merged: int = 0
    spans_written: int = 0
    unfinished: bool = False  # stopped for time; the next run goes on


def to_merge(files: list[StoredFile], partition: Partition, now_us: int) -> list[StoredFile]:
    """The partition's small files, if there are enough of them to be worth a merge; else nothing."""
    small = [file for file in files if file.size < BIG_FILE_BYTES]
    if len(small) < 2:
        return []
    settled = partition.hour_start_us + HOUR_US + SETTLE_US <= now_us
    return small if settled or len(small) >= get_settings(TraceSettings).compaction_min_files else []


def compact_partition(partition: Partition, files: list[StoredFile], now_us: int) -> int:
    target = partition.new_key("c", now_us)
    spans = parquet.merge_files([file.key for file in files], target)
    delete_keys([file.key for file in files])
    return spans


def compact(now_us: int, workspace_ids: list[str] | None = None, *, stop_at: float | None = None) -> CompactionReport:
    """Merges what needs it until `stop_at` (time.monotonic()); each run starts at another workspace, so a
    run that runs out of time does not always leave the same workspaces behind."""
    report = CompactionReport()
    workspaces = workspace_ids if workspace_ids is not None else list_workspaces()
    if workspaces:
        first = (now_us // 60_000_000) % len(workspaces)
        workspaces = workspaces[first:] + workspaces[:first]
    for workspace_id in workspaces:
        by_partition: dict[Partition, list[StoredFile]] = defaultdict(list)
        for file in list_files(workspace_id, now_us - LOOKBACK_US, now_us + HOUR_US):
            by_partition[file.partition].append(file)
        for partition, all_files in by_partition.items():
            if stop_at is not None and time.monotonic() > stop_at:
                report.unfinished = True
                return report
            files = to_merge(all_files, partition, now_us)
            if not files:
                continue
            try:
                report.spans_written += compact_partition(partition, files, now_us)
            except Exception:
                logger.exception("could not compact %s", partition.prefix)
                continue
            report.partitions += 1
            report.files_merged += len(files)
    return report
