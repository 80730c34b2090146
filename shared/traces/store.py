"""The Parquet files of the trace store on S3: listing them by time window, and the raw-batch side store."""

import gzip
import json
from dataclasses import dataclass
from typing import Any

from shared.aws import s3_client
from shared.settings import get_settings
from shared.traces.layout import RAW_ROOT, Partition, partition_of, partition_of_key, workspace_prefix
from shared.traces.settings import TraceSettings


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    partition: Partition


def bucket() -> str:
    return get_settings(TraceSettings).traces_bucket_name


def s3_url(key: str) -> str:
    return f"s3://{bucket()}/{key}"


def list_files(workspace_id: str, start_us: int, end_us: int) -> list[StoredFile]:
    """The files of the hour partitions that overlap [start_us, end_us], in time order.

    Keys sort by time (date=, then hour=), so the listing starts at the first hour and stops after the last.
    """
    first, last = partition_of(workspace_id, start_us), partition_of(workspace_id, end_us)
    paginator = s3_client().get_paginator("list_objects_v2")
    pages = paginator.paginate(Bucket=bucket(), Prefix=workspace_prefix(workspace_id), StartAfter=first.prefix[:-1])
    files: list[StoredFile] = []
    for page in pages:
        for entry in page.get("Contents", []):
            key = entry["Key"]
            if not key.endswith(".parquet"):
                continue
            partition = partition_of_key(key)
            if partition > last:
                return files
            files.append(StoredFile(key, entry["Size"], partition))
    return files


def list_partition(partition: Partition) -> list[StoredFile]:
    response = s3_client().list_objects_v2(Bucket=bucket(), Prefix=partition.prefix)
    return [
        StoredFile(entry["Key"], entry["Size"], partition)
        for entry in response.get("Contents", [])
        if entry["Key"].endswith(".parquet")
    ]


def files_in_hours(workspace_id: str, hours: list[int]) -> list[StoredFile]:
    files: list[StoredFile] = []
    for hour in sorted(set(hours)):
        files += list_partition(Partition(workspace_id, hour))
    return files


def list_workspaces() -> list[str]:
    paginator = s3_client().get_paginator("list_objects_v2")
    workspaces: list[str] = []
    for page in paginator.paginate(Bucket=bucket(), Prefix="spans/", Delimiter="/"):
        for prefix in page.get("CommonPrefixes", []):
            workspaces.append(prefix["Prefix"].removeprefix("spans/workspace_id=").rstrip("/"))
    return workspaces


def put_raw_batch(key: str, payload: bytes) -> None:
    body = gzip.compress(payload, compresslevel=1)
    s3_client().put_object(Bucket=bucket(), Key=f"{RAW_ROOT}{key}", Body=body, ContentEncoding="gzip")


def get_raw_batch(key: str) -> dict[str, Any]:
    body = s3_client().get_object(Bucket=bucket(), Key=f"{RAW_ROOT}{key}")["Body"].read()
    payload: dict[str, Any] = json.loads(gzip.decompress(body))
    return payload


def delete_keys(keys: list[str]) -> None:
    s3 = s3_client()
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        s3.delete_objects(Bucket=bucket(), Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True})
