"""Where spans live on S3: a Hive layout partitioned by workspace and hour, the order time sorts in.

    spans/workspace_id=<id>/date=YYYY-MM-DD/hour=HH/<kind>-<created µs>-<random>.parquet

`kind` is `w` for a writer's file and `c` for a compacted one. A span always lands in the partition of its
own start time, so the copies of a retried span are always in the same partition.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

HOUR_US = 3_600_000_000
ROOT = "spans/"
RAW_ROOT = "raw/"  # ingest batches too big for an SQS message


@dataclass(frozen=True, order=True)
class Partition:
    workspace_id: str
    hour_start_us: int  # a multiple of HOUR_US

    @property
    def date(self) -> str:
        return datetime.fromtimestamp(self.hour_start_us / 1e6, UTC).strftime("%Y-%m-%d")

    @property
    def hour(self) -> str:
        return datetime.fromtimestamp(self.hour_start_us / 1e6, UTC).strftime("%H")

    @property
    def prefix(self) -> str:
        return f"{workspace_prefix(self.workspace_id)}date={self.date}/hour={self.hour}/"

    def new_key(self, kind: str, now_us: int) -> str:
        return f"{self.prefix}{kind}-{now_us:017d}-{secrets.token_hex(6)}.parquet"


def workspace_prefix(workspace_id: str) -> str:
    return f"{ROOT}workspace_id={workspace_id}/"


def partition_of(workspace_id: str, start_us: int) -> Partition:
    return Partition(workspace_id, start_us - start_us % HOUR_US)


def partition_of_key(key: str) -> Partition:
    """The partition of an object key written by this module."""
    parts = dict(part.split("=", 1) for part in key.split("/") if "=" in part)
    moment = datetime.strptime(f"{parts['date']} {parts['hour']}", "%Y-%m-%d %H").replace(tzinfo=UTC)
    return Partition(parts["workspace_id"], int(moment.timestamp()) * 1_000_000)


def hour_label(hour_start_us: int) -> str:
    """`YYYY-MM-DD/HH`, the trace index's name for an hour partition."""
    return datetime.fromtimestamp(hour_start_us / 1e6, UTC).strftime("%Y-%m-%d/%H")


def hour_of_label(label: str) -> int:
    moment = datetime.strptime(label, "%Y-%m-%d/%H").replace(tzinfo=UTC)
    return int(moment.timestamp()) * 1_000_000
