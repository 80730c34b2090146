"""Rows → a Parquet file, and files → one merged file, both written by DuckDB (no pyarrow needed).

Rows reach DuckDB as newline-delimited JSON read with the store's exact column types. Every file is
sorted by start time and holds each (trace_id, span_id) once, the latest copy.
"""

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from shared.aws import s3_client
from shared.traces import duck
from shared.traces.rows import COLUMNS, LATEST_COPY
from shared.traces.store import bucket, s3_url

_JSON_COLUMNS = "{" + ", ".join(f"{name}: '{types[0]}'" for name, types in COLUMNS.items()) + "}"
# Row groups of this many rows keep min/max statistics selective for time-window and keyset reads.
ROW_GROUP_SIZE = 50_000


@contextmanager
def _scratch(suffix: str) -> Iterator[str]:
    os.makedirs("/tmp/duckdb", exist_ok=True)
    handle, path = tempfile.mkstemp(suffix=suffix, dir="/tmp/duckdb")
    os.close(handle)
    try:
        yield path
    finally:
        os.unlink(path)


def _copy_sorted(select: str, key: str) -> None:
    with _scratch(".parquet") as target:
        duck.cursor().execute(
            f"COPY ({select} ORDER BY start_time) TO '{target}' "
            f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_SIZE})"
        )
        s3_client().upload_file(target, bucket(), key)


def write_rows(key: str, rows: list[dict[str, Any]]) -> None:
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        span = (row["trace_id"], row["span_id"])
        if span not in latest or row["ingested_at"] >= latest[span]["ingested_at"]:
            latest[span] = row
    with _scratch(".ndjson") as source:
        with open(source, "w", encoding="utf-8") as out:
            for row in latest.values():
                out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
                out.write("\n")
        columns = ", ".join(COLUMNS)
        _copy_sorted(
            f"SELECT {columns} FROM read_json('{source}', format='newline_delimited', columns={_JSON_COLUMNS}, "
            "maximum_object_size=134217728)",
            key,
        )


def merge_files(keys: list[str], target_key: str) -> int:
    """Writes the union of `keys`, one copy per span, to `target_key`; returns the number of spans."""
    sources = ", ".join(f"'{s3_url(key)}'" for key in keys)
    columns = ", ".join(COLUMNS)
    select = f"SELECT {columns} FROM read_parquet([{sources}], hive_partitioning = false) QUALIFY {LATEST_COPY} = 1"
    _copy_sorted(select, target_key)
    result = duck.cursor().execute(f"SELECT count(*) FROM read_parquet('{s3_url(target_key)}')").fetchone()
    return int(result[0]) if result else 0
