"""The data module's objects in the files bucket: offloaded item payloads, version snapshots, exports.

Users' own uploads live under `<workspace_id>/...` (the foundation module's upload routes); ours live under
`datasets/<workspace_id>/<dataset_id>/...`, so a client-chosen uri can never name one of them.
"""

import gzip
import json
from collections.abc import Iterator
from typing import Any

from shared.aws import s3_client
from shared.data.settings import DataSettings
from shared.settings import get_settings


def settings() -> DataSettings:
    return get_settings(DataSettings)


def bucket() -> str:
    return settings().files_bucket_name


def dataset_prefix(workspace_id: int, dataset_id: int) -> str:
    return f"datasets/{workspace_id}/{dataset_id}/"


def row_payload_key(workspace_id: int, dataset_id: int, generation: int, item_id: int, written_at: int) -> str:
    return f"{rows_prefix(workspace_id, dataset_id)}{generation:06d}/{item_id}-{written_at}.json.gz"


def rows_prefix(workspace_id: int, dataset_id: int) -> str:
    return f"{dataset_prefix(workspace_id, dataset_id)}rows/"


def version_prefix(workspace_id: int, dataset_id: int, version_id: int) -> str:
    return f"{dataset_prefix(workspace_id, dataset_id)}versions/{version_id}/"


def export_key(workspace_id: int, dataset_id: int, job_id: int, extension: str) -> str:
    return f"{dataset_prefix(workspace_id, dataset_id)}exports/{job_id}.{extension}"


def owns_uri(workspace_id: int, uri: str) -> bool:
    """Whether a client-given object key is one of the workspace's own uploads."""
    return uri.startswith(f"{workspace_id}/") and ".." not in uri.split("/")


def sign_get(key: str, *, download_name: str | None = None) -> str:
    params: dict[str, Any] = {"Bucket": bucket(), "Key": key}
    if download_name:
        params["ResponseContentDisposition"] = f'attachment; filename="{download_name}"'
    url: str = s3_client().generate_presigned_url("get_object", Params=params, ExpiresIn=settings().presign_ttl_seconds)
    return url


def put_json_gz(key: str, value: Any) -> int:
    body = gzip.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(), compresslevel=5)
    s3_client().put_object(Bucket=bucket(), Key=key, Body=body, ContentType="application/json", ContentEncoding="gzip")
    return len(body)


def get_json_gz(key: str) -> Any:
    body = s3_client().get_object(Bucket=bucket(), Key=key)["Body"].read()
    return json.loads(gzip.decompress(body))


def put_bytes(key: str, body: bytes, content_type: str) -> None:
    s3_client().put_object(Bucket=bucket(), Key=key, Body=body, ContentType=content_type)


def get_bytes(key: str) -> bytes:
    body: bytes = s3_client().get_object(Bucket=bucket(), Key=key)["Body"].read()
    return body


def object_size(key: str) -> int | None:
    from botocore.exceptions import ClientError

    try:
        size: int = s3_client().head_object(Bucket=bucket(), Key=key)["ContentLength"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    return size


def stream(key: str, start: int = 0, chunk_size: int = 256 * 1024) -> Iterator[bytes]:
    """The object's bytes from `start`, a chunk at a time: a big file is never held whole."""
    from botocore.exceptions import ClientError

    request: dict[str, Any] = {"Bucket": bucket(), "Key": key}
    if start:
        request["Range"] = f"bytes={start}-"
    try:
        body = s3_client().get_object(**request)["Body"]
    except ClientError as error:
        if start and error.response.get("Error", {}).get("Code") == "InvalidRange":
            return  # resuming at the very end of the file: nothing is left
        raise
    try:
        yield from body.iter_chunks(chunk_size)
    finally:
        body.close()


def delete_keys(keys: list[str]) -> None:
    s3 = s3_client()
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        s3.delete_objects(Bucket=bucket(), Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True})


def list_keys(prefix: str) -> Iterator[str]:
    paginator = s3_client().get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket(), Prefix=prefix):
        for entry in page.get("Contents", []):
            yield entry["Key"]


class MultipartWriter:
    """Writes one object from many small pieces with bounded memory (S3 multipart, 8 MB parts)."""

    PART_BYTES = 8 * 1024 * 1024

    def __init__(self, key: str, content_type: str) -> None:
        self.key = key
        self.content_type = content_type
        self.buffer = bytearray()
        self.parts: list[Any] = []
        self.upload_id: str | None = None
        self.size = 0

    def write(self, data: bytes) -> None:
        self.buffer += data
        self.size += len(data)
        if len(self.buffer) >= self.PART_BYTES:
            self._flush_part()

    def _flush_part(self) -> None:
        s3 = s3_client()
        if self.upload_id is None:
            created = s3.create_multipart_upload(Bucket=bucket(), Key=self.key, ContentType=self.content_type)
            self.upload_id = created["UploadId"]
        number = len(self.parts) + 1
        part = s3.upload_part(
            Bucket=bucket(), Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=bytes(self.buffer)
        )
        self.parts.append({"ETag": part["ETag"], "PartNumber": number})
        self.buffer.clear()

    def close(self) -> None:
        if self.upload_id is None:  # small enough for one put
            put_bytes(self.key, bytes(self.buffer), self.content_type)
            return
        if self.buffer:
            self._flush_part()
        s3_client().complete_multipart_upload(
            Bucket=bucket(), Key=self.key, UploadId=self.upload_id, MultipartUpload={"Parts": self.parts}
        )

    def abort(self) -> None:
        if self.upload_id is not None:
            s3_client().abort_multipart_upload(Bucket=bucket(), Key=self.key, UploadId=self.upload_id)
