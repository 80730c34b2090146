"""Limits of datasets and evaluation sets, read from `LOOP_DATA_*` like every other setting."""

from pydantic import Field

from shared.settings import StorageSettings


class DataSettings(StorageSettings):
    # Upstream caps datasets at 30,000 items and evaluation sets at 5,000; snapshots on S3 make more cheap.
    data_max_item_count: int = Field(default=100_000, ge=1)
    data_max_item_count_limit: int = Field(default=1_000_000, ge=1)  # what a dataset's spec may ask for
    data_max_field_count: int = Field(default=50, ge=1, le=200)
    data_max_item_size: int = Field(default=1_048_576, ge=1024)  # bytes of an item's JSON
    # DynamoDB holds 400 KB an item; a payload above this goes to S3 and the row keeps a clipped preview.
    data_offload_bytes: int = Field(default=200_000, ge=1024, le=350_000)
    data_preview_chars: int = Field(default=1000, ge=100)
    # Versions of at most this many items are snapshotted inside the request; larger ones by the worker.
    data_sync_snapshot_items: int = Field(default=1000, ge=0)
    data_snapshot_chunk_items: int = Field(default=1000, ge=10)
    # How long a snapshot's write lock holds without being renewed (a dead worker's lock then expires).
    data_snapshot_lock_s: int = Field(default=300, ge=30)
    data_import_batch_rows: int = Field(default=90, ge=1, le=95)
