"""Compaction: merges a partition's small files into one sorted file, each span once.

The merged file is written before the old files are deleted, and only the files that were read are
deleted. A crash between the two leaves both (readers keep one copy per span; the next run merges them
again); a crash before leaves the old files. So no run loses or duplicates a span, however it ends.
"""

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


@dataclass
class CompactionReport:
    partitions: int = 0
    files_merged: int = 0
    spans_written: int = 0


def needs_compaction(files: list[StoredFile], partition: Partition, now_us: int) -> bool:
    if len(files) < 2:
        return False
    settled = partition.hour_start_us + HOUR_US + SETTLE_US <= now_us
    return settled or len(files) >= get_settings(TraceSettings).compaction_min_files


def compact_partition(
    partition: Partition, files: list[StoredFile], now_us: int, *, crash_after_write: bool = False
) -> int:
    target = partition.new_key("c", now_us)
    spans = parquet.merge_files([file.key for file in files], target)
    if crash_after_write:  # tests stop here to prove a half-done run is safe
        raise RuntimeError("compaction stopped after writing the merged file")
    delete_keys([file.key for file in files])
    return spans


def compact(now_us: int, workspace_ids: list[str] | None = None) -> CompactionReport:
    report = CompactionReport()
    for workspace_id in workspace_ids if workspace_ids is not None else list_workspaces():
        by_partition: dict[Partition, list[StoredFile]] = defaultdict(list)
        for file in list_files(workspace_id, now_us - LOOKBACK_US, now_us):
            by_partition[file.partition].append(file)
        for partition, files in by_partition.items():
            if not needs_compaction(files, partition, now_us):
                continue
            try:
                report.spans_written += compact_partition(partition, files, now_us)
            except Exception:
                logger.exception("could not compact %s", partition.prefix)
                continue
            report.partitions += 1
            report.files_merged += len(files)
    return report
